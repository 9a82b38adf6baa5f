"""Stage 1, load: read YAML files safely and remember where every value is.

Values come back as plain Python data (dicts, lists, strings, numbers, dates);
``Source.where(path)`` gives the line and column of any value, so later stages
can point at the exact spot of a mistake.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from brochure.defaults import MAX_FIELD_CHARACTERS, MAX_YAML_BYTES, MAX_YAML_VALUES
from brochure.problems import Location, Problems, relative_name

KeyPath = tuple[str | int, ...]

# libyaml's parser when PyYAML has it (about ten times faster), else Python's;
# both keep the line and column of every node and construct only plain data.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The parser's wording (PyYAML's or libyaml's), and what a person editing a
# text file should do about it.
_YAML_HINTS = {
    "mapping values are not allowed": (
        "A value seems to contain ': ' (colon and space). Put the whole text in "
        'double quotes, or write it as a block starting with "|" on the line above.'
    ),
    "could not find expected ':'": (
        "A line is missing its 'name: value' colon, or a quoted text is not closed."
    ),
    "found undefined alias": "An '*' at the start of a value must be quoted.",
    "expected <block end>, but found": (
        "The indentation of this line does not match the lines above it."
    ),
}


@dataclass
class Source:
    """One YAML file: its data, and the position of every value in it."""

    path: Path
    data: Any
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    # Plain values that YAML read as something else than text, as they were
    # typed: 0626132321 (an octal number to YAML), no, 1:30, 2025-05-18.
    typed: dict[KeyPath, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return relative_name(self.path)

    def where(self, path: KeyPath = (), *, key: bool = False) -> Location:
        """The location of a value; for a missing value, its closest parent."""
        table = self.key_positions if key else self.positions
        while path and path not in table:
            path = path[:-1]
            table = self.positions
        line, column = table.get(path, (None, None))
        return Location(self.name, line, column)


def field_name(path: KeyPath) -> str:
    """A value's path as a user reads it: sections.democracy.title, languages[2]."""
    return ".".join(f"[{p + 1}]" if isinstance(p, int) else str(p) for p in path)\
        .replace(".[", "[")


def load_yaml(path: Path, problems: Problems) -> Source | None:
    """Read one YAML file; report a problem and return None when it cannot be read."""
    name = relative_name(path)
    try:
        if (size := path.stat().st_size) > MAX_YAML_BYTES:
            problems.error(f"this file is {size / 1e6:.1f} MB; a content file may be at "
                           f"most {MAX_YAML_BYTES / 1e6:g} MB", Location(name),
                           hint="Check that it is the right file; split long texts.")
            return None
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.error("this file does not exist", Location(name),
                       hint="Create it, or check the folder name.")
        return None
    except UnicodeDecodeError as exc:
        problems.error("this file is not saved as UTF-8 text", Location(name),
                       hint=f"Save it as UTF-8 in your editor (byte {exc.start} is invalid).")
        return None
    return parse_yaml(text, path, problems)


def parse_yaml(text: str, path: Path, problems: Problems) -> Source | None:
    """Parse YAML text with the safe loader, keeping positions."""
    source = Source(path, None)
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        source.data = {} if node is None else _to_python(node, (), source, loader, problems)
    except _TooManyValues as exc:
        problems.error(f"this file holds more than {MAX_YAML_VALUES:,} values once its "
                       "repeats (YAML aliases, '*name') are expanded", exc.location,
                       hint="Write the values out instead of repeating them with aliases.")
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        location = Location(source.name, mark.line + 1, mark.column + 1) if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        hint = next((h for key, h in _YAML_HINTS.items() if problem.startswith(key)),
                    "Check the indentation and quotes on this line and the one above.")
        if mark and _character_at(text, mark.line, mark.column) == "\t":
            hint = "A tab character is used for indenting. Indent with spaces only."
        problems.error(f"this is not valid YAML ({problem})", location, hint=hint)
        return None
    except yaml.YAMLError as exc:
        problems.error(f"this is not valid YAML ({exc})", Location(source.name))
        return None
    finally:
        loader.dispose()
    return source


def _character_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    return lines[line][column:column + 1] if line < len(lines) else ""


class _TooManyValues(Exception):
    def __init__(self, location: Location):
        self.location = location


def _to_python(node: yaml.Node, path: KeyPath, source: Source,
               loader: Any, problems: Problems) -> Any:
    source.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    # An alias is the same node met again, so a few lines can stand for billions
    # of values ("billion laughs"): count every value met, repeats included.
    if len(source.positions) > MAX_YAML_VALUES:
        raise _TooManyValues(source.where(path))
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int) or isinstance(key, bool):
                key = str(key)
            key_path = (*path, key)
            source.key_positions[key_path] = (key_node.start_mark.line + 1,
                                              key_node.start_mark.column + 1)
            if key in result:
                problems.error(f"'{key}' is given twice", source.where(key_path, key=True),
                               hint="Keep one of them and delete the other.")
            result[key] = _to_python(value_node, key_path, source, loader, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, (*path, index), source, loader, problems)
                for index, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)  # the only other kind of node
    if len(node.value) > MAX_FIELD_CHARACTERS:
        problems.error(f"this text is {len(node.value):,} characters long; a field may "
                       f"hold at most {MAX_FIELD_CHARACTERS:,}", source.where(path),
                       field=field_name(path), hint="Shorten it, or split it over sections.")
        return ""
    value = loader.construct_object(node, deep=True)
    if not isinstance(value, str) and not node.style:  # plain, not quoted
        source.typed[path] = node.value
    return value


def text_fields(data: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    """Every text value of a YAML file, with its path."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from text_fields(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from text_fields(value, (*path, index))
    elif isinstance(data, str):
        yield path, data

"""Writing a translation back into its text file, keeping the file's shape.

ruamel.yaml's round-trip mode changes only the fields whose text changed, so
the file keeps its comments, key order and block styles: a file exported and
imported unchanged stays byte for byte the same.
"""

from __future__ import annotations

import copy
import io
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from brochure.problems import Location, Problems, relative_name
from brochure.translation.translations import (
    TextFiles,
)

FOLD_WIDTH = 76   # the longest line of a '>' text written by import, indent included


# --- writing the text file and the lock ---------------------------------------------------

def _round_trip_yaml() -> YAML:
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096          # never re-wrap a plain text
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def updated_yaml(files: TextFiles, language: str, updates: dict[str, str],
                  problems: Problems) -> str | None:
    """The text file with ``updates`` applied; everything else as it was."""
    path = files.text_path(language)
    document = _editable(path, files.edition.master, language, problems)
    if document is None:
        return None
    master = files.master.data
    for field_id, text in updates.items():
        *groups, key = field_id.split(".")
        parent, master_group = document, master
        for name in groups:
            parent = _group(parent, name, master_group)
            master_group = master_group[name]
        old = parent.get(key)
        value = _styled(text, old, master_group[key], indent=2 * len(groups) + 2)
        if key in parent:
            parent[key] = value
        else:
            _insert(parent, key, value, list(master_group))
    stream = io.StringIO()
    _round_trip_yaml().dump(document, stream)
    result = stream.getvalue()
    if not _reads_back(result, files, language, updates):
        problems.error("the new text could not be written safely; nothing was changed",
                       Location(relative_name(path)),
                       hint="Put the new texts into the file by hand.")
        return None
    return result


def _editable(path: Path, master: str, language: str, problems: Problems,
              ) -> CommentedMap | None:
    """The text file as ruamel.yaml reads it, with its comments and styles; a new
    one when there is none yet."""
    if not path.is_file():
        document = CommentedMap()
        document.yaml_set_start_comment(
            f"Translation of {master}.yaml into {language}. "
            "Keys and {placeholders} must stay as they are.\n")
        return document
    try:
        document = _round_trip_yaml().load(path.read_text(encoding="utf-8"))
    except RuamelError as exc:
        problems.error(f"this file cannot be updated ({exc})", Location(relative_name(path)),
                       hint="Run 'brochure check' and correct what it reports.")
        return None
    if document is None:
        return CommentedMap()
    if not isinstance(document, CommentedMap):
        problems.error("this file should hold 'name: value' lines",
                       Location(relative_name(path)),
                       hint="Copy the master text file to this name and translate it.")
        return None
    return document


def _group(parent: CommentedMap, name: str, master_group: dict[str, Any]) -> CommentedMap:
    if not isinstance(parent.get(name), dict):
        group = CommentedMap()
        if name in parent:
            parent[name] = group
        else:
            _insert(parent, name, group, list(master_group))
    return parent[name]


def _insert(parent: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    """Add a key where the master has it: after the keys that come before it there."""
    existing = list(parent)
    before = set(order[:order.index(key)])
    position = max((i + 1 for i, k in enumerate(existing) if k in before), default=0)
    if position == len(existing) and existing:
        # The empty line that ended the group belongs after the new last key.
        comments = parent.ca.items.pop(existing[-1], None)
        if comments is not None:
            parent.ca.items[key] = comments
    parent.insert(position, key, value)


def _styled(text: str, old: Any, master_text: str, indent: int) -> Any:
    """The new text in the style the field had: '|' and '>' blocks stay blocks,
    quotes stay quotes; a new text of several lines becomes a '|' block."""
    several_lines = "\n" in text
    block = isinstance(old, LiteralScalarString | FoldedScalarString) or (
        old is None and master_text.endswith("\n"))
    if several_lines or isinstance(old, LiteralScalarString):
        return LiteralScalarString(text + "\n")
    if block:
        folded = FoldedScalarString(text + "\n")
        folded.fold_pos = _fold_positions(text, FOLD_WIDTH - indent)
        return folded
    if isinstance(old, DoubleQuotedScalarString | SingleQuotedScalarString):
        return type(old)(text)
    if _reads_as_plain(text):
        return text
    return DoubleQuotedScalarString(text)   # as docs/content.md asks: in double quotes


def _reads_as_plain(text: str) -> bool:
    """Whether the build's YAML reader reads the text back unquoted (it reads
    'yes' as true and 'a: b' not at all)."""
    try:
        return yaml.safe_load(f"value: {text}") == {"value": text}
    except yaml.YAMLError:
        return False


def _fold_positions(text: str, width: int) -> list[int]:
    """Where to break a '>' text into lines of at most ``width`` columns (a Hangul
    or Han character takes two): only at a single space between two words, which
    the reader turns back into that space."""
    spaces = [i for i in range(1, len(text) - 1)
              if text[i] == " " and text[i - 1] != " " and text[i + 1] != " "]
    positions, start = [], 0
    for space, after in zip(spaces, [*spaces[1:], len(text)], strict=False):
        if _columns(text[start:after]) > width and space > start:
            positions.append(space)
            start = space + 1
    return positions


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _reads_back(text: str, files: TextFiles, language: str, updates: dict[str, str]) -> bool:
    """The new file, read the way the build reads it, has the new texts and
    every other value unchanged."""
    source = files.translations.get(language)
    expected = copy.deepcopy(source.data) if source and isinstance(source.data, dict) else {}
    for field_id, new in updates.items():
        *groups, key = field_id.split(".")
        group = expected
        for name in groups:
            if not isinstance(group.get(name), dict):
                group[name] = {}
            group = group[name]
        group[key] = new
    try:
        actual = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return _same_texts(actual, expected)


def _same_texts(actual: Any, expected: Any) -> bool:
    """Equal, but a text may gain or lose the line break that ends a block."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and actual.keys() == expected.keys() and all(
            _same_texts(actual[k], v) for k, v in expected.items())
    if isinstance(expected, str) and isinstance(actual, str):
        return actual.rstrip("\n") == expected.rstrip("\n")
    return actual == expected

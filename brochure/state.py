"""Whether anything changed since the last build or check, told from stats alone.

Loading and checking a brochure (every file, every language, every glyph)
takes longer than starting the command. When nothing it could read has
changed, its outcome cannot have changed either, so the last outcome is
given again without loading anything.

``input_state`` sums up, without reading a file, everything a build or check
depends on: the size, times and inode of every file in the content folder and
in the project's templates and styles, of the tool's own code, of the print
profile and of every installed font file; fontconfig's list of fonts; the
folders Python imports from (installing or upgrading a package changes
them); the Python version, the working folder (messages name files relative
to it), ``SOURCE_DATE_EPOCH`` and the options. Any change gives another key.

The last build's key is kept in its output folder's record (``records.py``),
the last check's in the user's cache folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from brochure import __version__, defaults
from brochure.output.records import files_inside, settled, signature
from brochure.output.write import write_atomically
from brochure.problems import Location, Problem, Problems, SingleProblem
from brochure.render import fonts

VERSION = 1  # of the key: change it when what the key covers changes


@dataclass(frozen=True)
class InputState:
    key: str
    settled: bool  # no file changed in the last seconds: an outcome may be kept under this key


def input_state(folder: Path, options: dict[str, Any]) -> InputState:
    """The state of everything a build or check of ``folder`` with ``options`` reads."""
    now = time.time_ns()
    try:
        listing = fonts.fontconfig_listing()
    except SingleProblem:  # the build or check itself says so
        listing = ""
    described: dict[str, Any] = {
        "version": [VERSION, __version__, sys.version, sys.executable],
        "where": [str(folder), str(folder.resolve()), os.getcwd()],
        "options": options,
        "environment": os.environ.get("SOURCE_DATE_EPOCH"),
        "fontconfig": hashlib.sha256(listing.encode()).hexdigest(),
    }
    code = Path(__file__).resolve().parent  # the package: every module, in every subfolder
    groups: dict[str, list[Any]] = {
        "content": files_inside(folder, hidden=True) if folder.is_dir() else [],
        "templates": files_inside(defaults.project_templates()),
        "styles": files_inside(defaults.project_styles()),
        "code": sorted(code.rglob("*.py")),
        "profile": [defaults.DEFAULT_CMYK_PROFILE],
        "fonts": fonts.listed_files(listing),
        "packages": _import_folders(),
    }
    all_settled = True
    for name, paths in groups.items():
        stats: list[list[Any]] = []
        for path in map(str, paths):
            try:
                stat = os.stat(path)
            except OSError:
                stats.append([path])
                continue
            stats.append([path, *signature(stat)])
            all_settled = all_settled and settled(stat, now)
        described[name] = stats
    text = json.dumps(described, sort_keys=True, ensure_ascii=False)
    return InputState(hashlib.sha256(text.encode()).hexdigest(), all_settled)


def _import_folders() -> list[Path]:
    """The folders Python imports from (site-packages, the standard library), but
    not the working folder, whose files come and go with every build."""
    here = Path.cwd().resolve()
    folders = {Path(entry).resolve() for entry in sys.path if entry}
    return sorted(p for p in folders if p != here and p.is_dir())


def problems_data(problems: Problems) -> list[dict[str, Any]]:
    return [asdict(problem) for problem in problems]


def problems_from(data: list[dict[str, Any]]) -> Problems:
    items = []
    for item in data:
        location = item.get("location")
        items.append(Problem(**{**item, "location": Location(**location) if location else None}))
    return Problems(items)


# --- the last check --------------------------------------------------------

def _check_file(folder: Path) -> Path:
    where = f"{folder.resolve()}|{os.getcwd()}"
    return defaults.cache_dir() / f"check-{hashlib.sha1(where.encode()).hexdigest()}.json"


def last_check(folder: Path, state: InputState) -> Problems | None:
    """The problems the last check of ``folder`` found, if its inputs are unchanged."""
    try:
        data = json.loads(_check_file(folder).read_text(encoding="utf-8"))
        if data["key"] == state.key:
            return problems_from(data["problems"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def remember_check(folder: Path, state: InputState, problems: Problems) -> None:
    """Keep the outcome of a check that found no error (best effort)."""
    if not state.settled:
        return
    text = json.dumps({"key": state.key, "problems": problems_data(problems)},
                      ensure_ascii=False)
    with contextlib.suppress(OSError):
        path = _check_file(folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text.encode("utf-8"))

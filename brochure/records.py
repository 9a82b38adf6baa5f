"""What each output was built from, so that an unchanged edition is not rebuilt.

Next to the PDFs, ``.brochure-build.json`` records for each file the
fingerprint of everything that went into it: the page HTML (which holds the
language's text, the facts as formatted and the template's output), the
brochure's other files (images, edition, facts, styles, templates), the
project's templates and styles, the font files, the tool's and the
renderer's versions and the options. A file whose fingerprint is unchanged,
and which is still the file that was written, is up to date.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .write import write_atomically

RECORD_FILE = ".brochure-build.json"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digests(folder: Path, skip: Iterable[str] = ()) -> dict[str, str]:
    """The digest of every file under ``folder``, by relative name.

    A symbolic link that leads out of the folder is never opened: the build
    cannot use what it points to, and must not read it either.
    """
    skipped = tuple(skip)
    result: dict[str, str] = {}
    if not folder.is_dir():
        return result
    for path in files_inside(folder):
        name = path.relative_to(folder).as_posix()
        if not name.startswith(skipped) and "/." not in f"/{name}":
            with path.open("rb") as stream:  # in chunks: a file may be large
                result[name] = hashlib.file_digest(stream, "sha256").hexdigest()
    return result


def files_inside(folder: Path) -> list[Path]:
    """Regular files under ``folder``, sorted, never leaving it: linked folders
    are not entered, and links to files outside are left out."""
    root = folder.resolve()
    found: list[Path] = []
    for top, folders, files in os.walk(folder, followlinks=False):
        folders[:] = [f for f in folders if not f.startswith(".")]
        found.extend(Path(top, name) for name in files)
    return sorted(p for p in found if p.is_file() and p.resolve().is_relative_to(root))


def stat_digests(paths: Iterable[Path]) -> dict[str, str]:
    """Size and modification time of large files that are costly to read (fonts)."""
    result = {}
    for path in paths:
        stat = path.stat()
        result[str(path)] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return result


def fingerprint(inputs: dict[str, Any]) -> str:
    return digest(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode())


class BuildRecords:
    """The record file of one output folder."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / RECORD_FILE
        try:
            self.entries: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def is_up_to_date(self, output: Path, print_: str) -> bool:
        entry = self.entries.get(output.name)
        if not entry or entry.get("fingerprint") != print_ or not output.is_file():
            return False
        return entry.get("sha256") == digest(output.read_bytes())

    def entry(self, output: Path) -> dict[str, Any]:
        return self.entries.get(output.name, {})

    def record(self, output: Path, print_: str, data: bytes, summary: dict[str, Any],
               inputs: dict[str, Any]) -> None:
        self.entries[output.name] = {"fingerprint": print_, "sha256": digest(data),
                                     **summary, "inputs": inputs}

    def save(self) -> None:
        text = json.dumps(self.entries, sort_keys=True, indent=1, ensure_ascii=False)
        write_atomically(self.path, text.encode("utf-8") + b"\n")

"""What each output was built from, so that an unchanged edition is not rebuilt.

Next to the PDFs, ``.brochure-build.json`` records for each file the
fingerprint of everything that went into it: the page HTML (which holds the
language's text, the facts as formatted and the template's output), the
brochure's other files (images, edition, facts, styles, templates), the
project's templates and styles, the font files, the tool's and the
renderer's versions and the options. A file whose fingerprint is unchanged,
and which is still the file that was written, is up to date.

Files are looked at before they are read: the record keeps each input's and
each output's size, modification and change times and inode beside its
digest, and a file whose stat is unchanged is not read again. The record
also keeps the state of the last whole build (see ``state.py``), so that a
build in which nothing changed is told from stats alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from brochure.output.write import write_atomically

RECORD_FILE = ".brochure-build.json"
FORMAT = 2
# A file changed this recently may change again within the same tick of the
# file system's clock, keeping its stat: its stat proves nothing yet ("racily
# clean", as git calls it), so it is hashed again next time.
SETTLED_NS = 2_000_000_000


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signature(stat: os.stat_result) -> list[int]:
    """What changes when a file is written, replaced or moved: size, modification
    and change times, inode."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def settled(stat: os.stat_result, now_ns: int | None = None) -> bool:
    """Whether the file has not changed for long enough that its stat can be trusted."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    return max(stat.st_mtime_ns, stat.st_ctime_ns) < now_ns - SETTLED_NS


class FileDigests:
    """The digests of files, each remembered with the file's stat: a file whose
    stat is unchanged is not read again."""

    def __init__(self, known: dict[str, list[Any]] | None = None):
        self.known = known or {}
        self.seen: dict[str, list[Any]] = {}  # what to remember: the files used this time

    def of(self, path: Path) -> str:
        stat = path.stat()
        key = str(path.absolute())
        now = signature(stat)
        remembered = self.known.get(key)
        if remembered and remembered[:-1] == now:
            result = str(remembered[-1])
        else:
            with path.open("rb") as stream:  # in chunks: a file may be large
                result = hashlib.file_digest(stream, "sha256").hexdigest()
        if settled(stat):
            self.seen[key] = [*now, result]
        return result


def file_digests(folder: Path, skip: Iterable[str] = (),
                 digests: FileDigests | None = None) -> dict[str, str]:
    """The digest of every file under ``folder``, by relative name.

    A symbolic link that leads out of the folder is never opened: the build
    cannot use what it points to, and must not read it either.
    """
    skipped = tuple(skip)
    digests = digests or FileDigests()
    result: dict[str, str] = {}
    if not folder.is_dir():
        return result
    for path in files_inside(folder):
        name = path.relative_to(folder).as_posix()
        if not name.startswith(skipped) and "/." not in f"/{name}":
            result[name] = digests.of(path)
    return result


def files_inside(folder: Path, hidden: bool = False) -> list[Path]:
    """Regular files under ``folder``, sorted, never leaving it: linked folders
    are not entered, and links to files outside are left out. Hidden folders
    are left out too, unless ``hidden``."""
    root = folder.resolve()
    found: list[Path] = []
    for top, folders, files in os.walk(folder, followlinks=False):
        if not hidden:
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
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        if data.get("format") != FORMAT:  # the first format: the outputs alone
            data = {"outputs": data}
        self.entries: dict[str, Any] = data.get("outputs") or {}
        self.digests = FileDigests(data.get("files") or {})
        self.last: dict[str, Any] = data.get("last") or {}
        self.changed = False

    def is_up_to_date(self, output: Path, print_: str) -> bool:
        entry = self.entries.get(output.name)
        if not entry or entry.get("fingerprint") != print_:
            return False
        return self.is_unchanged(output)

    def is_unchanged(self, output: Path) -> bool:
        """Whether ``output`` is still the file that was written: its stat, or
        failing that its bytes, as recorded."""
        entry = self.entries.get(output.name) or {}
        try:
            stat = output.stat()
        except OSError:
            return False
        if entry.get("stat") == signature(stat):
            return True
        if not output.is_file() or entry.get("sha256") != digest(output.read_bytes()):
            return False
        entry["stat"] = signature(stat)  # the same bytes, moved or copied: remember
        self.changed = True
        return True

    def entry(self, output: Path) -> dict[str, Any]:
        return self.entries.get(output.name, {})

    def record(self, output: Path, print_: str, data: bytes, summary: dict[str, Any],
               inputs: dict[str, Any], sha256: str | None = None) -> None:
        """After ``output`` was written with ``data`` (whose digest, if known)."""
        self.entries[output.name] = {"fingerprint": print_, "sha256": sha256 or digest(data),
                                     "stat": signature(output.stat()),
                                     **summary, "inputs": inputs}
        self.changed = True

    def remember_last(self, last: dict[str, Any]) -> None:
        if last != self.last:
            self.last = last
            self.changed = True

    def save(self) -> None:
        # The files hashed or looked at by this build; none when it was told
        # from stats alone that nothing changed: then those of the build before.
        files = self.digests.seen or self.digests.known
        if not self.changed and files == self.digests.known:
            return
        data = {"format": FORMAT, "outputs": self.entries, "files": files, "last": self.last}
        text = json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False)
        write_atomically(self.path, text.encode("utf-8") + b"\n")

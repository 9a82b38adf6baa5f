"""Stage 7, write: put finished PDFs in place atomically.

A PDF is written to a temporary file in the same folder and renamed over the
target only when complete, so an error or Ctrl-C leaves either the previous
complete file or none, never a truncated one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

# What to do about an operating-system error, by its errno.
_WHAT_TO_DO = {
    errno.EACCES: "check the folder's permissions, or write somewhere else (--out)",
    errno.EPERM: "check the folder's permissions, or write somewhere else (--out)",
    errno.EROFS: "the disk is read-only: write somewhere else (--out)",
    errno.ENOSPC: "the disk is full: free some space and run the command again",
    errno.EDQUOT: "the disk quota is used up: free some space and run the command again",
    errno.ENOTDIR: "a part of this path is a file, not a folder: choose another folder",
    errno.EISDIR: "this is a folder, not a file: give a file's name",
    errno.ENOENT: "check the name: it does not exist",
    errno.EEXIST: "a file of this name is in the way: move it, or choose another name",
}


def describe_os_error(exc: OSError) -> str:
    """One line for an operating-system error: the path, what happened, what to do."""
    path = exc.filename or "a file"
    reason = exc.strerror or str(exc)
    advice = _WHAT_TO_DO.get(exc.errno or 0, "check the path and try again")
    return f"{path}: {reason.lower() if reason else 'cannot be used'}; {advice}."


def check_writable(folder: Path) -> OSError | None:
    """Why PDFs cannot be written into ``folder`` (made if missing), or None.

    Asked before rendering, so that a wrong --out costs no rendering time.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(folder)
        return exc
    return None


def write_atomically(target: Path, data: bytes) -> None:
    temporary = _written_beside(target, data)
    try:
        os.replace(temporary, target)
    except BaseException:
        _remove(temporary)
        raise


class Staging:
    """PDFs written beside their targets as they arrive, under temporary names,
    and put in place only when the whole build is accepted (``place``): the
    disk works while the workers still render, and a build that fails or is
    stopped leaves the folder as it was (leaving the ``with`` block removes
    whatever was not placed)."""

    def __init__(self) -> None:
        self._staged: dict[Path, str] = {}

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *_: object) -> None:
        for temporary in self._staged.values():
            _remove(temporary)
        self._staged.clear()

    def stage(self, target: Path, data: bytes) -> None:
        self._staged[target] = _written_beside(target, data)

    def place(self, target: Path, data: bytes) -> None:
        """``data`` at ``target``: the file staged for it (the same bytes), or written now."""
        temporary = self._staged.pop(target, None)
        if temporary is None:
            write_atomically(target, data)
        else:
            os.replace(temporary, target)


def _written_beside(target: Path, data: bytes) -> str:
    """A complete, synced temporary file with ``data`` in ``target``'s folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                     dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
    except BaseException:
        _remove(temporary)
        raise
    return temporary


def _remove(temporary: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)


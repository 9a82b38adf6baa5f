"""Photos converted once per machine: a photo's print version (the profile's
CMYK) and its screen version (reduced to about 150 ppi) take 0.1-0.2 s each
to make, and every worker process of every build made them again, though
the photo had not changed. They are kept in the user's cache folder, as the
fonts' character maps and the hyphenation patterns are.

A kept file is found by a key made of everything the conversion depends on:
its name and version here, the source's bytes, its parameters (a profile by
its path, size and modification time), and the versions of Pillow and
LittleCMS. It holds the SHA-256 of its contents, checked when it is read: a
damaged file is converted anew. A cache folder that cannot be written, or a
full disk, leaves the conversion to be made every time, as before. The
folder keeps at most ``MOST_KEPT_BYTES`` of photos; the least recently used
go first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import PIL
from PIL import ImageCms

from brochure import defaults
from brochure.output.write import write_atomically

MOST_KEPT_BYTES = 256 * 1024 * 1024
_PREFIX = "photo-"
_DIGEST = 32  # bytes of SHA-256 before the contents


def kept(conversion: str, version: int, convert: Callable[..., bytes], data: bytes,
         *parameters: object) -> bytes:
    """``convert(data, *parameters)``, from the cache folder when it was kept."""
    path = defaults.cache_dir() / f"{_PREFIX}{_key(conversion, version, data, parameters)}"
    found = _read(path)
    if found is not None:
        return found
    converted = convert(data, *parameters)
    with contextlib.suppress(OSError):  # a read-only home, a full disk: not kept
        write_atomically(path, hashlib.sha256(converted).digest() + converted)
        _prune(path)
    return converted


def _key(conversion: str, version: int, data: bytes, parameters: tuple) -> str:
    described = [conversion, str(version), PIL.__version__, str(ImageCms.core.littlecms_version),
                 hashlib.sha256(data).hexdigest()]
    for parameter in parameters:
        if isinstance(parameter, Path):
            stat = parameter.stat()
            described.append(f"{parameter.resolve()}|{stat.st_size}|{stat.st_mtime_ns}")
        else:
            described.append(repr(parameter))
    return hashlib.sha256("\n".join(described).encode()).hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    contents = stored[_DIGEST:]
    if len(stored) <= _DIGEST or hashlib.sha256(contents).digest() != stored[:_DIGEST]:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: the last to be pruned
    return contents


def _prune(just_kept: Path) -> None:
    """The least recently used photos removed until the rest fit the bound
    (the one just kept stays)."""
    photos = []
    for path in just_kept.parent.glob(f"{_PREFIX}*"):
        with contextlib.suppress(OSError):
            stat = path.stat()
            photos.append((stat.st_mtime_ns, stat.st_size, path))
    total = sum(size for _, size, _ in photos)
    for _, size, path in sorted(photos):
        if total <= MOST_KEPT_BYTES:
            break
        if path == just_kept:
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            total -= size

"""Check every image before rendering: part of stage 2, validate.

The renderer forgives broken pictures: an empty or truncated file, a text
file named .png or an SVG that reaches outside the brochure is left out or
drawn half black, and the build still writes its PDF. So every image the
content names is opened here completely, before anything is rendered: raster
images are decoded (not only their header) and SVG drawings are parsed, with
every file they refer to checked in turn. ``validate`` reports what is wrong
at the place in the YAML that names the image.

Each file is decoded once per run, however many languages name it: results
are cached by path, modification time and size.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.parsers import expat

import tinycss2
from PIL import Image, ImageCms, ImageFile

from brochure.content import markup
from brochure.defaults import IMAGE_SUFFIXES

MAX_PIXELS = 80_000_000
"""80 megapixels (about 9000 × 9000). An A4 page at 300 ppi needs about 9;
the limit stays below Pillow's own decompression-bomb threshold (89.5 MP), so
an image accepted here never trips it in the renderer."""

MAX_BYTES = 100 * 1024 * 1024
"""100 MB: far beyond any picture a brochure needs, small enough to read at once."""

RASTER_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP",
                  ".gif": "GIF"}

SVG = "http://www.w3.org/2000/svg"
XLINK_HREF = "http://www.w3.org/1999/xlink href"
XML_BASE = "http://www.w3.org/XML/1998/namespace base"

AGAIN = "Export or copy the image again from the original."


@dataclass(frozen=True)
class Unusable:
    """Why an image cannot be used, and what to do about it."""

    reason: str
    hint: str


def check_image(path: Path, folder: Path) -> Unusable | None:
    """Why the image file ``path`` (inside ``folder``) cannot be used, or None."""
    return _check(path.resolve(), folder.resolve(), frozenset())


def _check(path: Path, root: Path, seen: frozenset[Path]) -> Unusable | None:
    try:
        stat = path.stat()
    except OSError as exc:
        return _unreadable(exc)
    if stat.st_size == 0:
        return Unusable("the file is empty (0 bytes)", AGAIN)
    if stat.st_size > MAX_BYTES:
        return Unusable(
            f"the file is {stat.st_size / 2**20:.0f} MB; the limit is "
            f"{MAX_BYTES // 2**20} MB", "Save a smaller copy: 300 ppi at its printed "
            "size is enough.")
    key = (path, stat.st_mtime_ns, stat.st_size)
    if path.suffix.lower() == ".svg":
        return _check_svg(key, root, seen | {path})
    return _decoded(key)


def _unreadable(exc: OSError) -> Unusable:
    return Unusable(f"it cannot be read ({exc.strerror or exc})",
                    "Check that the file is there and that you may read it.")


# --- raster images ------------------------------------------------------------

# Pillow's limits are process-wide settings, and WeasyPrint switches on
# LOAD_TRUNCATED_IMAGES when it is imported: set both for the check only.
_PILLOW_SETTINGS = threading.Lock()


@contextmanager
def _strict_pillow() -> Iterator[None]:
    with _PILLOW_SETTINGS, warnings.catch_warnings():
        truncated, pixels = ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        Image.MAX_IMAGE_PIXELS = None  # our own limit, checked with the real size
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS = truncated, pixels


@lru_cache(maxsize=512)
def _decoded(key: tuple[Path, int, int]) -> Unusable | None:
    """Open, verify and decode a raster image completely."""
    path = key[0]
    expected = RASTER_FORMATS[path.suffix.lower()]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _unreadable(exc)
    with _strict_pillow():
        try:
            with Image.open(BytesIO(data)) as image:
                if image.format != expected:
                    return _other_format(image.format, expected, path.suffix)
                if _pixels(image.size) > MAX_PIXELS:
                    return _too_many_pixels(image.size)
                image.verify()  # a PNG's chunks and checksums, up to its end
            with Image.open(BytesIO(data)) as image:  # verify() leaves it unusable
                image.load()
        except Image.UnidentifiedImageError:
            return _not_an_image(data, expected)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return _too_many_pixels(None)
        # Decoders fail in many ways (OSError, SyntaxError, ValueError, EOFError…);
        # every one of them means the same to the user: the file is damaged.
        except Exception as exc:  # noqa: BLE001
            return _damaged(exc)
    return None


def _pixels(size: tuple[int, int]) -> int:
    return size[0] * size[1]


def _not_an_image(data: bytes, expected: str) -> Unusable:
    head = data[:4096]
    if head.lstrip().startswith((b"<svg", b"<?xml")):
        return Unusable(f"the file is an SVG drawing, not a {expected} image",
                        "Give it the suffix .svg (and change the name in the YAML).")
    try:
        head.decode("utf-8")
        is_text = b"\0" not in head
    except UnicodeDecodeError:
        is_text = False
    what = "text" if is_text else "no picture format this tool reads"
    return Unusable(f"the file holds {what}, not a {expected} image",
                    f"Save or export the picture as {expected}.")


def _other_format(found: str | None, expected: str, suffix: str) -> Unusable:
    if found in RASTER_FORMATS.values():
        right = next(s for s, f in RASTER_FORMATS.items() if f == found)
        return Unusable(f"the file is a {found} image, but its name ends in {suffix}",
                        f"Rename it to {right} and change the name in the YAML too.")
    return Unusable(f"the file is a {found} image, a format that cannot be placed",
                    "Convert it to PNG or JPEG.")


def _too_many_pixels(size: tuple[int, int] | None) -> Unusable:
    limit = f"the limit is {MAX_PIXELS // 1_000_000} megapixels"
    reason = (f"it is {size[0]} × {size[1]} pixels ({_pixels(size) / 1e6:.0f} "
              f"megapixels); {limit}" if size else f"it has too many pixels; {limit}")
    return Unusable(reason, "Scale it down: 300 ppi at its printed size is enough "
                            "(a full A4 page is about 2500 × 3500 pixels).")


def _damaged(exc: Exception) -> Unusable:
    detail = str(exc) or type(exc).__name__
    if "truncated" in detail.lower():
        return Unusable("the file is cut short: it ends before the image data does", AGAIN)
    return Unusable(f"the image data is damaged ({detail})", AGAIN)


# --- SVG drawings -----------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    """An address in an SVG file that the renderer would follow."""

    line: int
    element: str   # local name: image, use, feImage, style, a…
    where: str     # how the user finds it: '<image href="…">', 'url(…) in <style>'
    address: str


class _Refused(Exception):
    """An SVG construct refused while parsing."""

    def __init__(self, unusable: Unusable):
        super().__init__(unusable.reason)
        self.unusable = unusable


def _check_svg(key: tuple[Path, int, int], root: Path, seen: frozenset[Path],
               ) -> Unusable | None:
    parsed = _svg_references(key)
    if isinstance(parsed, Unusable):
        return parsed
    for reference in parsed:
        refusal = _follow(reference, key[0], root, seen)
        if refusal is not None:
            return refusal
    return None


@lru_cache(maxsize=512)
def _svg_references(key: tuple[Path, int, int]) -> Unusable | tuple[Reference, ...]:
    """Every address an SVG refers to, or why it is refused outright."""
    reader = _SvgReader()
    try:
        reader.read(key[0].read_bytes())
    except OSError as exc:
        return _unreadable(exc)
    except _Refused as refused:
        return refused.unusable
    except expat.ExpatError as exc:
        return Unusable(
            f"it is not valid XML (line {exc.lineno}, column {exc.offset + 1}: "
            f"{expat.ErrorString(exc.code)})",
            "Open it in a drawing program and save it again as SVG.")
    return tuple(reader.references)


class _SvgReader:
    """Reads an SVG with expat, collecting addresses; refuses DOCTYPE, xml:base
    and @import, which could make the renderer read files this check never sees."""

    def __init__(self) -> None:
        self.references: list[Reference] = []
        self._parser = expat.ParserCreate(namespace_separator=" ")
        self._parser.StartDoctypeDeclHandler = self._doctype
        self._parser.EntityDeclHandler = self._doctype
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.CharacterDataHandler = self._text
        self._style: list[str] | None = None
        self._style_line = 0
        self._root_seen = False

    def read(self, data: bytes) -> None:
        self._parser.Parse(data, True)

    def _line(self) -> int:
        return self._parser.CurrentLineNumber

    def _doctype(self, *_: object) -> None:
        raise _Refused(Unusable(
            f"it has a DOCTYPE declaration (line {self._line()}), which is not allowed: "
            "it can define entities that bring in other files",
            "Delete the <!DOCTYPE …> part; an SVG does not need it."))

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, element = name.rpartition(" ")
        if not self._root_seen:
            self._root_seen = True
            if (namespace, element) != (SVG, "svg"):
                raise _Refused(Unusable(
                    f"it is not an SVG drawing (its first element is <{element}>)",
                    "Export the picture as SVG, PNG or JPEG."))
        if XML_BASE in attributes:
            raise _Refused(Unusable(
                f"<{element} xml:base> (line {self._line()}) changes where addresses "
                "point, which is not allowed",
                "Delete xml:base and give paths relative to the SVG file."))
        for attribute, value in attributes.items():
            self._attribute(element, attribute, value)
        if element == "style" and namespace == SVG:
            self._style, self._style_line = [], self._line()

    def _attribute(self, element: str, attribute: str, value: str) -> None:
        if attribute in ("href", XLINK_HREF):
            shown = "xlink:href" if attribute == XLINK_HREF else "href"
            self.references.append(Reference(
                self._line(), element, f'<{element} {shown}="{value}">', value))
        elif "url" in value.lower() or "\\" in value:
            for address in _css_urls(tinycss2.parse_component_value_list(value)):
                self.references.append(Reference(
                    self._line(), element,
                    f'url({address}) in the {attribute} of <{element}>', address))

    def _text(self, text: str) -> None:
        if self._style is not None:
            self._style.append(text)

    def _end(self, name: str) -> None:
        if self._style is None or name != f"{SVG} style":
            return
        rules = tinycss2.parse_stylesheet("".join(self._style))
        self._style = None
        for rule in rules:
            if rule.type == "at-rule" and rule.lower_at_keyword == "import":
                raise _Refused(Unusable(
                    f"its <style> (line {self._style_line}) imports another stylesheet "
                    "with @import", "Copy those styles into the SVG's own <style>."))
        for address in _css_urls(rules):
            self.references.append(Reference(
                self._style_line, "style", f"url({address}) in <style>", address))


def _css_urls(nodes: list) -> Iterator[str]:
    """Every url(…) in parsed CSS, however it is written (quoted, escaped)."""
    for node in nodes:
        kind = getattr(node, "type", None)
        if kind == "url":
            yield node.value
        elif kind == "function" and node.lower_name == "url":
            yield "".join(getattr(arg, "value", "") for arg in node.arguments
                          if arg.type == "string")
        for part in ("prelude", "content", "arguments"):
            children = getattr(node, part, None)
            if isinstance(children, list):
                yield from _css_urls(children)


def _follow(reference: Reference, svg: Path, root: Path, seen: frozenset[Path],
            ) -> Unusable | None:
    """Why an address in an SVG cannot be followed, or None when it can."""
    address = reference.address.strip()
    if not address or address.startswith("#") or address.lower().startswith("data:"):
        return None
    where = f"{reference.where} (line {reference.line})"
    if reference.element == "a":  # a link is followed by the reader, never fetched
        if markup.is_allowed_link(address):
            return None
        return Unusable(f"{where} is a link that is not allowed",
                        "Links may go to http(s):// pages, mailto: or tel: only.")
    parts = urlsplit(address)
    scheme = parts.scheme.lower()
    if scheme == "file" or not (scheme or parts.netloc) and address.startswith("/"):
        return Unusable(f"{where} names a file by its full path; only files inside the "
                        "content folder can be used",
                        "Copy the file next to the SVG and give a relative path.")
    if scheme or parts.netloc:
        return Unusable(f"{where} is an address on the network; nothing is downloaded",
                        "Download the file into the content folder and give a relative "
                        "path, or embed it in the SVG.")
    target = (svg.parent / unquote(parts.path)).resolve()
    return _follow_file(reference, where, target, root, seen)


def _follow_file(reference: Reference, where: str, target: Path, root: Path,
                 seen: frozenset[Path]) -> Unusable | None:
    if not target.is_relative_to(root):
        return Unusable(f"{where} points outside the content folder",
                        "Copy the file into the content folder and refer to it there.")
    name = target.relative_to(root).as_posix()
    if reference.element == "use":
        return Unusable(f"{where} repeats a part of another file ({name}), which the "
                        "renderer does not draw",
                        "Copy that part into this SVG and refer to it as #its-id.")
    if not target.is_file():
        return Unusable(f"{where} names {name}, which does not exist",
                        "Check the file name, or put the file next to the SVG.")
    if target.suffix.lower() not in IMAGE_SUFFIXES:
        return Unusable(f"{where} names {name}, which is not an image",
                        "Refer only to SVG, PNG, JPEG, WebP or GIF files.")
    if target in seen:
        return Unusable(f"{where} names {name}, which refers back to this drawing",
                        "Remove the loop between the two SVG files.")
    inner = _check(target, root, seen)
    if inner is None:
        return None
    return Unusable(f"{where} names {name}, which cannot be used: {inner.reason}",
                    inner.hint)


# A named output profile must be a CMYK one: the print edition converts into it.
def is_cmyk_profile(path: Path) -> bool:
    try:
        profile = ImageCms.getOpenProfile(str(path))
    except (OSError, ImageCms.PyCMSError):
        return False
    return profile.profile.xcolor_space.strip() == "CMYK"

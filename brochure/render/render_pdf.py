"""Stage 5, render PDF: lay out the HTML with WeasyPrint. The only module that
imports it, with the three that only it imports (weasyprint_import, which loads
it, drawing_caches, pango_clusters).

Every file the renderer asks for goes through ``ConfinedFetcher``: only
``file:`` paths inside the allowed folders (the content folder, templates,
styles) and ``data:`` are served; web addresses and anything else are refused.
Warnings the renderer logs are caught; a missing glyph is an error. The laid-out
pages go through the layout gate (``layout.check_layout``) before they are written.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf

from brochure.render import weasyprint_import  # noqa: F401  (before WeasyPrint: loads it faster)

# isort: split
import weasyprint
from weasyprint.draw import text as weasyprint_text
from weasyprint.formatting_structure import boxes as weasyprint_boxes
from weasyprint.layout import inline as weasyprint_inline
from weasyprint.pdf import tags as weasyprint_tags
from weasyprint.text import line_break as weasyprint_line_break
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from brochure.defaults import DEFAULT_CMYK_PROFILE, IMAGE_SUFFIXES
from brochure.render import actual_text, colour
from brochure.render.drawing_caches import (
    fonts_subset_in_one_pass,
    hyphenation_patterns_kept,
    streams_compressed_at_default_level,
    svg_paths_remembered,
)
from brochure.render.justify import gaps, inter_character, spaced
from brochure.render.layout import check_layout, panel_edges
from brochure.render.pango_clusters import drawn_clusters
from brochure.render.rendered import RenderedPdf

VERSION = weasyprint.__version__


class RefusedResource(FatalURLFetchingError):
    """The document asked for a file outside the allowed folders, or the web."""


class ConvertedImage(URLFetcherResponse):
    """An image the fetcher converted, handed to the renderer as bytes only.

    WeasyPrint 70 reads ``response.path`` (derived from a ``file:`` URL) and,
    when that file exists, embeds the *original file* at write time
    (``images.RasterImage.cache_image_data`` keeps a ``LazyLocalImage``),
    under the converted image's colour space and filter: a PNG labelled
    ``/DCTDecode``, an RGB JPEG declared ``/DeviceCMYK``. Without a path it
    keeps the bytes given here.
    """

    path = None  # shadows URLFetcherResponse.path: no file to read again


class ConfinedFetcher(URLFetcher):
    """Serves only local files inside ``roots``. For a print edition
    (``cmyk_profile`` given) it hands out images converted to CMYK; for the
    others, raster images that are not plain sRGB converted to sRGB.

    ``originals`` keeps each raster file it served in sRGB, by the digest of
    the bytes handed out: a print edition derived from an sRGB layout converts
    the original to CMYK, as this fetcher would have (``pdf/derive.py``)."""

    def __init__(self, roots: list[Path], cmyk_profile: Path | None = None):
        super().__init__(allowed_protocols={"file", "data"}, timeout=5)
        self.roots = [root.resolve() for root in roots]
        self.cmyk_profile = cmyk_profile
        self.originals: dict[str, bytes] = {}

    def fetch(self, url: str, headers: dict[str, str] | None = None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedResource(f"'{url}' is on the network; only local files are used")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RefusedResource(f"'{url}' is outside the brochure's folders")
        response = super().fetch(path.as_uri(), headers)
        suffix = path.suffix.lower()
        if suffix not in IMAGE_SUFFIXES:
            return response
        if self.cmyk_profile:
            return self._in_cmyk(response, suffix == ".svg")
        if suffix != ".svg":
            return self._in_srgb(response)
        return response

    def _in_cmyk(self, response: URLFetcherResponse, svg: bool) -> URLFetcherResponse:
        data = response.read()
        response.close()
        assert self.cmyk_profile is not None
        if svg:
            return _converted(response.url, colour.svg_to_cmyk(data, self.cmyk_profile),
                              "image/svg+xml")
        return _converted(response.url, colour.image_to_cmyk(data, self.cmyk_profile),
                          "image/jpeg")

    def _in_srgb(self, response: URLFetcherResponse) -> URLFetcherResponse:
        data = response.read()
        response.close()
        # An untagged CMYK image is taken to be in the default press profile.
        converted = colour.image_to_srgb(data, DEFAULT_CMYK_PROFILE)
        self.originals[hashlib.sha256(converted or data).hexdigest()] = data
        if converted is None:
            # The file as it is: the renderer may read it again from disk, harmlessly.
            return _converted(response.url, data, response.content_type, keep_path=True)
        mime = "image/png" if converted.startswith(b"\x89PNG") else "image/jpeg"
        return _converted(response.url, converted, mime)


def _converted(url: str, data: bytes, mime_type: str,
               keep_path: bool = False) -> URLFetcherResponse:
    headers = Message()
    headers["Content-Type"] = mime_type
    kind = URLFetcherResponse if keep_path else ConvertedImage
    return kind(url, body=data, headers=headers)


@dataclass
class _LogCatcher(logging.Handler):
    """The renderer's warnings and errors, each with its reason.

    WeasyPrint says why a resource failed only in a DEBUG record logged right
    after the error ("Failed to render SVG image …"), or through an exception
    whose text is empty ("Failed to load image at …: "): the reason is taken
    from that exception's cause and added to the message."""

    records: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        logging.Handler.__init__(self, logging.DEBUG)

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.records.append(record.getMessage())
        elif record.exc_info and record.exc_info[1] and self.records:
            self.records[-1] = _with_reason(self.records[-1], record.exc_info[1])

    def __hash__(self) -> int:
        return id(self)


def _with_reason(message: str, exception: BaseException) -> str:
    while not str(exception) and exception.__cause__ is not None:
        exception = exception.__cause__
    reason = str(exception) or type(exception).__name__
    if reason in message:
        return message
    return f"{message.rstrip().removesuffix(':')}: {reason}"


class Renderer:
    """Renders documents, reusing parsed stylesheets and the font set-up.

    One per process: stylesheets are parsed once and shared by every edition
    the process renders (they must share one FontConfiguration).
    """

    def __init__(self) -> None:
        self.font_config = FontConfiguration()
        self._stylesheets: dict[tuple, tuple[weasyprint.CSS, dict]] = {}

    def _stylesheet(self, source: Path | str, fetcher: ConfinedFetcher,
                    ) -> tuple[weasyprint.CSS, dict]:
        """A parsed stylesheet: a file (cached by its modification time) or CSS text."""
        if isinstance(source, str):
            key: tuple = (source, tuple(fetcher.roots), fetcher.cmyk_profile)
        else:
            key = (source, source.stat().st_mtime_ns, tuple(fetcher.roots),
                   fetcher.cmyk_profile)
        if key in self._stylesheets:
            return self._stylesheets[key]
        where = {"string": source} if isinstance(source, str) else {"filename": str(source)}
        profiles: dict = {}  # filled by @color-profile rules, given to render()
        css = weasyprint.CSS(**where, font_config=self.font_config, url_fetcher=fetcher,
                             color_profiles=profiles)
        # A colour profile is serialised anew into each PDF, and its bytes change
        # after the first time: parse such a stylesheet for every document, so
        # that a file does not depend on what the process rendered before it.
        if not profiles:
            self._stylesheets[key] = (css, profiles)
        return css, profiles

    def render(self, html: str, base_dir: Path, stylesheets: list[Path | str],
               roots: list[Path], options: dict | None = None,
               cmyk_profile: Path | None = None) -> RenderedPdf:
        """Render ``html``; ``stylesheets`` are files or CSS text, applied in order;
        ``options`` are the edition kind's renderer options."""
        catcher = _LogCatcher()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(catcher)
        level = logger.level
        logger.setLevel(logging.DEBUG)  # the reasons come in DEBUG records
        options = dict(options or {})
        zoom = options.pop("zoom", 1)  # a scale for write_pdf, not a rendering option
        fetcher = ConfinedFetcher(roots, cmyk_profile)
        parsed = [self._stylesheet(s, fetcher) for s in stylesheets]
        colour_profiles = {k: v for _, profiles in parsed for k, v in profiles.items()}
        try:
            with _justified_between_characters(), hyphenation_patterns_kept():
                document = weasyprint.HTML(
                string=html, base_url=base_dir.resolve().as_uri() + "/",
                url_fetcher=fetcher,
                ).render(
                    font_config=self.font_config, color_profiles=colour_profiles,
                    stylesheets=[css for css, _ in parsed], **options,
                )
            with _justified_between_characters(), _text_reads_as_written(), \
                    _languages_tagged(), svg_paths_remembered(), hyphenation_patterns_kept(), \
                    fonts_subset_in_one_pass(), streams_compressed_at_default_level():
                data = document.write_pdf(zoom=zoom, **options)
        finally:
            logger.removeHandler(catcher)
            logger.setLevel(level)
        missing = [m for m in catcher.records if ".notdef glyph" in m]
        others = [m for m in catcher.records if m not in missing]
        boxes = [page._page_box for page in document.pages]
        return RenderedPdf(data, len(document.pages), others, missing,
                           layout=check_layout(boxes, scale=zoom), folds=panel_edges(boxes),
                           originals=fetcher.originals)


# Chinese and Japanese justified between characters (see justify): while a
# document is laid out and drawn (drawing lays each text box out again), a
# justified text box in these languages counts the gaps between its
# characters as expandable, and its text is set with that share as letter
# spacing.


@contextmanager
def _justified_between_characters() -> Iterator[None]:
    original_count = weasyprint_inline.count_expandable_spaces
    original_set_text = weasyprint_line_break.Layout.set_text

    def count_expandable_spaces(box):
        if isinstance(box, (weasyprint_boxes.LineBox, weasyprint_boxes.InlineBox)):
            return sum(count_expandable_spaces(child) for child in box.children)
        count = original_count(box)
        if isinstance(box, weasyprint_boxes.TextBox) and inter_character(box.style):
            count += gaps(box.text)
        return count

    def set_text(layout, text, justify=False):
        spacing = layout.justification_spacing
        if not (justify and spacing and inter_character(layout.style) and gaps(text)):
            return original_set_text(layout, text, justify)
        style, layout.style = layout.style, spaced(layout.style, spacing)
        try:
            return original_set_text(layout, text, justify)
        finally:
            layout.style = style

    weasyprint_inline.count_expandable_spaces = count_expandable_spaces
    weasyprint_line_break.Layout.set_text = set_text
    try:
        yield
    finally:
        weasyprint_inline.count_expandable_spaces = original_count
        weasyprint_line_break.Layout.set_text = original_set_text


# Text that reads back as written (see actual_text): WeasyPrint draws each line
# of text in weasyprint.draw.text.draw_first_line, from Pango's glyph clusters,
# and maps each glyph id to the text of the first cluster it met. While a PDF
# is written, a wrapper marks the clusters that this map would misread.


@contextmanager
def _text_reads_as_written() -> Iterator[None]:
    original = weasyprint_text.draw_first_line

    def draw_first_line(stream, textbox, *args, **kwargs):
        start = len(stream.stream)
        emojis = original(stream, textbox, *args, **kwargs)
        ops = stream.stream[start:]
        if any(op.endswith(b"] TJ") for op in ops if isinstance(op, bytes)):
            line, _ = textbox.pango_layout.get_first_line()  # the line just drawn
            found = drawn_clusters(stream, line, textbox.pango_layout.text)
            # Most lines have nothing to mark: their clusters are not made.
            if any(actual_text.marks_its_word(glyphs, text, reads_as, rtl, moved)
                   for glyphs, _, text, reads_as, _, rtl, moved in found):
                clusters = [actual_text.Cluster(*fields) for fields in found]
                stream.stream[start:] = actual_text.mark(ops, clusters)
        return emojis

    weasyprint_text.draw_first_line = draw_first_line  # also used for SVG text
    try:
        yield
    finally:
        weasyprint_text.draw_first_line = original


# Each language tagged as such: WeasyPrint 70 gives the PDF's structure tree
# only the document's /Lang. A bilingual edition holds elements in another
# language (``lang`` on the element); while a PDF is written, a wrapper gives
# the structure element of such an element its own /Lang, which its
# descendants inherit (ISO 32000-1 §14.9.2).


@contextmanager
def _languages_tagged() -> Iterator[None]:
    original = weasyprint_tags._build_box_tree

    def build_box_tree(box, *args, **kwargs):
        language = _own_language(box)
        for element in original(box, *args, **kwargs):
            if language and "Lang" not in element:
                element["Lang"] = pydyf.String(language)
            yield element

    weasyprint_tags._build_box_tree = build_box_tree  # it calls itself by this name
    try:
        yield
    finally:
        weasyprint_tags._build_box_tree = original


def _own_language(box) -> str | None:
    """The ``lang`` written on the box's element; None for the root and body
    (the document's /Lang) and for boxes without an element."""
    box = getattr(box, "_box", box)  # an absolutely placed box's placeholder
    element = getattr(box, "element", None)
    if element is None or box.element_tag in ("html", "body"):
        return None
    if type(box).__name__ in ("PageBox", "MarginBox"):
        return None
    return element.get("lang") or None

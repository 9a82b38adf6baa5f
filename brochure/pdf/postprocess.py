"""Stage 6, post-process: make a rendered PDF meet its edition's claims.

The renderer leaves five things a print shop would reject in a PDF/X file:
crop marks drawn in DeviceRGB and inside the bleed (its MediaBox is the
bleed box, with no room for marks), a random document id in the XMP metadata
(so two builds differ), page boxes that are wrong for a bleed over 10 pt or
a reduced page, and link annotations on the page.
``finish_print`` mends them with pikepdf (qpdf): the renderer draws no marks;
the MediaBox grows by a slug beyond the bleed and the crop marks (and the
fold marks of a folded leaflet) are drawn there, in black ink only.

In a tagged file (screen, archive) the renderer makes a link annotation for
every box inside a link, some tagged as Span instead of Link, each described
by its target's id; ``finish_links`` leaves one annotation per link on each
page, in its Link element, described by the link's words.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pikepdf

MM = 72 / 25.4
SLUG_MM = 7.0        # room beyond the bleed for the crop marks
MARK_MM = 5.0        # a crop mark's length, starting at the bleed's edge
MARK_WIDTH_PT = 0.25
FOLD_DASH_PT = (3, 2)  # fold marks are dashed, so that no one cuts along them
_RGB_OPERATORS = {"rg": "k", "RG": "K"}
PRINTER_ANNOTATIONS = ("/TrapNet", "/PrinterMark")  # the only ones PDF/X allows on the page


def finish_print(data: bytes, bleed_mm: float, folds: list[list[float]] | None = None,
                 ) -> bytes:
    """The print PDF with CMYK-only content, full BleedBoxes, crop marks, a
    stable document id, and fold marks where ``folds`` says (per page, mm
    from the trim's left edge; see layout.panel_edges)."""
    with finished_print(data, bleed_mm, folds) as (finished, _):
        return finished


@contextmanager
def finished_print(data: bytes, bleed_mm: float, folds: list[list[float]] | None = None,
                   ) -> Iterator[tuple[bytes, pikepdf.Pdf]]:
    """``finish_print``'s file, and the PDF it was saved from, still open: what
    it says can be read without parsing the file again."""
    data = _stable_document_id(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        seen: set[tuple[int, int]] = set()
        for page in pdf.pages:
            page.contents_coalesce()
            _rgb_to_cmyk(page.obj.Contents, page.obj.get("/Resources"), seen)
        yield finish_print_pages(pdf, bleed_mm, folds=folds), pdf


def finish_print_pages(pdf: pikepdf.Pdf, bleed_mm: float, version: str = "",
                       folds: list[list[float]] | None = None) -> bytes:
    """Page boxes, crop marks in the slug and no annotations; the file saved
    with an identifier derived from its content (``version``: the PDF version
    to claim, when not the renderer's; ``folds``: each page's fold positions,
    mm from the left)."""
    folds = folds or []
    for number, page in enumerate(pdf.pages):
        _set_boxes(page, bleed_mm)
        _add_crop_marks(page, bleed_mm, folds[number] if number < len(folds) else [])
        _drop_annotations(page)
    # The renderer's file identifier hashes the random id: let qpdf derive
    # both halves from the content instead.
    if "/ID" in pdf.trailer:
        del pdf.trailer.ID
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=False,
             object_stream_mode=pikepdf.ObjectStreamMode.preserve,
             force_version=version or pdf.pdf_version)
    return out.getvalue()


def _rgb_to_cmyk(stream: pikepdf.Object, resources: pikepdf.Object | None,
                 seen: set[tuple[int, int]]) -> None:
    """Rewrite DeviceRGB colour operators as DeviceCMYK ones, in a content stream
    and the forms it draws.

    Only what the renderer draws itself is in RGB here (crop marks: black);
    content colours are already CMYK through the palette.
    """
    # First only look for RGB operators (parsing nothing else): a stream
    # without any is left as it is.
    if pikepdf.parse_content_stream(stream, " ".join(_RGB_OPERATORS)):
        rewritten = []
        # pikepdf's stubs: an instruction unpacks (operands, operator) via __getitem__
        for operands, operator in pikepdf.parse_content_stream(stream):  # type: ignore[misc]
            if str(operator) in _RGB_OPERATORS:
                operands = _rgb_to_cmyk_values(*(float(v) for v in operands))
                operator = pikepdf.Operator(_RGB_OPERATORS[str(operator)])
            rewritten.append(pikepdf.ContentStreamInstruction(operands, operator))
        stream.write(pikepdf.unparse_content_stream(rewritten))
    for xobject in (resources.get("/XObject", {}) if resources else {}).values():
        if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            _rgb_to_cmyk(xobject, xobject.get("/Resources"), seen)


def _rgb_to_cmyk_values(r: float, g: float, b: float) -> list[float]:
    """Neutral greys become black ink only; other colours a simple separation.

    The renderer only uses RGB for its own marks, which are black.
    """
    k = 1 - max(r, g, b)
    if k >= 1:
        return [0.0, 0.0, 0.0, 1.0]
    return [round((1 - r - k) / (1 - k), 4), round((1 - g - k) / (1 - k), 4),
            round((1 - b - k) / (1 - k), 4), round(k, 4)]


def _set_boxes(page: pikepdf.Page, bleed_mm: float) -> None:
    """TrimBox and BleedBox from the MediaBox, which is the trim plus the bleed.

    The renderer caps the BleedBox at 10 pt beyond the trim and misplaces the
    TrimBox of a reduced (zoomed) page; the MediaBox is always right.
    """
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    bleed = bleed_mm * MM
    page.obj.TrimBox = pikepdf.Array([round(v, 4) for v in
                                      (x0 + bleed, y0 + bleed, x1 - bleed, y1 - bleed)])
    page.obj.BleedBox = pikepdf.Array([round(v, 4) for v in (x0, y0, x1, y1)])


def _add_crop_marks(page: pikepdf.Page, bleed_mm: float, folds: list[float]) -> None:
    """Widen the MediaBox by a slug around the BleedBox and draw the crop marks
    there: on the trim lines, from the bleed's edge outwards, in 100 % K, so
    that no mark prints over the bleed and none is lost under a picture. Fold
    marks, dashed, stand in the slug above and below each fold."""
    tx0, ty0, tx1, ty1 = (float(v) for v in page.obj.TrimBox)
    slug, bleed, mark = SLUG_MM * MM, bleed_mm * MM, MARK_MM * MM
    out = bleed + slug
    page.obj.MediaBox = pikepdf.Array([round(v, 4) for v in
                                       (tx0 - out, ty0 - out, tx1 + out, ty1 + out)])
    lines = []
    for x, sign in ((tx0, -1), (tx1, 1)):        # vertical marks, above and below
        for y, vsign in ((ty0, -1), (ty1, 1)):
            lines.append((x, y + vsign * bleed, x, y + vsign * (bleed + mark)))
            lines.append((x + sign * bleed, y, x + sign * (bleed + mark), y))
    fold_lines = [(tx0 + fold * MM, y + vsign * bleed, tx0 + fold * MM, y + vsign * (bleed + mark))
                  for fold in folds for y, vsign in ((ty0, -1), (ty1, 1))]
    marks = f"q 0 0 0 1 K {MARK_WIDTH_PT} w 0 J\n{_path(lines)}S\n"
    if fold_lines:
        marks += f"[{FOLD_DASH_PT[0]} {FOLD_DASH_PT[1]}] 0 d\n{_path(fold_lines)}S\n"
    # The page's own content may leave its coordinates transformed: enclose it.
    content = page.obj.Contents
    content.write(b"q\n" + content.read_bytes() + b"\nQ\n" + (marks + "Q\n").encode())


def _path(lines: list[tuple[float, float, float, float]]) -> str:
    return "".join(f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l\n" for x0, y0, x1, y1 in lines)


def _stable_document_id(data: bytes) -> bytes:
    """Replace the random xmpMM:DocumentID with one derived from the content.

    The renderer writes the XMP metadata of PDF/X-4 uncompressed, so the id
    is replaced in place, by a string of the same length.
    """
    pattern = re.compile(rb"xmp\.did:[0-9a-f-]{36}")
    # The file identifier is a hash that includes the random id: leave it out too.
    content = re.sub(rb"/ID\s*\[[^\]]*\]", b"", pattern.sub(b"", data))
    digest = hashlib.sha256(content).digest()
    stable = f"xmp.did:{uuid.UUID(bytes=digest[:16], version=4)}".encode()
    return pattern.sub(stable, data)


def _drop_annotations(page: pikepdf.Page) -> None:
    """Links make no sense on paper, and preflights flag annotations in the bleed."""
    kept = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") in PRINTER_ANNOTATIONS]
    if kept:
        page.obj.Annots = pikepdf.Array(kept)
    elif "/Annots" in page.obj:
        del page.obj.Annots


def finish_links(data: bytes, texts: Mapping[str, list[str]], archive: bool = False) -> bytes:
    """The tagged PDF with one annotation per link on each page, tagged in the
    link's Link element and described (/Contents) by the link's words; for an
    ``archive`` (PDF/A), images without the renderer's /Interpolate.

    ``texts`` gives the words of the links to each target, in document order
    (``links.link_texts``); the renderer's /Contents is the target.
    """
    with finished_links(data, texts, archive) as (finished, _):
        return finished


@contextmanager
def finished_links(data: bytes, texts: Mapping[str, list[str]], archive: bool = False,
                   ) -> Iterator[tuple[bytes, pikepdf.Pdf]]:
    """``finish_links``'s file, and the PDF it was saved from, still open."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            yield data, pdf
            return
        if archive:
            _no_interpolation(pdf)
        yield finish_links_in(pdf, texts), pdf


def finish_links_in(pdf: pikepdf.Pdf, texts: Mapping[str, list[str]]) -> bytes:
    """``finish_links`` on an open, tagged PDF: the file saved."""
    parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    words = {target: iter(found) for target, found in texts.items()}
    described: dict[tuple[int, int], str] = {}
    for page in pdf.pages:
        for link, found in _links_on(page, parents):
            kept = _merge(page, link, found, parents)
            _tag_in(kept, link, parents)
            target = str(kept.get("/Contents", ""))
            if link.objgen not in described:  # a link on two pages: the same words
                described[link.objgen] = next(words.get(target, iter(())), target)
            kept.Contents = pikepdf.String(described[link.objgen])
    _untag_nested_links(pdf.Root.StructTreeRoot)
    out = io.BytesIO()
    # Streams are written as they came; qpdf derives the new half of the
    # file identifier from the content.
    pdf.save(out, deterministic_id=True,
             stream_decode_level=pikepdf.StreamDecodeLevel.none,
             object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()


def _no_interpolation(pdf: pikepdf.Pdf) -> None:
    """PDF/A forbids asking viewers to smooth images (rule 6.2.8-3), which the
    renderer does for every photograph."""
    for thing in pdf.objects:
        if isinstance(thing, pikepdf.Stream) and thing.get("/Subtype") == "/Image" \
                and "/Interpolate" in thing:
            del thing.Interpolate


def _links_on(page: pikepdf.Page, parents: pikepdf.NumberTree) -> list[tuple]:
    """The page's link annotations, by the outermost Link element they belong to."""
    found: dict[tuple[int, int], tuple[pikepdf.Object, list]] = {}
    for annotation in page.obj.get("/Annots", []):
        if annotation.get("/Subtype") != "/Link" or "/StructParent" not in annotation:
            continue
        link = _outermost_link(parents.get(int(annotation.StructParent)))
        if link is not None:
            found.setdefault(link.objgen, (link, []))[1].append(annotation)
    return list(found.values())


def _outermost_link(element: pikepdf.Object | None) -> pikepdf.Object | None:
    """The Link element that holds ``element``, through links and spans inside it."""
    outer = None
    while element is not None and element.get("/S") in ("/Link", "/Span"):
        if element.S == "/Link":
            outer = element
        element = element.get("/P")
    return outer


def _merge(page: pikepdf.Page, link: pikepdf.Dictionary, annotations: list,
           parents: pikepdf.NumberTree):
    """Keep one annotation over the link's area; drop the others.

    The area is that of the link's own boxes when it has any: its children
    lie inside them (the renderer places a right-to-left ::after box's
    annotation past the page's edge).
    """
    own = [a for a in annotations if any(_refers_to(k, a) for k in _kids(link))]
    mine = {a.objgen for a in own}
    annotations = own + [a for a in annotations if a.objgen not in mine]
    kept, dropped = annotations[0], {a.objgen for a in annotations[1:]}
    areas = [_area(a) for a in (own or annotations)]
    separate = [a for a in areas if not any(b != a and _inside(a, b) for b in areas)]
    kept.Rect = pikepdf.Array([min(a[0] for a in areas), min(a[1] for a in areas),
                               max(a[2] for a in areas), max(a[3] for a in areas)])
    if len(set(separate)) > 1:  # a link over two lines: its parts, not the space between
        kept.QuadPoints = pikepdf.Array([v for x0, y0, x1, y1 in dict.fromkeys(separate)
                                         for v in (x0, y1, x1, y1, x0, y0, x1, y0)])
    for annotation in annotations[1:]:
        _untag(annotation, parents)
    page.obj.Annots = pikepdf.Array([a for a in page.obj.Annots if a.objgen not in dropped])
    return kept


def _area(annotation: pikepdf.Dictionary) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (round(float(v), 2) for v in annotation.Rect)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _inside(a: tuple, b: tuple, slack: float = 0.5) -> bool:
    return (a[0] >= b[0] - slack and a[1] >= b[1] - slack
            and a[2] <= b[2] + slack and a[3] <= b[3] + slack)


def _untag(annotation: pikepdf.Dictionary, parents: pikepdf.NumberTree) -> None:
    """Take an annotation's object reference out of the structure tree."""
    number = int(annotation.StructParent)
    element = parents.get(number)
    if element is not None:
        element.K = pikepdf.Array([k for k in _kids(element) if not _refers_to(k, annotation)])
    del parents[number]


def _tag_in(annotation: pikepdf.Dictionary, link: pikepdf.Dictionary,
            parents: pikepdf.NumberTree) -> None:
    """Make sure the annotation is referred to by the Link element itself."""
    if any(_refers_to(k, annotation) for k in _kids(link)):
        return
    reference = next(k for k in _kids(parents[int(annotation.StructParent)])
                     if _refers_to(k, annotation))
    _untag(annotation, parents)
    link.K = pikepdf.Array([reference, *_kids(link)])
    parents[int(annotation.StructParent)] = link


def _kids(element: pikepdf.Object) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _refers_to(kid, annotation: pikepdf.Dictionary) -> bool:
    return (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
            and kid.Obj.objgen == annotation.objgen)


def _untag_nested_links(root: pikepdf.Object) -> None:
    """A Link element inside another (a link's ::after or leader box) becomes a
    Span: its annotation was merged into the outer link's."""
    stack = [(kid, False) for kid in _kids(root)]
    while stack:
        element, in_link = stack.pop()
        if not isinstance(element, pikepdf.Dictionary) or element.get("/Type") == "/OBJR":
            continue
        if in_link and element.get("/S") == "/Link":
            element.S = pikepdf.Name.Span
        is_link = in_link or element.get("/S") == "/Link"
        stack.extend((kid, is_link) for kid in _kids(element))

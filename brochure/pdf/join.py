"""Join PDFs the renderer made apart into one document: a delegation's own
pages, then the brochure's (docs/delegations.md).

The first part gives the document what it says of itself: its catalog
(metadata, title, /Lang, /MarkInfo, /ViewerPreferences, /OutputIntents) and
its document id. Every part brings its pages (with their boxes and
annotations), and the join keeps what makes them one document:
- one structure tree: the kids of each part's Document element become kids
  of the first part's; the parent tree is merged, each later part's keys
  (/StructParents of its pages, /StructParent of its annotations) moved past
  the ones before; a part in another language gives its elements its /Lang;
- the bookmarks of every part, in order;
- the named destinations of every part, so that links by name (the
  renderer's internal links) lead where they led; a part's names may be
  prefixed (``ko-intro``), its links with them, to tell two parts apart;
- one /PageLabels tree: each part numbered in its own style from 1 (front
  matter i, ii, iii …; the brochure 1, 2, 3 …), with a prefix if asked.
Fonts stay the subsets each part embedded.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass

import pikepdf

_TREES = ("/IDTree",)  # name trees of the structure tree, merged like the destinations


@dataclass(frozen=True)
class Part:
    """One part of a joined document, as PDF bytes."""

    data: bytes
    numbering: str = "D"            # page label style: "D" 1, 2 …; "r" i, ii …
    label_prefix: str = ""          # before each page label: "ko-" gives ko-1, ko-2 …
    anchor_prefix: str = ""         # before each of its named destinations
    language: str | None = None     # its /Lang when not the document's


def join(parts: list[Part]) -> tuple[bytes, int]:
    """The parts as one PDF, and its number of pages."""
    with contextlib.ExitStack() as stack:
        pdf = stack.enter_context(pikepdf.open(io.BytesIO(parts[0].data)))
        starts = [0]
        for part in parts[1:]:
            # Copied objects read their streams from the part when saved: keep it open.
            other = stack.enter_context(pikepdf.open(io.BytesIO(part.data)))
            starts.append(len(pdf.pages))
            _append(pdf, other, part, str(pdf.Root.get("/Lang", "")))
        pdf.Root.PageLabels = _page_labels(pdf, parts, starts)
        out = io.BytesIO()
        # Streams as they came (a print part's metadata stays as finish_print left
        # it); qpdf derives the file identifier from the content.
        pdf.save(out, deterministic_id=True, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue(), len(pdf.pages)


def destinations(data: bytes) -> dict[str, int]:
    """The page (0-based) of each named destination of a PDF."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages: dict[tuple[int, int], int] = {page.obj.objgen: number
                                             for number, page in enumerate(pdf.pages)}
        return {name: pages[dest[0].objgen] for name, dest in _named(pdf, "/Dests").items()
                if isinstance(dest, pikepdf.Array) and dest[0].objgen in pages}


def pad_pages(data: bytes, multiple: int) -> tuple[bytes, int]:
    """The PDF with empty pages added at its end, the size of its last page, up
    to a multiple of ``multiple`` pages (a stitched booklet's four); and its
    number of pages. Empty pages carry no content to tag."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        missing = -len(pdf.pages) % multiple
        if not missing:
            return data, len(pdf.pages)
        last = pdf.pages[-1].obj
        boxes = {key: last[key] for key in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox",
                                            "/ArtBox") if key in last}
        for _ in range(missing):
            page = pikepdf.Dictionary(Type=pikepdf.Name.Page, Resources=pikepdf.Dictionary(),
                                      Contents=pdf.make_stream(b""))
            for key, box in boxes.items():
                page[key] = pikepdf.Array(box)
            pdf.pages.append(pikepdf.Page(page))
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue(), len(pdf.pages)


# --- one part appended --------------------------------------------------------------


def _append(pdf: pikepdf.Pdf, other: pikepdf.Pdf, part: Part, language: str) -> None:
    """``other``'s pages, structure, bookmarks and destinations after ``pdf``'s.
    ``other`` is changed first (keys moved, names prefixed), then copied: qpdf
    copies each of its objects once, so pages, annotations, structure elements
    and bookmarks still point at each other in the copy."""
    offset = _next_key(pdf)
    for page in other.pages:
        _move_keys(page.obj, offset)
        for annotation in page.obj.get("/Annots", []):
            _move_keys(annotation, offset)
            _prefix_link(annotation, part.anchor_prefix)
    with warnings.catch_warnings():
        # pikepdf warns that named destinations are not copied: _merge_names does.
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        pdf.pages.extend(other.pages)
    _append_structure(pdf, other, offset, part.language if part.language != language
                      else None)
    _append_outlines(pdf, other, part.anchor_prefix)
    _merge_names(pdf, other, part.anchor_prefix)


def _move_keys(thing: pikepdf.Object, offset: int) -> None:
    for key in ("/StructParents", "/StructParent"):
        if key in thing:
            thing[key] = int(thing[key]) + offset


def _prefix_link(annotation: pikepdf.Object, prefix: str) -> None:
    if not prefix:
        return
    if isinstance(annotation.get("/Dest"), pikepdf.String):
        annotation.Dest = pikepdf.String(prefix + str(annotation.Dest))
    action = annotation.get("/A")
    if action is not None and action.get("/S") == "/GoTo" \
            and isinstance(action.get("/D"), pikepdf.String):
        action.D = pikepdf.String(prefix + str(action.D))


def _next_key(pdf: pikepdf.Pdf) -> int:
    """The first key of the parent tree that ``pdf`` does not use."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return 0
    keys = [int(k) for k in pikepdf.NumberTree(root.ParentTree)] \
        if "/ParentTree" in root else []
    return max([int(root.get("/ParentTreeNextKey", 0)) - 1, *keys], default=-1) + 1


def _append_structure(pdf: pikepdf.Pdf, other: pikepdf.Pdf, offset: int,
                      language: str | None) -> None:
    theirs = other.Root.get("/StructTreeRoot")
    ours = pdf.Root.get("/StructTreeRoot")
    if theirs is None or ours is None:
        return
    copied = pdf.copy_foreign(theirs)
    document = _document(ours)
    kids = _kid_list(document.get("/K"))
    for element in (e for top in _kid_list(copied.get("/K")) for e in _children(top)):
        element.P = document
        if language and "/Lang" not in element:
            element.Lang = pikepdf.String(language)
        kids.append(element)
    document.K = pikepdf.Array(kids)
    parents = dict(_numbers(ours.ParentTree))
    parents.update({key + offset: value for key, value in _numbers(copied.ParentTree)})
    ours.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(
        [item for key in sorted(parents) for item in (key, parents[key])])))
    ours.ParentTreeNextKey = max(parents, default=-1) + 1
    if "/RoleMap" in copied:
        ours.RoleMap = pikepdf.Dictionary({**dict(copied.RoleMap.items()),
                                           **dict(ours.get("/RoleMap", {}).items())})
    for tree in _TREES:
        if tree in copied:
            merged = {**_flat_names(copied[tree]), **_flat_names(ours.get(tree))}
            ours[tree] = _name_tree(merged)


def _document(root: pikepdf.Object) -> pikepdf.Object:
    """The element every part's elements go under: the root's one Document
    element (the renderer makes one), or the root itself."""
    kids = _kid_list(root.get("/K"))
    if len(kids) == 1 and isinstance(kids[0], pikepdf.Dictionary) \
            and kids[0].get("/S") == "/Document":
        return kids[0]
    return root


def _children(top: pikepdf.Object) -> list:
    """A part's Document element gives its kids; any other element itself."""
    if isinstance(top, pikepdf.Dictionary) and top.get("/S") == "/Document":
        return [k for k in _kid_list(top.get("/K")) if isinstance(k, pikepdf.Dictionary)]
    return [top]


def _kid_list(kids: pikepdf.Object | None) -> list:
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _numbers(tree: pikepdf.Object) -> list[tuple[int, pikepdf.Object]]:
    return [(int(key), value) for key, value in pikepdf.NumberTree(tree).items()]


def _append_outlines(pdf: pikepdf.Pdf, other: pikepdf.Pdf, prefix: str) -> None:
    theirs = other.Root.get("/Outlines")
    if theirs is None or "/First" not in theirs:
        return
    for item in _outline_items(theirs):
        if prefix and isinstance(item.get("/Dest"), pikepdf.String):
            item.Dest = pikepdf.String(prefix + str(item.Dest))
    copied = pdf.copy_foreign(theirs)
    ours = pdf.Root.get("/Outlines")
    if ours is None or "/First" not in ours:
        pdf.Root.Outlines = copied
        return
    for item in _siblings(copied.First):
        item.Parent = ours
    ours.Last.Next = copied.First
    copied.First.Prev = ours.Last
    ours.Last = copied.Last
    ours.Count = int(ours.get("/Count", 0)) + int(copied.get("/Count", 0))


def _siblings(first: pikepdf.Object | None):
    item = first
    while item is not None:
        yield item
        item = item.get("/Next")


def _outline_items(outlines: pikepdf.Object):
    for item in _siblings(outlines.get("/First")) if "/First" in outlines else ():
        yield item
        yield from _outline_items(item)


def _merge_names(pdf: pikepdf.Pdf, other: pikepdf.Pdf, prefix: str) -> None:
    """One /Dests name tree: ours, then theirs (prefixed), theirs winning a name
    both have (a delegation's pages hold a placeholder for each brochure page
    they link to: the brochure's own destination replaces it)."""
    theirs = {prefix + name: dest for name, dest in _named(other, "/Dests").items()}
    if not theirs:
        return
    listed = other.make_indirect(pikepdf.Array(
        [item for name, dest in theirs.items() for item in (pikepdf.String(name), dest)]))
    copied = pdf.copy_foreign(listed)
    merged = {**_named(pdf, "/Dests"),
              **{str(copied[i]): copied[i + 1] for i in range(0, len(copied), 2)}}
    if "/Names" not in pdf.Root:
        pdf.Root.Names = pikepdf.Dictionary()
    pdf.Root.Names.Dests = _name_tree(merged)


def _named(pdf: pikepdf.Pdf, tree: str) -> dict[str, pikepdf.Object]:
    names = pdf.Root.get("/Names")
    return _flat_names(names.get(tree) if names is not None else None)


def _flat_names(tree: pikepdf.Object | None) -> dict[str, pikepdf.Object]:
    if tree is None:
        return {}
    return {str(name): value for name, value in pikepdf.NameTree(tree).items()}


def _name_tree(names: dict[str, pikepdf.Object]) -> pikepdf.Dictionary:
    """A flat name tree, its keys in byte order as the standard wants."""
    ordered = sorted(names, key=lambda name: name.encode("utf-8"))
    return pikepdf.Dictionary(Names=pikepdf.Array(
        [item for name in ordered for item in (pikepdf.String(name), names[name])]))


def _page_labels(pdf: pikepdf.Pdf, parts: list[Part], starts: list[int]) -> pikepdf.Object:
    nums = []
    for part, start in zip(parts, starts, strict=True):
        label = pikepdf.Dictionary(S=pikepdf.Name("/" + part.numbering))
        if part.label_prefix:
            label.P = pikepdf.String(part.label_prefix)
        nums += [start, label]
    return pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))

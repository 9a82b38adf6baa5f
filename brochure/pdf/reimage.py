"""The raster images of a derived edition: the layout holds them in sRGB at
their full size; print wants them in CMYK at full size, the screen at about
150 ppi where they are placed.

Print converts the original file the renderer's fetcher was given, found by
the digest of the bytes it handed out (``ConfinedFetcher.originals``), with
the same conversion the print fetcher applies (``colour.image_to_cmyk``);
an image the renderer re-encoded (a PNG, a photo it turned upright) is
converted from its pixels, its soft mask flattened onto the paper.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import cast

import pikepdf
from pikepdf import Name, PdfImage
from PIL import Image

from brochure.pdf.recolour import CannotDerive
from brochure.render.colour import image_to_cmyk
from brochure.render.kept_images import kept


def images_in(pdf: pikepdf.Pdf) -> dict[tuple[int, int], pikepdf.Stream]:
    """Every image XObject the pages draw (directly or through forms), by object."""
    found: dict[tuple[int, int], pikepdf.Stream] = {}
    for page in pdf.pages:
        _collect(page.obj.get("/Resources"), found, set())
    return found


def _collect(resources: pikepdf.Object | None, found: dict, seen: set) -> None:
    for xobject in (resources.get("/XObject", {}) if resources is not None else {}).values():
        if xobject.objgen in seen:
            continue
        seen.add(xobject.objgen)
        if xobject.get("/Subtype") == "/Image":
            found[xobject.objgen] = xobject
        elif xobject.get("/Subtype") == "/Form":
            _collect(xobject.get("/Resources"), found, seen)


# --- print: CMYK, full size ---------------------------------------------------

def images_to_cmyk(pdf: pikepdf.Pdf, originals: Mapping[str, bytes], profile: Path) -> None:
    for image in images_in(pdf).values():
        if image.get("/ImageMask", False):
            continue  # a stencil paints with the fill colour, already in CMYK
        source = originals.get(hashlib.sha256(image.read_raw_bytes()).hexdigest()) \
            if image.get("/Filter") == Name.DCTDecode else None
        jpeg = image_to_cmyk(source or _pixels_as_png(image), profile)
        _replace_with_jpeg(image, jpeg)


def _pixels_as_png(image: pikepdf.Stream) -> bytes:
    """The image as the renderer embedded it, with its soft mask as alpha."""
    try:
        pixels = PdfImage(image).as_pil_image()
        if "/SMask" in image:
            alpha = PdfImage(cast(pikepdf.Stream, image.SMask)).as_pil_image().convert("L")
            pixels = pixels.convert("RGBA" if pixels.mode != "L" else "LA")
            pixels.putalpha(alpha.resize(pixels.size))
    except (pikepdf.PdfError, NotImplementedError, ValueError) as exc:
        raise CannotDerive(f"an image cannot be decoded: {exc}") from exc
    out = io.BytesIO()
    pixels.save(out, "PNG")
    return out.getvalue()


def _replace_with_jpeg(image: pikepdf.Stream, jpeg: bytes) -> None:
    with Image.open(io.BytesIO(jpeg)) as decoded:
        mode, size = decoded.mode, decoded.size
        adobe = any(marker == "APP14" for marker, _ in getattr(decoded, "applist", []))
    if mode != "CMYK":
        raise CannotDerive(f"an image converted for print is {mode}, not CMYK")
    image.write(jpeg, filter=Name.DCTDecode)
    for key in ("/SMask", "/DecodeParms", "/Decode"):
        if key in image:
            del image[key]
    image.ColorSpace = Name.DeviceCMYK
    image.Width, image.Height = size
    image.BitsPerComponent = 8
    if adobe:  # an Adobe CMYK JPEG stores its inks inverted, as the renderer knows too
        image.Decode = pikepdf.Array([1, 0] * 4)


# --- screen: about 150 ppi where placed ---------------------------------------

def images_downsampled(pdf: pikepdf.Pdf, ppi: float,
                       sizes: Mapping[tuple[int, int], tuple[float, float]]) -> None:
    """Every image above ``ppi`` at its largest placement (``sizes``: its sides
    in points, ``page_walk.Found.largest_placements``) reduced to ``ppi`` (on
    its denser side, as the renderer reduces them), photos as JPEG 85."""
    for key, image in images_in(pdf).items():
        across, down = sizes.get(key, (0.0, 0.0))
        width, height = int(image.Width), int(image.Height)
        if across <= 0 or down <= 0 or image.get("/ImageMask", False):
            continue
        dense = max(width * 72 / across, height * 72 / down)
        if dense <= ppi:
            continue
        size = (max(1, round(width * ppi / dense)), max(1, round(height * ppi / dense)))
        _reduce(image, size)


def _reduce(image: pikepdf.Stream, size: tuple[int, int]) -> None:
    if image.get("/Filter") == Name.DCTDecode and "/SMask" not in image:
        data = _smaller_jpeg(image.read_raw_bytes(), size)
        image.write(data, filter=Name.DCTDecode)
    else:
        _write_flate(image, _smaller(image, size))
        if "/SMask" in image:
            mask = cast(pikepdf.Stream, image.SMask)
            _write_flate(mask, _smaller(mask, size))
    image.Width, image.Height = size


@lru_cache(maxsize=8)  # the same photo in every language's edition
def _smaller_jpeg(data: bytes, size: tuple[int, int]) -> bytes:
    return kept("reduced", 1, _reduced_jpeg, data, size)  # and by every worker


def _reduced_jpeg(data: bytes, size: tuple[int, int]) -> bytes:
    with Image.open(io.BytesIO(data)) as photo:
        reduced = photo.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    reduced.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def _smaller(image: pikepdf.Stream, size: tuple[int, int]) -> Image.Image:
    try:
        pixels = PdfImage(image).as_pil_image()
    except (pikepdf.PdfError, NotImplementedError, ValueError) as exc:
        raise CannotDerive(f"an image cannot be decoded: {exc}") from exc
    if pixels.mode not in ("RGB", "L"):
        raise CannotDerive(f"an image in {pixels.mode} cannot be reduced here")
    return pixels.resize(size, Image.Resampling.LANCZOS)


def _write_flate(image: pikepdf.Stream, pixels: Image.Image) -> None:
    image.write(zlib.compress(pixels.tobytes(), 6), filter=Name.FlateDecode)
    if "/DecodeParms" in image:
        del image.DecodeParms
    image.Width, image.Height = pixels.size

"""Colour conversion for the print edition: sRGB artwork to the print profile's CMYK.

SVG illustrations have their colours rewritten as ``device-cmyk()``, raster
images are converted pixel by pixel; both through a real ICC transform
(Pillow's ImageCms, LittleCMS) into the edition's CMYK output profile, so
what prints matches what the profile promises.
"""

from __future__ import annotations

import io
import re
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from brochure.render.kept_images import kept

_HEX = re.compile(rb"(?<!url\()#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_NAMED = {b"white": b"#ffffff", b"black": b"#000000"}
_NAMED_COLOUR = re.compile(rb'((?:fill|stroke|stop-color|color)\s*[=:]\s*"?)(white|black)\b')


@cache
def _transform(profile: Path) -> ImageCms.ImageCmsTransform:
    return ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(profile)),
        "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


@cache
def to_cmyk(rgb: tuple[int, int, int], profile: Path) -> tuple[float, float, float, float]:
    """One sRGB colour in the profile's CMYK, each ink from 0 to 1."""
    if rgb == (0, 0, 0):
        return (0.0, 0.0, 0.0, 1.0)  # black artwork prints as pure black, not a four-ink mix
    pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), _transform(profile))
    assert pixel is not None  # None only when applied in place
    inks = pixel.getpixel((0, 0))
    assert isinstance(inks, tuple)  # a CMYK pixel: one value per ink
    return tuple(round(v / 255, 3) for v in inks)  # type: ignore[return-value]  # four inks


def svg_to_cmyk(svg: bytes, profile: Path) -> bytes:
    """The SVG with every hex colour written as device-cmyk()."""
    svg = _NAMED_COLOUR.sub(lambda m: m.group(1) + _NAMED[m.group(2)], svg)

    def convert(match: re.Match[bytes]) -> bytes:
        digits = match.group(1).decode()
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        rgb = tuple(int(digits[i:i + 2], 16) for i in (0, 2, 4))
        c, m, y, k = to_cmyk(rgb, profile)
        return f"device-cmyk({c:g} {m:g} {y:g} {k:g})".encode()

    return _HEX.sub(convert, svg)


def image_to_cmyk(data: bytes, profile: Path) -> bytes:
    """A raster image in the profile's CMYK, as a JPEG.

    The source's embedded ICC profile is honoured (sRGB is assumed without
    one). A CMYK JPEG without a profile is taken to be in the print profile
    already and passed through untouched. Transparent parts are flattened onto
    white, i.e. the paper: the renderer gives a CMYK image no soft mask (it
    masks only RGB and grey images, and JPEG has no alpha channel), so the
    print edition has nothing to carry the alpha in.
    """
    return _image_to_cmyk(data, profile)


@lru_cache(maxsize=16)  # the same photo is fetched for every language's edition
def _image_to_cmyk(data: bytes, profile: Path) -> bytes:
    return kept("cmyk", 1, _converted_to_cmyk, data, profile)  # and by every worker


def _converted_to_cmyk(data: bytes, profile: Path) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        icc = image.info.get("icc_profile")
        if image.mode == "CMYK" and not icc and image.format == "JPEG":
            return data
        dpi = image.info.get("dpi")
        pixels = _on_white(_eight_bit(ImageOps.exif_transpose(image)))
    source = _source_profile(icc, pixels.mode)
    if source is None and pixels.mode == "L":
        pixels = pixels.convert("RGB")  # untagged grey is sRGB grey
    transform = _transform_from(source, pixels.mode, profile)
    converted = ImageCms.applyTransform(pixels, transform)
    assert converted is not None  # None only when applied in place
    return _jpeg(converted, dpi)


def image_to_srgb(data: bytes, cmyk_profile: Path) -> bytes | None:
    """A raster image for the screen and archive editions (sRGB), or None when
    it can be used as it is. CMYK images, images with another embedded
    profile than sRGB and 16-bit greyscale ones are converted: the renderer
    would embed CMYK as DeviceCMYK, ignore the profile and clip 16-bit grey
    to white. ``cmyk_profile`` is assumed for a CMYK image without a profile.
    """
    with Image.open(io.BytesIO(data)) as image:
        icc = image.info.get("icc_profile")
        foreign = bool(icc and not _is_srgb(icc))
        if image.mode not in ("CMYK", "I", "I;16", "I;16B", "I;16L") and not foreign:
            return None
        dpi, lossless = image.info.get("dpi"), image.format != "JPEG"
        pixels = _eight_bit(ImageOps.exif_transpose(image))
    alpha = pixels.getchannel("A") if "A" in pixels.getbands() else None
    if alpha is not None:
        pixels = pixels.convert(pixels.mode[:-1])
    source = _source_profile(icc, pixels.mode)
    if source is None and pixels.mode == "CMYK":
        source = ImageCms.getOpenProfile(str(cmyk_profile))
    if source is not None:
        converted = ImageCms.applyTransform(pixels, _transform_to_srgb(source, pixels.mode))
        assert converted is not None  # None only when applied in place
        pixels = converted
    if alpha is not None:
        pixels = pixels.convert("RGB")
        pixels.putalpha(alpha)
    return _png(pixels, dpi) if lossless or alpha is not None else _jpeg(pixels, dpi)


def _eight_bit(image: Image.Image) -> Image.Image:
    """8 bits per channel. Pillow reads 16-bit RGB PNGs as 8-bit already, but
    16-bit grey as 'I;16', which its own conversions clip to white."""
    if image.mode.startswith("I"):
        return image.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("1", "F"):
        return image.convert("L")
    if image.mode == "PA":
        return image.convert("RGBA")
    return image.copy()


def _on_white(image: Image.Image) -> Image.Image:
    """The image flattened onto white: RGBA becomes RGB, LA becomes L."""
    if "A" not in image.getbands():
        return image
    paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
    flat = Image.alpha_composite(paper, image.convert("RGBA"))
    return flat.convert(image.mode[:-1])


def _source_profile(icc: bytes | None, mode: str) -> ImageCms.ImageCmsProfile | None:
    """The embedded profile, if it is one for pixels of ``mode`` (a grey
    profile on an RGB image, say, cannot be used, and sRGB is assumed)."""
    if not icc:
        return None
    try:
        profile = _profile(icc)
    except (OSError, ImageCms.PyCMSError):
        return None
    space = profile.profile.xcolor_space.strip()
    return profile if {"L": "GRAY", "RGB": "RGB", "CMYK": "CMYK"}.get(mode) == space else None


def _jpeg(image: Image.Image, dpi) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, **({"dpi": dpi} if dpi else {}))
    return out.getvalue()


def _png(image: Image.Image, dpi) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **({"dpi": dpi} if dpi else {}))
    return out.getvalue()


@lru_cache(maxsize=8)
def _profile(icc: bytes) -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(io.BytesIO(icc))


def _is_srgb(icc: bytes) -> bool:
    try:
        description = ImageCms.getProfileDescription(_profile(icc))
    except (OSError, ImageCms.PyCMSError):
        return False
    return "srgb" in description.lower()


@lru_cache(maxsize=8)
def _transform_from(source: ImageCms.ImageCmsProfile | None, mode: str,
                    profile: Path) -> ImageCms.ImageCmsTransform:
    """``mode`` pixels in ``source`` (sRGB if None) to the print profile's CMYK."""
    if source is None and mode == "RGB":
        return _transform(profile)
    return ImageCms.buildTransform(
        source or ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(profile)),
        mode, "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


@lru_cache(maxsize=8)
def _transform_to_srgb(source: ImageCms.ImageCmsProfile, mode: str,
                       ) -> ImageCms.ImageCmsTransform:
    return ImageCms.buildTransform(
        source, ImageCms.createProfile("sRGB"), mode, "RGB",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


@cache
def profile_name(profile: Path) -> str:
    """How an output intent names the profile's printing condition (as the renderer does)."""
    opened = ImageCms.getOpenProfile(str(profile)).profile
    return (opened.model or opened.profile_description or profile.stem).strip()

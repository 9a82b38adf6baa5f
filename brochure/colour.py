"""Colour conversion for the print edition: sRGB artwork to the print profile's CMYK.

SVG illustrations have their colours rewritten as ``device-cmyk()``, raster
images are converted pixel by pixel; both through a real ICC transform
(Pillow's ImageCms, LittleCMS) into the edition's CMYK output profile, so
what prints matches what the profile promises.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

from PIL import Image, ImageCms

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
    return tuple(round(v / 255, 3) for v in pixel.getpixel((0, 0)))  # type: ignore[return-value]


def svg_to_cmyk(svg: bytes, profile: Path) -> bytes:
    """The SVG with every hex colour written as device-cmyk()."""
    svg = _NAMED_COLOUR.sub(lambda m: m.group(1) + _NAMED[m.group(2)], svg)

    def convert(match: re.Match[bytes]) -> bytes:
        digits = match.group(1).decode()
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        rgb = tuple(int(digits[i:i + 2], 16) for i in (0, 2, 4))
        c, m, y, k = to_cmyk(rgb, profile)  # type: ignore[arg-type]
        return f"device-cmyk({c:g} {m:g} {y:g} {k:g})".encode()

    return _HEX.sub(convert, svg)


def image_to_cmyk(data: bytes, profile: Path) -> bytes:
    """A raster image converted to the profile's CMYK, as a high-quality JPEG."""
    with Image.open(io.BytesIO(data)) as image:
        if image.mode == "CMYK":
            return data
        rgb = image.convert("RGB")
        converted = ImageCms.applyTransform(rgb, _transform(profile))
        dpi = image.info.get("dpi")
    out = io.BytesIO()
    converted.save(out, "JPEG", quality=95, **({"dpi": dpi} if dpi else {}))
    return out.getvalue()


def is_cmyk_profile(path: Path) -> bool:
    try:
        profile = ImageCms.getOpenProfile(str(path))
    except (OSError, ImageCms.PyCMSError):
        return False
    return profile.profile.xcolor_space.strip() == "CMYK"

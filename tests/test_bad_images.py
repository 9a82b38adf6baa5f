"""A broken image stops `check` and `build` before anything is rendered: one
located error names the YAML line that names the image, the image and the
reason, and the previous PDFs stay as they were."""

from __future__ import annotations

import io
import os
import re
from functools import cache
from pathlib import Path

import pytest
from conftest import edit, line_of, run
from PIL import Image

from brochure.check import check
from brochure.content import images

SECTION_IMAGE = "images/economy.svg"  # sections[2].image in the sample's edition.yaml




# --- image files, made here ------------------------------------------------------

@cache
def photo() -> Image.Image:
    """Noise compresses about as badly as a photograph: a realistic file size."""
    return Image.effect_noise((1200, 800), 60).convert("RGB")


def encoded(image: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


@cache
def png() -> bytes:
    return encoded(photo(), "PNG")


@cache
def jpeg() -> bytes:
    return encoded(photo(), "JPEG")


@cache
def huge_png() -> bytes:
    """20 000 × 20 000 pixels, yet only about 50 KB on disk."""
    return encoded(Image.new("1", (20000, 20000)), "PNG")


def damaged_png() -> bytes:
    data = bytearray(png())
    data[len(data) // 2] ^= 0xFF
    return bytes(data)


def svg(inner: str, before: str = "") -> bytes:
    return (f'{before}<svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="80">'
            f'<rect width="120" height="80" fill="#a8dadc"/>\n{inner}\n</svg>\n').encode()


# --- every case: check and build fail with a located message -----------------------

def fails_everywhere(content: Path, *expected: str) -> str:
    """`check` and `build` both exit 1 with every expected text, and write no PDF."""
    out = content.parent / "out"
    for command in (["check", str(content)],
                    ["build", str(content), "--out", str(out), "--jobs", "1",
                     "--edition", "screen"]):
        result = run(*command, "--lang", "en")
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        for text in expected:
            assert re.search(text, result.output), (text, result.output)
    assert not out.exists() or not list(out.glob("**/*.pdf"))
    return result.output


def place_as_section_image(content: Path, name: str, data: bytes) -> str:
    """Put ``data`` in images/``name`` and make it the economy section's picture;
    the regular expression of the message's beginning."""
    (content / "images" / name).write_bytes(data)
    line = line_of(content / "edition.yaml", SECTION_IMAGE)
    edit(content / "edition.yaml", SECTION_IMAGE, f"images/{name}")
    return (rf"content/edition\.yaml:{line}:12: sections\[2\]\.image: "
            rf"the image 'images/{re.escape(name)}' cannot be used: ")


@pytest.mark.parametrize("name, data, reason", [
    ("empty.png", lambda: b"", r"the file is empty \(0 bytes\)\. Export or copy the image"),
    ("notes.png", lambda: b"Shopping list:\n- rice\n", r"the file holds text, not a PNG image"),
    ("photo.png", lambda: png()[:len(png()) // 2], r"the file is cut short"),
    ("photo.png", lambda: png()[:-12], r"the file is cut short"),  # no IEND chunk
    ("photo.jpg", lambda: jpeg()[:len(jpeg()) // 2], r"the file is cut short"),
    ("photo.jpg", lambda: jpeg()[:-2], r"the file is cut short"),  # no end-of-image marker
    ("photo.png", damaged_png, r"the image data is damaged \(.+\)"),
    ("poster.png", huge_png, r"it is 20000 × 20000 pixels \(400 megapixels\); the limit is "
                             r"80 megapixels\. Scale it down"),
    ("photo.png", jpeg, r"the file is a JPEG image, but its name ends in \.png\. "
                        r"Rename it to \.jpg"),
    ("scan.png", lambda: encoded(photo(), "TIFF"),
     r"the file is a TIFF image, a format that cannot be placed"),
], ids=["empty", "text", "truncated-png", "png-without-end", "truncated-jpeg",
        "jpeg-without-end", "damaged-png", "too-many-pixels", "jpeg-named-png", "tiff"])
def test_a_broken_raster_image_stops_check_and_build(content, name, data, reason):
    start = place_as_section_image(content, name, data())
    fails_everywhere(content, start + reason)


@pytest.mark.parametrize("inner, reason", [
    ('<image href="file:///etc/passwd" width="9" height="9"/>',
     r'<image href="file:///etc/passwd"> \(line 2\) names a file by its full path'),
    ('<image xlink:href="../../secret.png" width="9" height="9"/>',
     r'<image xlink:href="\.\./\.\./secret\.png"> \(line 2\) points outside the content'),
    ('<image href="http://127.0.0.1/x.png" width="9" height="9"/>',
     r"is an address on the network; nothing is downloaded"),
    ('<use href="cover.svg#sun"/>',
     r"repeats a part of another file \(images/cover\.svg\), which the renderer does not"),
    ('<use xlink:href="../../elsewhere.svg#part"/>', r"points outside the content folder"),
    ("<style>@import url(more.css);</style>",
     r"its <style> \(line 2\) imports another stylesheet with @import"),
    ("<style>rect { fill: url('https://example.org/p.svg#g') }</style>",
     r"url\(https://example\.org/p\.svg#g\) in <style> \(line 2\) is an address on the"),
    ('<rect width="9" height="9" style="fill: u\\72l(/etc/passwd)"/>',
     r"url\(/etc/passwd\) in the style of <rect> \(line 2\) names a file by its full path"),
    ('<filter id="f"><feImage href="../../../etc/hostname"/></filter>',
     r"<feImage href=.+> \(line 2\) points outside the content folder"),
    ('<image href="missing.png" width="9" height="9"/>',
     r"names images/missing\.png, which does not exist"),
    ('<image href="../edition.yaml" width="9" height="9"/>',
     r"names edition\.yaml, which is not an image"),
    ('<image xml:base="file:///etc/" href="passwd" width="9" height="9"/>',
     r"<image xml:base> \(line 2\) changes where addresses point"),
], ids=["file-url", "parent-folder", "network", "use-other-file", "use-outside", "import",
        "style-url", "style-attribute", "feimage", "missing", "not-an-image", "xml-base"])
def test_an_svg_reaching_outside_the_brochure_stops_check_and_build(content, inner, reason):
    start = place_as_section_image(content, "drawing.svg", svg(inner))
    fails_everywhere(content, start + ".*" + reason)


def test_a_file_over_the_size_limit_is_refused_without_being_read(content):
    start = place_as_section_image(content, "poster.png", png())
    os.truncate(content / "images/poster.png", images.MAX_BYTES + 20 * 2**20)  # sparse
    fails_everywhere(content, start + r"the file is 120 MB; the limit is 100 MB")


def test_an_svg_with_a_doctype_is_refused_before_its_entities_are_read(content):
    doctype = '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    start = place_as_section_image(content, "drawing.svg", svg("<text>&x;</text>", doctype))
    fails_everywhere(content, start + r"it has a DOCTYPE declaration \(line 1\), which is "
                                      r"not allowed.*Delete the <!DOCTYPE")


def test_an_svg_that_is_not_xml_is_refused(content):
    start = place_as_section_image(content, "drawing.svg", svg("")[:-12])
    fails_everywhere(content, start + r"it is not valid XML \(line \d+, column \d+: .+\)")


def test_a_file_named_svg_that_is_not_a_drawing_is_refused(content):
    start = place_as_section_image(content, "drawing.svg", b"<html><p>hello</p></html>")
    fails_everywhere(content, start + r"it is not an SVG drawing \(its first element is <html>\)")


def test_an_svg_naming_a_broken_picture_names_both(content):
    (content / "images/inside.png").write_bytes(png()[:50_000])
    start = place_as_section_image(
        content, "drawing.svg", svg('<image href="inside.png" width="9" height="9"/>'))
    fails_everywhere(content, start + r'<image href="inside\.png"> \(line 2\) names '
                                      r"images/inside\.png, which cannot be used: "
                                      r"the file is cut short")


def test_a_broken_image_in_body_text_is_located_in_the_text_file(content):
    (content / "images/empty.png").write_bytes(b"")
    edit(content / "text/en.yaml", "    body: |\n", "    body: |\n      ![x](images/empty.png)\n\n")
    line = line_of(content / "text/en.yaml", "![x](images/empty.png)") - 1
    fails_everywhere(content, rf"content/text/en\.yaml:{line}:\d+: sections\.democracy\.body: "
                              r"the image 'images/empty\.png' cannot be used: the file is empty")


# --- what is accepted -----------------------------------------------------------------

def test_good_png_jpeg_and_svg_with_local_references_pass(content):
    (content / "images/cover.png").write_bytes(png())
    (content / "images/photo.jpg").write_bytes(jpeg())
    edit(content / "edition.yaml", "cover_image: images/cover.svg", "cover_image: images/cover.png")
    inner = ('<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="9" height="9"/>'
             '<use href="#g"/><image href="photo.jpg" width="9" height="9"/>'
             '<image href="data:image/png;base64,iVBORw0KGgo=" width="9" height="9"/>'
             '<a href="https://example.org/"><rect width="9" height="9"/></a>')
    place_as_section_image(content, "drawing.svg", svg(inner))
    edit(content / "text/en.yaml", "    body: |\n", "    body: |\n      ![x](images/photo.jpg)\n\n")
    result = run("check", str(content), "--lang", "en")  # others: stale, since en changed
    assert result.exit_code == 0, result.output
    assert "ready to build (0 warnings)" in result.output


def test_an_image_named_in_several_languages_is_decoded_once(content):
    (content / "images/photo.png").write_bytes(png())
    edit(content / "edition.yaml", "cover_image: images/cover.svg",
         "cover_image: images/photo.png")
    for language in ("en", "ko", "ja"):
        edit(content / f"text/{language}.yaml", "    body: |\n",
             "    body: |\n      ![x](images/photo.png)\n\n")
    images._decoded.cache_clear()
    check(content, ["en", "ko", "ja"])
    decoded = images._decoded.cache_info()
    assert decoded.misses == 2  # photo.png and the sample's own photograph, once each
    assert decoded.hits >= 3  # each language's use (and the delegations' pages) from the cache


# --- nothing is replaced ------------------------------------------------------------

def test_a_failed_build_leaves_the_previous_pdfs_unchanged(content):
    out = content.parent / "out"
    options = ["--out", str(out), "--jobs", "1", "--lang", "en", "--edition", "screen"]
    assert run("build", str(content), *options).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.glob("*.pdf")}
    assert before
    (content / SECTION_IMAGE).write_bytes(svg('<image href="http://example.org/x.png"/>'))
    result = run("build", str(content), *options, "--force")
    assert result.exit_code == 1, result.output
    assert "images/economy.svg' cannot be used" in result.output
    assert {p.name: p.read_bytes() for p in out.glob("*.pdf")} == before
    assert not list(out.glob("*.part"))


def test_a_broken_image_reached_only_by_a_stylesheet_is_reported_with_its_reason(content):
    """Stylesheets are not searched for images; the renderer's own warning must
    then say why the image failed, and --strict makes it fatal."""
    (content / "images/empty.png").write_bytes(b"")
    (content / "extra.css").write_text("h1 { background: url(images/empty.png) }\n",
                                       encoding="utf-8")
    edit(content / "edition.yaml", "stylesheets: [photo.css]", "stylesheets: [extra.css]")
    out = content.parent / "out"
    result = run("build", str(content), "--out", str(out), "--jobs", "1", "--lang", "en",
                 "--edition", "screen", "--strict")
    assert result.exit_code == 1, result.output
    # The renderer names the error's kind or not, depending on where it caught it.
    assert re.search(r"Failed to load image at '.*images/empty\.png': "
                     r"(UnidentifiedImageError: )?cannot identify image",
                     result.output), result.output

"""Raster images in the print edition: converted to CMYK, and checked for resolution."""

from __future__ import annotations

from PIL import Image
from test_bad_content import build_fails, edit, run

from brochure.build import build
from brochure.inspect import inspect_pdf


def with_photo(content, width: int) -> None:
    """Replace the democracy illustration by an RGB photo-like PNG ``width`` px wide."""
    image = Image.new("RGB", (width, width * 2 // 3), (231, 111, 81))
    for x in range(0, width, 7):
        for y in range(0, width * 2 // 3, 5):
            image.putpixel((x, y), (29, 53, 87))
    image.save(content / "images/photo.png")
    edit(content / "edition.yaml", "images/democracy.svg", "images/photo.png")


def test_a_raster_image_is_converted_to_cmyk_and_a_soft_one_is_a_warning(content):
    with_photo(content, 2000)  # cropped to 150 mm high on the page: about 225 ppi
    report = build(content, ["en"], content.parent / "out", kinds=["print"], jobs=1)
    pdf = inspect_pdf(report.built[0].path)
    [photo] = [image for image in pdf.images if image.width == 2000]
    assert photo.colour_space.family == "CMYK"
    assert 150 < photo.ppi < 300
    [warning] = report.problems.warnings
    assert "images/photo.png: image" in warning.message
    assert f"page {photo.page}" in warning.message and "it may print soft" in warning.message


def test_an_image_under_150_ppi_fails_the_print_build_as_inspect_would(content):
    with_photo(content, 500)  # about 56 ppi
    build_fails(content, r"images/photo\.png: image .* is \d+ ppi .* print pixelated",
                options=("--lang", "en", "--edition", "print"))


def test_build_and_inspect_give_one_verdict_on_a_soft_image(content):
    with_photo(content, 2000)  # about 225 ppi: a warning for both
    out = content.parent / "out"
    built = run("build", str(content), "--out", str(out), "--lang", "en",
                "--edition", "print", "--jobs", "1")
    assert built.exit_code == 0, built.output
    pdf = out / "gwangju-city_print_en.pdf"
    [row] = [line for line in built.output.splitlines() if line.startswith(str(pdf))]
    assert row.split()[-1] == "1"  # the summary table counts the preflight's warning
    inspected = run("inspect", str(pdf), "--as", "print")
    assert inspected.exit_code == 0
    assert "Ready for print: yes, with warnings (0 error(s), 1 warning(s))" in inspected.output


def test_the_screen_edition_keeps_the_image_in_rgb_downsampled_to_150_ppi(content):
    with_photo(content, 2000)
    report = build(content, ["en"], content.parent / "out", kinds=["screen"], jobs=1)
    [photo] = [i for i in inspect_pdf(report.built[0].path).images if i.colour_space]
    assert photo.colour_space.family == "RGB"
    assert 140 < photo.ppi <= 151

"""Raster images in the print edition: converted to CMYK, and checked for resolution."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
from conftest import SAMPLE, build_fails, edit, run
from pikepdf import PdfImage
from PIL import Image, ImageChops, ImageStat

from brochure.build import build
from brochure.pdf.inspect import inspect_pdf


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
    photos = [i for i in inspect_pdf(report.built[0].path).images if i.colour_space]
    assert len(photos) == 2  # this one and the sample's own photo
    for photo in photos:
        assert photo.colour_space.family == "RGB"
        assert 140 < photo.ppi <= 151


# --- photos: every raster image decodes and looks the same in print and screen

PHOTO = SAMPLE / "images/forest-path.jpg"
A98 = Path("/usr/share/color/icc/ghostscript/a98.icc")  # Adobe RGB (1998), libgs-common


def qpdf_check(path: Path) -> str:
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    return result.stdout + result.stderr


def poppler_messages(path: Path) -> str:
    """What pdftoppm says on stderr while drawing the pages: decoder errors."""
    result = subprocess.run(["pdftoppm", "-r", "10", str(path)], capture_output=True)
    return result.stderr.decode(errors="replace")


def image_xobjects(path: Path) -> list[tuple[str, tuple[int, int], bool]]:
    """Every image XObject the pages use, decoded: (its object id, size in
    pixels, whether it is CMYK)."""
    found = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for image in page.get_images().values():
                decoded = PdfImage(image).as_pil_image()  # raises if it does not decode
                found[image.objgen] = (decoded.size, is_cmyk(PdfImage(image)))
    return [(f"{num} {gen} R", *info) for (num, gen), info in found.items()]


def is_cmyk(image: PdfImage) -> bool:
    space = image.obj.ColorSpace
    if space == pikepdf.Name.DeviceCMYK:
        return True
    return (isinstance(space, pikepdf.Array) and space[0] == pikepdf.Name.ICCBased
            and int(space[1].N) == 4)


def pictures(path: Path, scale: float = 0.5) -> list[tuple[int, tuple, Image.Image]]:
    """Every raster image as drawn: (page index, its bounds, the middle of its
    area on the rendered page). The middle half is inside the visible frame
    even when object-fit crops the image."""
    found = []
    pdf = pdfium.PdfDocument(str(path))
    for index in range(len(pdf)):
        page = pdf[index]
        images = list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
        if not images:
            continue
        bitmap = page.render(scale=scale).to_pil().convert("RGB")
        # The rendered box: the print edition's MediaBox starts beyond the trim.
        x0, y0, x1, y1 = page.get_bbox()
        for image in images:
            left, bottom, right, top = image.get_bounds()
            box = (max(left, x0), max(bottom, y0), min(right, x1), min(top, y1))
            dx, dy = (box[2] - box[0]) / 4, (box[3] - box[1]) / 4
            crop = (box[0] - x0 + dx, y1 - box[3] + dy, box[2] - x0 - dx, y1 - box[1] - dy)
            found.append((index, (left, bottom, right, top),
                          bitmap.crop(tuple(round(v * scale) for v in crop))))
    return found


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel, 0 to 255."""
    b = b.resize(a.size)
    diff = ImageChops.difference(a, b).convert("L")
    return sum(v * n for v, n in enumerate(diff.histogram())) / (a.width * a.height)


def with_every_kind_of_photo(content: Path) -> None:
    """The sample with a photo in each image slot, each of another kind."""
    photo = Image.open(PHOTO).convert("RGB")
    images = content / "images"
    rgba = photo.copy()
    rgba.putalpha(Image.linear_gradient("L").resize(photo.size))  # opaque at the bottom
    rgba.save(images / "alpha.png")
    grey16 = photo.convert("L").point(lambda v: v * 257, "I")
    grey16.convert("I;16").save(images / "grey16.png")
    with Image.open(images / "grey16.png") as saved:
        assert saved.mode.startswith("I")  # what a 16-bit grey PNG opens as
    photo.quantize(64).save(images / "palette.png")
    photo.convert("CMYK").save(images / "cmyk.jpg", quality=90)
    photo.save(images / "adobe-rgb.jpg", quality=90, icc_profile=A98.read_bytes())
    for old, new in [("images/democracy.svg", "images/alpha.png"),
                     ("images/economy.svg", "images/grey16.png"),
                     ("images/culture.svg", "images/palette.png"),
                     ("images/cover.svg", "images/cmyk.jpg")]:
        edit(content / "edition.yaml", old, new)
    (images / "forest-path.jpg").write_bytes((images / "adobe-rgb.jpg").read_bytes())


def test_every_image_of_the_sample_decodes_and_prints_in_cmyk(sample_build):
    for built in sample_build.built:
        assert "No syntax or stream encoding errors" in qpdf_check(built.path), built.path
        images = list(image_xobjects(built.path))
        assert images, f"{built.path.name} has no raster image"
        for name, _, cmyk in images:
            assert cmyk == (built.kind == "print"), (built.path.name, name)
        assert poppler_messages(built.path) == "", built.path.name


def test_every_kind_of_photo_decodes_and_looks_the_same_in_print_and_screen(content):
    with_every_kind_of_photo(content)
    report = build(content, ["en"], content.parent / "out", kinds=["screen", "print"], jobs=1)
    paths = {b.kind: b.path for b in report.built}
    for kind, path in paths.items():
        assert "No syntax or stream encoding errors" in qpdf_check(path), kind
        images = list(image_xobjects(path))
        assert len(images) == 5, kind  # cover and four themes
        for name, _, cmyk in images:
            assert cmyk == (kind == "print"), (kind, name)
        assert poppler_messages(path) == "", kind
    printed, screen = pictures(paths["print"]), pictures(paths["screen"])
    assert len(printed) == len(screen) == 5
    for (page, _, on_paper), (_, _, on_screen) in zip(printed, screen, strict=True):
        assert ImageStat.Stat(on_paper.convert("L")).stddev[0] > 10, page  # not blank
        assert difference(on_screen, on_paper) < 25, page

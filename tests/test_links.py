"""Links in body text: web addresses in the PDF, never files of the build machine."""

from __future__ import annotations

import pikepdf
from conftest import build_fails, edit, line_of

from brochure.build import build

BODY = "    body: |\n"


def with_link(content, target: str) -> int:
    """Put a Markdown link to ``target`` at the start of the first section's body;
    the line where that body starts."""
    text = content / "text/en.yaml"
    edit(text, BODY, f"{BODY}      See [the programme]({target}).\n")
    return line_of(text, BODY)


def link_targets(pdf_path) -> list[str]:
    with pikepdf.open(pdf_path) as pdf:
        return [str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
                if "/A" in annot and "/URI" in annot.A]


def test_a_relative_link_becomes_an_address_on_the_brochures_website(content):
    with_link(content, "visit/programme.html")
    report = build(content, ["en"], content.parent / "out", kinds=["screen"], jobs=1)
    targets = link_targets(report.built[0].path)
    assert "https://www.gwangju.go.kr/visit/programme.html" in targets
    assert not [t for t in targets if t.startswith("file:")]


def test_a_link_to_a_file_of_the_content_folder_is_refused_at_its_line(content):
    line = with_link(content, "images/cover.svg")
    build_fails(content, rf"content/text/en\.yaml:{line}:\d+: .*'images/cover\.svg' names a "
                         "file, which a reader of the PDF cannot open")


def test_a_link_climbing_out_of_the_folder_is_refused(content):
    with_link(content, "../secret.pdf")
    build_fails(content, r"'\.\./secret\.pdf' names a file")


def test_a_relative_link_without_a_website_is_refused(content):
    edit(content / "edition.yaml", "  website: https://www.gwangju.go.kr/\n", "")
    with_link(content, "visit/")
    build_fails(content, r"relative link 'visit/' needs the brochure's web address")

"""A delegation edition in the edition's first format other than A4: the
delegation's own pages, single-language and bilingual, are set for A5 and US
Letter (styles/delegation*.css). One delegation (leipzig: German, Korean and
both side by side), screen only, made by the command and read back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner, Result

from brochure.cli.commands import main
from tests.conftest import SAMPLE, edit
from tests.pdfs import font_sizes, page_texts

# Width and height in points, as the screen edition's MediaBox (no bleed).
PAGE_PT = {"A5": (419.53, 595.28), "letter": (612.0, 792.0)}
BROCHURE_PAGES = 12  # the brochure's own pages, per language, after the delegation's

NAMES = {"de": "Delegation der Stadt Leipzig", "ko": "라이프치히시 대표단"}
WELCOME = {"de": "Willkommen in Gwangju", "ko": "광주에 오신 것을 환영합니다"}


@pytest.fixture(scope="module", params=["A5", "letter"])
def leipzig(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            ) -> tuple[str, Result, Path]:
    """Leipzig's screen editions from a copy of the sample whose edition is in
    one format: the format, what the command did, and the delegation's folder."""
    page_format = request.param
    folder = tmp_path_factory.mktemp(f"delegation-{page_format}")
    content = folder / "content"
    shutil.copytree(SAMPLE, content)
    edit(content / "edition.yaml", "formats: [A4]", f"formats: [{page_format}]")
    result = CliRunner().invoke(main, [
        "delegations", str(content), "--only", "leipzig", "--edition", "screen",
        "--out", str(folder / "out"), "--strict"])
    return page_format, result, folder / "out" / "delegations" / "leipzig"


def _text(path: Path, page: int) -> str:
    return " ".join(page_texts(path)[page].split())


def test_a_delegation_edition_is_made_on_the_pages_of_the_editions_format(leipzig):
    page_format, result, folder = leipzig
    assert result.exit_code == 0, result.output
    pdfs = sorted(folder.glob("*.pdf"))
    assert [p.name for p in pdfs] == ["leipzig_screen_de+ko.pdf", "leipzig_screen_de.pdf",
                                      "leipzig_screen_ko.pdf"]
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            sizes = {tuple(round(float(v), 2) for v in page.mediabox) for page in pdf.pages}
        assert sizes == {(0.0, 0.0, *PAGE_PT[page_format])}, (path.name, sizes)


def test_the_bilingual_cover_is_one_page_and_the_welcome_follows_it(leipzig):
    _, result, folder = leipzig
    assert result.exit_code == 0, result.output
    path = folder / "leipzig_screen_de+ko.pdf"
    cover, welcome = _text(path, 0), _text(path, 1)
    for language in ("de", "ko"):
        assert NAMES[language] in cover
        # Headings may break across lines, which the text reads back as spaces.
        assert WELCOME[language].replace(" ", "") in welcome.replace(" ", "")


def test_the_delegations_own_pages_set_nothing_below_7_pt_and_read_at_9_pt(leipzig):
    _, result, folder = leipzig
    assert result.exit_code == 0, result.output
    for path, languages in ((folder / "leipzig_screen_de+ko.pdf", 2),
                            (folder / "leipzig_screen_de.pdf", 1)):
        with pikepdf.open(path) as pdf:
            own = len(pdf.pages) - BROCHURE_PAGES * languages
        assert 4 <= own <= 8, (path.name, own)
        sizes = [font_sizes(path, page) for page in range(own)]
        assert min(size for page in sizes for size in page) >= 7, (path.name, sizes)
        # The welcome, the longest text of the own pages, is read at 9 pt or more.
        assert sizes[1].most_common(1)[0][0] >= 9, (path.name, sizes[1])


def test_a_single_language_edition_keeps_the_a4_plan_of_four_own_pages(leipzig):
    """Cover, welcome with the contents, programme, members and host: each on
    one page, as on A4 (the sample's programme fills a page, eleven items)."""
    _, result, folder = leipzig
    assert result.exit_code == 0, result.output
    for language in ("de", "ko"):
        path = folder / f"leipzig_screen_{language}.pdf"
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) - BROCHURE_PAGES == 4, path.name
        texts = [_text(path, page) for page in range(4)]
        assert NAMES[language] in texts[0]
        assert WELCOME[language].replace(" ", "") in texts[1].replace(" ", "")

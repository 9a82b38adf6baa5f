"""Delegation editions: the command on the sample (real PDFs, read back), and
the located errors of broken delegation files (nothing rendered, nothing written)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from pathlib import Path

import pikepdf
import pytest
from babel import Locale
from click.testing import CliRunner

from brochure.cli.commands import main
from brochure.delegations.personalise import time_range
from brochure.pdf import verapdf
from tests.conftest import SAMPLE
from tests.pdfs import page_texts

DELEGATIONS = ["leipzig", "rabat", "san-antonio", "sendai"]


@pytest.fixture(scope="module")
def batch(delegation_screen_batch: tuple[Path, str]) -> tuple[Path, str]:
    """The screen edition of every sample delegation, made once by the command."""
    return delegation_screen_batch


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _text(path: Path) -> str:
    return " ".join(" ".join(page_texts(path)).split())


def test_every_delegation_gets_a_folder_a_manifest_and_a_zip(batch):
    out, _ = batch
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == DELEGATIONS
    for delegation in DELEGATIONS:
        folder = out / delegation
        manifest = _manifest(folder)
        assert manifest["delegation"] == delegation
        assert manifest["files"]
        for entry in manifest["files"]:
            data = (folder / entry["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert entry["edition"] == "screen" and entry["pages"] > 10
        with zipfile.ZipFile(out / f"{delegation}.zip") as archive:
            assert sorted(archive.namelist()) == sorted(
                [f"{delegation}/manifest.json",
                 *(f"{delegation}/{e['path']}" for e in manifest["files"])])
            for entry in manifest["files"]:
                inside = archive.read(f"{delegation}/{entry['path']}")
                assert hashlib.sha256(inside).hexdigest() == entry["sha256"]
            assert json.loads(archive.read(f"{delegation}/manifest.json")) == manifest


def test_each_language_of_a_delegation_has_its_edition(batch):
    out, _ = batch
    languages = {d: sorted(e["language"] for e in _manifest(out / d)["files"])
                 for d in DELEGATIONS}
    assert languages == {"leipzig": ["de", "de+ko", "ko"], "rabat": ["ar"],
                         "san-antonio": ["en"], "sendai": ["ja"]}


NAMES = {("leipzig", "de"): "Delegation der Stadt Leipzig",
         ("leipzig", "ko"): "라이프치히시 대표단",
         ("rabat", "ar"): "وفد مدينة الرباط",
         ("san-antonio", "en"): "Delegation of the City of San Antonio",
         ("sendai", "ja"): "仙台市代表団"}


def test_the_delegations_name_is_in_each_of_its_pdfs(batch):
    out, _ = batch
    for (delegation, language), name in NAMES.items():
        manifest = _manifest(out / delegation)
        assert manifest["name"] == NAMES[(delegation, manifest["files"][0]["language"])]
        path = out / delegation / f"{delegation}_screen_{language}.pdf"
        assert name in _text(path), path.name


def test_programme_times_are_written_the_way_each_reader_expects(batch):
    out, _ = batch
    expected = {
        ("leipzig", "de"): ["Dienstag, 12. Mai 2026", "10:00 – 11:00", "13:00 – 14:30"],
        ("leipzig", "ko"): ["2026년 5월 12일 화요일", "오후 1:00 ~ 오후 2:30"],
        ("san-antonio", "en"): ["Tuesday, October 20, 2026", "1:30 PM – 4:00 PM"],
        # ar-SA: Arabic-Indic digits. (The weekday, الثلاثاء, is left out: its
        # lam-alef ligatures read back from the PDF as الثالثاء.)
        ("rabat", "ar"): ["، ٢ يونيو ٢٠٢٦", "١٠:٠٠ ص – ١١:٠٠ ص", "٣:٠٠ م – ٥:٠٠ م"],
        ("sendai", "ja"): ["2026年9月8日火曜日", "14:00～15:00"],
    }
    for (delegation, language), texts in expected.items():
        text = _text(out / delegation / f"{delegation}_screen_{language}.pdf")
        for wanted in texts:
            assert wanted in text, (language, wanted)


def test_the_delegation_pages_come_first_and_list_the_brochure(batch):
    """The delegation's contents lead to the brochure's sections; the
    brochure's cover follows the members (test_delegation_join.py checks the
    numbers)."""
    out, _ = batch
    pages = page_texts(out / "san-antonio" / "san-antonio_screen_en.pdf")
    assert "Delegation of the City of San Antonio" in " ".join(pages[0].split())
    assert not pages[0].rstrip()[-1:].isdigit()  # no page number on the cover
    assert "Programme" in pages[1] and "About Gwangju" in pages[1]
    assert "Democracy and human rights" in pages[1]
    assert "Courtesy call on the Mayor" in pages[2]
    assert "Jane Doe" in pages[3] and "Hong Gil-dong" in pages[3]
    assert "Gwangju" in pages[4] and "City of democracy" in pages[4]


def test_an_unchanged_batch_is_not_rendered_again(batch, tmp_path: Path):
    out, _ = batch
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["delegations", str(SAMPLE), "--edition", "screen",
                                       "--out", str(out.parent), "--only", "rabat"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


# --- the bilingual edition ------------------------------------------------------------


def _structure(element: pikepdf.Object, inherited: str | None = None):
    """Every structure element under ``element`` with its tag and the /Lang it
    has, its own or an ancestor's."""
    kids = element.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            language = str(kid["/Lang"]) if "/Lang" in kid else inherited
            yield str(kid["/S"]), language, kid
            yield from _structure(kid, language)


def test_the_bilingual_edition_holds_both_languages(batch):
    """Delegation pages side by side in both languages, then the brochure in
    German, then in Korean: both scripts, each contents leading to its part."""
    out, _ = batch
    path = out / "leipzig" / "leipzig_screen_de+ko.pdf"
    pages = [" ".join(page.split()) for page in page_texts(path)]
    cover = pages[0]
    assert "Delegation der Stadt Leipzig" in cover and "라이프치히시 대표단" in cover
    assert "12.–14. Mai 2026" in cover and "2026년 5월 12일~14일" in cover
    assert "Willkommen in Gwangju" in pages[1] and "광주에 오신 것을 환영합니다" in pages[1]
    assert "Empfang durch den Bürgermeister" in pages[2] and "시장 접견" in pages[2]
    assert "오전 10:00 ~ 오전 11:00" in pages[2] and "10:00 – 11:00" in pages[2]
    # The brochure's pages follow in German, then in Korean.
    german = next(i for i, page in enumerate(pages) if "Demokratie und Menschenrechte" in page
                  and i > 3)
    korean = next(i for i, page in enumerate(pages) if "민주주의와 인권" in page and i > german)
    assert german < korean < len(pages)
    assert len(pages) > 2 * 12


def test_each_language_of_the_bilingual_edition_is_tagged_with_its_lang(batch):
    out, _ = batch
    with pikepdf.open(out / "leipzig" / "leipzig_screen_de+ko.pdf") as pdf:
        assert str(pdf.Root.Lang) == "de"
        elements = list(_structure(pdf.Root.StructTreeRoot.K[0], "de"))
        own = {str(e["/Lang"]) for _, _, e in elements if "/Lang" in e}
        assert own == {"de", "ko"}
        headings = [(tag, language) for tag, language, _ in elements if tag == "/H1"]
        # The delegation's cover (de, ko), the brochure's cover in each part.
        assert headings == [("/H1", "de"), ("/H1", "ko"), ("/H1", "de"), ("/H1", "ko")]
        korean = [e for tag, language, e in elements if language == "ko" and tag == "/P"]
        assert len(korean) > 50


def test_every_delegation_screen_edition_passes_pdf_ua_1(batch):
    """veraPDF, in one run for every screen PDF of the batch (single and bilingual)."""
    out, _ = batch
    paths = sorted(out.rglob("*_screen_*.pdf"))
    assert len(paths) == 6
    assert verapdf.available(), "veraPDF cannot run here: " + verapdf.SETUP_HINT
    for path, verdict in verapdf.validate(paths, "ua1").items():
        failures = [f"{rule} at {rule.contexts}" for rule in verdict.failed_rules]
        assert verdict.passed and not failures and not verdict.error, (path.name, failures,
                                                                       verdict.error)


def test_the_progress_counts_delegations():
    """A delegation is done when the last of its editions to render is; one
    with nothing to render (up to date) is not counted."""
    from types import SimpleNamespace

    from brochure.build import Built
    from brochure.delegations.batch import _counting_delegations

    def plan(name: str, *files: str) -> SimpleNamespace:
        editions = [SimpleNamespace(output=Path(f)) for f in files]
        return SimpleNamespace(delegation=SimpleNamespace(id=name), editions=editions)

    plans = [plan("leipzig", "de.pdf", "ko.pdf", "de+ko.pdf"), plan("rabat", "ar.pdf"),
             plan("sendai", "ja.pdf")]
    stale = [e for p in plans[:2] for e in p.editions]
    seen: list[tuple[str, int, int]] = []
    counted = _counting_delegations(plans, stale, lambda *told: seen.append(told))
    for number, name in enumerate(["de.pdf", "ar.pdf", "de+ko.pdf", "ko.pdf"], start=1):
        counted(Built("x", "screen", Path(name), 1, 1, 0.0), number, 4)
    assert seen == [("rabat", 1, 2), ("leipzig", 2, 2)]


def test_times_follow_the_locales_clock():
    start, end = dt.time(13, 30), dt.time(16, 0)
    english = time_range(start, end, Locale.parse("en"))
    assert " ".join(english.split()) == "1:30 PM – 4:00 PM"  # CLDR: narrow and thin spaces
    for code, expected in [("de", "13:30 – 16:00"), ("ko", "오후 1:30 ~ 오후 4:00"),
                           ("ja", "13:30～16:00")]:
        assert " ".join(time_range(start, end, Locale.parse(code)).split()) == expected


# --- broken delegation files: located errors, nothing written -----------------------


def _break(content: Path, old: str, new: str) -> tuple[Path, int]:
    """Replace ``old`` in the Leipzig file; the line it was on."""
    path = content / "delegations" / "leipzig.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    line = text[:text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, line


def _fails(content: Path, tmp_path: Path) -> list[str]:
    """Both 'check' and 'delegations' refuse; the latter writes nothing."""
    runner = CliRunner()
    checked = runner.invoke(main, ["check", str(content)])
    assert checked.exit_code == 1, checked.output
    out = tmp_path / "out"
    made = runner.invoke(main, ["delegations", str(content), "--out", str(out)])
    assert made.exit_code == 1, made.output
    assert not out.exists()
    assert checked.output == made.output.replace("Nothing was written", "Not ready to build")
    return checked.output.splitlines()


def test_an_unknown_language_is_located(content: Path, tmp_path: Path):
    _, line = _break(content, "languages: [de, ko]", "languages: [de, kr]")
    lines = _fails(content, tmp_path)
    assert any(f"content/delegations/leipzig.yaml:{line}:" in m and "languages[2]" in m
               and "'kr'" in m and "Did you mean ko?" in m for m in lines), lines


def test_an_item_outside_the_visit_is_located(content: Path, tmp_path: Path):
    _, line = _break(content, "  - date: 2026-05-14\n    start: 13:00",
                     "  - date: 2026-05-15\n    start: 13:00")
    lines = _fails(content, tmp_path)
    assert any(f"leipzig.yaml:{line}:" in m and "programme[9].date" in m
               and "outside the visit" in m for m in lines), lines


def test_overlapping_items_are_located(content: Path, tmp_path: Path):
    _, line = _break(content, "    start: 11:30\n    end: 13:00",
                     "    start: 10:30\n    end: 13:00")
    lines = _fails(content, tmp_path)
    assert any(f"leipzig.yaml:{line}:" in m and "programme[2].start" in m
               and "programme[1]" in m and "overlap" in m for m in lines), lines


def test_a_missing_language_text_is_an_error_not_a_fallback(content: Path, tmp_path: Path):
    _, line = _break(content, "      ko: 시장 접견\n", "")
    lines = _fails(content, tmp_path)
    assert any(f"leipzig.yaml:{line - 1}:" in m and "programme[1].activity" in m
               and "no ko text" in m for m in lines), lines


def test_a_name_in_a_script_the_fonts_lack_is_found_by_check_too(content: Path,
                                                                   tmp_path: Path):
    """The delegation's pages are made by 'check' as by the batch: a member's
    name in Georgian, which no font of German or Korean has, is located there."""
    _, line = _break(content, "  - name: Max Mustermann", "  - name: ნინო Mustermann")
    lines = _fails(content, tmp_path)
    assert any(f"leipzig.yaml:{line}:" in m and "members[2].name" in m
               and "U+10D8 GEORGIAN LETTER IN" in m for m in lines), lines


def test_a_days_last_item_never_stands_alone_at_the_top_of_a_page(content: Path,
                                                                   tmp_path: Path):
    """A six-day programme of six items a day runs over four pages: where a
    page breaks before a day's last item, the item before it comes along."""
    path = content / "delegations" / "sendai.yaml"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("programme:\n", 1)
    members = rest[rest.index("\nmembers:"):]
    slots = [("9:00", "10:00", "市長表敬訪問"), ("10:30", "11:30", "実務協議"),
             ("12:00", "13:00", "国立アジア文化殿堂の視察"),
             ("14:00", "15:00", "人工知能産業団地の視察"),
             ("15:30", "16:30", "歓迎夕食会"), ("18:00", "19:30", "国立5・18民主墓地への参拝")]
    items = "".join(f"  - date: 2026-09-{day:02d}\n    start: {start}\n    end: {end}\n"
                    f"    activity: {activity}\n    place: 光州広域市庁\n"
                    for day in range(8, 14) for start, end, activity in slots)
    path.write_text(head.replace("departs: 2026-09-10", "departs: 2026-09-13")
                    + "programme:\n" + items + members.lstrip("\n"), encoding="utf-8")
    out = tmp_path / "out"
    made = CliRunner().invoke(main, ["delegations", str(content), "--only", "sendai",
                                     "--edition", "screen", "--out", str(out)])
    assert made.exit_code == 0, made.output
    pages = page_texts(out / "delegations" / "sendai" / "sendai_screen_ja.pdf")
    programme = [page for page in pages if "参拝" in page and "光州広域市庁" in page]
    assert len(programme) >= 3  # the programme does run over pages
    for page in programme:
        assert page.count("歓迎夕食会") >= page.count("参拝"), page

"""Delegation editions joined from two renders: the delegation's own pages
(front matter, i, ii, iii …) and the brochure's (1, 2, 3 …, rendered once per
language, kind and format). Read back from the real PDFs: page labels against
the numbers printed on the pages, the contents' links and numbers, bookmarks,
one structure tree, the print edition's preflight, same bytes twice, and a
delegation added later rendering only its own pages."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from brochure.cli.commands import main
from brochure.pdf.inspect import inspect_pdf
from brochure.pdf.preflight import NEEDS, check_claims
from tests.conftest import SAMPLE
from tests.pdfs import outline_pages

SCREEN = ["san-antonio/san-antonio_screen_en.pdf", "rabat/rabat_screen_ar.pdf",
          "sendai/sendai_screen_ja.pdf", "leipzig/leipzig_screen_de+ko.pdf"]


def _printed_number(path: Path, page: int) -> str | None:
    """The page number printed at the foot of a page (pdftotext's last line),
    in Latin digits; None for a page without one."""
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = ["".join(c for c in line if unicodedata.category(c) != "Cf").strip()
             for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return None
    last = lines[-1]
    if last.isdigit():
        return "".join(str(unicodedata.digit(c)) for c in last)
    return last if set(last) <= set("ivxlc") else None


def _roman(number: int) -> str:
    numerals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    result = ""
    for value, letters in numerals:
        while number >= value:
            result, number = result + letters, number - value
    return result


def _labels(path: Path) -> list[str]:
    """Each page's label, from the /PageLabels tree (style, prefix, start 1)."""
    with pikepdf.open(path) as pdf:
        nums = list(pdf.Root.PageLabels.Nums)
        ranges = [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
        labels = []
        for number in range(len(pdf.pages)):
            start, label = [r for r in ranges if r[0] <= number][-1]
            value = number - start + 1
            text = _roman(value) if label.S == "/r" else str(value)
            labels.append(str(label.get("/P", "")) + text)
        return labels


def test_page_labels_match_the_numbers_printed_on_the_pages(delegation_screen_batch):
    """Front matter i, ii, iii …, the brochure 1 … 12 as printed on it; the
    second brochure part of a bilingual edition prefixed with its language."""
    for name in SCREEN:
        path = delegation_screen_batch[0] / name
        labels = _labels(path)
        printed = {page: _printed_number(path, page + 1) for page in range(len(labels))}
        numbered = {page: number for page, number in printed.items() if number}
        for page, number in numbered.items():
            assert labels[page].split("-")[-1] == number, (name, page, labels[page], number)
        # The number is the last text of the front matter's pages and of the
        # brochure's even pages (a text page may end with its fact box).
        always = {"ii", "iii", "iv", "2", "4", "6", "8", "10", "12"}
        assert all(printed[page] for page, label in enumerate(labels)
                   if label.split("-")[-1] in always), (name, printed)
        assert labels[:2] == ["i", "ii"]
        # On screen, no empty page between the front matter and the brochure.
        front = labels.index("1")
        assert all(_printed_number(path, page + 1) for page in range(1, front)), (name, front)
    bilingual = _labels(delegation_screen_batch[0] / SCREEN[-1])
    assert bilingual[-12:] == [f"ko-{n}" for n in range(1, 13)]
    assert bilingual[-24:-12] == [str(n) for n in range(1, 13)]


def test_a_print_edition_fills_whole_sheets_with_empty_pages_the_screen_edition_has_not(
        delegation_screen_batch, tmp_path):
    """A stitched copy starts the brochure on a sheet of its own; a reader on a
    screen is not shown the empty pages that make the sheets whole."""
    screen = delegation_screen_batch[0] / SCREEN[-1]
    out = tmp_path / "out"
    made = CliRunner().invoke(main, ["delegations", str(SAMPLE),
                                     "--only", "leipzig", "--edition", "print", "--out", str(out)])
    assert made.exit_code == 0, made.output
    printed = out / "delegations" / SCREEN[-1].replace("screen", "print")
    on_screen, on_paper = _labels(screen), _labels(printed)
    front = on_screen.index("1")
    assert front == 5 and on_paper.index("1") == 8  # cover, welcome, programme ×2, members
    assert on_paper[:front] == on_screen[:front]
    assert on_paper[8:] == on_screen[front:]  # the brochure's pages, labelled alike
    blank = subprocess.run(["pdftotext", "-f", str(front + 1), "-l", "8", str(printed), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert blank.strip("\f\n ") == ""  # the pages that fill the sheet carry no text


def test_the_delegation_contents_lead_to_the_brochure_pages_with_their_numbers(
        delegation_screen_batch):
    """Every link of the contents leads (by name) to a page whose label is the
    number printed beside the link, the brochure's sections included."""
    for name in SCREEN:
        path = delegation_screen_batch[0] / name
        labels = _labels(path)
        layout = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(path), "-"],
                                capture_output=True, text=True, check=True).stdout
        lines = ["".join(c for c in line if unicodedata.category(c) != "Cf")
                 for line in layout.splitlines()]
        with pikepdf.open(path) as pdf:
            pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
            dests = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
            links = [a for a in pdf.pages[1].obj.get("/Annots", [])
                     if isinstance(a.get("/Dest"), pikepdf.String)]
            assert len(links) >= 9, name
            checked = 0
            for link in links:
                target = pages[dests[str(link.Dest)][0].objgen]
                number = labels[target].split("-")[-1]
                words = str(link.Contents)
                line = next((line for line in lines if words[:12] in line), None)
                if line is None:
                    continue  # set over two lines, or right to left: found below
                # The number ends the line, or begins it right to left.
                ends = {"".join(str(unicodedata.digit(c)) if c.isdigit() else c
                                for c in token) for token in (line.split()[0],
                                                              line.split()[-1])}
                ends = {end for end in ends if end.isdigit() or set(end) <= set("ivx")}
                if ends:  # pdftotext breaks some right-to-left lines apart
                    assert number in ends, (name, words, line, number)
                    checked += 1
            brochure = [link for link in links
                        if pages[dests[str(link.Dest)][0].objgen] >= labels.index("1")]
            assert len(brochure) >= 7 and checked >= 6, (name, checked)


def test_bookmarks_of_both_parts_in_page_order(delegation_screen_batch):
    path = delegation_screen_batch[0] / SCREEN[0]
    marks = outline_pages(path)
    assert list(marks.values()) == sorted(marks.values())
    assert marks["Programme"] < 5 and marks["Democracy and human rights"] > 5
    bilingual = outline_pages(delegation_screen_batch[0] / SCREEN[-1])
    assert max(bilingual.values()) > 24  # the Korean part's sections too


def test_the_joined_file_has_one_structure_tree_and_its_keys_are_unique(
        delegation_screen_batch):
    for name in SCREEN:
        with pikepdf.open(delegation_screen_batch[0] / name) as pdf:
            root = pdf.Root.StructTreeRoot
            assert len(root.K) == 1 and root.K[0].S == "/Document"
            keys = [int(k) for k, _ in pikepdf.NumberTree(root.ParentTree).items()]
            used = [int(p.obj.StructParents) for p in pdf.pages if "/StructParents" in p.obj]
            used += [int(a.StructParent) for p in pdf.pages for a in p.obj.get("/Annots", [])
                     if "/StructParent" in a]
            assert len(used) == len(set(used)) and set(used) <= set(keys), name
            assert int(root.ParentTreeNextKey) == max(keys) + 1
        check = subprocess.run(["qpdf", "--check", str(delegation_screen_batch[0] / name)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


# --- print editions: preflight, same bytes twice ------------------------------------


@pytest.fixture(scope="module")
def print_batches(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The print editions of two delegations (one of them bilingual), made twice."""
    made = []
    for _ in range(2):
        out = tmp_path_factory.mktemp("print")
        result = CliRunner().invoke(main, [
            "delegations", str(SAMPLE), "--edition", "print", "--only", "san-antonio",
            "--only", "leipzig", "--out", str(out), "--strict"])
        assert result.exit_code == 0, result.output
        made.append(out / "delegations")
    return made


def test_joined_print_editions_pass_the_print_preflight(print_batches):
    paths = sorted(print_batches[0].rglob("*.pdf"))
    assert len(paths) == 4
    for path in paths:
        findings = check_claims(inspect_pdf(path, path.read_bytes(), NEEDS["print"]), "print")
        assert not [f.message for f in findings if f.severity == "error"], path.name
        with pikepdf.open(path) as pdf:
            assert "/OutputIntents" in pdf.Root
            trims = {tuple(float(v) for v in p.obj.TrimBox) for p in pdf.pages}
            assert len(trims) == 1, path.name  # every page, blank ones too, one size
            assert not any("/Annots" in p.obj for p in pdf.pages)


def test_joined_editions_are_the_same_bytes_every_time(print_batches):
    first, second = print_batches
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file()
                   and p.name != ".brochure-build.json")
    assert any(p.suffix == ".zip" for p in files)
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


# --- a delegation added later ---------------------------------------------------------


def test_a_delegation_added_later_renders_only_its_own_pages(content: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = CliRunner().invoke(main, ["delegations", str(content), "--edition", "screen",
                                      "--only", "san-antonio", "--out", str(out)])
    assert first.exit_code == 0, first.output
    parts = sorted((out / ".delegation-parts").glob("*.pdf"))
    assert [p.name for p in parts] == ["gwangju-city_screen_en.pdf"]
    before = parts[0].stat().st_mtime_ns
    shutil.copy(content / "delegations" / "san-antonio.yaml",
                content / "delegations" / "austin.yaml")
    second = CliRunner().invoke(main, ["delegations", str(content), "--edition", "screen",
                                       "--out", str(out), "--only", "san-antonio",
                                       "--only", "austin"])
    assert second.exit_code == 0, second.output
    assert "up to date" in second.output
    assert (out / "delegations" / "austin" / "austin_screen_en.pdf").is_file()
    assert parts[0].stat().st_mtime_ns == before  # the brochure's pages: not rendered again

"""An edition whose inputs did not change is not rendered again; a build or
check in which nothing changed is told from file stats alone."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pytest
from conftest import edit

from brochure import build as build_module
from brochure import defaults
from brochure.build import build
from brochure.check import check
from brochure.output import records
from brochure.problems import BrochureError
from brochure.render import fonts
from brochure.state import input_state

LANGUAGES = ["en", "es"]


@pytest.fixture(params=["just written", "settled"])
def settled(request, monkeypatch, tmp_path):
    """Files just written are hashed, never trusted by their stat alone (a second
    change in the same tick of the clock would keep it); settled files are told
    by their stat. Both ways must see every change."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if request.param == "settled":
        monkeypatch.setattr(records, "SETTLED_NS", 0)
    return request.param == "settled"


@pytest.fixture
def built_once(content, settled):
    out = content.parent / "out"
    first = build(content, LANGUAGES, out, jobs=1, kinds=["screen"])
    assert not any(b.up_to_date for b in first.built)
    return content, out


def rebuilt(content, out, **options) -> list[str]:
    report = build(content, LANGUAGES, out, jobs=1, kinds=["screen"], **options)
    return [b.language for b in report.built if not b.up_to_date]


def test_an_unchanged_brochure_is_not_rebuilt(built_once):
    content, out = built_once
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    assert rebuilt(content, out) == []
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")} == before


def test_changing_one_language_rebuilds_only_that_language(built_once):
    content, out = built_once
    edit(content / "text/es.yaml", "title: Gwangju", "title: Gwangju, Corea")
    assert rebuilt(content, out) == ["es"]


def test_changing_a_shared_stylesheet_or_image_rebuilds_every_language(built_once):
    content, out = built_once
    (content / "extra.css").write_text("h2 { color: black; }", encoding="utf-8")
    edit(content / "edition.yaml", "stylesheets: [photo.css]",
         "stylesheets: [photo.css, extra.css]")
    assert rebuilt(content, out) == LANGUAGES
    (content / "images/economy.svg").write_text(
        (content / "images/economy.svg").read_text(encoding="utf-8").replace("#", "#", 1)
        + "\n", encoding="utf-8")
    assert rebuilt(content, out) == LANGUAGES


def test_force_rebuilds_and_a_replaced_file_is_rebuilt(built_once):
    content, out = built_once
    assert rebuilt(content, out, force=True) == LANGUAGES
    (out / "gwangju-city_screen_en.pdf").write_bytes(b"%PDF-1.7 not ours")
    assert rebuilt(content, out) == ["en"]


def test_a_deleted_pdf_is_rebuilt_and_a_copied_folder_is_up_to_date(built_once):
    content, out = built_once
    (out / "gwangju-city_screen_es.pdf").unlink()
    assert rebuilt(content, out) == ["es"]
    copy = out.parent / "copy"
    shutil.copytree(out, copy)  # the same bytes, another stat
    assert rebuilt(content, copy) == []


def test_other_options_are_another_build(built_once):
    content, out = built_once
    report = build(content, LANGUAGES, out, jobs=1, kinds=["screen"], final=True)
    assert [b.language for b in report.built] == LANGUAGES
    report = build(content, ["en"], out, jobs=1, kinds=["screen"])
    assert [(b.language, b.up_to_date) for b in report.built] == [("en", True)]


def test_changing_a_project_template_rebuilds_every_language(built_once, monkeypatch):
    content, out = built_once
    templates = content.parent / "templates"
    shutil.copytree(defaults.project_templates(), templates)
    monkeypatch.setattr(defaults, "project_templates", lambda: templates)
    assert rebuilt(content, out) == []  # the same templates, elsewhere
    edit(templates / "brochure.html", "</body>", "<!-- changed --></body>")
    assert rebuilt(content, out) == LANGUAGES


def test_nothing_is_loaded_when_nothing_changed(built_once, settled, monkeypatch):
    """The same outcome, warnings included, without loading the brochure; a
    strict build still fails on those warnings."""
    content, out = built_once
    # Missing: a warning, a draft.
    edit(content / "text/es.yaml", "  department: Departamento de Planificación de Políticas\n", "")
    report = build(content, LANGUAGES, out, jobs=1, kinds=["screen"])
    warnings = [str(p) for p in report.problems.warnings]
    assert warnings and [b.language for b in report.built if not b.up_to_date] == ["es"]

    def prepare(*args, **kwargs):
        prepare.calls += 1
        return original(*args, **kwargs)

    original, prepare.calls = build_module.prepare, 0
    monkeypatch.setattr(build_module, "prepare", prepare)
    again = build(content, LANGUAGES, out, jobs=1, kinds=["screen"])
    assert prepare.calls == (0 if settled else 1)
    assert [str(p) for p in again.problems.warnings] == warnings
    assert [(b.language, b.up_to_date, b.pages, b.warnings) for b in again.built] == \
        [(b.language, True, b.pages, b.warnings) for b in report.built]
    with pytest.raises(BrochureError):
        build(content, LANGUAGES, out, jobs=1, kinds=["screen"], strict=True)


def test_check_gives_the_same_problems_until_something_changes(content, settled):
    edit(content / "text/es.yaml", "  department: Departamento de Planificación de Políticas\n", "")
    first = [str(p) for p in check(content, LANGUAGES)]
    assert first and [str(p) for p in check(content, LANGUAGES)] == first
    with pytest.raises(BrochureError):
        check(content, LANGUAGES, strict=True)
    edit(content / "text/es.yaml", "title: Gwangju\n", "title: [Gwangju\n")
    with pytest.raises(BrochureError, match="not valid YAML"):
        check(content, LANGUAGES)


def test_the_state_changes_with_fonts_dates_and_options(content, settled, monkeypatch):
    def state(**options):
        return input_state(content, options).key

    before = state()
    assert state() == before
    assert state(final=True) != before
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert state() != before
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    monkeypatch.setattr(fonts, "fontconfig_listing", lambda: "Noto Sans|80|0|/x.ttf\n")
    assert state() != before


def test_a_record_edited_by_hand_is_a_reason_to_look_not_to_fail(built_once):
    content, out = built_once
    record = out / ".brochure-build.json"
    rebuilt(content, out)  # a build of settled files keeps its state
    data = json.loads(record.read_text(encoding="utf-8"))
    data["last"]["editions"] = [["gwangju-city_screen_en.pdf"]]
    record.write_text(json.dumps(data), encoding="utf-8")
    assert rebuilt(content, out) == []


def test_a_build_in_which_nothing_changed_imports_no_stage(built_once, settled):
    """The command answers from file stats: nothing that reads, validates or
    renders content is imported (a no-op build takes about a tenth of a second)."""
    if settled:
        pytest.skip("one run is enough: the command runs in processes of its own")
    content, out = built_once
    time.sleep(2.1)  # files changed in the last two seconds are read again (state.py)
    command = [sys.executable, "-c", (
        "import sys; from brochure.cli.commands import main\n"
        f"try: main(['build', {str(content)!r}, '--out', {str(out)!r}, '--jobs', '1',"
        " '--edition', 'screen', '--lang', 'en', '--lang', 'es'])\n"
        "except SystemExit as exit: assert not exit.code, exit.code\n"
        "print(*sorted(m for m in ('pydantic', 'jinja2', 'yaml', 'babel',"
        " 'weasyprint', 'pikepdf', 'markdown_it') if m in sys.modules))")]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    assert first.stdout.splitlines()[-1] != ""  # the first run read the brochure
    again = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "up to date" in again.stdout
    assert again.stdout.splitlines()[-1] == ""

"""An edition whose inputs did not change is not rendered again."""

from __future__ import annotations

import pytest
from conftest import edit

from brochure.build import build

LANGUAGES = ["en", "es"]


@pytest.fixture
def built_once(content):
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

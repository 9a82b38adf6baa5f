"""Pages that are full and calm: every page between the covers is at least
three quarters full of ink, in every language, without running over."""

from __future__ import annotations

import pytest
import yaml
from conftest import SAMPLE
from ink import fullness

from brochure.render import copyfit

LANGUAGES = yaml.safe_load((SAMPLE / "edition.yaml").read_text(encoding="utf-8"))["languages"]
LEAST = 0.75


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_but_the_covers_is_three_quarters_full(sample_pdfs, language):
    """Cover and back are designed as they are; every page between them is at
    least 75 % full by ink (tests/ink.py says how that is measured)."""
    pages = fullness(sample_pdfs[language])
    empty = {number: f"{share:.0%}" for number, share in enumerate(pages, start=1)
             if 1 < number < len(pages) and share < LEAST}
    assert not empty, (language, empty)


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_the_print_edition_is_as_full_within_its_trim(sample_print_pdfs, language):
    """The print edition's pages carry bleed and a slug: measured inside the
    trim, they are as full as the screen edition's."""
    pages = fullness(sample_print_pdfs[language])
    assert all(share >= LEAST for share in pages[1:-1]), (language, pages)


def test_the_measure_sees_an_empty_foot(sample_pdfs):
    """The measure is not fooled by a page's colour: the back page, a cream page
    with its text in the middle, is far from full (a page of one colour would
    measure 1.0)."""
    assert fullness(sample_pdfs["en"])[-1] < 0.6


def section(body: str, facts: int = 3) -> dict:
    return {"body": body, "facts": [{"value": "1980", "label": "The May 18 Movement"}] * facts}


def test_a_short_text_is_set_larger_with_its_figures_below():
    short = copyfit.spread_fit(section("Gwangju is a city of light. " * 12))
    assert short.plan == "below"
    assert short.size == max(size for size, _ in copyfit.STEPS)


def test_a_long_text_keeps_its_figures_beside_it_and_never_runs_over():
    long = copyfit.spread_fit(section("\n\n".join(["Gwangju is a city of light. " * 12] * 5)))
    assert long.plan == "beside"
    assert long.fill <= copyfit.MOST


def test_han_text_is_counted_twice_as_wide_as_latin_letters():
    assert copyfit.text_width("光州") == 2 * copyfit.text_width("Gw")

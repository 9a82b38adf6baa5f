"""Whatever a text editor can save, `check` answers with problems, never a crash:
random YAML structures, random changes to the sample's files and random text."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brochure.check import check
from brochure.problems import BrochureError

SAMPLE = Path(__file__).resolve().parent.parent / "content" / "gwangju"
FUZZ = settings(max_examples=500, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                    st.text(max_size=40), st.dates(), st.sampled_from(
                        ["{may-18-year}", "{nope}", "**bold", "[x](../x.pdf)",
                         "![i](images/cover.svg)", "<script>", "0626132321", "ko"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy_of_sample = tmp_path_factory.mktemp("fuzz") / "content"
    shutil.copytree(SAMPLE, copy_of_sample)
    return copy_of_sample


def paths_of(data, path=()):
    """Every place in a YAML document where a value could be replaced."""
    yield path
    items = data.items() if isinstance(data, dict) else \
        enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield from paths_of(value, (*path, key))


def replaced(data, path, value):
    if not path:
        return value
    data = copy.deepcopy(data)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return data


def answers_without_crashing(folder: Path, name: str, text: str) -> None:
    original = (SAMPLE / name).read_text(encoding="utf-8")
    (folder / name).write_text(text, encoding="utf-8")
    try:
        check(folder, ["en", "ko"])
    except BrochureError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
    finally:
        (folder / name).write_text(original, encoding="utf-8")


@pytest.mark.parametrize("name", ["edition.yaml", "facts.yaml", "text/en.yaml",
                                  "text/ko.yaml"])
@FUZZ
@given(data=st.data())
def test_a_random_change_to_a_content_file_gives_problems_not_a_crash(folder, name, data):
    document = yaml.safe_load((SAMPLE / name).read_text(encoding="utf-8"))
    path = data.draw(st.sampled_from(list(paths_of(document))))
    value = data.draw(values)
    answers_without_crashing(folder, name, yaml.safe_dump(
        replaced(document, path, value), allow_unicode=True))


@FUZZ
@given(text=st.text(max_size=300))
def test_random_text_as_a_text_file_gives_problems_not_a_crash(folder, text):
    answers_without_crashing(folder, "text/en.yaml", text)

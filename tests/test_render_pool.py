"""Languages render while the next ones are read: the workers start with the
first language ready, and a problem found later still writes nothing."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys

import pytest
from conftest import SAMPLE, edit

from brochure.build import build
from brochure.problems import BrochureError
from brochure.render_pool import Rendering


def test_a_problem_in_a_language_read_later_stops_the_rendering_and_writes_nothing(content):
    # Korean is prepared first (the costliest script) and handed to the workers;
    # the German text, read after it, has a character none of its fonts has.
    edit(content / "text/de.yaml", "  contents: Inhalt", "  contents: Inhalt \U0001F600")
    out = content.parent / "out"
    handed: list[str] = []
    original = Rendering.add

    def add(self, editions):
        handed.extend(e.language for e in editions)
        original(self, editions)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rendering, "add", add)
        with pytest.raises(BrochureError) as failed:
            build(content, ["de", "ko"], out, jobs=2, kinds=["screen"])
    assert handed == ["ko"]  # Korean was rendering when German was found wrong
    assert "text/de.yaml" in str(failed.value) and "U+1F600" in str(failed.value)
    assert not out.exists() or not list(out.glob("*.pdf"))
    assert multiprocessing.active_children() == []  # the workers were stopped


def test_the_process_that_reads_the_brochure_does_not_load_the_renderer(tmp_path):
    """With workers, only they load WeasyPrint (and its fonts): the parent's
    memory stays small, and it reads the brochure while they start."""
    code = (
        "import sys; from pathlib import Path; from brochure.build import build\n"
        f"report = build(Path({str(SAMPLE)!r}), ['en', 'ko'], Path({str(tmp_path)!r}),"
        " jobs=2, kinds=['screen'])\n"
        "print(len(report.built), 'weasyprint' in sys.modules)")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert ran.stdout.split() == ["2", "False"]
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [
        "gwangju-city_screen_en.pdf", "gwangju-city_screen_ko.pdf"]


def test_loading_the_renderer_starts_no_program():
    """Every worker loads WeasyPrint: its native libraries are opened by their
    sonames, without ctypes' search (``ldconfig``, gcc and ld run in
    subprocesses, about 0.2 s per process)."""
    code = (
        "import sys\n"
        "started = []\n"
        "sys.addaudithook(lambda event, args: event == 'subprocess.Popen'"
        " and started.append(args[1]))\n"
        "from brochure.render.render_pdf import Renderer\n"
        "print(repr(started))")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert ran.stdout.strip() == "[]"


def test_a_worker_keeps_what_it_loaded_out_of_later_collections():
    """The renderer's objects are frozen once loaded, and collections are rarer
    (render_task.COLLECTION_THRESHOLDS); the PDFs do not depend on it."""
    from brochure.render_pool import _LocalPool
    from brochure.render_task import COLLECTION_THRESHOLDS

    pool = _LocalPool(1)
    try:
        frozen, thresholds = pool.pool.submit(_collector_settings).result(timeout=300)
    finally:
        pool.close()
    assert thresholds == COLLECTION_THRESHOLDS
    assert frozen > 100_000  # the renderer's modules and their objects


def _collector_settings() -> tuple[int, tuple[int, int, int]]:
    import gc

    return gc.get_freeze_count(), gc.get_threshold()


def test_rendering_in_this_process_collects_less_only_while_it_renders():
    import gc

    from brochure.render_task import COLLECTION_THRESHOLDS, fewer_collections

    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == COLLECTION_THRESHOLDS
    assert gc.get_threshold() == before


def test_a_worker_loads_the_renderer_but_not_the_templates():
    """A worker lays out and post-processes PDFs: Jinja, Markdown and Babel,
    which only make the HTML in the parent, would cost it 0.05 s to import."""
    code = ("import sys\nfrom brochure.render_task import load_stages\nload_stages()\n"
            "print(*(name in sys.modules for name in"
            " ('weasyprint', 'pikepdf', 'jinja2', 'markdown_it', 'babel')))")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert ran.stdout.split() == ["True", "True", "False", "False", "False"]


@pytest.fixture(scope="module")
def english_editions(tmp_path_factory):
    """The English screen and print editions, derived from their one layout in
    this process, the usual way."""
    from brochure.build import prepare
    from brochure.problems import Problems
    from brochure.render_task import render_task

    editions = prepare(SAMPLE, ["en"], tmp_path_factory.mktemp("out"), True, Problems(),
                       kinds=["screen", "print"])
    assert [e.layout is not None for e in editions] == [True, True]
    return editions, render_task(editions)


def test_editions_derived_from_a_layout_handed_back_are_the_same_bytes(english_editions):
    """A layout handed back travels to the parent and out again (pickled), and
    each edition derived from it is the one derived at once, with the same
    preflight."""
    import pickle

    from brochure.render_task import LaidOut, derive_task, render_task

    editions, at_once = english_editions
    handed = render_task(editions, hand_back=lambda: True)
    assert all(isinstance(outcome, LaidOut) for outcome in handed)
    derived = [derive_task(edition, pickle.loads(pickle.dumps(laid)))
               for edition, laid in zip(editions, handed, strict=True)]
    assert [pdf.data for pdf, _ in derived] == [pdf.data for pdf, _ in at_once]
    assert [pdf.findings for pdf, _ in derived] == [pdf.findings for pdf, _ in at_once]
    assert [pdf.pages for pdf, _ in derived] == [12, 12]


def test_a_layout_is_handed_back_when_fewer_tasks_wait_than_there_are_workers(
        english_editions):
    """The last layouts of a build: their editions are derived by whichever
    worker is free first, instead of all by the worker that laid them out."""
    from brochure.render_pool import _LocalPool, render_all

    editions, at_once = english_editions
    handed_out: list[str] = []
    original = _LocalPool.derive

    def derive(self, edition, laid):
        handed_out.append(edition.kind)
        return original(self, edition, laid)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_LocalPool, "derive", derive)
        outcomes = render_all(editions, jobs=2, progress=None)
    assert sorted(handed_out) == ["print", "screen"]
    assert [pdf.data for pdf, _ in outcomes] == [pdf.data for pdf, _ in at_once]
    assert multiprocessing.active_children() == []


def test_reading_the_brochure_loads_a_languages_cldr_data_only_when_it_is_needed():
    """Each locale's CLDR data takes about 7 ms to load: reading the brochure
    leaves it to each language's turn, so that the first language reaches the
    workers without waiting for the other twelve. (A new process: Babel keeps
    what it loaded.)"""
    code = (
        "import babel.localedata\n"
        "loaded = []\n"
        "load = babel.localedata.load\n"
        "babel.localedata.load = lambda name, *args: loaded.append(name) or load(name, *args)\n"
        "from pathlib import Path\n"
        "from brochure.content.validate import load_project\n"
        "from brochure.problems import Problems\n"
        f"project = load_project(Path({str(SAMPLE)!r}), None, Problems())\n"
        "print(sorted(set(loaded) - {project.edition.master, 'root'}))\n"
        "print(*(project.typography[code].direction for code in ('ar', 'ko')))\n"
        "print(sorted({'ar', 'ko'} & set(loaded)))\n")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert ran.stdout.splitlines() == ["[]", "rtl ltr", "['ar', 'ko']"]

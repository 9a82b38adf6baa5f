"""``brochure preview``: the pages in a real browser, reloaded after every save,
mistakes shown above the last good pages; and what a change rebuilds."""

from __future__ import annotations

import http.client
import io
import re
import time
from pathlib import Path

import pytest
from conftest import SAMPLE
from pypdf import PdfReader

from brochure.tools.preview import Preview
from brochure.tools.preview_server import respond
from brochure.tools.preview_state import Pages, PreviewState
from brochure.tools.watch import languages_to_build

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
PAGES_LOADED = """() => {
  const images = [...document.querySelectorAll("main img")];
  return images.length === 12 && images.every(i => i.complete && i.naturalWidth > 0);
}"""


@pytest.fixture
def browser_page():
    if not CHROMIUM.exists():
        pytest.skip("the browser test needs Debian's Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.fixture
def preview(content: Path):
    """The preview of a copy of the sample, English only, on any free port;
    its server and watcher are stopped whatever the test does."""
    running = Preview(content, ["en"], port=0).start()
    try:
        yield running
    finally:
        running.stop()


def first_build(preview: Preview, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while (view := preview.state.view("en")) is None or view.building:
        assert time.monotonic() < deadline, "the first build did not finish"
        time.sleep(0.05)


def eventually(page, condition: str, seconds: float = 20) -> None:
    """Wait until a JavaScript condition holds in the page, across its reloads."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if page.evaluate(condition):
                return
        except Error:  # the page was reloading
            pass
        time.sleep(0.1)
    pytest.fail(f"never true in the browser: {condition}")


def edit_title(content: Path, old: str, new: str) -> None:
    text_file = content / "text" / "en.yaml"
    text = text_file.read_text(encoding="utf-8")
    assert f"\ntitle: {old}\n" in text
    text_file.write_text(text.replace(f"\ntitle: {old}\n", f"\ntitle: {new}\n", 1),
                         encoding="utf-8")


def test_preview_shows_the_pages_and_follows_each_save(preview, browser_page, content):
    page = browser_page
    first_build(preview)
    page.goto(preview.url + "en/")
    eventually(page, PAGES_LOADED)
    assert page.inner_text("h1").startswith("Gwangju:")

    page.evaluate("window.sameLoad = true")  # gone once the page has reloaded itself
    edit_title(content, "Gwangju", "Gwangju Preview")
    eventually(page, "!window.sameLoad && document.querySelector('h1')"
                     ".textContent.includes('Gwangju Preview')")
    eventually(page, PAGES_LOADED)
    pdf = page.request.get(preview.url.rstrip("/") + page.get_attribute("a[href$='.pdf']",
                                                                      "href"))
    assert PdfReader(io.BytesIO(pdf.body())).metadata.title.startswith("Gwangju Preview:")

    edit_title(content, "Gwangju Preview", "[unclosed")
    eventually(page, "document.querySelector('.problems[role=alert]') !== null")
    error_box = page.inner_text(".problems[role=alert]")
    assert re.search(r"en\.yaml:\d+", error_box), error_box
    eventually(page, PAGES_LOADED)  # the last good pages are still there, below
    assert "Gwangju Preview" in page.inner_text("h1")

    page.evaluate("window.sameLoad = true")
    edit_title(content, "[unclosed", "Gwangju Preview")
    eventually(page, "!window.sameLoad"
                     " && document.querySelector('.problems[role=alert]') === null")
    eventually(page, PAGES_LOADED)


def test_preview_answers_only_its_own_addresses_on_this_computer(tmp_path):
    with Preview(tmp_path, ["en"], port=0) as empty:  # no brochure here: nothing to build
        host, port = empty.url.removeprefix("http://").rstrip("/").split(":")
        assert host == "127.0.0.1"

        def get(path: str, host_header: str = f"127.0.0.1:{port}") -> tuple[int, str]:
            connection = http.client.HTTPConnection(host, int(port), timeout=5)
            try:
                connection.request("GET", path, headers={"Host": host_header})
                response = connection.getresponse()
                return response.status, response.read().decode()
            finally:
                connection.close()

        deadline = time.monotonic() + 10
        while "no edition.yaml here" not in get("/en/")[1]:
            assert time.monotonic() < deadline, "the failed build was never shown"
            time.sleep(0.05)
        for path in ["/../etc/passwd", "/en/../../etc/passwd", "/en/%2e%2e/%2e%2e/etc/passwd",
                     "/en/..%2f..%2fetc%2fpasswd", "/ko/", "/en/edition.yaml"]:
            assert get(path)[0] == 404, path
        assert get("/", host_header=f"attacker.example:{port}")[0] == 403


def test_preview_serves_only_the_pages_and_pdf_of_its_builds():
    state = PreviewState(["en"])
    state.succeeded("en", Pages("Title", "b_screen_en.pdf", b"%PDF", (b"png",),
                                ((893, 1263),)), [])
    assert respond(state, "/en/b_screen_en.pdf").body == b"%PDF"
    assert respond(state, "/en/page-1.png?v=1").body == b"png"
    for path in ["/en/page-0.png", "/en/page-2.png", "/en/../en/b_screen_en.pdf",
                 "/en/%2e%2e/b_screen_en.pdf", "/en/b_screen_ko.pdf", "/en//etc/passwd"]:
        assert respond(state, path).status == 404, path


def test_preview_escapes_what_it_shows():
    state = PreviewState(["en"])
    pages = Pages("<b>Title</b>", "x_en.pdf", b"%PDF", (b"png",), ((893, 1263),))
    state.succeeded("en", pages, [])
    state.starting(["en"])
    state.failed(['text/en.yaml:3:8: "<script>alert(1)</script>" is not text'], {})
    page = respond(state, "/en/").body.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert "&lt;b&gt;Title&lt;/b&gt;" in page
    assert 'src="/en/page-1.png?v=2"' in page  # the last good pages stay


@pytest.mark.parametrize(("changed", "rebuilt"), [
    (["text/ko.yaml"], ["ko"]),
    (["text/ko.yaml", "text/ja.yaml"], ["ko", "ja"]),
    (["text/en.yaml"], "all"),  # the master text: every translation falls back on it
    (["facts.yaml"], "all"),
    (["images/cover.svg"], "all"),
])
def test_a_change_rebuilds_only_the_languages_it_affects(changed, rebuilt, sample_languages):
    changes = {(None, str(SAMPLE.resolve() / name)) for name in changed}
    expected = sample_languages if rebuilt == "all" else rebuilt
    assert languages_to_build(SAMPLE, None, changes, set()) == expected


def test_a_rebuild_retries_the_languages_that_failed_and_ignores_unwatched_ones():
    ko_saved = {(None, str(SAMPLE.resolve() / "text" / "ko.yaml"))}
    assert languages_to_build(SAMPLE, ["ko", "ar"], ko_saved, {"ar"}) == ["ko", "ar"]
    assert languages_to_build(SAMPLE, ["en", "ar"], ko_saved, set()) == []
    assert languages_to_build(SAMPLE, ["ko"], ko_saved, None) == ["ko"]  # all failed last time
    assert languages_to_build(SAMPLE, None, None, set())[0] == "en"  # the first build

"""build --watch builds with every option of a single build."""

from __future__ import annotations

import threading

from brochure.tools.watch import watch_and_build


def test_watch_builds_with_the_format_edition_and_final_options(content):
    out = content.parent / "out"
    stop = threading.Event()
    results = []

    def finished(result) -> None:
        results.append(result)
        stop.set()

    options = {"formats": ["A5"], "kinds": ["screen"], "final": True, "jobs": 1}
    watcher = threading.Thread(target=watch_and_build, args=(content, ["en"], out, finished),
                               kwargs={"options": options, "stop_event": stop})
    watcher.start()
    watcher.join(timeout=120)
    assert not watcher.is_alive()
    [report] = results
    assert [b.path.name for b in report.built] == ["gwangju-city_A5_screen_en.pdf"]
    assert (out / "gwangju-city_A5_screen_en.pdf").is_file()

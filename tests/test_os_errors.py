"""Errors of the operating system and Ctrl-C: one plain line, never a traceback,
never a half-written PDF."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import run

ROOT = Path(__file__).resolve().parent.parent


def test_an_output_folder_under_a_file_is_refused_before_rendering(content):
    blocker = content.parent / "not-a-folder"
    blocker.write_text("a file where a folder should be\n")
    started = time.perf_counter()
    result = run("build", str(content), "--out", str(blocker / "out"), "--lang", "en")
    assert time.perf_counter() - started < 3  # no edition was rendered
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    [line, summary] = result.output.strip().splitlines()
    assert "not-a-folder/out: not a directory; a part of this path is a file" in line
    assert summary.startswith("Nothing was written")


def test_a_vanished_content_file_is_one_line_naming_it(tmp_path):
    result = run("inspect", str(tmp_path / "missing.pdf"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "missing.pdf" in result.output


def wait_for_workers(pid: int, count: int = 2) -> None:
    """Until the build has started its rendering processes (the first worker
    is its child, the others are forked from the first)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(_descendants(pid)) >= count:
            return
        time.sleep(0.05)
    raise AssertionError("the build started no workers within a minute")


def _descendants(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):  # a thread that has just ended
            children += [int(child) for child in task.read_text().split()]
    return children + [grandchild for child in children for grandchild in _descendants(child)]


def test_ctrl_c_stops_a_parallel_build_within_two_seconds_and_writes_nothing(content):
    out = content.parent / "out"
    build = subprocess.Popen(
        [sys.executable, "-m", "brochure", "build", str(content), "--out", str(out),
         "--jobs", "2", "--force"],
        cwd=content.parent, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True,
        # As from a terminal: Ctrl-C not ignored, whatever this test process does.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        wait_for_workers(build.pid)
        time.sleep(0.5)  # into rendering
        assert build.poll() is None, build.communicate()
        ignored = int(re.search(r"SigIgn:\s*([0-9a-f]+)",
                                Path(f"/proc/{build.pid}/status").read_text()).group(1), 16)
        assert not ignored & (1 << (signal.SIGINT - 1)), "the build ignores Ctrl-C"
        os.killpg(build.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        started = time.perf_counter()
        _, errors = build.communicate(timeout=10)
        stopped_after = time.perf_counter() - started
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.communicate()
    assert stopped_after < 2
    assert build.returncode == 130
    assert errors.strip().splitlines()[-1] == "Stopped (Ctrl-C); no file was left half-written."
    assert "Traceback" not in errors
    assert not list(out.glob("*.pdf")) and not list(out.glob("*.part"))


def test_a_link_out_of_the_content_folder_is_never_opened(content):
    sentinel = content.parent / "outside.txt"
    sentinel.write_text("not the brochure's business\n")
    (content / "images/outside.png").symlink_to(sentinel)
    before = sentinel.stat().st_atime_ns
    os.utime(sentinel, ns=(before - 10**9, sentinel.stat().st_mtime_ns))
    touched = sentinel.stat().st_atime_ns
    out = content.parent / "out"
    assert run("build", str(content), "--out", str(out), "--lang", "en",
               "--edition", "screen").exit_code == 0
    assert sentinel.stat().st_atime_ns == touched  # never read
    record = (out / ".brochure-build.json").read_text()
    assert "outside.png" not in record


def test_a_preview_stopped_with_sigterm_removes_its_temporary_folder(content):
    private_tmp = content.parent / "tmp"
    private_tmp.mkdir()
    preview = subprocess.Popen(
        [sys.executable, "-m", "brochure", "preview", str(content), "--lang", "en",
         "--port", "0"], cwd=content.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(private_tmp)})
    try:
        assert preview.stdout is not None
        assert "Preview of" in preview.stdout.readline()
        deadline = time.monotonic() + 60
        while not list(private_tmp.glob("brochure-preview-*/*.pdf")):
            assert time.monotonic() < deadline, "the preview built nothing in a minute"
            time.sleep(0.1)
        preview.send_signal(signal.SIGTERM)
        preview.communicate(timeout=30)
    finally:
        if preview.poll() is None:
            preview.kill()
            preview.communicate()
    assert preview.returncode == 0
    assert list(private_tmp.iterdir()) == []

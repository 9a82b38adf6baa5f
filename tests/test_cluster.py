"""Rendering on a Dask cluster (``--scheduler``): a LocalCluster of two worker
processes renders the same tasks as this machine, into the same bytes; what
would make a worker's PDF differ, a worker that dies, a scheduler that does
not answer, Ctrl-C and a missing Dask are each one line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from brochure import defaults
from brochure.output.records import file_digests
from brochure.plan import Edition
from brochure.problems import BrochureError, Problem
from brochure.render_cluster import Cluster
from brochure.render_pool import render_all
from tests.conftest import ROOT, SAMPLE, run

distributed = pytest.importorskip("distributed", reason="the cluster extra is not installed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    """Two worker processes of one thread each, as 'dask worker' starts them; a
    task whose worker dies is not tried again. Its web page on a free port:
    another cluster on this machine may hold the usual one."""
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                     host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                     worker_dashboard_address=None) as local:
        yield local


def _files(folder: Path) -> dict[str, bytes]:
    """What a build wrote, without its record of file dates."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".brochure")}


def test_a_batch_on_the_cluster_is_byte_identical_to_one_built_here(cluster, tmp_path):
    here, there = tmp_path / "here", tmp_path / "there"
    batch = ["delegations", str(SAMPLE), "--only", "rabat", "--only", "san-antonio",
             "--edition", "screen", "--strict"]
    assert run(*batch, "--out", str(here)).exit_code == 0
    result = run(*batch, "--out", str(there), "--scheduler", cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    local, remote = _files(here), _files(there)
    assert sorted(remote) == sorted(local)
    # Two delegation editions, and the brochure's pages they were joined to.
    assert len([name for name in local
                if name.startswith("delegations/") and name.endswith(".pdf")]) == 2
    assert [name for name in local if local[name] != remote[name]] == []


def test_a_build_on_the_cluster_is_byte_identical_to_one_built_here(cluster, tmp_path):
    here, there = tmp_path / "here", tmp_path / "there"
    build = ["build", str(SAMPLE), "--lang", "th", "--edition", "screen", "--strict"]
    assert run(*build, "--out", str(here), "--jobs", "1").exit_code == 0
    result = run(*build, "--out", str(there), "--scheduler", cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    local, remote = _files(here), _files(there)
    assert list(local) == ["gwangju-city_screen_th.pdf"]
    assert remote == local


def _edition(tmp_path: Path, **inputs) -> Edition:
    """An edition whose recorded inputs are those of this machine, but for ``inputs``."""
    skipped = (f"{defaults.TEXT_DIR}/", f"{defaults.DELEGATIONS_DIR}/")
    recorded = {"content": file_digests(SAMPLE, skipped),
                "styles": file_digests(defaults.project_styles()), "fonts": {}, **inputs}
    return Edition(language="en", kind="screen", page_format="A4", html="<p>x</p>",
                   output=tmp_path / "x.pdf", base_dir=SAMPLE, stylesheets=[],
                   roots=[SAMPLE], options={}, inputs=recorded)


def test_a_worker_without_a_font_is_one_problem_at_the_font(cluster, tmp_path):
    missing = "/usr/share/fonts/truetype/noto/NotoSansNotInstalled-Regular.ttf"
    edition = _edition(tmp_path, fonts={missing: "12345:0"})
    [outcome] = render_all([edition], None, None, cluster.scheduler_address)
    assert isinstance(outcome, Problem)
    assert str(outcome.location) == missing
    assert "has no font file NotoSansNotInstalled-Regular.ttf" in outcome.message
    assert "fonts-noto-core" in outcome.hint


def test_a_content_file_that_differs_on_a_worker_is_named(cluster, tmp_path):
    recorded = file_digests(SAMPLE, (f"{defaults.TEXT_DIR}/", f"{defaults.DELEGATIONS_DIR}/"))
    name = sorted(recorded)[0]
    edition = _edition(tmp_path, content={**recorded, name: "0" * 64})
    [outcome] = render_all([edition], None, None, cluster.scheduler_address)
    assert isinstance(outcome, Problem)
    assert str(outcome.location) == str(SAMPLE / name)
    assert "differs on the Dask worker tcp://127.0.0.1:" in outcome.message


def test_a_worker_that_dies_is_one_problem_at_its_edition(cluster, tmp_path):
    connection = Cluster(cluster.scheduler_address)
    try:
        future = connection.executor.submit(os._exit, 3)
        with pytest.raises(BrochureError) as failed:
            connection.result(future, [_edition(tmp_path)])
    finally:
        connection.close()
    [problem] = failed.value.problems
    assert problem.location is not None and problem.location.file.endswith("x.pdf")
    assert "the Dask worker rendering this edition failed: KilledWorker" in problem.message
    assert cluster.scheduler_address in problem.hint
    cluster.wait_for_workers(2, timeout=30)  # the nanny starts it again


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_scheduler_that_does_not_answer_is_one_line_naming_it(tmp_path):
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    result = run("delegations", str(SAMPLE), "--only", "san-antonio", "--edition", "screen",
                 "--out", str(tmp_path / "out"), "--scheduler", address)
    assert result.exit_code == 1
    assert time.monotonic() - started < 30
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"no Dask scheduler answered at {address} within 5 s")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


def test_a_scheduler_address_that_is_not_one_is_refused_before_connecting(tmp_path):
    result = run("delegations", str(SAMPLE), "--only", "san-antonio", "--edition", "screen",
                 "--out", str(tmp_path / "out"), "--scheduler", "8786")
    assert result.exit_code == 1
    assert "--scheduler 8786: not a Dask scheduler's address" in result.output
    assert "tcp://HOST:PORT" in result.output


def test_without_dask_the_option_says_which_extra_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    result = run("build", str(SAMPLE), "--lang", "en", "--edition", "screen", "--force",
                 "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 1
    assert "pip install 'brochure[cluster]'" in result.output
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_ctrl_c_stops_a_batch_on_the_cluster_within_two_seconds(cluster, tmp_path):
    out = tmp_path / "out"
    batch = subprocess.Popen(
        [sys.executable, "-m", "brochure", "delegations", str(SAMPLE), "--only", "sendai",
         "--edition", "screen", "--out", str(out), "--scheduler", cluster.scheduler_address],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        def rendering() -> bool:
            return any(w.processing for w in cluster.scheduler.workers.values())

        while not rendering() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rendering(), "no task reached the cluster's workers within a minute"
        time.sleep(0.5)  # into rendering
        os.killpg(batch.pid, signal.SIGINT)
        started = time.perf_counter()
        _, errors = batch.communicate(timeout=10)
        stopped_after = time.perf_counter() - started
    finally:
        if batch.poll() is None:
            os.killpg(batch.pid, signal.SIGKILL)
            batch.communicate()
    assert stopped_after < 2
    assert batch.returncode == 130
    assert errors.strip().splitlines()[-1] == "Stopped (Ctrl-C); no file was left half-written."
    assert "Traceback" not in errors
    assert not list(out.rglob("*.pdf"))

"""Benchmark: how long the sample takes to check and build, against plain WeasyPrint.

    .venv/bin/python bench/build_speed.py [CONTENT_DIR] [--lang CODE ...] [--jobs N]
        [--rounds R] [--one-worker] [--stages]

Every figure times a whole command as a user runs it (a new process), in
turn with the one it is compared with (A B A B …), ROUNDS times; it prints
the median with the smallest and largest, and each ratio as the median of
the ratios of the pairs, which holds on a machine whose speed drifts.

- check, and a no-op build, when nothing changed, and after touching every
  text file (the same bytes: everything is read and checked again);
- the cold build (an empty output folder) against plain WeasyPrint rendering
  the same HTML and CSS of the same editions with the same options on the
  same number of processes (``plain_weasyprint.py``), with the largest
  process's peak memory;
- with ``--one-worker``, the cold build on one process, for the speed-up;
- with ``--stages``, where the time of one process goes, stage by stage.

Record the output in docs/performance.md, with how loaded the machine was.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
BROCHURE = [PYTHON, "-m", "brochure"]


PEAK: dict[str, float] = {}  # command → the largest single process it ran, MB


def run(command: list[str]) -> float:
    """Wall seconds; the peak memory of its largest process is kept in PEAK."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    # The rusage of a reaped process covers the children it reaped (the workers).
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    key = " ".join(command)
    PEAK[key] = max(PEAK.get(key, 0.0), usage.ru_maxrss / 1024)
    return seconds


def timed(command: list[str], rounds: int, before: Callable[[], None] | None = None,
          ) -> list[float]:
    times = []
    for _ in range(rounds):
        if before:
            before()
        times.append(run(command))
    return times


def paired(a: list[str], b: list[str], rounds: int,
           before: Callable[[], None] | None = None) -> tuple[list[float], list[float]]:
    """A and B in turn, each after ``before``."""
    times_a: list[float] = []
    times_b: list[float] = []
    for _ in range(rounds):
        for command, times in ((a, times_a), (b, times_b)):
            if before:
                before()
            times.append(run(command))
    return times_a, times_b


def spread(times: list[float]) -> str:
    return f"{statistics.median(times):6.2f} s  ({min(times):.2f}–{max(times):.2f})"


def ratio(a: list[float], b: list[float]) -> str:
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    return f"×{statistics.median(ratios):.2f}  ({min(ratios):.2f}–{max(ratios):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("content", nargs="?", default="content/gwangju")
    parser.add_argument("--lang", action="append", default=[])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one-worker", action="store_true")
    parser.add_argument("--stages", action="store_true")
    args = parser.parse_args()
    languages = sum((["--lang", code] for code in args.lang), [])
    rounds = args.rounds

    work = Path(tempfile.mkdtemp(prefix="brochure-bench-"))
    content = work / "content"
    shutil.copytree(args.content, content)
    out, plain_out = work / "out", work / "plain"
    build = [*BROCHURE, "build", str(content), "--out", str(out), *languages]
    check = [*BROCHURE, "check", str(content), *languages]
    editions_file = work / "editions.json"
    count = write_editions(content, args.lang or None, editions_file)
    plain = [PYTHON, str(HERE / "plain_weasyprint.py"), str(editions_file), str(plain_out),
             str(args.jobs)]

    def clean() -> None:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(plain_out, ignore_errors=True)

    def touch_texts() -> None:
        for text in (content / "text").glob("*.yaml"):
            text.touch()

    print(f"content: {args.content} {' '.join(args.lang) or '(all languages)'}: "
          f"{count} editions; {args.jobs} processes; {rounds} rounds; "
          f"load average before: {os.getloadavg()[0]:.2f}")
    cold_build = [*build, "--jobs", str(args.jobs)]
    cold, plain_times = paired(cold_build, plain, rounds, before=clean)
    run(build)  # the output folder is complete again: the no-op builds below
    record = json.loads((out / ".brochure-build.json").read_text(encoding="utf-8"))
    outputs = record["outputs"] if "format" in record else record  # the first format too
    pages = sum(entry["pages"] for entry in outputs.values())
    time.sleep(2.5)  # files changed within two seconds are never taken as unchanged
    run(build)
    run(check)
    print(f"cold build, brochure --jobs {args.jobs}     {spread(cold)}")
    print(f"cold build, plain WeasyPrint, {args.jobs} proc.  {spread(plain_times)}")
    print(f"  brochure / plain WeasyPrint (pairs)   {ratio(cold, plain_times)}")
    print(f"  peak memory of the largest process    {PEAK[' '.join(cold_build)]:6.0f} MB "
          f"(plain: {PEAK[' '.join(plain)]:.0f} MB)")
    print(f"  pages per second, brochure            {pages / statistics.median(cold):6.1f} "
          f"({pages} pages)")
    if args.one_worker:
        one = timed([*build, "--jobs", "1"], rounds, before=clean)
        print(f"cold build, brochure --jobs 1         {spread(one)}   "
              f"speed-up ×{statistics.median(one) / statistics.median(cold):.2f}")
        run(build)
        time.sleep(2.5)
        run(build)
    print(f"no-op build, nothing changed          {spread(timed(build, rounds + 2))}")
    print(f"check, nothing changed                {spread(timed(check, rounds + 2))}")
    print(f"no-op build, text files touched       {spread(timed(build, rounds, touch_texts))}")
    print(f"check, text files touched             {spread(timed(check, rounds, touch_texts))}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.stages:
        stage_breakdown(content, args.lang or None)
    shutil.rmtree(work, ignore_errors=True)


def write_editions(content: Path, languages: list[str] | None, path: Path) -> int:
    """The editions brochure would render, as plain WeasyPrint's jobs; how many."""
    from brochure.build import prepare
    from brochure.problems import Problems

    editions = prepare(content, languages, content.parent / "out", False, Problems())
    jobs = [{"name": e.output.name, "html": e.html, "cost": e.expected_cost,
             "base_url": e.base_dir.resolve().as_uri() + "/", "options": e.options,
             "stylesheets": [{"string": s} if isinstance(s, str) else {"filename": str(s)}
                             for s in e.stylesheets]}
            for e in editions]
    path.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    return len(editions)


def stage_breakdown(content: Path, languages: list[str] | None) -> None:
    """Where the time of one process goes (rendering warm: fonts, parsed stylesheets):
    each language's one layout, the editions derived from it, their preflight."""
    from brochure.build import prepare
    from brochure.pdf.derive import derive_print, derive_screen, document_id, open_layout
    from brochure.pdf.inspect import report_of
    from brochure.pdf.preflight import NEEDS, check_claims
    from brochure.problems import Problems
    from brochure.render.links import link_texts
    from brochure.render_task import _the_renderer

    started = time.perf_counter()
    editions = prepare(content, languages, content.parent / "x", False, Problems())
    prepared = time.perf_counter() - started
    layouts = {e.layout.key: e.layout for e in editions if e.layout}
    renderer = _the_renderer()
    for layout in layouts.values():  # warm up: fonts, parsed stylesheets
        renderer.render(layout.html, layout.base_dir, layout.stylesheets, layout.roots,
                        layout.options)
    rendering = post = checks = 0.0
    made = {}
    for key, layout in layouts.items():
        started = time.perf_counter()
        made[key] = renderer.render(layout.html, layout.base_dir, layout.stylesheets,
                                    layout.roots, layout.options)
        rendering += time.perf_counter() - started
    for edition in editions:
        layout, pdf = edition.layout, made[edition.layout.key]
        started = time.perf_counter()
        with open_layout(pdf.data) as opened:
            walked = None  # the screen's fonts, found while its images were reduced
            if edition.kind == "screen":
                data, walked = derive_screen(opened, layout.bleed_mm, link_texts(layout.html),
                                             150)
            else:
                data = derive_print(opened, document_id(pdf.data), layout.bleed_mm,
                                    layout.inks, edition.cmyk_profile, pdf.originals)
            post += time.perf_counter() - started
            started = time.perf_counter()
            check_claims(report_of(opened, edition.output, len(data), NEEDS[edition.kind],
                                   walked), edition.kind)
            checks += time.perf_counter() - started
    whole = prepared + rendering + post + checks
    print(f"stages, one process, {len(editions)} editions from {len(layouts)} layouts "
          "(rendering warm):")
    for name, seconds in (("load, validate, localise, HTML, glyph check", prepared),
                          ("render (one layout per language, layout gate)", rendering),
                          ("derive (screen: trim, images; print: CMYK, X-4)", post),
                          ("preflight (the parts each kind's claims read)", checks)):
        print(f"  {name:52} {seconds:6.2f} s  {seconds / whole * 100:4.0f} %")

if __name__ == "__main__":
    main()

"""Benchmark: how long the sample takes to check and to build, and where the time goes.

    .venv/bin/python bench/build_speed.py [CONTENT_DIR]

Prints figures and ratios; each figure is the best of a few runs, each build
into a fresh temporary folder. Compare with docs/performance.md.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from brochure.build import build, check, prepare
from brochure.problems import Problems

ROUNDS = 3


def best(action, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "content/gwangju")
    print(f"content: {folder}")

    started = time.perf_counter()
    import weasyprint  # noqa: F401  (what every process pays once)
    print(f"import renderer           {time.perf_counter() - started:6.2f} s")

    check_time = best(lambda: check(folder))
    print(f"check                     {check_time:6.2f} s")

    with tempfile.TemporaryDirectory() as out:
        editions = prepare(folder, None, Path(out), False, Problems())
    pages = 0

    def full_build(jobs: int):
        nonlocal pages
        with tempfile.TemporaryDirectory() as out:
            report = build(folder, out_dir=Path(out), jobs=jobs)
            pages = sum(b.pages for b in report.built)

    one = best(lambda: full_build(1))
    two = best(lambda: full_build(2))
    print(f"full build, 1 worker      {one:6.2f} s   ({len(editions)} editions, {pages} pages)")
    print(f"full build, 2 workers     {two:6.2f} s   speed-up x{one / two:.2f}, "
          f"{pages / two:.1f} pages/s")

    # The same final HTML through plain WeasyPrint, one process: the floor.
    def plain():
        for edition in editions:
            css = [weasyprint.CSS(filename=str(p)) for p in edition.stylesheets]
            weasyprint.HTML(string=edition.html, base_url=str(edition.base_dir) + "/")\
                .write_pdf(stylesheets=css)

    plain_time = best(plain)
    print(f"plain WeasyPrint, 1 proc  {plain_time:6.2f} s   pipeline overhead "
          f"{(one / plain_time - 1) * 100:+.1f}% (1 worker vs plain)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory               {peak:6.0f} MB this process, "
          f"{children:.0f} MB largest worker")


if __name__ == "__main__":
    main()

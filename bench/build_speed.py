"""Benchmark: how long the sample takes to check and build, and where the time goes.

    .venv/bin/python bench/build_speed.py [CONTENT_DIR] [--lang CODE ...]

Prints figures and ratios. Whole commands are timed as the user runs them
(a new process, `brochure ...`); the stage breakdown and the comparison with
plain WeasyPrint run in this process. Each figure is the best of ROUNDS runs.
Record the output in docs/performance.md.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 3
BROCHURE = str(Path(sys.executable).with_name("brochure"))


def timed(command: list[str], rounds: int = ROUNDS, before=None) -> float:
    """Best wall time of a command, in seconds; ``before`` runs untimed each round."""
    best = float("inf")
    for _ in range(rounds):
        if before:
            before()
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - started)
    return best


def children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("content", nargs="?", default="content/gwangju")
    parser.add_argument("--lang", action="append", default=[])
    args = parser.parse_args()
    languages = sum((["--lang", code] for code in args.lang), [])

    work = Path(tempfile.mkdtemp(prefix="brochure-bench-"))
    content = work / "content"
    shutil.copytree(args.content, content)
    out = work / "out"
    build = [BROCHURE, "build", str(content), "--out", str(out), *languages]

    def clean() -> None:
        shutil.rmtree(out, ignore_errors=True)

    print(f"content: {args.content} {' '.join(args.lang) or '(all languages)'}; "
          f"editions as the edition file lists them")
    check = timed([BROCHURE, "check", str(content), *languages])
    cold2 = timed([*build, "--jobs", "2"], before=clean)
    peak2 = children_peak_mb()  # the largest process so far: a worker or the parent
    cold1 = timed([*build, "--jobs", "1"], before=clean)
    peak1 = children_peak_mb()
    noop = timed(build)

    from brochure.build import build as run_build

    report = run_build(content, args.lang or None, out)
    pages = sum(b.pages for b in report.built)
    editions = len(report.built)

    # Edit one language, rebuild: compare with building that language alone.
    text = content / "text" / "ko.yaml"
    original = text.read_text(encoding="utf-8")
    edits = iter(range(1000))

    def edit_korean() -> None:
        text.write_text(original.replace("title: 광주", f"title: 광주 {next(edits)}", 1),
                        encoding="utf-8")

    edited = timed(build, before=edit_korean)
    alone_out = work / "alone"
    alone = timed([BROCHURE, "build", str(content), "--lang", "ko", "--out", str(alone_out),
                   "--force"])
    text.write_text(original, encoding="utf-8")

    print(f"check                          {check:6.2f} s")
    print(f"cold full build, 1 worker      {cold1:6.2f} s   "
          f"({editions} editions, {pages} pages)")
    print(f"cold full build, 2 workers     {cold2:6.2f} s   speed-up x{cold1 / cold2:.2f}, "
          f"{pages / cold2:.1f} pages/s")
    print(f"no-op rebuild                  {noop:6.2f} s")
    print(f"rebuild after editing ko       {edited:6.2f} s   "
          f"x{edited / alone:.2f} of building ko alone ({alone:.2f} s)")
    print(f"peak memory, 2 workers         {peak2:6.0f} MB (largest process)")
    print(f"peak memory, 1 process         {peak1:6.0f} MB (renders every edition)")
    stage_breakdown(content, args.lang or None)


def stage_breakdown(content: Path, languages: list[str] | None) -> None:
    """Where the time of one worker goes, and the same HTML through plain WeasyPrint."""
    import weasyprint

    from brochure.build import prepare
    from brochure.inspect import inspect_pdf
    from brochure.postprocess import finish_print
    from brochure.preflight import check_claims
    from brochure.problems import Problems
    from brochure.render_pdf import Renderer

    started = time.perf_counter()
    editions = prepare(content, languages, content.parent / "x", False, Problems())
    prepared = time.perf_counter() - started
    renderer = Renderer()
    for edition in editions:  # warm up: fonts, parsed stylesheets
        renderer.render(edition.html, edition.base_dir, edition.stylesheets, edition.roots,
                        edition.options, edition.cmyk_profile)
    pipeline = post = checks = 0.0
    for edition in editions:
        started = time.perf_counter()
        pdf = renderer.render(edition.html, edition.base_dir, edition.stylesheets,
                              edition.roots, edition.options, edition.cmyk_profile)
        pipeline += time.perf_counter() - started
        started = time.perf_counter()
        if edition.kind == "print":
            pdf.data = finish_print(pdf.data, edition.bleed_mm)
        post += time.perf_counter() - started
        started = time.perf_counter()
        check_claims(inspect_pdf(edition.output, pdf.data), edition.kind)
        checks += time.perf_counter() - started

    # Plain WeasyPrint: the same final HTML and CSS, the same options, parsed anew
    # each time as a script would, no checks, no post-processing.
    layout = write = 0.0
    for edition in editions:
        css = [weasyprint.CSS(string=s) if isinstance(s, str) else weasyprint.CSS(filename=s)
               for s in edition.stylesheets]
        started = time.perf_counter()
        document = weasyprint.HTML(string=edition.html,
                                   base_url=edition.base_dir.resolve().as_uri() + "/")\
            .render(stylesheets=css, **edition.options)
        middle = time.perf_counter()
        document.write_pdf(**edition.options)
        layout += middle - started
        write += time.perf_counter() - middle
    plain = layout + write
    print(f"stages, one process, {len(editions)} editions:")
    print(f"  load+validate+localise+HTML+glyph check  {prepared:6.2f} s")
    print(f"  layout (plain WeasyPrint)                {layout:6.2f} s")
    print(f"  write PDF (plain WeasyPrint)             {write:6.2f} s")
    print(f"  post-process print editions (CMYK marks, boxes, id)  {post:6.2f} s")
    print(f"  preflight every edition (inspect + claims)  {checks:6.2f} s")
    print(f"  rendering: pipeline {pipeline:.2f} s vs plain WeasyPrint {plain:.2f} s on the "
          f"same HTML: overhead {(pipeline / plain - 1) * 100:+.1f}%")
    whole = prepared + pipeline + post + checks
    print(f"  everything (prepare, render, post-process, preflight) vs plain: "
          f"{(whole / plain - 1) * 100:+.1f}%")


if __name__ == "__main__":
    main()

"""Benchmark: a batch of delegations against building their languages' brochure.

    .venv/bin/python bench/delegation_speed.py [CONTENT_DIR] [--delegations N]
        [--jobs N] [--rounds R] [--floor]

In a temporary copy of the sample, the sample's delegation files are varied
into N delegations (50 by default: other names, the visit moved by a few
days; each keeps its one or two languages). Then, as ``build_speed.py`` does,
whole commands as a user runs them, in turn (A B A B …), ROUNDS times:

- ``brochure build`` of the languages the delegations read, screen + print,
  cold (an empty output folder), against ``brochure delegations`` of the N,
  cold: the issue's target is at most ×1.5;
- one more delegation added to a complete batch (only its editions are
  rendered), against a cold ``brochure build`` of one edition (one language,
  screen): the target for a further delegation is at most 15 % of one full
  edition. The fixed cost of a run that renders nothing (loading and
  checking every file, a no-op) is shown too, and the cost above it.

With ``--floor``: plain WeasyPrint rendering only the delegations' own pages
(one document per delegation, language and format: what the batch lays out
besides the brochure's parts), with WeasyPrint's own API on the same number
of processes, against the same cold ``brochure build``: a lower bound of the
batch, whatever is done around the renderer.

Record the output in docs/performance.md, with how loaded the machine was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_speed import BROCHURE, PYTHON, paired, ratio, run, spread, timed  # noqa: E402

_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_NAME = re.compile(r"^name:(.*\n(?:[ \t]+\S.*\n)*)", re.MULTILINE)


def varied(text: str, number: int) -> str:
    """A delegation file made another: its name numbered, its visit moved."""
    shift = dt.timedelta(days=number % 40)

    def moved(match: re.Match[str]) -> str:
        return (dt.date(*map(int, match.groups())) + shift).isoformat()

    def named(match: re.Match[str]) -> str:
        block = match.group(1)
        if block.strip() and "\n" not in block.strip():  # name: one text
            return f"name:{block.rstrip()} {number}\n"
        lines = [line + f" {number}" if re.match(r"\s+\S+:\s*\S", line) else line
                 for line in block.split("\n")]
        return "name:" + "\n".join(lines)

    return _NAME.sub(named, _DATE.sub(moved, text), count=1)


def make_delegations(content: Path, count: int) -> list[str]:
    """``count`` delegation files from the sample's; the languages they read."""
    folder = content / "delegations"
    samples = sorted(folder.glob("*.yaml"))
    texts = {path.stem: path.read_text(encoding="utf-8") for path in samples}
    for path in samples:
        path.unlink()
    languages: set[str] = set()
    for number in range(1, count + 1):
        stem = samples[(number - 1) % len(samples)].stem
        text = varied(texts[stem], number)
        (folder / f"{stem}-{number}.yaml").write_text(text, encoding="utf-8")
        found = re.search(r"^languages:\s*\[([^\]]*)\]", text, re.MULTILINE)
        assert found, stem
        languages.update(code.strip() for code in found.group(1).split(","))
    return sorted(languages)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("content", nargs="?", default="content/gwangju")
    parser.add_argument("--delegations", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--floor", action="store_true")
    args = parser.parse_args()
    rounds, jobs = args.rounds, ["--jobs", str(args.jobs)]

    work = Path(tempfile.mkdtemp(prefix="brochure-bench-"))
    content = work / "content"
    shutil.copytree(args.content, content)
    languages = make_delegations(content, args.delegations)
    extra = content / "delegations" / "san-antonio-extra.yaml"
    extra_text = varied((Path(args.content) / "delegations" / "san-antonio.yaml")
                        .read_text(encoding="utf-8"), args.delegations + 1)
    out_build, out_batch, out_one = work / "build", work / "batch", work / "one"
    build = [*BROCHURE, "build", str(content), "--out", str(out_build), *jobs,
             *(o for code in languages for o in ("--lang", code)),
             "--edition", "screen", "--edition", "print"]
    batch = [*BROCHURE, "delegations", str(content), "--out", str(out_batch), *jobs]
    one = [*BROCHURE, "build", str(content), "--out", str(out_one), *jobs,
           "--lang", "en", "--edition", "screen"]

    def clean() -> None:
        for folder in (out_build, out_batch, out_one):
            shutil.rmtree(folder, ignore_errors=True)
        extra.unlink(missing_ok=True)

    print(f"{args.delegations} delegations reading {', '.join(languages)}; "
          f"{args.jobs} processes; {rounds} rounds; "
          f"load average before: {os.getloadavg()[0]:.2f}")
    cold_build, cold_batch = paired(build, batch, rounds, before=clean)
    outputs = len(list((out_batch / "delegations").rglob("*.pdf")))
    editions = 2 * len(languages)
    print(f"cold build of those languages ({editions} editions)   {spread(cold_build)}")
    print(f"cold delegations ({outputs} PDFs)              {spread(cold_batch)}")
    print(f"  delegations / build (pairs)        {ratio(cold_batch, cold_build)}   "
          "target ×1.5")

    clean()
    run(batch)
    time.sleep(2.5)  # files changed within two seconds are never taken as unchanged
    noop = timed(batch, rounds)

    def one_more() -> None:
        shutil.rmtree(out_batch / "delegations" / extra.stem, ignore_errors=True)
        (out_batch / "delegations" / f"{extra.stem}.zip").unlink(missing_ok=True)
        extra.write_text(extra_text, encoding="utf-8")

    def one_clean() -> None:
        shutil.rmtree(out_one, ignore_errors=True)

    added, cold_one = paired(batch, one, rounds, before=lambda: (one_more(), one_clean()))
    above = [a - statistics.median(noop) for a in added]
    print(f"delegations, nothing to render (no-op)   {spread(noop)}")
    print(f"delegations, one more added (2 PDFs)    {spread(added)}")
    print(f"  above the no-op                        {spread(above)}")
    print(f"cold build of one edition (en screen)   {spread(cold_one)}")
    print(f"  one more / one edition (pairs)      {ratio(added, cold_one)}   target ×0.15")
    print(f"  above the no-op / one edition (pairs) {ratio(above, cold_one)}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.floor:
        jobs_file, plain_out = work / "own-pages.json", work / "plain"
        documents = write_own_pages(content, jobs_file)
        plain = [PYTHON, str(Path(__file__).resolve().parent / "plain_weasyprint.py"),
                 str(jobs_file), str(plain_out), str(args.jobs)]
        cold_build, floor = paired(build, plain, rounds, before=clean)
        print(f"plain WeasyPrint, the delegations' own pages alone ({documents} documents, "
              f"{args.jobs} proc.)  {spread(floor)}")
        print(f"  / cold build of those languages (pairs)   {ratio(floor, cold_build)}   "
              "(the batch cannot be faster than this part of it)")
    shutil.rmtree(work, ignore_errors=True)


def write_own_pages(content: Path, path: Path) -> int:
    """The delegations' own pages, one document per layout (a language's screen
    and print editions share one), as plain WeasyPrint's jobs; how many."""
    from brochure.delegations.batch import plan_delegations
    from brochure.problems import Problems

    plans = plan_delegations(content, None, None, content.parent / "floor", False, Problems())
    layouts = {e.layout.key: e.layout for plan in plans for e in plan.editions if e.layout}
    jobs = [{"name": f"{number}.pdf", "html": layout.html, "cost": len(layout.html),
             "base_url": layout.base_dir.resolve().as_uri() + "/", "options": layout.options,
             "stylesheets": [{"string": s} if isinstance(s, str) else {"filename": str(s)}
                             for s in layout.stylesheets]}
            for number, layout in enumerate(layouts.values())]
    path.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    return len(jobs)


if __name__ == "__main__":
    main()

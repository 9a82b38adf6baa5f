"""Benchmark: a batch of delegations against building their languages' brochure.

    .venv/bin/python bench/delegation_speed.py [CONTENT_DIR] [--delegations N]
        [--jobs N] [--rounds R] [--stages]

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

With ``--stages``: where the time of one process goes, for one delegation
edition, warm (rendering its own pages, padding, post-processing, joining,
preflight), against rendering the brochure's edition.

Record the output in docs/performance.md, with how loaded the machine was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_speed import BROCHURE, paired, ratio, run, spread, timed  # noqa: E402

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
    parser.add_argument("--stages", action="store_true")
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
    if args.stages:
        stage_breakdown(content)
    shutil.rmtree(work, ignore_errors=True)


def stage_breakdown(content: Path) -> None:
    """One process, warm: a delegation edition's stages against the brochure's edition."""
    from brochure.delegations.batch import plan_delegations
    from brochure.delegations.parts import attach
    from brochure.pdf.join import Part, join, pad_pages
    from brochure.pdf.postprocess import finish_links, finish_print
    from brochure.problems import Problems
    from brochure.render.render_html import link_texts
    from brochure.render_pool import _preflight, _render_one

    started = time.perf_counter()
    plans = plan_delegations(content, None, None, content.parent / "stages", False, Problems())
    planned = time.perf_counter() - started
    editions = [(e, plan.parts[e.output]) for plan in plans[:4] for e in plan.editions]
    parts = {j.part.output: j.part for _, joined in editions for j in joined}
    for part in parts.values():  # warm up, and the parts the editions join
        _render_one(part)
    brochure = {}
    started = time.perf_counter()
    for path, part in parts.items():
        brochure[path] = _render_one(part)[0].data
    per_part = (time.perf_counter() - started) / len(parts)
    totals = dict.fromkeys(("render", "pad", "post", "join", "preflight"), 0.0)
    for edition, joined in editions:
        attach(edition, joined, brochure)
        laps = [time.perf_counter()]
        from brochure.render_pool import _renderer

        assert _renderer is not None
        pdf = _renderer.render(edition.html, edition.base_dir, edition.stylesheets,
                               edition.roots, edition.options, edition.cmyk_profile)
        laps.append(time.perf_counter())
        pdf.data, _ = pad_pages(pdf.data, 4)
        laps.append(time.perf_counter())
        if edition.kind == "print":
            pdf.data = finish_print(pdf.data, edition.bleed_mm)
        else:
            pdf.data = finish_links(pdf.data, link_texts(edition.html))
        laps.append(time.perf_counter())
        data, _ = join([Part(pdf.data, numbering="r"), *edition.joined])
        laps.append(time.perf_counter())
        _preflight(edition, data)
        laps.append(time.perf_counter())
        for name, start, end in zip(totals, laps, laps[1:], strict=False):
            totals[name] += end - start
    count = len(editions)
    whole = sum(totals.values()) / count
    print(f"stages, one process, warm: {len(plans)} delegations planned in {planned:.2f} s "
          f"({planned / len(plans) * 1000:.0f} ms each)")
    print(f"  a brochure part (the brochure's edition)   {per_part:6.3f} s")
    print(f"  a delegation edition, {count} measured      {whole:6.3f} s "
          f"({whole / per_part * 100:.0f} % of a brochure part)")
    for name, seconds in totals.items():
        print(f"    {name:40} {seconds / count:6.3f} s  {seconds / count / whole * 100:4.0f} %")


if __name__ == "__main__":
    main()

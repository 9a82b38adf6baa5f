"""Plain WeasyPrint: render editions' HTML and CSS to PDF, nothing else.

    python bench/plain_weasyprint.py EDITIONS.json OUT_DIR JOBS

The yardstick ``build_speed.py`` holds brochure against: the same final HTML,
stylesheets (files and generated CSS) and renderer options as brochure's
editions, rendered by WeasyPrint's own API as a short script would, on the
same number of processes (forked after importing WeasyPrint, longest first).
No checks, no post-processing, WeasyPrint's own URL fetcher.
"""

from __future__ import annotations

import json
import sys
from multiprocessing import get_context
from pathlib import Path

import weasyprint

_font_config = None


def render(job: dict) -> int:
    global _font_config
    if _font_config is None:
        _font_config = weasyprint.text.fonts.FontConfiguration()
    profiles: dict = {}  # filled by @color-profile rules (the print editions' output intent)
    css = [weasyprint.CSS(**sheet, font_config=_font_config, color_profiles=profiles)
           for sheet in job["stylesheets"]]
    options = dict(job["options"])
    zoom = options.pop("zoom", 1)
    document = weasyprint.HTML(string=job["html"], base_url=job["base_url"]).render(
        stylesheets=css, font_config=_font_config, color_profiles=profiles, **options)
    document.write_pdf(job["output"], zoom=zoom, **options)
    return len(document.pages)


def main() -> None:
    editions, out_dir, jobs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    out_dir.mkdir(parents=True, exist_ok=True)
    work = json.loads(editions.read_text(encoding="utf-8"))
    for job in work:
        job["output"] = str(out_dir / job["name"])
    work.sort(key=lambda job: -job["cost"])
    if jobs <= 1:
        pages = [render(job) for job in work]
    else:
        with get_context("fork").Pool(jobs) as pool:
            pages = pool.map(render, work, chunksize=1)
    print(f"{len(work)} editions, {sum(pages)} pages")


if __name__ == "__main__":
    main()

"""The preview's HTML pages; every value put in them is escaped."""

from __future__ import annotations

import html
import json
import urllib.parse

from brochure.tools.preview_state import PAGE_SCALE, POLL_MS, Pages, PreviewState, View

# --- the HTML pages (every value put in them is escaped) ---------------------------

_STYLE = """
body { margin: 0; background: #e4e4e4; color: #222; font: 15px/1.45 system-ui, sans-serif; }
header { position: sticky; top: 0; z-index: 1; background: #fff; border-bottom: 1px solid #bbb; }
.bar { display: flex; flex-wrap: wrap; gap: .4em 1.2em; align-items: baseline; padding: .6em 1em; }
h1 { font-size: 1.1em; margin: 0; }
#status { color: #555; font-style: italic; }
.problems { max-width: 60em; margin: 0 auto .8em; padding: .6em 1.2em; border: 3px solid #b00020;
  background: #fdecee; max-height: 40vh; overflow: auto; }
.warnings { max-width: 60em; margin: 1em auto; padding: .4em 1.2em; border: 1px solid #b07800;
  background: #fff7e0; }
.problems h2 { font-size: 1em; margin: 0 0 .4em; }
.problems li, .warnings li { font-family: ui-monospace, monospace; white-space: pre-wrap; }
main { display: flex; flex-direction: column; align-items: center; gap: 16px; padding: 16px; }
main img { max-width: 100%; height: auto; background: #fff; box-shadow: 0 1px 5px #0005; }
main p, .languages { max-width: 60em; margin: 1em auto; }
"""


def index_page(state: PreviewState) -> str:
    version = state.version  # before reading the views: a newer build then reloads the page
    rows = []
    for code in state.languages():
        view = state.view(code) or View()
        rows.append(f'<li><a href="{_e(href(code))}">{_e(code)}</a>: {_e(_summary(view))}</li>')
    building = state.building()
    if rows:
        listing = f'<ul class="languages">{"".join(rows)}</ul>'
    else:
        listing = "<main><p>Building the first preview…</p></main>" if building else ""
    errors = _error_box(state.general.errors, "The brochure could not be built.")
    return _document("Brochure preview", "<h1>Brochure preview</h1>", errors, listing,
                     "/version", version, building)


def language_page(language: str, view: View) -> str:
    pages = view.pages
    title = f"{pages.title} ({language})" if pages else language
    heading = (f'<h1><span lang="{_e(language)}" dir="auto">{_e(pages.title)}</span> '
               f"({_e(language)})</h1>" if pages else f"<h1>{_e(language)}</h1>")
    heading += f' <a href="/">All languages</a>{_pdf_link(language, pages)}'
    stop = ("The brochure could not be built. The pages below are the last version that "
            "built; they update when the problems are fixed and saved." if pages else
            "The brochure could not be built. Fix these problems and save the file.")
    body = _warnings(view.warnings) + f"<main>{_images(language, view)}</main>"
    return _document(title, heading, _error_box(view.errors, stop), body,
                     href(language, "version"), view.version, view.building)


def _summary(view: View) -> str:
    if view.errors:
        return f"{len(view.errors)} problem(s)"
    if view.pages:
        return f"{len(view.pages.images)} pages, {view.pages.title}"
    return "building…"


def _pdf_link(language: str, pages: Pages | None) -> str:
    if pages is None:
        return ""
    size = f"{len(pages.pdf) / 1024:.0f} KB"
    return (f' <a href="{_e(href(language, pages.pdf_name))}">{_e(pages.pdf_name)}</a> '
            f"({len(pages.images)} pages, {size})")


def _images(language: str, view: View) -> str:
    if view.pages is None:
        return "" if view.errors else "<p>Building the first preview…</p>"
    count = len(view.pages.images)
    tags = []
    for number, (width, height) in enumerate(view.pages.sizes, start=1):
        # Shown at the page's real size: PDF points are 4/3 CSS pixels.
        css_width, css_height = (round(v / PAGE_SCALE * 4 / 3) for v in (width, height))
        source = f"{href(language, f'page-{number}.png')}?v={view.version}"
        tags.append(f'<img src="{_e(source)}" width="{css_width}" height="{css_height}" '
                    f'alt="Page {number} of {count}" title="Page {number} of {count}">')
    return "\n".join(tags)


def _error_box(lines: tuple[str, ...], heading: str) -> str:
    """In the header, which stays at the top of the window: the browser keeps the
    reader's place in the pages across reloads, so a box above them could be out
    of sight."""
    if not lines:
        return ""
    return (f'<section class="problems" role="alert"><h2>{_e(heading)}</h2>'
            f"{_list(lines)}</section>")


def _warnings(lines: tuple[str, ...]) -> str:
    if not lines:
        return ""
    return (f'<details class="warnings"><summary>{len(lines)} warning(s)</summary>'
            f"{_list(lines)}</details>")


def _list(lines: tuple[str, ...]) -> str:
    return "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>"


def _document(title: str, heading: str, errors: str, body: str, version_url: str,
              version: int, building: bool) -> str:
    status = "Building…" if building else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)} – brochure preview</title><style>{_STYLE}</style></head>
<body><header><div class="bar">{heading} <span id="status">{status}</span></div>{errors}</header>
{body}
{_reloader(version_url, version)}
</body></html>
"""


def _reloader(version_url: str, version: int) -> str:
    """Ask for the version every POLL_MS; reload when a build has finished."""
    return f"""<script>
(function () {{
  const status = document.getElementById("status");
  async function poll() {{
    try {{
      const response = await fetch({_js(version_url)}, {{cache: "no-store"}});
      const now = await response.json();
      if (now.version !== {version}) {{ location.reload(); return; }}
      status.textContent = now.building ? "Building…" : "";
    }} catch (error) {{
      status.textContent = "The preview has stopped: start it again to see changes.";
    }}
    setTimeout(poll, {POLL_MS});
  }}
  setTimeout(poll, {POLL_MS});
}})();
</script>"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _js(value: str) -> str:
    """A string literal that cannot end the <script> element it is in."""
    return json.dumps(value).replace("<", "\\u003c")


def href(language: str, name: str = "") -> str:
    """The address of a language's page, or of a file beside it."""
    return f"/{urllib.parse.quote(language)}/{urllib.parse.quote(name)}"

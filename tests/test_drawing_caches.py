"""Work kept from one document, or one process, for the next: the PDFs are the
same byte for byte as without it."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

from pdfs import page_texts

from brochure.render import drawing_caches, render_pdf
from brochure.render.render_pdf import Renderer

ROOT = Path(__file__).resolve().parent.parent

HYPHENATED = """<html lang="de"><style>
@page { size: A6; margin: 10mm }
p { width: 32mm; hyphens: auto; text-align: justify; font-size: 11pt }
</style><p>Die Donaudampfschifffahrtsgesellschaft veröffentlicht Fahrpläne für
Bundesausbildungsförderungsgesetz und Rindfleischetikettierungsüberwachung.</p></html>"""

# Renders HYPHENATED in a fresh process into argv[2]; with "no-parsing" as
# argv[3], pyphen cannot read a dictionary file: only a kept one can serve.
RENDER = """
import sys
from pathlib import Path
import pyphen
from brochure.render.render_pdf import Renderer
if sys.argv[3:] == ["no-parsing"]:
    def refuse(self, path):
        raise RuntimeError("the dictionary file was parsed")
    pyphen.HyphDict.__init__ = refuse
folder = Path(sys.argv[1])
html = (folder / "page.html").read_text(encoding="utf-8")
Path(sys.argv[2]).write_bytes(Renderer().render(html, folder, [], [folder]).data)
"""


def render_in_a_fresh_process(folder: Path, cache: Path, name: str,
                              *flags: str) -> subprocess.CompletedProcess:
    (folder / "page.html").write_text(HYPHENATED, encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "SOURCE_DATE_EPOCH": "1700000000",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-c", RENDER, str(folder), str(folder / name),
                           *flags], env=env, capture_output=True, text=True, timeout=300)


def kept_dictionaries(cache: Path) -> list[Path]:
    return sorted((cache / "brochure").glob("hyph-*.pickle"))


def test_a_dictionary_kept_in_the_cache_folder_hyphenates_a_fresh_process_alike(tmp_path):
    cache = tmp_path / "cache"
    first = render_in_a_fresh_process(tmp_path, cache, "first.pdf")
    assert first.returncode == 0, first.stderr
    assert len(kept_dictionaries(cache)) == 1
    lines = "\n".join(page_texts(tmp_path / "first.pdf")).splitlines()
    assert any(line.rstrip().endswith(("-", "\u2010")) for line in lines), lines  # hyphenated

    second = render_in_a_fresh_process(tmp_path, cache, "second.pdf", "no-parsing")
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "second.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()


def test_without_a_kept_dictionary_the_file_is_parsed(tmp_path):
    """The check above can fail: with nothing kept, the file must be parsed."""
    refused = render_in_a_fresh_process(tmp_path, tmp_path / "cache", "x.pdf", "no-parsing")
    assert refused.returncode != 0
    assert "the dictionary file was parsed" in refused.stderr


def test_an_unwritable_or_damaged_cache_still_gives_the_same_pdf(tmp_path):
    kept = render_in_a_fresh_process(tmp_path, tmp_path / "cache", "kept.pdf")
    assert kept.returncode == 0, kept.stderr
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("in the way")
    unwritable = render_in_a_fresh_process(tmp_path, not_a_folder, "unwritable.pdf")
    assert unwritable.returncode == 0, unwritable.stderr
    [damaged] = kept_dictionaries(tmp_path / "cache")
    damaged.write_bytes(damaged.read_bytes()[:1000])
    again = render_in_a_fresh_process(tmp_path, tmp_path / "cache", "damaged.pdf")
    assert again.returncode == 0, again.stderr

    expected = (tmp_path / "kept.pdf").read_bytes()
    assert (tmp_path / "unwritable.pdf").read_bytes() == expected
    assert (tmp_path / "damaged.pdf").read_bytes() == expected
    assert len(kept_dictionaries(tmp_path / "cache")[0].read_bytes()) > 1000  # kept anew


ILLUSTRATION = """<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120"
 viewBox="0 0 200 120">
<defs><marker id="dot" markerWidth="4" markerHeight="4" refX="2" refY="2">
<circle cx="2" cy="2" r="2" fill="red"/></marker></defs>
<path d="M10,10 l30,5 h20 v15 c10,0 20,10 30,20 s10,20 -5,25 q10,10 20,0 t20,0
 a15,10 30 1,0 20,-10 A5,5 0 0 1 150,60 z m5,5 L180 110" stroke="blue" fill="none"
 marker-start="url(#dot)" marker-mid="url(#dot)" marker-end="url(#dot)"/>
<path d="M10 100 L50% 110 H20%" stroke="green"/>
<path d="M1.5.5.5-1e1 0 0 1.5e1-2Z" fill="orange"/>
</svg>"""


def test_an_illustration_drawn_again_from_remembered_paths_is_drawn_alike(
        tmp_path, monkeypatch):
    (tmp_path / "art.svg").write_text(ILLUSTRATION, encoding="utf-8")
    html = ('<style>@page { size: A6 } img { display: block; width: 80mm }</style>'
            '<img src="art.svg"><img src="art.svg" style="width: 40mm">')
    monkeypatch.setattr(drawing_caches, "_paths", {})

    def rendered() -> bytes:
        return Renderer().render(html, tmp_path, [], [tmp_path]).data

    remembering = rendered()  # the paths parsed, and remembered
    assert len(drawing_caches._paths) == 2  # not the one in percentages
    remembered = rendered()
    with monkeypatch.context() as patch:
        patch.setattr(render_pdf, "svg_paths_remembered", contextlib.nullcontext)
        parsed = rendered()
    assert remembering == remembered == parsed


# Korean and Japanese in the sample's CJK faces (each subset ends at its last
# used glyph: one pass), Spanish and Vietnamese in Noto (accented letters add
# glyphs after the last used one: the second pass follows).
SCRIPTS = """<html><style>@page { size: A6; margin: 8mm } body { font-size: 10pt }
.serif { font-family: "Noto Serif", "Noto Serif CJK KR"; } .bold { font-weight: bold }</style>
<p lang="ko">광주는 민주주의와 인권의 도시입니다. 아시아문화전당</p>
<p lang="ja" style="font-family: 'Noto Sans CJK JP'">光州は民主主義と人権の都市です。</p>
<p lang="es" class="serif bold">Información, región, acción: ¿dónde está la estación?</p>
<p lang="vi" class="serif">Thành phố Gwangju là trung tâm văn hóa châu Á.</p></html>"""


def test_fonts_subset_in_one_pass_are_the_renderers_own_subsets(tmp_path, monkeypatch):
    passes: list[str] = []
    one_pass = drawing_caches._add

    def counted(hb_set, values):
        if isinstance(values, range):
            passes.append("second")
        one_pass(hb_set, values)

    monkeypatch.setattr(drawing_caches, "_add", counted)
    fast = Renderer().render(SCRIPTS, tmp_path, [], [tmp_path]).data
    assert 0 < len(passes) < 4  # both ways were taken: most faces in one pass
    with monkeypatch.context() as patch:
        patch.setattr(render_pdf, "fonts_subset_in_one_pass", contextlib.nullcontext)
        weasyprint_own = Renderer().render(SCRIPTS, tmp_path, [], [tmp_path]).data
    assert fast == weasyprint_own
    assert "광주는" in "".join(page_texts_of(fast, tmp_path))


def page_texts_of(data: bytes, folder: Path) -> list[str]:
    (folder / "out.pdf").write_bytes(data)
    return page_texts(folder / "out.pdf")


def test_streams_are_compressed_at_zlibs_default_level(tmp_path):
    import zlib

    import pikepdf

    data = Renderer().render(SCRIPTS, tmp_path, [], [tmp_path]).data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and "/Length1" in o]
        assert fonts
        for font in fonts:
            assert font.read_raw_bytes() == zlib.compress(font.read_bytes(), 6)

"""The words of each link, read from an edition's HTML: what a screen
reader says for the link (its annotation's /Contents, postprocess.py).

A module of its own, without the templates' machinery: the workers that
post-process the PDFs need only this of the HTML stage.
"""

from __future__ import annotations

from html.parser import HTMLParser

WORD_JOINER = "\u2060"  # glues the characters of a Korean word (render_html)


def link_texts(html: str) -> dict[str, list[str]]:
    """The words of each link, by target, in the order the links come.

    Internal targets are named without their '#', as the renderer names them.
    A link without words (around a picture) is described by the picture's alt.
    """
    reader = _LinkReader()
    reader.feed(html)
    reader.close()
    return reader.texts


class _LinkReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: dict[str, list[str]] = {}
        self._target: str | None = None
        self._words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and (href := found.get("href")):
            self._target, self._words = href.removeprefix("#"), []
        elif tag == "img" and self._target is not None:
            self._words.append(found.get("alt") or "")

    def handle_data(self, data: str) -> None:
        if self._target is not None:
            self._words.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._target is not None:
            words = " ".join("".join(self._words).replace(WORD_JOINER, "").split())
            self.texts.setdefault(self._target, []).append(words or self._target)
            self._target = None

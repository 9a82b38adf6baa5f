"""Markdown for body text: safe by construction.

Raw HTML in content is not interpreted (``html=False``), so ``<script>`` and
``&`` appear as typed. Links may point to the web, e-mail or phone; a relative
link (``visit/``) is a page of the brochure's website and is written as its
full address, never as a ``file:`` link of the build machine. Images may only
be files inside the content folder (checked in ``validate``).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from urllib.parse import urljoin

from markdown_it import MarkdownIt
from markdown_it.token import Token

LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")


@cache
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = is_allowed_link  # type: ignore[method-assign]
    return md


def is_allowed_link(url: str) -> bool:
    lowered = url.strip().lower()
    return lowered.startswith(LINK_SCHEMES) or lowered.startswith("#") or \
        is_relative(lowered)


def is_relative(url: str) -> bool:
    """A link with no scheme: a path on the brochure's website."""
    return bool(url) and ":" not in url.split("/")[0] and \
        not url.startswith(("/", "\\", "#"))


def render(text: str, website: str | None = None) -> str:
    """HTML for ``text``; relative links become addresses on ``website``."""
    md = parser()
    tokens = md.parse(text)
    for token in tokens:
        for child in token.children or []:
            href = str(child.attrGet("href") or "")
            if child.type == "link_open" and is_relative(href):
                # Without a website, validation has refused the link already.
                child.attrSet("href", urljoin(website or "", href))
    return md.renderer.render(tokens, md.options, {})


@cache
def _permissive_parser() -> MarkdownIt:
    # Sees every address, even those render() would leave as plain text,
    # so that validation can name them.
    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def references(text: str) -> Iterator[tuple[str, str]]:
    """Each ('image' | 'link', address) a Markdown text refers to."""
    for token in _permissive_parser().parse(text):
        yield from _inline_references(token.children or [])


def _inline_references(tokens: list[Token]) -> Iterator[tuple[str, str]]:
    for token in tokens:
        if token.type == "image":
            yield "image", str(token.attrGet("src") or "")
        elif token.type == "link_open":
            yield "link", str(token.attrGet("href") or "")

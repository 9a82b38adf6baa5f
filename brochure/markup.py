"""Markdown for body text: safe by construction.

Raw HTML in content is not interpreted (``html=False``), so ``<script>`` and
``&`` appear as typed. Links may point to the web, e-mail or phone; images may
only be files inside the content folder (checked in ``validate``).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")


@cache
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = is_allowed_link
    return md


def is_allowed_link(url: str) -> bool:
    lowered = url.strip().lower()
    return lowered.startswith(LINK_SCHEMES) or lowered.startswith("#") or \
        _is_relative_file(lowered)


def _is_relative_file(url: str) -> bool:
    return ":" not in url.split("/")[0] and not url.startswith(("/", "\\"))


def render(text: str) -> str:
    return parser().render(text)


@cache
def _permissive_parser() -> MarkdownIt:
    # Sees every address, even those render() would leave as plain text,
    # so that validation can name them.
    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = lambda url: True
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

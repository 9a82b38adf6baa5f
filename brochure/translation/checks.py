"""A translation checked against its master text: the same {placeholders}, the
same Markdown shape (paragraphs, list items, links), emphasis markers that
pair up. Used by check and build (current texts) and by import (every unit)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from brochure.content import markup
from brochure.content.model import MARKDOWN_FIELDS, PLACEHOLDER
from brochure.content.sources import field_name, text_fields
from brochure.problems import Problems

if TYPE_CHECKING:
    from brochure.content.validate import Project
from brochure.translation.translations import LanguageStatus, master_fields


def check_translations(project: Project, status: LanguageStatus, problems: Problems) -> None:
    """Every current translation keeps its master text's {placeholders} and
    Markdown shape (paragraphs, list items, links): a lost one is an error at its
    line. A stale text is left to its own warning: the master has moved on."""
    master_language = project.edition.master
    master = master_fields(project.texts[master_language].data)
    source = project.texts[status.language]
    for path, text in text_fields(source.data):
        field_id = field_name(path)
        if field_id not in master or field_id in status.stale:
            continue
        for finding in check_translation(field_id, master[field_id], text, master_language):
            problems.error(finding.message, source.where(path), field=field_id,
                           hint=finding.hint)


@dataclass(frozen=True)
class Finding:
    """Something wrong in one translated text, and what to do about it."""

    message: str
    hint: str


def check_translation(field_id: str, source: str, target: str,
                      master_language: str) -> list[Finding]:
    """Placeholders and (in Markdown fields) structure must match the source's."""
    findings = _check_placeholders(source, target, master_language)
    if field_id.rsplit(".", 1)[-1] in MARKDOWN_FIELDS:
        findings += _check_markdown(source, target, master_language)
    return findings


def _check_placeholders(source: str, target: str, master_language: str) -> list[Finding]:
    wanted, found = set(PLACEHOLDER.findall(source)), set(PLACEHOLDER.findall(target))
    findings = [Finding(f"{{{name}}} is missing from the translation",
                        "Copy it from the source exactly as written, braces included; "
                        "it is replaced by a figure or a date.")
                for name in sorted(wanted - found, key=list(PLACEHOLDER.findall(source)).index)]
    findings += [Finding(f"{{{name}}} is not in the {master_language} text",
                         "Use only the {…} names of the source, spelt exactly as there.")
                 for name in sorted(found - wanted)]
    return findings


MARKDOWN_HINTS = {
    "paragraphs": "Separate paragraphs with one empty line, as in the source.",
    "list items": "Start each list item on a new line with '- ', as in the source.",
    "headings": "Keep the '#' at the start of each heading line.",
    "links": "Keep [text](address) for each link: translate the text, keep the address.",
    "images": "Keep ![text](file) for each image: translate the text, keep the file name.",
}


def markdown_shape(text: str) -> Counter[str]:
    """What a Markdown text is made of: paragraphs, list items, links, emphases,
    and the emphasis markers (* or _) that did not pair up and would print as typed."""
    shape: Counter[str] = Counter()
    for token in markup.parser().parse(text):
        if token.type == "paragraph_open" and token.level == 0:
            shape["paragraphs"] += 1
        elif token.type == "list_item_open":
            shape["list items"] += 1
        elif token.type == "heading_open":
            shape["headings"] += 1
        for child in token.children or []:
            if child.type == "link_open":
                shape["links"] += 1
            elif child.type in ("em_open", "strong_open"):
                shape["emphasis"] += 1
            elif child.type == "image":
                shape["images"] += 1
            elif child.type == "text":
                shape["loose markers"] += child.content.count("*") + child.content.count("_")
    return shape


def _check_markdown(source: str, target: str, master_language: str) -> list[Finding]:
    wanted, found = markdown_shape(source), markdown_shape(target)
    findings = [
        Finding(f"{part} do not match: {found[part]} in the translation, "
                f"{wanted[part]} in the {master_language} text", hint)
        for part, hint in MARKDOWN_HINTS.items() if found[part] != wanted[part]]
    if found["loose markers"] > wanted["loose markers"]:
        findings.append(Finding(
            "emphasis markers (* or _) do not pair up and would be printed as typed",
            "Put *…* (italic) or **…** (bold) around the words, each opening marker "
            "with its closing one; in Chinese or Japanese, put the markers around "
            "whole words, not around punctuation."))
    return findings

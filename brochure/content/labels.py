"""The small words of the layout (Contents, Key figures, Address…) that a text
file may leave out: the package has them for the languages it knows
(labels.yaml); a language it does not know takes its master's. Part of the
localise stage."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from brochure.content.model import Labels
from brochure.content.sources import Source
from brochure.problems import Problems

LABELS_FILE = Path(__file__).with_name("labels.yaml")
FALLBACK_LANGUAGE = "en"


@cache
def built_in_labels() -> dict[str, dict[str, str]]:
    return yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))


def labels_for(language: str) -> dict[str, str]:
    """The package's words for ``language`` (zh-Hant, else zh…), or none."""
    table = built_in_labels()
    return table.get(language) or table.get(language.split("-")[0]) or {}


def with_labels(data: Any, language: str) -> Any:
    """A text file's data with the labels it leaves out taken from the package."""
    if not isinstance(data, dict):
        return data
    labels = data.get("labels")
    given: dict[str, Any] = labels if isinstance(labels, dict) else {}
    known = {key: value for key, value in labels_for(language).items() if key not in given}
    return {**data, "labels": {**known, **given}} if known else data


def with_master_labels(data: Any, source: Source, language: str,
                       problems: Problems) -> Any:
    """The master text's data with every label: its own, the package's for its
    language, and as a last resort the English ones, each reported."""
    data = with_labels(data, language)
    if not isinstance(data, dict):
        return data
    labels = dict(data.get("labels") or {})
    for key in Labels.model_fields:
        if not labels.get(key):
            labels[key] = built_in_labels()[FALLBACK_LANGUAGE][key]
            problems.warning(
                f"no word for '{key}' in {language}; the English '{labels[key]}' is used",
                source.where(("labels",)), field=f"labels.{key}",
                hint=f"Add it under 'labels:' in {source.name}.")
    return {**data, "labels": labels}

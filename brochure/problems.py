"""Problems found in content, as data with a location.

Every stage reports what is wrong through a ``Problems`` collector instead of
raising at the first mistake, so a user sees all problems of a build at once.
``BrochureError`` carries them to the caller, which prints them once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, and when known the line and column (1-based)."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing that is wrong, said so that a non-programmer can fix it."""

    message: str
    location: Location | None = None
    field: str | None = None
    hint: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        text = self.message if self.field is None else f"{self.field}: {self.message}"
        if self.hint:
            text = f"{text.rstrip('.')}. {self.hint}"
        prefix = f"{self.location}: " if self.location else ""
        label = "warning: " if self.severity == "warning" else ""
        return f"{prefix}{label}{text}"


@dataclass
class Problems:
    """Collects problems; ``raise_if_errors`` stops the build once, with all of
    them. A problem found again (the same text at the same place, as in both
    editions of a language) is kept once."""

    items: list[Problem] = field(default_factory=list)

    def error(self, message: str, location: Location | None = None, *,
              field: str | None = None, hint: str | None = None) -> None:
        self._add(Problem(message, location, field, hint, "error"))

    def warning(self, message: str, location: Location | None = None, *,
                field: str | None = None, hint: str | None = None) -> None:
        self._add(Problem(message, location, field, hint, "warning"))

    def extend(self, other: Problems) -> None:
        for problem in other.items:
            self._add(problem)

    def _add(self, problem: Problem) -> None:
        if problem not in self.items:
            self.items.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_errors(self, strict: bool = False) -> None:
        """Stop with every problem found so far; in strict mode warnings count too."""
        if self.errors or (strict and self.warnings):
            raise BrochureError(self.items, strict=strict)


class BrochureError(Exception):
    """A build cannot go on because of the user's content; carries every problem."""

    def __init__(self, problems: list[Problem], strict: bool = False):
        self.problems = list(problems)
        self.strict = strict
        super().__init__("\n".join(str(p) for p in self.problems))


class SingleProblem(BrochureError):
    """A command cannot go on for one reason (a file that cannot be read, a busy
    port, a missing validator): the same family, printed the same way."""

    def __init__(self, message: str, location: Location | None = None,
                 hint: str | None = None):
        super().__init__([Problem(message, location, hint=hint)])


def relative_name(path: Path, base: Path | None = None) -> str:
    """A path as the user knows it: relative to the working folder when possible."""
    base = base or Path.cwd()
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def did_you_mean(name: str, known: list[str]) -> str:
    """A hint for a misspelt name: the closest known one, or the known ones."""
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"Did you mean '{close[0]}'?"
    if known:
        return f"Known fields here: {', '.join(known)}."
    return "Remove it, or check its indentation."

"""``brochure check``: everything a build and a batch of delegations need,
validated without rendering a PDF.

Above both the brochure's pipeline (build.py) and the delegations' (delegations/):
it runs the first up to the HTML of every edition, then makes every
delegation's own pages as ``brochure delegations`` does, so that what only a
delegation brings (a member's name in a script the fonts lack, a template
that fails on its text) is found here too, not first in the batch.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from brochure import defaults
from brochure.build import prepare
from brochure.problems import BrochureError, Problems
from brochure.state import input_state, last_check, remember_check

# The stages are imported when first used: a check in which nothing changed
# needs none of them (see state.py).
if TYPE_CHECKING:
    from brochure.content.validate import Project


def check(folder: Path = defaults.CONTENT_DIR, languages: list[str] | None = None,
          strict: bool = False, kinds: list[str] | None = None,
          final: bool = False, formats: list[str] | None = None) -> Problems:
    """Validate everything a build needs, glyphs included; render no PDF.

    The brochure's delegation files are checked too (docs/delegations.md). When
    nothing has changed since the last check of the folder with the same
    options, its problems are given again without loading anything.
    """
    folder = Path(folder)
    state = input_state(folder, {"command": "check", "languages": languages, "kinds": kinds,
                                 "final": final, "formats": formats})
    problems = last_check(folder, state)
    if problems is not None:
        problems.raise_if_errors(strict)
        return problems
    from brochure.content.validate import load_project

    problems = Problems()
    project = None
    try:
        project = load_project(folder, languages, problems)
        prepare(folder, languages, Path(defaults.OUTPUT_DIR), strict, problems, kinds,
                final, formats, project=project)
    except BrochureError as stopped:
        # The content's problems are in the collector: the delegations' are
        # listed with them. Anything else (a file that cannot be read) stops here.
        if any(problem not in problems.items for problem in stopped.problems):
            raise
    # Loaded once for both: the delegations read every language of the brochure.
    _check_delegations(folder, problems, project if languages is None else None)
    problems.raise_if_errors(strict)
    remember_check(folder, state, problems)
    return problems


def _check_delegations(folder: Path, problems: Problems, project: Project | None) -> None:
    """The delegation files; with a brochure that is ready, their pages too
    (what the brochure's check reported already is kept once)."""
    if not (folder / defaults.DELEGATIONS_DIR).is_dir():
        return
    if problems.errors:  # the pages cannot be made: the files alone
        from brochure.content.delegations import check_delegations

        check_delegations(folder, problems)
        return
    from brochure.delegations.batch import plan_delegations

    found = Problems()
    with contextlib.suppress(BrochureError):  # every problem is in ``found``
        plan_delegations(folder, None, None, Path(defaults.OUTPUT_DIR), False, found, project)
    problems.extend(found)

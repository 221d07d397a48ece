"""Access to means beside suicidal ideation stated as past keeps it current (session 35 fix
text61, review K46a).

A Condition note "Hx SI 2015, none since; has a gun" is current ideation
(condition_harm_notes._kept_current, fix text58): access to means or a preparatory act
(stated_history.means: "has a gun", "has access to pills"; C-SSRS screener item 6) named in a clause
that names no ideation of its own. The same words as a visit reason were read as the 2015 history
(visit_reason_kinds._text_kinds): no suicide-risk card, TMS offered. The visit reason now asks the
same: ideation, means beside it, and only a history or a denial to say it is past, is asked about
today. A means denied ("no access to guns") keeps the history past, and so does a clause that is the
treatment plan (stated_heading.treatment_answer: "Plan: gun safety counseling", "Plan: rope course
with youth group" hold a `plan_treatment_any` phrase, which wins over a means word there as in a
heading's answer).
"""

from __future__ import annotations

from collections.abc import Callable

from fhir_mapping import stated_heading, stated_history, stated_terms
from fhir_mapping.text_bounds import CLAUSE, pieces
from fhir_mapping.text_negation import normalise_text

__all__ = ["means_beside"]


def means_beside(text: str, names: Callable[[str], bool]) -> bool:
    """Whether a clause of `text` that names no finding (`names`: the caller's readers) states
    access to means and is no treatment plan (module docstring). "none since" is blanked first."""
    said = normalise_text(stated_terms.absent_blanked(normalise_text(text)))
    return any(
        stated_history.means(c) and not names(c) and not stated_heading.treatment_answer(c)
        for c in pieces(said, CLAUSE)
    )

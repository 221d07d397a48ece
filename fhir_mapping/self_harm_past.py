"""Self-harm that a Condition's own words state as past (recheck K27a s31; session 31 fix sib37).

"Remote SIB in adolescence, none since" and "SIB in remission" on the problem list read as the
patient's current self-injury: the critical suicide-risk card "on 2026-11-20" (the entry's
date), though the entry says it stopped long ago. Past self-harm is a risk factor, never
dropped: such a finding is marked `Finding.stated_past` and the card is the warning a form's
past yes beside a current no gets (services/past_answers.py `list_event`: ask about current
thoughts), not the critical one.

The words state it as past when the text holds a `harm_past` word ("remote", "in remission",
"none since", "no longer") and no `harm_current` word ("recent", "relapse", "again", "now",
"this week", "ongoing", "today"): "Remote SIB, recent relapse" or "SIB in remission, cutting
again last week" stay current. An attempt word ("suicide attempt", "overdose") is no past
self-harm here: a history of a suicide attempt stays critical, as on a form
(services/past_answers.py); so only the self-injury words of the `harm_past_act` rows ("sib",
"self-harm", "cutting") are read so. Where the words leave it open the act is read as current:
a question costs less than a missed self-injury. The words are data
(data/self_harm_terms.csv).
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import self_harm_terms
from fhir_mapping.text_negation import normalise_text

__all__ = ["stated_past"]


@cache
def _role(role: str) -> re.Pattern[str]:
    """The rows of one role as whole words (a closing "*" any ending), matching nothing if none."""
    terms = sorted((normalise_text(t) for t in self_harm_terms.terms(role)), key=len, reverse=True)
    if not terms:
        return re.compile(r"(?!x)x")
    body = "|".join(
        re.escape(t.rstrip("*")) + (r"\w*" if t.endswith("*") else r"(?![\w'])") for t in terms
    )
    return re.compile(rf"(?<![\w'])(?:{body})")


def stated_past(text: str) -> bool:
    """Whether a Condition's words (its concept_text) state its self-injury as past (module
    docstring)."""
    said = normalise_text(text)
    return (
        _role("harm_past").search(said) is not None
        and _role("harm_past_act").search(said) is not None
        and _role("harm_past_other").search(said) is None
        and _role("harm_current").search(said) is None
    )

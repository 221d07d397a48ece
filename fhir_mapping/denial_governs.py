"""A denial verb opening a clause governs what the clause says after it, beyond NegEx's five
words (session 38 fix text92: "denies thoughts that family would be better off if she killed
herself" was critical; self_harm_text._denied_from reads a condition so).

Fix text95 (session 39):
- "denies thoughts that family would be better off if she were gone" still gave the suicidal
  ideation card: diagnosis_text.py reads the passive-ideation phrases ("better off if she were
  gone", "... without her", "... dead") with NegEx's window, and "denies" stood six words
  before the phrase. A `condition_denial_passive` phrase ("better off") whose clause opens with
  a `condition_denial` verb is blanked before the diagnosis terms are read
  (`blank_governed_passive`, called by ideation_lookalike.blank_other_meanings): the denial
  denies the thought the phrase is part of.
- A `condition_denial_stop` word between the denial verb and the phrase ends what the verb
  governs: "denies SI and thinks family would be better off if she killed herself" was quiet,
  TMS offered (the "and" joins a second verb, which the denial does not reach), and so is a
  denied intent or plan to act on the thought ("denies intent to act on thoughts that family
  would be better off without her": the thought is had). A comma, colon or "but" ends the
  clause as before ("denies SI, family would be better off if she were gone"). Where the words
  leave it open the thought is read: a false critical card is noise, a missed passive wish to
  die with TMS offered is the unsafe mistake.

Apart from self_harm_text.py and diagnosis_text.py because how far a denial verb reaches is
one idea both readers share; the words are data (data/self_harm_terms.csv roles
`condition_denial`, `condition_denial_stop`, `condition_denial_passive`).
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import self_harm_terms
from fhir_mapping.self_harm_ideation import term_regex
from fhir_mapping.text_bounds import (
    DOSE_CLAUSE_OR_BUT,
    DOSE_CLAUSE_OR_COMMA,
    last_piece,
    span_before,
)

__all__ = ["blank_governed_passive", "governs"]


@cache
def _role(role: str) -> tuple[re.Pattern[str], ...]:
    return tuple(term_regex(t) for t in self_harm_terms.terms(role))


def governs(text: str, at: int) -> bool:
    """Whether a `condition_denial` verb opening the clause of text[at] ("denies", "pt denies")
    governs the words at `at`, with no `condition_denial_stop` word ("and", "intent") between
    (module docstring). The clause ends at a comma, colon, full stop or "but"."""
    clause = last_piece(span_before(text, at, DOSE_CLAUSE_OR_COMMA), DOSE_CLAUSE_OR_BUT).lstrip()
    verb = next((m for p in _role("condition_denial") if (m := p.match(clause))), None)
    if verb is None:
        return False
    return not any(p.search(clause, verb.end()) for p in _role("condition_denial_stop"))


def blank_governed_passive(text: str) -> str:
    """`text` (normalised) with each `condition_denial_passive` phrase ("better off") that a
    denial verb governs (`governs`) blanked, same length: "denies thoughts that family would be
    better off if she were gone" names no suicidal ideation (fix text95)."""
    for p in _role("condition_denial_passive"):
        for m in reversed(list(p.finditer(text))):
            if governs(text, m.start()):
                text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return text

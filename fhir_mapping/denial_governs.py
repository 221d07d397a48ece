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
Fix text97 (review K62a): text95's stop list (`condition_denial_stop`: "and", "intent") left every
other word between the verb and the phrase governed, so "Denies SI while feeling family would be
better off without her", "pt denies SI states she would be better off dead", "Denies SI/HI pt
feels she would be better off dead" went quiet, TMS offered (all critical before text95). The
rule is reversed to a closed list of what the denial covers: the verb governs the phrase only
when it is the object being denied, the verb followed by `condition_denial_link` words alone
("denies [any] [thoughts|feeling] [that] [her] [family] would be better off ..."), and for a
condition ("if she killed herself") by link words and the passive phrase alone (fix text92's
"denies thoughts that family would be better off if she killed herself"). Anything else between
them (SI, HI, another verb, "while", "except", "with", "other than", a dash) keeps the thought
read: the denial denies something else first, and a patient who says her family would be better
off without her has said a passive wish to die. Where the words leave it open the thought is
read: a false critical card is noise, a missed passive wish to die with TMS offered is the
unsafe mistake.

Apart from self_harm_text.py and diagnosis_text.py because how far a denial verb reaches is
one idea both readers share; the words are data (data/self_harm_terms.csv roles
`condition_denial`, `condition_denial_link`, `condition_denial_passive`).
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


def _past_links(clause: str, at: int) -> int:
    """Where the `condition_denial_link` words ("thoughts", "that", "her", "family", "would be")
    running from clause[at] stop (len(clause) when they run to its end)."""
    while True:
        at += len(clause[at:]) - len(clause[at:].lstrip())
        m = next((m for p in _role("condition_denial_link") if (m := p.match(clause, at))), None)
        if m is None:
            return at
        at = m.end()


def governs(text: str, at: int) -> bool:
    """Whether a `condition_denial` verb opening the clause of text[at] ("denies", "pt denies")
    governs the words at `at`: only link words stand between them, or link words and a passive
    phrase ("denies thoughts that family would be better off" before "if she killed herself")
    (module docstring, fix text97). The clause ends at a comma, colon, full stop or "but"."""
    clause = last_piece(span_before(text, at, DOSE_CLAUSE_OR_COMMA), DOSE_CLAUSE_OR_BUT).lstrip()
    verb = next((m for p in _role("condition_denial") if (m := p.match(clause))), None)
    if verb is None:
        return False
    stop = _past_links(clause, verb.end())
    if stop == len(clause):
        return True
    passive = next(
        (m for p in _role("condition_denial_passive") if (m := p.match(clause, stop))), None
    )
    return passive is not None and not clause[passive.end() :].strip()


def blank_governed_passive(text: str) -> str:
    """`text` (normalised) with each `condition_denial_passive` phrase ("better off") that a
    denial verb governs (`governs`) blanked, same length: "denies thoughts that family would be
    better off if she were gone" names no suicidal ideation (fix text95)."""
    for p in _role("condition_denial_passive"):
        for m in reversed(list(p.finditer(text))):
            if governs(text, m.start()):
                text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return text

"""Whether "SIB" is self-injurious behaviour or a sibling (recheck K25b s30; session 30 fix forms35).

"SIB" is both the abbreviation of self-injurious behaviour (self-harm: "SIB", "Increased SIB",
"Autism with SIB", "SIB: head banging") and the genetics shorthand for a sibling ("Sib with
depression", "Sib: brother 2 yrs older", "SIB (sibling) with depression"). Fix forms34 read it
as an act only after a patient verb ("endorses SIB"), which silenced "SIB" alone and with
ordinary words: the unsafe mistake. It is read as the act again unless a sibling context says
otherwise; then the word is written out as "sibling" (a `relative` row), so that the relative's
reading (self_harm_subject.py) decides what follows it ("Sib with SIB (autism)" is the sibling's).
A sibling context, data/self_harm_terms.csv:
- `sib_sibling_after`: words right after it ("Sib with", "sib brother"), or a colon, a dash or
  a bracket before a relative word ("Sib: brother 2 yrs older", "SIB (sibling) with SI"); a
  colon before anything else is a heading of the act ("SIB: head banging");
- `sib_sibling_before`: a family-history word before it in its clause ("FH: sib SI"), the
  patient not named between ("Family history reviewed: pt with SIB" is the act);
- a `relative` word right before it, joined by "and"/"or"/"," ("brother and sib");
- a `sib_sibling_lead` word right before it that makes it a noun naming a person ("pt also has
  a sib with SI", "older sib"; session 31 fix forms36), before any act after it.
An act or ideation word after "sib with" (`sib_act_after`: "SIB with cutting", "SIB with SI")
makes it the act. `sibling_at` tells the same for one "sib" of a text, so that whose mention a
"sib" before it governs agrees (self_harm_subject.py: "SIB with SI" is no sibling's SI).
In doubt it is the act: a question costs less than a missed self-injury.
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import self_harm_terms
from fhir_mapping.text_negation import normalise_text

__all__ = ["as_sibling", "sibling_at"]

# The word itself, whole ("sibs", "sibling" are other words).
_SIB = re.compile(r"\bsib\b")
# Punctuation between "sib" and a relative word that names who the sib is: "Sib: brother",
# "SIB (sibling)", "sib - sister".
_NAMING = r"\s*(?::|\(|-)?\s*"


def _terms(role: str) -> list[str]:
    return [normalise_text(t) for t in self_harm_terms.terms(role)]


def _alternation(terms: list[str]) -> str:
    # A closing "*" any ending ("brother*" reads "brothers"), else the whole word; longest first.
    ordered = sorted(terms, key=len, reverse=True)
    return "|".join(
        re.escape(t.rstrip("*")) + (r"\w*" if t.endswith("*") else r"\b") for t in ordered
    )


@cache
def _contexts() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(after, before, relative-before) patterns of the module docstring."""
    relatives = _alternation([t for t in _terms("relative") if t not in ("sib", "sibs")])
    after = _alternation(_terms("sib_sibling_after"))
    before = _alternation(_terms("sib_sibling_before"))
    subject = "(?:" + "|".join(re.escape(t) for t in _terms("clause_subject")) + ")"
    return (
        re.compile(rf"^(?:\s+(?:{after})|{_NAMING}(?:{relatives}))"),
        # A comma ends the family-history clause: "FH noncontributory, SIB x2 this week" is the
        # act (recheck K26 s30 finding 2); so does the patient named after it ("Family history
        # reviewed: pt with SIB": a `clause_subject` row, session 31 fix forms36).
        re.compile(rf"\b(?:{before})(?:(?!(?<![\w']){subject}(?![\w']))[^.;,])*$"),
        re.compile(rf"\b(?:{relatives})(?:'s)?\s*(?:,|\band\b|\bor\b|/)\s*$"),
    )


@cache
def _act_after() -> re.Pattern[str]:
    """An act or ideation word within a few words after "sib with" ("SIB with cutting", "SIB with
    suicidal intent", "SIB with head banging"): the act, not a sibling (recheck K26 s30 finding
    1; rows `sib_act_after`)."""
    return re.compile(
        rf"^\s+(?:with|w/)\s+(?:[^\s,;.]+\s+){{0,2}}?(?:{_alternation(_terms('sib_act_after'))})"
    )


@cache
def _lead() -> re.Pattern[str]:
    """A `sib_sibling_lead` word right before "sib" ("a sib", "older sib")."""
    leads = "|".join(
        re.escape(t) for t in sorted(_terms("sib_sibling_lead"), key=len, reverse=True)
    )
    return re.compile(rf"(?<![\w'])(?:{leads})\s+$") if leads else re.compile(r"(?!x)x")


def sibling_at(text: str, start: int, end: int) -> bool:
    """Whether the "sib" at text[start:end] (normalised) is a sibling (module docstring)."""
    after, before, relative = _contexts()
    head, tail = text[:start], text[end:]
    if _lead().search(head):
        return True
    if _act_after().search(tail):
        return False
    return bool(after.search(tail) or before.search(head) or relative.search(head))


def as_sibling(text: str) -> str:
    """`text` (normalised) with each "sib" a sibling context names written out as "sibling"."""
    for m in reversed(list(_SIB.finditer(text))):
        if sibling_at(text, m.start(), m.end()):
            text = text[: m.start()] + "sibling" + text[m.end() :]
    return text

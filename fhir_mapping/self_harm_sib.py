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
- `sib_sibling_before`: a family-history word before it in its clause ("FH: sib SI");
- a `relative` word right before it, joined by "and"/"or"/"," ("brother and sib").
In doubt it is the act: a question costs less than a missed self-injury.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.text_negation import normalise_text

__all__ = ["as_sibling"]

# The word itself, whole ("sibs", "sibling" are other words).
_SIB = re.compile(r"\bsib\b")
# Punctuation between "sib" and a relative word that names who the sib is: "Sib: brother",
# "SIB (sibling)", "sib - sister".
_NAMING = r"\s*(?::|\(|-)?\s*"


def _terms(role: str) -> list[str]:
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return [normalise_text(row["term"]) for row in rows if row["role"] == role]


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
    return (
        re.compile(rf"^(?:\s+(?:{after})|{_NAMING}(?:{relatives}))"),
        # A comma ends the family-history clause: "FH noncontributory, SIB x2 this week" is the
        # act (recheck K26 s30 finding 2).
        re.compile(rf"\b(?:{before})[^.;,]*$"),
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


def _sibling(text: str, start: int, end: int) -> bool:
    after, before, relative = _contexts()
    head, tail = text[:start], text[end:]
    if _act_after().search(tail):
        return False
    return bool(after.search(tail) or before.search(head) or relative.search(head))


def as_sibling(text: str) -> str:
    """`text` (normalised) with each "sib" a sibling context names written out as "sibling"."""
    for m in reversed(list(_SIB.finditer(text))):
        if _sibling(text, m.start(), m.end()):
            text = text[: m.start()] + "sibling" + text[m.end() :]
    return text

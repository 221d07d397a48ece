"""A count's object that is no drug: an everyday thing taken by the dozen (breaths, steps, laps),
unless a method phrase follows it (session 33 fixes text48a, text50a; moved here from
stated_dosing.py by idea, fix text51a, to keep that module within its length)."""

from __future__ import annotations

import re

from fhir_mapping import stated_terms

__all__ = ["UNIT", "everyday_object", "stepped_method"]

# What makes a number after "take" a count of tablets: a unit ("tabs", "pills", "meds") or "of"
# ("30 of her lithium"); else a drug's name, of the drug tables or a `plan_take_drug` row
# ("tylenol", "benadryl", "sleeping pills"; fix dose46: any last word was one, "take 12 credits").
UNIT = re.compile(r"(?:tabs?|tablets?|caps?|capsules?|pills?|meds|medications|of)\b")

# A word before a `plan_take_not_drug` word ("take 15 deep breaths", "take 20 big steps").
_WORD = re.compile(r"[a-z]+ ")


def everyday_object(rest: str) -> bool:
    """Whether a count's object is a `plan_take_not_drug` word, an everyday thing taken by the
    dozen (breaths, steps, laps: "Plan: take 15 deep breaths" was critical; session 32 K34
    leftover, fix text48a), after up to two words that are no unit ("take 15 pills" stays one),
    and no `plan_take_not_drug_method` phrase after it ("20 steps into traffic": fix text50a)."""
    after = _after_not_drug(rest)
    return after is not None and not _method(after)


def stepped_method(rest: str) -> bool:
    """Whether a count's object is a `plan_take_not_drug` word before a method phrase ("take 10
    steps off the bridge": a plan at any count above a dose's; fix text50a)."""
    after = _after_not_drug(rest)
    return after is not None and _method(after)


def _method(after: str) -> bool:
    return any(p.match(after) for p in stated_terms.patterns("plan_take_not_drug_method"))


def _after_not_drug(rest: str) -> str | None:
    """The words after a `plan_take_not_drug` word that `rest` opens with, up to two words that
    are no unit before it; None when it opens with none."""
    at = 0
    for _ in range(3):
        for p in stated_terms.patterns("plan_take_not_drug"):
            found = p.match(rest, at)
            if found is not None:
                return rest[found.end() :].lstrip(" ,")
        word = _WORD.match(rest, at)
        if word is None or UNIT.match(word.group()):
            return None
        at = word.end()
    return None

"""A plan to take more tablets than a dose takes, stated after a `plan_take_lead` phrase ("plans
to take 30 tylenol", "wants to take 20 of her pills"): stated_heading._planned_count reads it as
a stated plan (session 32 fix dose46, recheck K32b finding 5; moved here from stated_dosing.py by
session 33 fix text50a).

Fix text50a (recheck K35b findings 2 and 4, UNSAFE): only the "take" right after the lead was
read, so a breaths or steps count there excused the whole plan ("Plan to take 15 breaths and
then take 30 ativan", "Plan to take 20 steps and 30 tylenol" gave no card, TMS offered: a
regression of fix text48a's `plan_take_not_drug`). Now the lead covers its clause: every "take"
in it, and a count joined by "and", "then" or a comma ("and 30 tylenol", read as "take 30
tylenol"), is read by the same object and count rules (stated_dosing._objects), so a not-drug
object excuses only its own count. Estimates, count words and "<drug> <strength> x N" are read
as their counts (stated_counts.py: "plan to take approx 30 ativan", "twenty ativan", "ativan 1mg
x 30").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from fhir_mapping import stated_counts, stated_terms
from fhir_mapping.stated_dosing import _most, _objects
from fhir_mapping.text_negation import normalise_text

__all__ = ["planned_many"]

# Where a lead's clause ends: a sentence stop, a semicolon or colon (not a decimal point).
_CLAUSE_END = re.compile(r"[;:!?\n]|\.(?!\d)")
# A count joined to an earlier object with no "take" of its own: "and 30 tylenol", ", 20 ativan".
_JOINED = re.compile(r"(?:\band\b|\bthen\b|,|&|\+)\s*(?=\d)")


@cache
def _lead() -> re.Pattern[str] | None:
    """The `plan_take_lead` words ("plans to", "wants to", "going to") right before a "take"."""
    words = [normalise_text(t) for t in stated_terms.terms("plan_take_lead")]
    if not words:
        return None
    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![\w'])(?:" + body + r")\s*(?=tak(?:e|es|ing)\b)")


def planned_many(text: str) -> Iterator[int]:
    """Where each `plan_take_lead` phrase starts whose clause takes more tablets than a dose
    takes (`stated_dosing.takes_many`'s limit) in any of its objects (module docstring)."""
    lead = _lead()
    if lead is None:
        return
    for found in lead.finditer(text):
        stop = _CLAUSE_END.search(text, found.end())
        clause = text[found.end() : len(text) if stop is None else stop.start()]
        clause = _JOINED.sub(
            lambda m: m.group() + " take ", stated_counts.plain(clause, times=True)
        )
        if any(count > _most(clause, most) for _, count, most in _objects(clause)):
            yield found.start()

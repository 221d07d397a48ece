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

Fix text55b (recheck K39b s34 finding 1, UNSAFE): "plan to take a bottle of pills", "plan to
swallow a bottle of pills", "plan to go home and take 30 tylenol", "plan is to go home, take 40
ativan" were quiet, TMS offered, while "plan to take 30 tylenol" was critical:
- the lead may stand before an everyday step and its link word, as an `ideation_object` term's
  may (self_harm_ideation.step: "go home and", "go home,"); the step-less reading is tried first,
  so "plan to take 2 advil and take 30 tylenol" keeps its whole clause;
- a `plan_take_verb` row ("swallow", "ingest") is a verb of taking as "take" is, its object read
  by the same rules;
- a whole supply of a drug or pill word after the verb ("a bottle of pills", "the rest of her
  klonopin") is a plan as a count above a dose is: the past act's `taken_supply` reading
  (self_harm_taken.supply_object), one rule for a plan and an act; not where "all" is a dose's
  word ("plan to take all pills with food": stated_dosing's `plan_all_dosing`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from fhir_mapping import self_harm_ideation, self_harm_taken, stated_counts, stated_terms
from fhir_mapping.stated_dosing import _all_dosed, _most, _objects
from fhir_mapping.text_bounds import DOSE_CLAUSE, span_end
from fhir_mapping.text_negation import normalise_text

__all__ = ["planned_many"]

# A count joined to an earlier object with no "take" of its own: "and 30 tylenol", ", 20 ativan",
# "but 30 ativan" (session 36 text69: "plan to take 2 tylenol but 30 ativan" was quiet, TMS
# offered; a past act reads the same count after "but", self_harm_taken._act_end). A plan's
# clause does not end at "but" (text_bounds.DOSE_CLAUSE): "plan to take 2 tylenol but take 30
# ativan" names the plan's later "take", and the lead governs it (the safer reading). An "also",
# "then" or "later" may follow the joint ("but also 30 ativan": recheck K53a finding 7, text75).
_JOINED = re.compile(r"(?:\band\b|\bthen\b|\bbut\b|,|&|\+)(?:\s*\b(?:also|then|later)\b)?\s*(?=\d)")


@cache
def _verbs() -> str:
    """The verbs of taking a plan's object follows: "take" and the `plan_take_verb` rows."""
    words = {
        "take",
        "takes",
        "taking",
        *(normalise_text(t) for t in stated_terms.terms("plan_take_verb")),
    }
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _lead() -> re.Pattern[str] | None:
    """The `plan_take_lead` words ("plans to", "wants to", "going to") right before a verb of
    taking (`_verbs`), or before an everyday step and its link word and then one (fix text55b)."""
    words = [normalise_text(t) for t in stated_terms.terms("plan_take_lead")]
    if not words:
        return None
    # A time inside the lead ("plan in 2015 to take 30 tylenol, again last week" was quiet, TMS
    # offered): the `lead_time` rows the ideation reader allows (self_harm_ideation.lead_body,
    # fix text60; here session 35 fix text62).
    body = self_harm_ideation.lead_body(tuple(words))
    # The step is lazily optional: the lead right before its verb is tried first.
    step = self_harm_ideation.step()
    stepped = "" if step is None else r"(?:" + step + r")??"
    verb = r"\s*(?=(?:" + _verbs() + r")\b)"
    return re.compile(r"(?<![\w'])(?:" + body + r")" + stepped + verb)


@cache
def _verb() -> re.Pattern[str]:
    return re.compile(r"\b(?:" + _verbs() + r")\b\s*")


def planned_many(text: str) -> Iterator[int]:
    """Where each `plan_take_lead` phrase starts whose clause takes more tablets than a dose
    takes (`stated_dosing.takes_many`'s limit) in any of its objects, or a whole supply of a
    drug or pills (module docstring)."""
    lead = _lead()
    if lead is None:
        return
    for found in lead.finditer(text):
        clause = text[found.end() : span_end(text, found.end(), DOSE_CLAUSE)]
        # Every verb of taking read as "take" ("swallow 30 tylenol" as "take 30 tylenol").
        clause = _verb().sub("take ", clause)
        clause = _JOINED.sub(
            lambda m: m.group() + " take ", stated_counts.plain(clause, times=True)
        )
        if any(count > _most(clause, most) for _, count, most in _objects(clause)) or (
            _supplied(clause)
        ):
            yield found.start()


def _supplied(clause: str) -> bool:
    """Whether a "take" of the clause takes a whole supply of a drug or pill word ("take a
    bottle of pills"), "all" not a dose's word there ("take all pills with food")."""
    if _all_dosed(clause):
        return False
    return any(
        self_harm_taken.supply_object(clause[m.end() :], clause)
        for m in re.finditer(r"\btake\s+", clause)
    )

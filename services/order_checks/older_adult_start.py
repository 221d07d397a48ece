"""A NEW start of an antidepressant for an older adult above the label's older-adult start dose
(s25 FA item 2): data/older_adult_doses.csv `start_mg_day` (Paxil: "the recommended initial dose
is 10 mg/day for elderly or debilitated patients"; Tofranil: "30 to 40 mg/day" for geriatric
patients). Paroxetine 20 mg/day drafted for a 78-year-old new to it said nothing of the start:
20 is the adult start and within the older-adult maximum of 40, so no dose or age card spoke.

Only a start: a draft of a drug the patient is not taking now. A renewal or a change of a running
course is not a start, and its dose is judged by the maximum (order_checks/doses.py `age_check`).
A draft in dose steps is left alone: its first step is not read apart from its highest
(fhir_mapping/taper.draft_steps), and a titration from 10 mg/day is what the label asks for, so
"starts above 10" would be said of the very order that follows it. A dose above the older-adult
maximum is that card's (the higher concern), never said twice. A ranged draft is read at its
upper end: the patient may take that much on day 1 (the safer reading).

A warning, as the older-adult maximum's card is: the label's start is lower because plasma levels
run higher and elimination is slower at that age (Paxil), and the first weeks are when adverse
effects (falls, hyponatraemia) show. Not snoozable: a check of one order.

A release form with its own older-adult row is judged by it (age_limits.py): paroxetine CR starts
older adults at 12.5 mg/day and stops at 50 (Paxil CR label), so a CR 25 mg start at 80 is told
12.5, not the immediate-release 10 mg/day (a strength CR does not come in; s25 RK1 finding 3).
"""

from __future__ import annotations

from fhir_mapping.record import DoseBasis, DraftOrder
from services import age_limits, cards
from services.order_checks.model import OrderCheck
from services.order_doses import draft_dose
from services.rules.context import RuleContext

TOPIC = "order-older-adult-start-dose"


def _new_start(ctx: RuleContext, draft: DraftOrder) -> bool:
    """The drafted drug is not running now (no ongoing course of it, held or not)."""
    return all(t.ingredient != draft.ingredient for t in ctx.facts.ongoing_trials)


def start_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The caution of a new start above the labelled older-adult start dose, or None."""
    if draft.dose_basis is not DoseBasis.DAILY or draft.dose_note is not None:
        return None  # a dose per session, or in steps: module docstring
    age = ctx.record.patient.age
    limit = age_limits.start_above(draft.ingredient, age, draft.mg_per_day_upper, draft.formulation)
    if limit is None or limit.start_mg is None or not _new_start(ctx, draft):
        return None
    # "Paroxetine CR": a formulation's own row names the form its start is the label's for.
    form = limit.form()
    name, shown, start = f"{draft.ingredient.capitalize()}{form}", draft_dose(draft), limit.start_mg
    flag = "; UNVERIFIED" if limit.status == "UNVERIFIED" else ""
    said = f"{cards.fmt_mg(start)} mg/day"
    detail = (
        f"{draft.ingredient}{form} {shown} starts a drug the patient is not taking now, at age {age}: "
        f"the label's older-adult start dose from age {limit.min_age} is {said} "
        f"({limit.cite}{flag}). Consider starting at {said} and raising it as tolerated, "
        f"within the {limit.words()} of {cards.fmt_mg(limit.max_mg)} mg/day."
    )
    return OrderCheck(
        TOPIC,
        draft,
        cards.fit_summary(
            f"{name} {shown} started at age {age}: above the labelled older-adult start of {said}",
            f"{name} {shown} at age {age}: above the {said} older-adult start",
        ),
        detail,
    )

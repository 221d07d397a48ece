"""The running dose a running-drug card compares with a label's limit (running_renal.py,
running_hepatic.py, age_dose_limit.py): the daily dose read, and how a card names the drug with
it. What each card's `Beyond` says of the label stays with its card: the renal one compares a
"reduce" band's ceiling, the hepatic one names the severity the label speaks of.

A dose "to confirm" (Trial.dose_to_confirm_mg: unsequenced dosage lines of unclear shape, read at
their highest reading) is compared too, at that reading: the order hooks check a draft
so, and a possible overdose left unsaid on chart open is the less safe choice. A card then says
"up to N mg/day (dose to confirm)", never that the patient takes N."""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.record import Trial
from services import cards
from services.interaction_table import Taking
from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class Reading:
    """The daily dose a ceiling is compared with: `mg` None when not read; `to_confirm` when it
    is the highest reading of a dose to confirm, not a dose the record shows taken."""

    mg: float | None
    to_confirm: bool = False


quick_frozen_init(Reading)


def ceiling_reading(trial: Trial) -> Reading:
    """A course's latest daily dose at its upper end ("50-100 mg": 100), or the highest reading
    of its dose to confirm when that is higher or the only one read."""
    upper = trial.current_mg_per_day_upper
    unsure = trial.dose_to_confirm_mg
    if unsure is not None and (upper is None or unsure > upper):
        return Reading(unsure, to_confirm=True)
    return Reading(upper)


def reading(ctx: RuleContext, taking: Taking) -> Reading:
    """The running course's `ceiling_reading`; the Taking's dose when no course is found."""
    courses: list[Trial] = [
        t
        for t in ctx.record.trials
        if t.ingredient == taking.ingredient and t.ongoing and t.on_hold is None
    ]
    if not courses:
        return Reading(taking.mg_per_day)
    latest = max(courses, key=lambda t: (t.end, t.start))
    if not latest.segments:
        return Reading(None)
    return ceiling_reading(latest)


def dosed(ingredient: str, mg_per_day: float | None, *, to_confirm: bool = False) -> str:
    """ "duloxetine 60 mg/day", "desvenlafaxine (dose not read)", "citalopram up to 40 mg/day
    (dose to confirm)"."""
    if mg_per_day is None:
        return f"{ingredient} (dose not read)"
    if to_confirm:
        return f"{ingredient} {to_confirm_text(mg_per_day)}"
    return f"{ingredient} {cards.fmt_mg(mg_per_day)} mg/day"


def to_confirm_text(mg_per_day: float) -> str:
    """ "up to 40 mg/day (dose to confirm)": the most a dose to confirm may be, never a dose
    taken."""
    return f"up to {cards.fmt_mg(mg_per_day)} mg/day (dose to confirm)"

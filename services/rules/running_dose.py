"""The running dose a running-drug card compares with a label's limit (running_renal.py,
running_hepatic.py): the daily dose read, and how a card names the drug with it. What each
card's `Beyond` says of the label stays with its card: the renal one compares a "reduce" band's
ceiling, the hepatic one names the severity the label speaks of."""

from __future__ import annotations

from fhir_mapping.record import Trial
from services import cards
from services.interaction_table import Taking
from services.rules.context import RuleContext


def upper_dose(ctx: RuleContext, taking: Taking) -> float | None:
    """The running course's latest daily dose, the upper end of a ranged one ("50-100 mg": 100,
    the dose that may be too high); the Taking's when no course is found."""
    courses: list[Trial] = [
        t
        for t in ctx.record.trials
        if t.ingredient == taking.ingredient and t.ongoing and t.on_hold is None
    ]
    if not courses:
        return taking.mg_per_day
    latest = max(courses, key=lambda t: (t.end, t.start))
    last = latest.segments[-1] if latest.segments else None
    return last.mg_per_day_upper if last is not None else None


def dosed(ingredient: str, mg_per_day: float | None) -> str:
    """ "duloxetine 60 mg/day", "desvenlafaxine (dose not read)"."""
    if mg_per_day is None:
        return f"{ingredient} (dose not read)"
    return f"{ingredient} {cards.fmt_mg(mg_per_day)} mg/day"

"""A course below its adequate range only by its fills, its order at an adequate dose (dose62,
review K58a finding 3).

Fluoxetine 20 mg/5 mL, "Take 5 mL (20 mg) daily", filled as 120 mL for 30 days: the fills cover
16 mg/day, the order 20. The course reads the fills' dose (fhir_mapping/fill_order_dose.py: a
fill below its order never overstates the dose), so it is below the adequate range, and the card
said "Fluoxetine 16 mg/day is below the adequate range (20-60): raise the dose" with a one-click
"Raise fluoxetine to 20 mg/day": an order for the dose already ordered, proposed as if new.

THE DECISION: the trial stays not counted adequate (the safer error: a bottle that runs short of
the sig, or doses missed, may well be the dose taken; counting the order's dose would claim an
adequacy no fill shows), but both readings are said ("ordered 20 mg/day, fills cover 16
mg/day") and the dose taken is confirmed before anything else; no raise to a dose the order
already states is offered. An order itself below the range (10 mg ordered, 8 filled) keeps the
usual raise: its target is a dose no one has ordered yet."""

from __future__ import annotations

from fhir_mapping.record import Trial
from services.card_format import fmt_mg
from services.dose_units import per_day
from services.trial_dose_text import order_above_fills


def short_of_order(trial: Trial) -> tuple[float, float] | None:
    """(the order's mg/day, the fills' mg/day) when the running dose is the fills' and below the
    minimum adequate dose while the order's reaches it (module docstring); None otherwise (an
    unfilled lowering keeps its own words: lowered_dose.py)."""
    found = order_above_fills(trial)
    least = trial.min_adequate_mg
    if found is None or least is None or trial.lower_unfilled is not None:
        return None
    ordered, filled = found
    return found if filled < least <= ordered else None


def below_range_line(trial: Trial) -> str | None:
    """The dose section of a course `short_of_order`: both readings, not an adequate trial until
    the dose taken is known, no raise offered to the dose already ordered. None otherwise."""
    found = short_of_order(trial)
    if found is None:
        return None
    unit = per_day(trial.ingredient)
    ordered, filled = (f"{fmt_mg(mg)} {unit}" for mg in found)
    return (
        f"**Dose:** {trial.ingredient} ordered {ordered}, fills cover {filled} (their quantity "
        f"over their days), below the minimum adequate {fmt_mg(trial.min_adequate_mg)} {unit}: "
        "not counted as an adequate trial until the dose taken is known. Confirm the dose taken "
        "(ask the patient and the pharmacy: a supply that runs short of the sig, or missed "
        f"doses) before any raise; no raise to {ordered}, the dose already ordered, is offered."
    )


def below_range_summaries(trial: Trial) -> tuple[str, str] | None:
    """ "Fluoxetine: ordered 20 mg/day, fills cover 16 mg/day, below the adequate range:
    confirm the dose taken" and a shorter form, or None when not `short_of_order`."""
    found = short_of_order(trial)
    if found is None:
        return None
    unit = per_day(trial.ingredient)
    ordered, filled = (f"{fmt_mg(mg)} {unit}" for mg in found)
    name = trial.ingredient.capitalize()
    return (
        f"{name}: ordered {ordered}, fills cover {filled}, below the adequate range: confirm "
        "the dose taken before judging response",
        f"{name}: ordered {ordered}, fills cover {filled}: confirm the dose taken",
    )

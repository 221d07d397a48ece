"""A raise already ordered that no fill at the new dose shows taken yet (orders39): said as
ordered, awaiting its first fill, never proposed again nor read as taken.

fhir_mapping/raise_unfilled.py keeps the filled dose as the dose taken (venlafaxine 150 mg/day
filled, 225 mg/day ordered 2026-11-20, no fill at 225) and the order as Trial.raise_unfilled.
The dose-first section then had room from 150 to 225 and read "raise venlafaxine 150 → 225 mg/day
first", with "Raise venlafaxine to 225 mg/day" one click: a second order of the raise already
ordered. Here the section says the raise is ordered and awaits its first fill (its weeks count
from that fill), the summary names it as the step under way, and no one-click repeats it. The TMS
card's hold stays (the dose is still being optimised first: first_steps.raise_first).

orders41: a LOWERING ordered so (Trial.lower_unfilled) takes the same place: no raise proposed
over it, the section and summary say to confirm the dose taken (services/lowered_dose.py).
"""

from __future__ import annotations

from fhir_mapping.raise_order import LowerOrder, RaiseOrder
from fhir_mapping.record import Trial
from services import cards, lowered_dose
from services.dose_units import per_day


def ordered(trial: Trial) -> RaiseOrder | LowerOrder | None:
    """The raise ordered on `trial` awaiting its first fill (Trial.raise_unfilled), or the
    lowering so (Trial.lower_unfilled, orders41), else None."""
    return trial.raise_unfilled or trial.lower_unfilled


def act(trial: Trial) -> str | None:
    """ "venlafaxine 225 mg/day ordered 2026-11-20, no fill yet", or None with no such raise."""
    found = trial.raise_unfilled
    if found is None:
        return lowered_dose.act(trial)  # orders41: confirm the dose taken first
    day, mg = found.day, found.mg_per_day
    # orders40: a fill since the order at the old dose is no fill of it.
    since = "filled at the old dose since" if found.old_fill is not None else "no fill yet"
    return (
        f"{trial.ingredient} {cards.fmt_mg(mg)} {per_day(trial.ingredient)} ordered "
        f"{day.isoformat()}, {since}"
    )


def line(trial: Trial) -> str | None:
    """ "A raise to 225 mg/day was ordered 2026-11-20, no fill at that dose yet: the dose taken
    stays 150 mg/day (its weeks counted at it) until a fill shows 225 taken; check it was
    collected (ask the patient, the pharmacy), then repeat the PHQ-9 after the change; the options
    below come next." None with no such raise. A fill since the order at the old dose is named
    (orders40)."""
    found = trial.raise_unfilled
    now = trial.current_mg_per_day
    if found is None:
        return lowered_dose.line(trial)  # orders41: no raise over an unfilled lowering
    if now is None:
        return None
    day, mg = found.day, found.mg_per_day
    unit = per_day(trial.ingredient)
    to, taken = cards.fmt_mg(mg), cards.fmt_mg(now)
    since = (
        f"; the fill since it ({found.old_fill.isoformat()}) covers {taken} {unit}, none at {to} yet"
        if found.old_fill is not None
        else ", no fill at that dose yet"
    )
    return (
        f"A raise to {to} {unit} was ordered {day.isoformat()}{since}: the dose taken stays "
        f"{taken} {unit} (its weeks counted at it) until a fill shows {to} taken; check it was "
        "collected (ask the patient, the pharmacy), then repeat the PHQ-9 after the change; the "
        "options below come next."
    )

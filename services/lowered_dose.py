"""A dose lowering ordered on a filled course that no fill at the new dose shows taken yet
(Trial.lower_unfilled, fhir_mapping/raise_unfilled.py; orders41): how cards say it.

The record reads the lower dose from the order's own day (after a toxic nortriptyline level the
TCA level checks rest on that reading), but venlafaxine XR 225 mg/day filled monthly, 150 mg/day
ordered 2026-11-20 and no fill at 150 since read "venlafaxine since 2026-05-01; 150 mg/day since
2026-11-20 (1 week)" and "raise venlafaxine 150 → 225 mg/day first", one click: the lowering
presented as taken, and its undoing proposed as the dose-first step. A card stating the dose says
it is lowered and not filled yet (`lowered_words`); the optimise card proposes no raise over it
(the prescriber just lowered it, often for side effects or a level: the safer reading is to ask
which dose is taken and why before raising it again), and says so (`line`, `act`).
"""

from __future__ import annotations

from fhir_mapping.raise_order import LowerOrder
from fhir_mapping.record import Trial
from services.card_format import fmt_mg
from services.dose_units import per_day


def lowered_words(lowered: LowerOrder, dose: str) -> str:
    """ "lowered from 150 to 75 mg/day on 2026-11-20, no fill at the new dose yet" (a fill since
    at the old dose: "filled at the old dose since (2026-11-25), none at the new dose yet")."""
    since = (
        "no fill at the new dose yet"
        if lowered.old_fill is None
        else f"filled at the old dose since ({lowered.old_fill.isoformat()}), none at the new one"
    )
    day = lowered.day.isoformat()
    return f"lowered from {fmt_mg(lowered.filled_mg)} to {dose} on {day}, {since}"


def act(trial: Trial) -> str | None:
    """The optimise summary's step: "confirm the venlafaxine dose taken first (75 mg/day ordered
    2026-11-20, no fill yet)", or None with no unfilled lowering."""
    lowered = trial.lower_unfilled
    if lowered is None:
        return None
    dose = f"{fmt_mg(lowered.mg_per_day)} {per_day(trial.ingredient)}"
    return (
        f"confirm the {trial.ingredient} dose taken first ({dose} ordered "
        f"{lowered.day.isoformat()}, no fill yet)"
    )


def line(trial: Trial) -> str | None:
    """The dose-first section's step in place of a raise, or None with no unfilled lowering."""
    lowered = trial.lower_unfilled
    if lowered is None:
        return None
    unit = per_day(trial.ingredient)
    was, to = fmt_mg(lowered.filled_mg), fmt_mg(lowered.mg_per_day)
    return (
        f"A lowering from {was} to {to} {unit} was ordered {lowered.day.isoformat()} and no fill "
        f"shows {to} {unit} taken yet: check which dose is taken and why it was lowered (ask the "
        "patient, the pharmacy, the prescriber) before any raise; then repeat the PHQ-9; the "
        "options below come next."
    )

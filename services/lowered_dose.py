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
from services.card_format import fmt_mg, fmt_weeks
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


def to_confirm(trial: Trial) -> bool:
    """Whether the course's adequacy is to confirm over an unfilled lowering (orders42,
    fhir_mapping/lowered_adequacy.py): the fills alone make it adequate, the lowering does not.
    Never a failed trial until the dose taken is confirmed."""
    return trial.lower_filled_weeks is not None


def to_confirm_text(trial: Trial) -> str | None:
    """ "adequacy to confirm: lowered from 150 to 37.5 mg/day on 2026-11-05, no fill at the new
    dose yet (8.6 weeks at 150 mg/day if the filled dose was taken)", or None (`to_confirm`)."""
    lowered, weeks = trial.lower_unfilled, trial.lower_filled_weeks
    if lowered is None or weeks is None:
        return None
    unit = per_day(trial.ingredient)
    words = lowered_words(lowered, f"{fmt_mg(lowered.mg_per_day)} {unit}")
    return (
        f"adequacy to confirm: {words} ({fmt_weeks(weeks)} weeks at {fmt_mg(lowered.filled_mg)} "
        f"{unit} if the filled dose was taken)"
    )


def below_range_line(trial: Trial) -> str | None:
    """The dose section of a course below its range only because of an unfilled lowering: no
    raise back is proposed over it (the prescriber just lowered it; orders42), the dose taken is
    confirmed first. None with no unfilled lowering."""
    lowered = trial.lower_unfilled
    if lowered is None:
        return None
    unit = per_day(trial.ingredient)
    to, weeks = f"{fmt_mg(lowered.mg_per_day)} {unit}", trial.lower_filled_weeks
    judged = (
        ": not an adequate trial until the dose taken is known"
        if weeks is None
        else f"; adequacy to confirm ({fmt_weeks(weeks)} weeks at {fmt_mg(lowered.filled_mg)} "
        f"{unit} if the filled dose was taken: not counted as a failed trial until then)"
    )
    return (
        f"**Dose:** {trial.ingredient} {lowered_words(lowered, to)}, below the minimum adequate "
        f"{fmt_mg(trial.min_adequate_mg)} {unit}{judged}. Confirm which dose is taken and why it "
        "was lowered (ask the patient, the pharmacy, the prescriber) before any raise; no raise "
        "is offered over the lowering."
    )


def below_range_summary(trial: Trial) -> str | None:
    """ "Venlafaxine lowered to 37.5 mg/day on 2026-11-05, no fill yet: confirm the dose taken
    before judging response", or None with no unfilled lowering."""
    lowered = trial.lower_unfilled
    if lowered is None:
        return None
    dose = f"{fmt_mg(lowered.mg_per_day)} {per_day(trial.ingredient)}"
    return (
        f"{trial.ingredient.capitalize()} lowered to {dose} on {lowered.day.isoformat()}, no "
        "fill yet: confirm the dose taken before judging response"
    )


def below_range_summary_short(trial: Trial) -> str:
    """ "Venlafaxine lowered to 37.5 mg/day, no fill yet: confirm the dose taken" (a summary's
    last resort beside another card's step; orders43)."""
    lowered = trial.lower_unfilled
    name = trial.ingredient.capitalize()
    if lowered is None:
        return f"{name}: confirm the dose taken"
    dose = f"{fmt_mg(lowered.mg_per_day)} {per_day(trial.ingredient)}"
    return f"{name} lowered to {dose}, no fill yet: confirm the dose taken"


def scored_after_lowering(trial: Trial) -> str | None:
    """ "outcome PHQ-9 of 2026-11-28 taken after a lowering to 37.5 mg/day ordered 2026-11-20 and not filled: the
    failure rests on the 11.3 weeks at an adequate dose before it, 150 mg/day filled", or None: a failed course whose
    outcome score was taken on or after an unfilled lowering ordered once it was already
    adequate (orders43; the decision is fhir_mapping/lowered_adequacy.py's docstring)."""
    lowered, score = trial.lower_unfilled, trial.on_treatment
    if not trial.failed or lowered is None or score is None or score.date < lowered.day:
        return None
    unit = per_day(trial.ingredient)
    was = f"{fmt_mg(lowered.filled_mg)} {unit}"
    return (
        f"outcome {score.instrument} of {score.date.isoformat()} taken after a lowering to {fmt_mg(lowered.mg_per_day)} "
        f"{unit} ordered {lowered.day.isoformat()} and not filled: the failure rests on the "
        f"{fmt_weeks(trial.weeks_at_adequate_dose)} weeks at an adequate dose before it, "
        f"{was} filled"
    )

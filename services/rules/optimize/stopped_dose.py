"""The cap a dose stopped for an adverse effect sets on every raise a card proposes (review s20 RA
finding 1; session 20 item L5-2): Trial.doses_not_tolerated (fhir_mapping/dose_not_tolerated.py).

One rule in one place, read by the optimise card's room (room.py), the raise toward the range
minimum (orders.raise_dose_suggestion, for an antidepressant or an adjunct below its range) and
the residual-symptoms card's range (mild_baseline.py): a dose stopped for an adverse effect is
never proposed again, by any card. A module of its own, apart from room.py, so the order
builders can read it without room's imports (order checks, which import the rules).
"""

from __future__ import annotations

from fhir_mapping.record import DoseNotTolerated, Trial
from services import cards, start_doses


def stopped_above(trial: Trial) -> DoseNotTolerated | None:
    """The lowest dose of the course that ended for an adverse effect above the running dose (its
    upper end), or None (nearly every course)."""
    now = trial.current_mg_per_day_upper
    if now is None:
        return None
    return next((d for d in trial.doses_not_tolerated if d.mg_per_day > now), None)


def stopped_words(stopped: DoseNotTolerated) -> str:
    """ "150 mg/day stopped 2025-07-14 for adverse effect: not proposed again (Adverse effect: GI
    upset and insomnia)"."""
    when = stopped.intolerance.date
    on = f" {when.isoformat()}" if when is not None else ""
    return (
        f"{cards.fmt_mg(stopped.mg_per_day)} mg/day stopped{on} for adverse effect: not proposed "
        f"again ({stopped.intolerance.reason})"
    )


def stopped_cap(trial: Trial) -> tuple[float, str] | None:
    """The cap a dose stopped for an adverse effect sets: one labelled step below it; a drug
    with no step on record gets its running dose (no raise: module docstring). The one rule
    every card that proposes a higher dose reads (room, orders.raise_dose_suggestion toward the
    range minimum, mild_baseline's range): session 20 item L5-2."""
    stopped = stopped_above(trial)
    if stopped is None:
        return None
    start = start_doses.start_dose(trial.ingredient)
    now = trial.current_mg_per_day_upper or 0.0
    below = stopped.mg_per_day - start.step_mg if start is not None else now
    return max(below, now), f" (below {stopped_words(stopped)})"


def stopped_sentence(trial: Trial) -> str:
    """ " 150 mg/day stopped 2025-07-14 for adverse effect: not proposed again (...)." for a
    course with a dose above the running one stopped for an adverse effect, else ""."""
    stopped = stopped_above(trial)
    return "" if stopped is None else f" {stopped_words(stopped)}."

"""A course with no room left only because the next dose up ended for an adverse effect, as a Room
whose hold says why (moved out of dose_first.py, which had reached the 400-line limit)."""

from __future__ import annotations

from fhir_mapping.record import Trial
from services import cards
from services.dose_units import per_day
from services.rules.optimize.room import Room
from services.rules.optimize.stopped_dose import stopped_above, stopped_words


def held_below_stopped(trial: Trial) -> Room | None:
    """A course with no room left only because the next dose up ended for an adverse effect
    (stopped_dose.stopped_above; review s20 RA finding 1): a Room at its running dose whose hold says
    why, so the section names the step that is not proposed instead of staying silent."""
    stopped = stopped_above(trial)
    now = trial.current_mg_per_day_upper
    if stopped is None or now is None:
        return None
    why = (
        f"{stopped_words(stopped)}; no lower step is left above the running dose: hold at "
        f"{cards.fmt_mg(now)} {per_day(trial.ingredient)}."
    )
    return Room(trial, now, now, "", why, "dose not tolerated above it")

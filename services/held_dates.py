"""The dates of a running course on hold (Trial.on_hold) as every surface says them (review s27
RA finding 6): the timeline called a held statement "ongoing" and drew it to as-of while the
cards and the packet said it was not taken since its hold. The course stays ongoing for the
safety checks (a held drug may be taken up again); its dates end where the record last shows it
taken. Read by trial_dates.ongoing_text, the one rule of every dates cell."""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import InadequacyReason, Trial
from services.taken_to_confirm import Day


def held_text(trial: Trial, day: Day = date.isoformat) -> str | None:
    """ "on hold, not taken since 2025-08-31 at the latest" for a running course on hold
    (Trial.on_hold: the last day the record shows it taken), "on hold, never filled" for a held
    order never filled, as the adherence line says it; None for any other course. Review s27 RA
    finding 6: the timeline said "ongoing" of a held statement the card and packet said was not
    taken since its hold."""
    if trial.on_hold is None or not trial.ongoing:
        return None
    if InadequacyReason.NOT_SHOWN_TAKEN in trial.reasons:
        return "on hold, never filled"
    return f"on hold, not taken since {day(trial.on_hold)} at the latest"


# A hold whose last day taken is as-of (the supply on record covers today: Trial.on_hold is
# never after as-of, and FHIR R4 records no hold date): "not taken since <today>" said nothing.
HOLD_DATE_NOT_RECORDED = "on hold, hold date not recorded"


def held_text_as_of(trial: Trial, as_of: date) -> str | None:
    """`held_text`, or HOLD_DATE_NOT_RECORDED for a course whose supply on record reaches as-of
    (session 29 orders30 item 3: the MAOI card read "fluoxetine is on hold, not taken since
    2026-12-01 at the latest" on 2026-12-01, a held order filled 2026-11-10 for 30 days)."""
    said = held_text(trial)
    if said is None or trial.on_hold is None or trial.on_hold < as_of:
        return said
    never_filled = InadequacyReason.NOT_SHOWN_TAKEN in trial.reasons  # says its own words
    return said if never_filled else HOLD_DATE_NOT_RECORDED


def drawn_end(trial: Trial) -> date:
    """The last day a lane draws the course on: its end, or for a course on hold the day the
    record last shows it taken (`held_text`), never as-of."""
    return trial.on_hold if trial.on_hold is not None and trial.ongoing else trial.end

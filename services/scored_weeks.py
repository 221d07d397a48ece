"""The weeks a drug's verdict was scored over when a TMS or ECT course cut its scoring window
(s25 RT finding 9).

A course begun beside a drug ends the drug's scoring window at its first session
(fhir_mapping/device_course_scores.py, Trial.device_cut_on): the verdict is read on the PHQ-9s up
to that day. The weeks at an adequate dose, counted over the whole course, went on past it:
venlafaxine "Weeks at adequate dose 41" beside a failure judged at week 19, when TMS began. A
reviewer reads the 41 as the weeks the failure rests on. The packet and the timeline say the
weeks scored (to the course's first session) and the total beside them, one rule for both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fhir_mapping.adequacy import adequate_weeks_until
from fhir_mapping.record import Trial


def weeks_scored(trial: Trial) -> float | None:
    """The weeks at an adequate dose up to the TMS/ECT course that cut the trial's scoring
    window, when fewer than its weeks in all; None when no course cut it (nearly every trial)."""
    cut = trial.device_cut_on
    if cut is None:
        return None
    scored = adequate_weeks_until(trial.segments, trial.min_adequate_mg, cut)
    if scored is None or scored >= trial.weeks_at_adequate_dose:
        return None
    return scored


def scored_text(
    trial: Trial, weeks: Callable[[float], str], day: Callable[[date], str]
) -> str | None:
    """ "19 scored (to the TMS course from 25 Aug 2025)": the weeks the verdict rests on, each
    number written by `weeks` and the day by `day`; None when no course cut the window short."""
    scored = weeks_scored(trial)
    if scored is None or trial.device_cut_on is None:
        return None
    name = trial.device_cut or "TMS/ECT"
    article = "an" if name == "ECT" else "a"
    return f"{weeks(scored)} scored (to {article} {name} course from {day(trial.device_cut_on)})"

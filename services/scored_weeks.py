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


def scored_to(trial: Trial) -> date | None:
    """The day a TMS/ECT course ended the trial's scoring window, when its verdict rests on the
    scores up to it: None when no course cut it (nearly every trial), when the trial began
    after the course's first session (started during the course: its note says why no score
    is its own), or when its outcome was read on a score after the course
    (device_course_scores.read_through: the drug alone again), which the verdict then rests on."""
    cut = trial.device_cut_on
    if cut is None or cut <= trial.start:
        return None
    outcome = trial.on_treatment
    if outcome is not None and outcome.date > cut:
        return None
    return cut


def weeks_scored(trial: Trial) -> float | None:
    """The weeks at an adequate dose up to `scored_to`, when fewer than the trial's weeks in
    all; None otherwise."""
    cut = scored_to(trial)
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
    scored, cut = weeks_scored(trial), scored_to(trial)
    if scored is None or cut is None:
        return None
    return f"{weeks(scored)} scored (to {course_words(trial)} from {day(cut)})"


def course_words(trial: Trial) -> str:
    """ "a TMS course", "an ECT course": the course that cut the trial's window."""
    name = trial.device_cut or "TMS/ECT"
    return f"{'an' if name == 'ECT' else 'a'} {name} course"

"""How a course's outcome score stands beside the course that started next (score_windows.py):
which course started next (`_next_courses`), the last day a score may be its outcome
(`_cut_off`), and the words cards say when the score was taken beside or on the next drug, or is
its baseline (Trial.outcome_note). Apart from the score windows because it is the next course's
side of them, worded for the cards.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, timedelta
from operator import attrgetter

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Role, Score, Trial, Verdict

_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_START = attrgetter("start")


def _courses(trials: Sequence[Trial]) -> list[Trial]:
    """The antidepressant courses in start order (any drug, the same one ordered again included;
    a low-dose use such as trazodone for sleep is no course)."""
    # A course of unknown dates (Trial.taken_before, episodes.py rule 2e) started on no known day:
    # its entry day cuts no other course's window.
    return sorted(
        [
            t
            for t in trials
            if t.role is _ANTIDEPRESSANT
            and t.verdict is not _NOT_A_TRIAL
            and t.taken_before is None
            and not _only_as_needed(t)
        ],
        key=_START,
    )


def _only_as_needed(trial: Trial) -> bool:
    """Every dose of the course is taken only as needed (DoseSegment.as_needed): no trial, so,
    like a low-dose use, no course whose start ends another's window (prn71: a patient's
    "sertraline as needed when anxious" listed 2026-10-01 left a daily venlafaxine of four
    months with no outcome score, and its raise and the TMS referral went away)."""
    return bool(trial.segments) and all(s.as_needed for s in trial.segments)


def _next_courses(trials: Sequence[Trial], courses: Sequence[Trial]) -> list[Trial | None]:
    """For each trial, the course of `courses` (`_courses`) that started next after it, else
    None."""
    starts = [t.start for t in courses]
    found: list[Trial | None] = []
    for trial in trials:
        index = bisect_right(starts, trial.start)
        found.append(courses[index] if index < len(courses) else None)
    return found


def _cut_off(trial: Trial, following: Trial | None, policy: MappingPolicy) -> date | None:
    """The last day a score may be this trial's outcome because of the next course: the day it
    started (review 10 finding 14), or, while this trial was still taken, up to the day before
    the next one reached week `on_treatment_from_week` (audit 17b W2). A cross-taper's score
    taken on venlafaxine in week 19, nine days after sertraline started beside it, measures
    venlafaxine: sertraline had not run long enough for any score to be its outcome (its own
    window opens at that week), which is the rule a partner drug meets in
    services/trial_count.taken_with. None: no next course."""
    if following is None:
        return None
    start = following.start
    measurable = start + timedelta(days=round(policy.on_treatment_from_week * 7) - 1)
    return max(start, min(trial.end, measurable))


def _taken_beside_next(trial: Trial, score: Score, following: Trial) -> str | None:
    """ "PHQ-9 16 on 2025-05-23 was taken on both: venlafaxine 19 weeks in, sertraline 9 days
    in" for an outcome score taken after the next course started (`_cut_off`);
    None for a score of the day it started or before (the score the switch was decided on)."""
    if score.date <= following.start:
        return None
    weeks = (score.date - trial.start).days // 7
    return (
        f"{score.instrument} {score.value} on {score.date.isoformat()} was taken on both: "
        f"{trial.ingredient} {weeks} weeks in, {following.ingredient} "
        f"{_count_days((score.date - following.start).days)} in"
    )


def _taken_on_next(trial: Trial, score: Score, following: Trial) -> str:
    """Why a PHQ-9 after the trial is not its outcome, as cards say it (Trial.outcome_note)."""
    if score.date == following.start:
        # The next course's baseline (review s23 RC finding 2): never this one's outcome too.
        text = (
            f"PHQ-9 {score.value} on {score.date.isoformat()} is {following.ingredient}'s baseline"
        )
        if score.date > trial.end:
            text += f", taken {_days_after(score, trial)}"
        return text
    # An add-on that went on alone (Trial.alone_from, role 49): its days counted from that day,
    # as its weeks are ("48 days into it" beside "(4 weeks)" alone: review K56a finding 9).
    alone = following.alone_from
    if alone is not None and score.date >= alone:
        taken = f"{following.ingredient} alone since {alone.isoformat()}"
        into = _count_days((score.date - alone).days)
    else:
        taken, into = following.ingredient, _count_days((score.date - following.start).days)
    text = f"PHQ-9 {score.value} on {score.date.isoformat()} was taken on {taken}, {into} into it"
    if score.date >= trial.end:
        text += f" and {_days_after(score, trial)}"
    return text


def _count_days(days: int) -> str:
    """ "1 day", "15 days" (review K30c finding 2: "1 days after venlafaxine stopped")."""
    return "1 day" if days == 1 else f"{days} days"


def _days_after(score: Score, trial: Trial) -> str:
    """ "1 day after venlafaxine stopped"; "the day venlafaxine stopped" for the same day."""
    days = (score.date - trial.end).days
    if days == 0:
        return f"the day {trial.ingredient} stopped"
    return f"{_count_days(days)} after {trial.ingredient} stopped"

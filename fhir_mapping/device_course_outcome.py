"""How a TMS or ECT course went: its baseline and outcome PHQ-9 (services/tms_course.py reads
every course this way; device_course_scores.py asks it whether a short TMS course responded).

The baseline is the latest PHQ-9 total up to `baseline_days` before the first session; the
outcome is read from the scores after the first session up to `after_days` after the last (to
as-of while the course runs): `outcome_score`.

The best score in that window, not the first one after the course, judges it (review s24 RC
finding 3): 20 sessions to 2025-09-19, PHQ-9 16 -> 12 three days later -> 7 a month on was
scored "25 % better. No response" and the optimise card proposed an adjunct at PHQ-9 7. TMS
keeps acting after its last session (scores are taken at the follow-up visit, weeks on), so a
response reached in the window after the course is the course's response. The best, not the
latest: a responder who relapsed within the window stays a responder who relapsed (whom LCD
L37086 allows a retreatment) rather than a "no response" that bars the one treatment that worked;
and nothing escalates on that reading, since the hold that keeps the treatment while a TMS
response holds (services/rules/optimize/device_course.py) reads the LATEST PHQ-9, so a relapse
gets its proposals back. The best counts only when it is a response or remission
(`improved`); otherwise the latest judges the course, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from fhir_mapping.record import RESPONSE_FRACTION, Score
from fhir_mapping.relapse_on_drug import improved


class CourseScores(NamedTuple):
    """A course's baseline, the scores from its first session to the end of its outcome window
    (oldest first), the outcome among them, and that window's last day."""

    baseline: Score | None
    after: list[Score]
    outcome: Score | None
    horizon: date


def outcome_score(
    after: Sequence[Score], end: date, running: bool, baseline: Score | None, remission_below: int
) -> Score | None:
    """The score that judges a course from its scores after its start (`after`, oldest first,
    up to the window's end). A running course has no "after": its latest score is its outcome so
    far. An ended one: the best (lowest) of its last in-course score and the scores after its
    last session when that is a response or remission (module docstring; review 11 recheck 2,
    chart E5: a response by the last session is not undone by a relapse in the month after it),
    else the latest."""
    if not after:
        return None
    latest = after[-1]
    if running or latest.date <= end:
        return latest
    in_course = [s for s in after if s.date <= end]
    candidates = [*in_course[-1:], *(s for s in after if s.date > end)]
    # The lowest; of equal values the latest (the response still shown at the last asking).
    best = min(reversed(candidates), key=lambda s: s.value if s.value is not None else 99)
    return best if improved(best, baseline, remission_below) else latest


def course_scores(
    phq9: Sequence[Score],
    start: date,
    end: date,
    running: bool,
    horizon: date,
    baseline_days: int,
    remission_below: int,
) -> CourseScores:
    """The course from `start` to `end` measured on `phq9` (valued totals, oldest first), its
    outcome read up to `horizon` (as-of while it runs, else its last session plus the outcome
    window)."""
    before = [s for s in phq9 if start - timedelta(days=baseline_days) <= s.date <= start]
    after = [s for s in phq9 if start < s.date <= horizon]
    baseline = before[-1] if before else None
    return CourseScores(
        baseline, after, outcome_score(after, end, running, baseline, remission_below), horizon
    )


def responded(scores: CourseScores) -> bool:
    """A >= 50 % drop from the baseline to the outcome (CANMAT 2023 para 180; L37086)."""
    b, a = scores.baseline, scores.outcome
    if b is None or a is None or not b.value or a.value is None:
        return False
    return (b.value - a.value) / b.value >= 1 - RESPONSE_FRACTION

"""Where a course's baseline window opens: MappingPolicy.baseline_days_before before its start,
or before the day its order was written when the course starts at that order's first fill
(review s23 RP finding 6).

Since review s23 RT finding 1 (first_fill.py) an order its fills show taken counts from its first
hand-over, not from its authoredOn: an escitalopram order written on 2026-09-17, first picked up
on 2026-10-21, is a course from 2026-10-21. The PHQ-9 of 19 taken at the visit of 2026-09-17,
the score the decision to treat was made on, then fell 34 days before the start, outside the
30-day window: the packet read "- -> 18" and no later response, remission or failure could be
judged. Response is a >= 50 % reduction from baseline (CANMAT 2023 para 180,
../shared/clinical/REFERENCE.md), the severity before treatment; the score of the prescribing
visit is that severity, and a delay at the pharmacy moves the first dose, not the decision (a
clinical reading, not a sourced rule: it restores the baseline the course had before first_fill.py
moved its start, no other). So for such a course the window
opens `baseline_days_before` days before the order's day (Trial.ordered_on) and still runs to
the start: the latest score in it is the baseline, so a score nearer the start (taken after the
order, still before the first dose) wins as it always has. The window's length is the clinic's
policy, unchanged; only its opening follows the day the order was written.

Never a score from before an earlier, different course: when another antidepressant course
started between that opening and this course's start (a drug begun while the order waited at
the pharmacy, or a course started just before the order was written), the widened window opens
no earlier than that course's start. A score before it was taken before that drug, and measures
nothing of this one beside it (the same courses cut off an outcome window:
next_course_scores._next_courses). A score of that course's own first day is before its first dose
and stays in. The opening never moves later than the policy's own window: a course whose start
was not moved is read exactly as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Trial


def baseline_opens(trial: Trial, course_starts: Sequence[date], policy: MappingPolicy) -> date:
    """The first day a score may be `trial`'s baseline (module docstring). `course_starts`: the
    start days of the chart's antidepressant courses, `trial`'s own among them or not."""
    before = timedelta(days=policy.baseline_days_before)
    opens = trial.start - before
    ordered = trial.ordered_on
    if ordered is None or ordered >= trial.start:
        return opens  # nearly every course: the policy's window before its start
    widened = ordered - before
    # The latest other course begun in the widened window, before this one: a score before it
    # is not this course's (a course of this very start day is this one or began beside it).
    between = [d for d in course_starts if widened < d < trial.start]
    if between:
        widened = max(between)
    return min(opens, widened)

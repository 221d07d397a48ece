"""A TMS course running, or one that responded and still holds: the optimise card's drug
proposals wait for it (review s24 RJ finding 2).

Journey A of the review, TMS week 4-5 beside venlafaxine: the optimise card offered one-click
aripiprazole and brexpiprazole next to the tms-course card that was still checking the course's
response. A drug added (or raised, or switched) mid-course confounds that check: a later drop
could not be told apart from the new drug's, and a side effect from the course's. The response
check at week 4-6 (policy.tms_response_check_weeks, tms_course_weeks; REFERENCE.md 3.2-3.3) comes
first, so while a course runs (tms_course.running_course, the same predicate
measurement_based_care.py steps back for) every proposal that orders a drug is named, not one
click, and the card says one line: "TMS course running since D: judge it at week 4-6 (tms-course
card) before changing medication". The raise is held with the adjuncts and switches: fewer
changes at once is the safer reading, and the clinician can still order any of them by hand.

After the course: a course that responded (a >= 50 % drop, CANMAT 2023 para 180) whose response
the latest PHQ-9 still shows (at most half the course's baseline) holds them too. Its drop is the
course's, not the drug's (fhir_mapping/device_course_scores.py scores the drug before it), so the
drug's "2 adequate trials failed: augment or switch class" stands on the record, yet adding or
switching a drug while the patient responds to TMS is no step the pathway asks for; once the
scores return the course is named as responded (a retreatment option: LCD L37086) and the
proposals are one click again.

An acute ECT course running holds them the same way (review s24 RA finding 4): a drug added
mid-course confounds its response as it would a TMS course's, and the ECT service judges that
response. Maintenance ECT does not (services/ect_phases.running_acute): sessions a week or more
apart are a relapse-prevention schedule, and depression on it is a reason to act, not to wait.
Once the acute course has ended, they wait for its outcome, a PHQ-9 after its last session (not
on that day: "during it", as the ECT line says), up to policy.ect_outcome_hold_max_days
(open_referrals.ect_outcome_pending, review s25 RK2 finding 10, RK3 findings 3-4): a response to
ECT is continued, so the next drug step depends on it.

Before the TMS response check's week the tms-course card carries no check (it may not show at
all), so the line gives the date the check is due instead of naming that card (s24 RA finding
8: "judge it at week 4-6 (tms-course card)" on day 25, with no such card on the screen).
"""

from __future__ import annotations

from datetime import timedelta

from services import device_course_now, ect_run, tms_course
from services.ect_run import EctRun
from services.recommendation import Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.context import RuleContext
from services.tms_course import RESPONSE_DROP, TmsCourse

# A course ended whose response still holds: the summary says to keep the treatment
# (hold_words: "keep the current treatment while the TMS response holds; ... if it fades").
RESPONDED_HELD_BY = "TMS response still holding"
# An acute ECT course running (hold_words reads "... first" as the step itself).
ECT_HELD_BY = "judge the ECT course with the ECT service first"
# An acute ECT course ended, its outcome not on record (open_referrals.ect_outcome_pending).
ECT_OUTCOME_HELD_BY = "record the ECT course's outcome (a PHQ-9) first"


def _still_responding(ctx: RuleContext, course: TmsCourse) -> bool:
    """The ended course responded and the latest PHQ-9 (on or after its first session) is still
    a response against the course's baseline."""
    latest, baseline = ctx.facts.latest_phq9, course.baseline
    if course.response is not True or latest is None or latest.value is None:
        return False
    if baseline is None or baseline.value is None or latest.date < course.start:
        return False
    return latest.value <= baseline.value * (1 - RESPONSE_DROP)


def _running_held_by(ctx: RuleContext) -> str:
    """What a running course's hold waits for, as the optimise summary says it: "judge the TMS
    course at week 4-6 first" (policy.tms_response_check_weeks, tms_course_weeks)."""
    first, last = ctx.policy.tms_response_check_weeks, ctx.policy.tms_course_weeks
    return f"judge the TMS course at week {first:g}-{last:g} first"


def _line(ctx: RuleContext, course: TmsCourse) -> str:
    """The card's first line for a running course, or one that responded and still holds."""
    if course.running:
        first = ctx.policy.tms_response_check_weeks
        last = ctx.policy.tms_course_weeks
        # From the check's week the tms-course card always shows it (rules/tms_course.py
        # _response_lines); before, the card may be absent: the date, not the card.
        due = course.start + timedelta(weeks=first)
        where = "tms-course card" if ctx.record.as_of >= due else f"due {due.isoformat()}"
        return (
            f"**TMS course running since {course.start.isoformat()}:** judge it at week "
            f"{first:g}-{last:g} ({where}) before changing medication; an adjunct, switch "
            "or raise now would confound its response check."
        )
    latest = ctx.facts.latest_phq9
    assert latest is not None  # _still_responding
    return (
        f"**TMS course responded:** {course.dates()}, {course.outcome()}; PHQ-9 {latest.value} "
        f"on {latest.date.isoformat()} still shows it. Keep the current treatment; augment or "
        "switch if symptoms return."
    )


def _ect_line(ect: EctRun) -> str:
    """The line on an acute ECT course running: named by its first day (a course charted as one
    record over a period by that record's start, not its last day: services/ect_run.py)."""
    return (
        f"**{ect.course_name()} running since {ect.start.isoformat()}:** {ect.so_far_text()}; "
        "judge its response with the ECT service before changing medication; an adjunct, "
        "switch or raise now would confound it."
    )


_BEFORE_DRUGS = "before changing medication; a response is continued, not changed"


def ect_outcome_line(ect: EctRun, before: str = _BEFORE_DRUGS) -> str:
    """The line on an acute ECT course ended with no PHQ-9 since its last session
    (open_referrals.ect_outcome_pending): "Acute ECT course ended D (since D0, 8 sessions), no
    PHQ-9 after its last session, its outcome unknown: record it (a PHQ-9) and the ECT
    service's view of its response <before>". "After": one on the last session's day is that
    session's (review s25 RK3 finding 3). A course charted as one record names its dates
    instead of a count (EctRun.since_text). The TMS card's hold names the same course
    (`before` its own)."""
    return (
        f"**Acute ECT course ended {ect.last.isoformat()}** ({ect.since_text()}), no PHQ-9 "
        f"after its last session, its outcome unknown: record it (a PHQ-9) and the ECT "
        f"service's view of its response {before}."
    )


def hold(ctx: RuleContext, rec: Recommendation) -> Recommendation:
    """`rec` (the optimise card) with its drug proposals named, not one click, and the course's
    line first, while a TMS course or an acute ECT course runs, or a TMS response holds; as it
    is otherwise."""
    # The course running today (device_course_now: the predicate the order hooks read too, and
    # measurement_based_care.py steps back for); else an acute ECT course ended with its outcome
    # not on record; else the latest ended TMS course.
    now = device_course_now.running(ctx.record, ctx.policy)
    if now is not None and now.tms is not None:
        line, held_by = _line(ctx, now.tms), _running_held_by(ctx)
    elif now is not None and now.ect is not None:
        line, held_by = _ect_line(now.ect), ECT_HELD_BY
    elif ect := ect_run.outcome_pending(ctx.record, ctx.policy):
        line, held_by = ect_outcome_line(ect), ECT_OUTCOME_HELD_BY
    else:
        ended = tms_course.earlier_courses(ctx.record, ctx.policy)
        if not ended or not _still_responding(ctx, ended[-1]):
            return rec
        line, held_by = _line(ctx, ended[-1]), RESPONDED_HELD_BY

    def text(held: list[Suggestion]) -> str:
        if not held:
            return line
        return f"{line} Not one click until then: {'; '.join(s.label for s in held)}."

    (held,) = one_click_hold.hold_drug_orders([rec], text, held_by=held_by, whole=True)
    return held

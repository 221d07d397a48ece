"""An esketamine course still being judged holds the TMS referral's one-click (fix tms48, review
K55a finding 2).

Nine Spravato sessions from 2026-11-02 to 11-30 (venlafaxine still running), PHQ-9 23 -> 15 on
11-30, and the TMS card offered a one-click referral with only a note that TMS "would overlap it",
while a newly started phenelzine held it ("Not one click yet ... it may be working; repeat the
PHQ-9": tms_referral_held._score). The esketamine label judges its benefit at the end of the
induction phase (weeks 1-4) and decides then whether it continues; a course that works is
continued, not followed by TMS, and one that runs on overlaps TMS. So while the course runs
inside its judging window (data/course_judging.csv: up to week 8, the weekly weeks 5-8 that
follow the end-of-induction judgement) the referral waits as for a new trial: a step hold
(tms_referral_held.held), with a line saying when to judge it, its date counted from the first
session of the course (or the order's start when no session is on record yet): a gap between
sessions up to data/course_restart.csv is a lapse within the course, a longer one a new
induction (fix tms49). An order that ended the course (stopped, completed, a stated end passed)
ends it here though its last session is recent (clinic_courses.course, fix tms49).

Why hold rather than only name the overlap (the safer choice): the referral would quote a
depression the course may be lifting, and its one-click is the card's endorsement of TMS as the
next act while the prescriber is still judging the current one. The cost is one manual order.
Past the window (week 9, maintenance dosing) the esketamine line on the card still names the
overlap (tms_esketamine.py); an ended course is no longer running and holds nothing here.

An order on hold (fix tms50) is paused, not stopped: the course has not been judged and may resume,
so it is still being judged inside its window, though its last session is past the running
window (a Spravato order on hold after five sessions, the last 29 days ago, gave a one-click
referral in week 7), and the line says the order is on hold. The safer reading: a hold costs one
manual order, a referral beside a course that resumes overlaps it. An order put on hold before any
session gives nothing to judge (clinic_courses.course is None): nothing is held.

ECT is not read here: an acute ECT course running removes the TMS card (tms_assessment
.ect_running_line), and one ended with its outcome not recorded holds the referral
(tms_referral_held._ect_outcome). IV ketamine has no clinic-course rule (clinic_courses.py reads
esketamine only) and no label window, so nothing is held for it here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

from fhir_mapping.record import Trial
from services import clinic_courses
from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class Judging:
    """A course's judging window (data/course_judging.csv)."""

    course: str
    judge_weeks: int  # its benefit is judged this many weeks after the first session
    hold_weeks: int  # a course still running before this many weeks is still being judged
    judged_at: str  # "the end of its induction phase (weeks 1-4)"
    hold_until: str  # "week 9, when the label's maintenance dosing begins"


@cache
def _restart_gaps() -> dict[str, int]:
    """Per course, the longest gap between sessions still one course (data/course_restart.csv)."""
    text = resources.files("services").joinpath("data/course_restart.csv").read_text("utf-8")
    return {r["course"]: int(r["restart_gap_days"]) for r in csv.DictReader(text.splitlines())}


@cache
def _rows() -> dict[str, Judging]:
    text = resources.files("services").joinpath("data/course_judging.csv").read_text("utf-8")
    return {
        r["course"]: Judging(
            r["course"],
            int(r["judge_weeks"]),
            int(r["hold_weeks"]),
            r["judged_at"],
            r["hold_until"],
        )
        for r in csv.DictReader(text.splitlines())
    }


def _start(ctx: RuleContext, ingredient: str, first: date | None) -> date | None:
    """The first session of the running run, else the open order's start."""
    if first is not None:
        return first
    order = next((t for t in ctx.record.trials if t.ingredient == ingredient and t.ongoing), None)
    return order.start if order is not None else None


def _paused(ctx: RuleContext, ingredient: str) -> Trial | None:
    """The drug's latest order or statement on hold with nothing taking it up again
    (Trial.on_hold), or None."""
    held = [t for t in ctx.record.trials if t.ingredient == ingredient and t.on_hold is not None]
    return max(held, key=lambda t: (t.start, t.end)) if held else None


def hold(ctx: RuleContext) -> tuple[str, str, str, str] | None:
    """The held referral's (first, line, raises, back) for a course running, or paused by an
    order on hold, inside its judging window, or None."""
    for ingredient, judging in _rows().items():
        course = clinic_courses.course(ctx.record, ctx.policy, ingredient)
        paused = _paused(ctx, ingredient)
        if course is None or not (course.running or paused is not None):
            continue
        # Counted from the course's first session (review K56a finding 4): a lapse in
        # maintenance is not a new induction, only a gap past data/course_restart.csv (a 30-day
        # gap from week 12 read as a new course held the one-click to week 8 of it).
        course = clinic_courses.course_run(ctx.record, course, _restart_gaps()[ingredient])
        start = _start(ctx, ingredient, course.first)
        if start is None:
            continue
        until = start + timedelta(weeks=judging.hold_weeks)
        if ctx.record.as_of >= until:
            continue
        judge = start + timedelta(weeks=judging.judge_weeks)
        given = course.text() or f"{ingredient} ordered since {start.isoformat()}, no session yet"
        if paused is not None:
            given += "; its order is on hold: paused, not stopped, so the course is still judged"
        latest = ctx.facts.latest_phq9
        scored = (
            f"; PHQ-9 {latest.value} on {latest.date.isoformat()} since it began"
            if latest is not None and latest.value is not None and latest.date >= start
            else "; no PHQ-9 since it began"
        )
        # Never a day already passed as the day to judge (review K34 on running_line): "now".
        due = judge > ctx.record.as_of
        when = f"on {judge.isoformat()}" if due else f"now ({judge.isoformat()} was that day)"
        line = (
            f"**Referral not marked recommended while {ingredient} is judged:** {given}. Its "
            f"label judges the benefit at {judging.judged_at}: judge it {when} with a "
            f"PHQ-9{scored}. A response is continued, not followed by TMS, and a course that "
            "runs on would overlap TMS."
        )
        stop = "its order is stopped or completed" if paused is not None else "its sessions stop"
        back = f"the course is judged: {stop}, or from {until.isoformat()} ({judging.hold_until})"
        first = f"judge {ingredient} " + (
            f"on {judge.isoformat()}" if due else f"(due {judge.isoformat()})"
        )
        return (first, line, "", back)
    return None

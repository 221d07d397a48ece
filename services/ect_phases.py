"""An acute ECT course and the continuation/maintenance sessions after it (review 11 finding 9).

ECT courses (services/tms_course.py) are grouped by the TMS gap (policy.tms_course_gap_days), so
an acute course of 9 sessions in November and monthly maintenance sessions from January form two
courses, and weekly continuation sessions right after an acute course form one. Neither is
"the course in this episode": the acute course is what a response is measured on, and depression
on maintenance ECT is a relapse question for the ECT service. This module splits the dated
sessions of an episode into the acute run (sessions closer together than the data table's
continuation/maintenance spacing: an acute course is given two to three times a week) and the
sessions after it, when every one of those is at least that spacing apart
(data/ect_schedule.csv). Anything else (a second acute course, sessions documented as a
period) is not split: the caller names the latest course as before.

The later sessions are called continuation/maintenance only after an acute course that responded
(`later_phase`, s25 FB item 3): maintenance ECT presupposes a response; weekly sessions after a
course that did not respond are an extended or tapered course, and the cards say what the
record shows: "further sessions", with why not maintenance. An acute response not measured keeps
the spacing's name, with "(acute response not measured)" beside it, as before.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from services.card_format import plural


@dataclass(frozen=True, slots=True)
class EctSchedule:
    min_gap_days: int  # sessions this far apart or more: continuation/maintenance spacing
    wording: str  # how a card names those sessions: "continuation/maintenance"
    means: str  # what such sessions are, for a card that says why ("relapse prevention ...")
    source: str
    status: str


@cache
def _phase(phase: str) -> EctSchedule:
    text = resources.files("services").joinpath("data/ect_schedule.csv").read_text("utf-8")
    (row,) = [r for r in csv.DictReader(text.splitlines()) if r["phase"] == phase]
    return EctSchedule(
        int(row["min_gap_days"]), row["wording"], row["means"], row["source"], row["status"]
    )


def schedule() -> EctSchedule:
    """The continuation/maintenance row: its spacing splits the acute run from later sessions."""
    return _phase(_LATER)


def later_phase(acute_responded: bool | None) -> EctSchedule:
    """How to name the spaced sessions after an acute course: the data table's row for sessions
    after an acute course that did not respond (False: module docstring, maintenance presupposes
    a response), else continuation/maintenance (a response, or one not measured: the cards then
    say it was not measured)."""
    return _phase(_NO_RESPONSE if acute_responded is False else _LATER)


_LATER = "continuation-maintenance"
_NO_RESPONSE = "after-no-response"


@dataclass(frozen=True, slots=True)
class EctPhases:
    acute: tuple[date, ...]  # the acute course's sessions, oldest first (two or more)
    later: tuple[date, ...]  # the continuation/maintenance sessions after it (one or more)

    def spacing(self) -> str:
        """ "about every 4 weeks", "every 1 to 4 weeks" (a taper), or "" for one session."""
        gaps = [(b - a).days for a, b in zip(self.later, self.later[1:], strict=False)]
        if not gaps:
            return ""
        low, high = round(min(gaps) / 7), round(max(gaps) / 7)
        if low == high:
            return "about weekly" if low == 1 else f"about every {plural(low, 'week')}"
        return f"every {low} to {plural(high, 'week')}"


def split(days: Sequence[date]) -> EctPhases | None:
    """The acute course and the sessions after it, or None when the sessions do not read as
    one acute course followed by continuation/maintenance spacing only."""
    ordered = sorted(set(days))
    if len(ordered) < 3:
        return None
    least = schedule().min_gap_days
    end = 1
    while end < len(ordered) and (ordered[end] - ordered[end - 1]).days < least:
        end += 1
    acute, later = tuple(ordered[:end]), tuple(ordered[end:])
    if len(acute) < 2 or not later:
        return None
    if any((b - a).days < least for a, b in zip(later, later[1:], strict=False)):
        return None  # a second acute run: not a maintenance schedule
    return EctPhases(acute, later)


def running_acute(days: Sequence[date], as_of: date, recent_days: int) -> tuple[date, ...]:
    """The sessions of an acute ECT course still running on `as_of` (review s24 RA finding 4:
    the optimise card's drug proposals wait for it as for a running TMS course), oldest first,
    or () when none runs. Running: a session in the last `recent_days` (policy
    tms_session_recent_days). Acute: the latest session came less than the data table's
    continuation/maintenance spacing after the one before it, or is the first on record (a
    course begins acute); a session at that spacing or more is maintenance, whose depression is
    the ECT service's relapse question, not a course's response check."""
    ordered = sorted(set(days))
    if not ordered or (as_of - ordered[-1]).days > recent_days:
        return ()
    least = schedule().min_gap_days
    start = len(ordered) - 1
    if start and (ordered[start] - ordered[start - 1]).days >= least:
        return ()
    while start and (ordered[start] - ordered[start - 1]).days < least:
        start -= 1
    return tuple(ordered[start:])

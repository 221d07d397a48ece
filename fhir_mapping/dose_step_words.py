"""Words in a dosage line's text that mark it as one step of a titration (data/dose_step_words.csv).

Session 39 fix dose71 (review K62a finding 3): Epic copies the order's boundsPeriod onto every
numbered line, so a titration written "Week 1: take 1 tablet (50 mg) every morning" + "Week 2
onward: take 2 tablets (100 mg) at bedtime" has no bound of its own, and its lines at their own
times of day were added up as one day's doses (dose_steps._numbered_one_day): 150 mg/day and
"raise sertraline 150 -> 200" for a patient on 100. Only "then" and "for N days" marked steps.
Here "week #", "day #", "days #-#", "starting week #" and an opening "increase to", "titrate",
... mark them too, and the course days such words name give a step its length where no bound
does (medication_dates.step_spans). A summed titration overstates mg/day and can make a trial
look adequate, so in doubt the lines are steps, never summed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class CourseDays:
    """The course days a line's words name: `first` the day its step begins on (1 = the first
    day of the order), `last` the day it ends on, None when it goes on ("Week 2 onward")."""

    first: int
    last: int | None


@dataclass(frozen=True, slots=True)
class _Words:
    opening: re.Pattern[str]
    days: re.Pattern[str]
    unit_days: dict[str, int]


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _words() -> _Words:
    text = resources.files("fhir_mapping").joinpath("data/dose_step_words.csv").read_text("utf-8")
    kinds: dict[str, list[str]] = {}
    unit_days: dict[str, int] = {}
    for row in csv.DictReader(text.splitlines()):
        word = row["words"].strip().lower()
        kinds.setdefault(row["kind"], []).append(word)
        if row["kind"] == "unit":
            unit_days[word] = int(row["days"])
    opening = re.compile(r"^\W*(?:" + _alternatives(kinds["opening"]) + r")\b")
    days = re.compile(
        r"(?:\b(?P<from>" + _alternatives(kinds["from"]) + r")\s+)?"
        r"\b(?P<unit>" + _alternatives(list(unit_days)) + r")\s+(?P<a>\d+)"
        r"(?:\s*(?:-|–|to|through|thru)\s*(?P<b>\d+))?\b"
        # "a day 30 days supply": a count of days, not day 30 of the course.
        r"(?!\s*(?:" + _alternatives(list(unit_days)) + r")\b)"
        r"(?:\s*(?P<on>" + _alternatives(kinds["onward"]) + r")(?![a-z]))?"
    )
    return _Words(opening, days, unit_days)


def has_step_words(text: str) -> bool:
    """The line's text says it is one step of a titration: it opens "Increase to", "Titrate",
    "Starting", or names course days ("Week 1:", "Days 1-7", "starting week 2")."""
    lowered = text.lower()
    words = _words()
    return bool(words.opening.search(lowered) or words.days.search(lowered))


def course_days(text: str) -> CourseDays | None:
    """The course days the first "week #" / "day #" of the text names, else None: "Week 1" is
    days 1-7, "weeks 1-2" 1-14, "Days 1-7" 1-7, "Week 2 onward" and "starting week 2" day 8
    on, "Day 8 on" day 8 on."""
    words = _words()
    found = words.days.search(text.lower())
    if found is None:
        return None
    per = words.unit_days[found.group("unit")]
    a = int(found.group("a"))
    b = int(found.group("b")) if found.group("b") else a
    if a < 1 or b < a:
        return None
    first = (a - 1) * per + 1
    goes_on = found.group("from") is not None or found.group("on") is not None
    return CourseDays(first, None if goes_on and b == a else b * per)


def step_length(text: str, following: str | None) -> int | None:
    """The days a step written `text` lasts by its course days: its own ("Days 1-7": 7), else
    up to where the step after it (`following`'s text) begins ("Week 2 onward": 7 days for the
    step before); None when neither says."""
    own = course_days(text)
    if own is not None and own.last is not None:
        return own.last - own.first + 1
    after = course_days(following) if following else None
    begins = own.first if own is not None else 1
    if after is not None and after.first > begins:
        return after.first - begins
    return None

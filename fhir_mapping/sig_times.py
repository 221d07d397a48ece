"""The times of day in one clause of a sig (dose_sig._clause_frequency), how many administrations
a day they name, and whether a rate said beside them agrees (session 23 item L1).

A time of day is a word for one (the `event` rows of data/sig_frequencies.csv: "every evening",
"at bedtime", "qhs", each with its FHIR EventTiming slot) or a clock time ("at 6 PM", "8 AM",
"20:00", "at 0800 and 2000"). A clock time is a time of day like any other: "15 mg at 6 PM and
1 tablet at bedtime" is two doses a day. Before, a clock time was no time at all, so the 15 mg
had no frequency and was dropped as the product's strength: mirtazapine 30 mg/day read as 15, and
the card offered to raise the dose to the 30 mg she takes (s22 recheck finding 3, f3).

Counting (`times_per_day`): each distinct time is one administration ("nightly at bedtime" is
one: both words name the bedtime slot). Two neighbouring times with no joining word between them
("and", "&", "plus") may be one time written twice:
- a clock time and a word of the same slot ("at 9 PM at bedtime"), or two clock times of one
  slot, are one time (data/sig_clock_slots.csv gives a clock time its slot);
- two slots that may overlap ("every evening at bedtime": data/sig_slot_overlaps.csv) are one
  or two: read as 1-2 a day.
Joined by "and", or each with its own amount (dose_sig.sig_doses cuts a sig at each amount), two
clock times are two doses even in one slot window ("1 tab at 8 PM and 1 tab at 9 PM"). A clock
time joined to a word of its own slot ("at bedtime and at 9 PM", review s23 RR finding 3) is
probably the same dose said twice, the word and the hour of it: read as 1-2 a day and marked
unclear (`restated`), never 2 (read as 2 it doubled a 50 mg dose the fills showed as 50).
The same time in two clauses of one sig is sig_clauses.py's.

A rate beside the times (`settle`): when it agrees ("every 12 hours (8 am and 8 pm)", "daily at
bedtime") the rate is the reading; when it does not ("twice daily at bedtime": a rate of 2 and a
single time) the sig contradicts itself, and it is read as the range of both (1-2 a day), the
low end for adequacy and raises, the high end for the too-high checks, as the open slots above
are, and marked unclear so the card asks the clinician to check it. A rate below once a day
("every other day at bedtime", "weekly on Monday morning") is not compared: its times say when
on the day it is taken, not how often."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fhir_mapping.dose_tables import clock_slots, slot_overlaps


@dataclass(frozen=True, slots=True)
class TimeEvent:
    """One time of day in a clause: `key` tells times apart (the slot of a word, "HS"; the clock
    time of a clock time, "20:00"), `slot` is its FHIR EventTiming slot, `start`/`end` where it
    stands in the clause."""

    key: str
    slot: str
    start: int
    end: int


# Words that join two times of day into two doses ("every evening and at bedtime"): sig grammar.
JOINED = re.compile(r"\b(?:and|plus|also)\b|[&+]")

# Clock times as sigs write them (normalise_sig has lower-cased the text and made "p.m." "pm"):
# "6 pm", "6pm", "8:30 am" (12-hour); "20:00", "8:00" (24-hour with a colon); "0800", "2000"
# only after "at" ("at 0800 and 2000"), where a bare four-digit number is no amount.
_CLOCK_12 = re.compile(
    r"(?<![\d.:])(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5]\d))?\s*(?P<ap>am|pm)(?![a-z])"
)
_CLOCK_24 = re.compile(
    r"(?<![\d.:])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?::[0-5]\d)?(?![\d:])(?!\s*(?:am|pm)\b)"
)
_HHMM = r"(?:[01]\d|2[0-3])[0-5]\d"
_AT_HHMM = re.compile(
    rf"\bat\s+{_HHMM}(?:\s*(?:,|and|&|/|\+)\s*{_HHMM})*(?![\d.:])(?!\s*(?:am|pm)\b)"
)
_ONE_HHMM = re.compile(r"(?<!\d)(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?!\d)")


def _slot_of(minute: int) -> str:
    for first, last, slot in clock_slots():
        inside = first <= minute <= last if first <= last else minute >= first or minute <= last
        if inside:
            return slot
    return f"{minute // 60:02d}:{minute % 60:02d}"  # no window: its own time


def _event(minute: int, start: int, end: int) -> TimeEvent:
    return TimeEvent(f"{minute // 60:02d}:{minute % 60:02d}", _slot_of(minute), start, end)


def clock_events(clause: str) -> list[TimeEvent]:
    """The clock times a (normalised) clause names, in order."""
    found: list[TimeEvent] = []
    taken: list[tuple[int, int]] = []
    for match in _CLOCK_12.finditer(clause):
        hours = int(match.group("h")) % 12 + (12 if match.group("ap") == "pm" else 0)
        found.append(_event(hours * 60 + int(match.group("m") or 0), *match.span()))
        taken.append(match.span())
    for match in _CLOCK_24.finditer(clause):
        if not any(a <= match.start() < b for a, b in taken):
            found.append(_event(int(match.group("h")) * 60 + int(match.group("m")), *match.span()))
    for listed in _AT_HHMM.finditer(clause):
        for match in _ONE_HHMM.finditer(clause, listed.start(), listed.end()):
            minute = int(match.group("h")) * 60 + int(match.group("m"))
            found.append(_event(minute, *match.span()))
    return found


def is_clock(event: TimeEvent) -> bool:
    """A clock time ("21:00" in the HS slot), not a word for a time of day (its key is its slot)."""
    return event.key != event.slot


def restates(one: TimeEvent, two: TimeEvent) -> bool:
    """A clock time and a word of the same slot ("at bedtime" and "9 PM"): perhaps one time said
    twice, whatever joins them (module docstring)."""
    return one.slot == two.slot and is_clock(one) != is_clock(two)


def restated(events: list[TimeEvent], clause: str) -> tuple[int, int] | None:
    """Where in the clause a clock time is joined by "and" to a word of its own slot ("at
    bedtime and at 9 PM": one dose or two, the sig unclear), else None."""
    events = sorted(events, key=lambda e: e.start)
    for one, two in zip(events, events[1:], strict=False):
        if restates(one, two) and JOINED.search(clause[one.end : two.start]) is not None:
            return one.start, two.end
    return None


def times_per_day(events: list[TimeEvent], clause: str) -> tuple[float, float] | None:
    """(lower, upper) administrations a day the times of day of a clause name (module
    docstring), or None when it names none."""
    if not events:
        return None
    events = sorted(events, key=lambda e: e.start)
    overlaps = slot_overlaps()
    same = open_pairs = 0
    for one, two in zip(events, events[1:], strict=False):
        if one.key == two.key:
            continue
        if JOINED.search(clause[one.end : two.start]) is not None:
            if restates(one, two):
                open_pairs += 1  # "at bedtime and at 9 PM": one time or two
            continue
        if one.slot == two.slot:
            same += 1  # "at 9 PM at bedtime": one time, written twice
        elif frozenset({one.slot, two.slot}) in overlaps:
            open_pairs += 1  # "every evening at bedtime": one time or two
    most = max(len({e.key for e in events}) - same, 1)
    return float(max(most - open_pairs, 1)), float(most)


def settle(
    rate: tuple[float, float], times: tuple[float, float] | None
) -> tuple[tuple[float, float], bool]:
    """The administrations a day of a clause that states a rate (`rate`, the largest it states)
    and perhaps times of day (`times`), and whether the two disagree (module docstring)."""
    if times is None or rate[0] < 1.0:
        return rate, False
    if times[1] < rate[0] or times[0] > rate[1]:
        return (min(rate[0], times[0]), max(rate[1], times[1])), True
    return rate, False

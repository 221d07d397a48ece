"""When in the day and how often a dosage line is taken, and the fields it is read from.

A module of its own, split from dose_steps.py (which reads whether dosage lines are steps or one
day's doses) when that module reached 400 lines: these read one line, or compare lines' times of
day and schedules (AM + HS is one day's doses; "2 tablets daily" + "1 tablet daily" too).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from fhir_mapping.dose_sig import sig_frequency_bounds, sig_times_of_day
from fhir_mapping.dose_timing import frequency_per_day, timing_high
from fhir_mapping.fhir_fields import JSON_OBJECT, array


def line_repeat(line: Mapping[str, Any]) -> Mapping[str, Any] | None:
    timing = line.get("timing")
    repeat = timing.get("repeat") if isinstance(timing, JSON_OBJECT) else None
    return repeat if isinstance(repeat, JSON_OBJECT) else None


def line_texts(line: Mapping[str, Any]) -> list[str]:
    return [
        t for t in (line.get("text"), line.get("patientInstruction")) if isinstance(t, str) and t
    ]


def _times(line: Mapping[str, Any]) -> frozenset[str]:
    """The times of day of a line: its `when` codes and `timeOfDay` clock times, else the ones
    its sig names."""
    repeat = line_repeat(line)
    found: set[str] = set()
    if repeat is not None:
        found.update(w.upper() for w in array(repeat.get("when")) if isinstance(w, str))
        found.update(t[:5] for t in array(repeat.get("timeOfDay")) if isinstance(t, str))
    if found:
        return frozenset(found)
    return frozenset().union(*(sig_times_of_day(t) for t in line_texts(line)))


def _schedule(line: Mapping[str, Any]) -> tuple[float, float, frozenset[str]] | None:
    """(lower, upper administrations a day, times of day) of a line: the structured timing
    first (dose.py reads it first), else its sig; None when neither says how often."""
    timing = line.get("timing")
    per_day = frequency_per_day(timing)
    if per_day is not None:
        rate = (per_day, timing_high(timing, per_day))
    else:
        rate_in_sig = next(
            (f for f in (sig_frequency_bounds(t) for t in line_texts(line)) if f is not None), None
        )
        if rate_in_sig is None:
            return None
        rate = rate_in_sig
    return (*rate, _times(line))


def same_schedule(lines: Sequence[Mapping[str, Any]]) -> bool:
    """Every line is taken as often, at the same times of day (or none named): the lines are
    parts of one dose taken together (dose_steps.unsequenced_shape). A line whose frequency is not said
    is on no known schedule. Two lines identical in every element are not read as one dose:
    nobody writes "2 capsules daily" twice for 4 capsules, and a line entered twice (a copied
    line, an interface resend) would double the dose; those stay to confirm, their total
    checked against the ceilings (taper.py)."""
    if any(a == b for i, a in enumerate(lines) for b in lines[i + 1 :]):
        return False
    schedules = [_schedule(line) for line in lines]
    first = schedules[0]
    return first is not None and all(
        s is not None
        and math.isclose(s[0], first[0])
        and math.isclose(s[1], first[1])
        and s[2] == first[2]
        for s in schedules
    )


def apart_in_the_day(lines: Sequence[Mapping[str, Any]]) -> bool:
    """Every line names its times of day and no two lines share one (AM + HS)."""
    seen: set[str] = set()
    for line in lines:
        times = _times(line)
        if not times or times & seen:
            return False
        seen |= times
    return True

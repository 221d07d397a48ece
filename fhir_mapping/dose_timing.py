"""Administrations per day from a FHIR Timing (dose.py): `timing.repeat` frequency / period,
`timeOfDay` / `when` entries, `timing.code` (BID, TID... or Epic's administration times), and the
upper rate a `frequencyMax` allows."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fhir_mapping.dose_sig import sig_frequency_bounds
from fhir_mapping.dose_tables import frequency_table, unit_factor
from fhir_mapping.fhir_fields import JSON_OBJECT, array, number

# `isinstance(x, JSON_OBJECT)` throughout: JSON gives dicts, answered at C speed, where the
# Mapping ABC check alone costs more than the read (issue 14); other Mappings read the same way.

GTS_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation"


def frequency_per_day(timing: object) -> float | None:
    """Administrations per day from a FHIR Timing (the lower end of a range its text gives), or
    None when it does not say."""
    found = _frequency_bounds(timing)
    return None if found is None else found[0]


def _frequency_bounds(timing: object) -> tuple[float, float] | None:
    """(lower, upper) administrations per day from a FHIR Timing: the same number twice, except
    where only the timing's text says how often and gives a range ("every evening at bedtime":
    1-2 a day, dose_sig._clause_frequency)."""
    if not isinstance(timing, JSON_OBJECT):
        return None
    repeat = timing.get("repeat")
    if isinstance(repeat, JSON_OBJECT):
        per_day = _repeat_per_day(repeat)
        if per_day is not None:
            return per_day, per_day
    code = timing.get("code")
    if isinstance(code, JSON_OBJECT):
        gts, terms = frequency_table()
        codes = [
            c["code"]
            for c in array(code.get("coding"))
            if isinstance(c, JSON_OBJECT) and isinstance(c.get("code"), str)
        ]
        for value in codes:
            found = gts.get(value.upper())
            if found is not None:
                return found, found
        # A code outside the GTS table, whatever its system ("HS", "QHS", "Q12H": Epic and
        # Oracle send their own frequency codes, often under the GTS system URL), read as the
        # one sig term it is (data/sig_frequencies.csv rate and event rows) before the
        # timing's text, as a structured field is read before words (s22 RU review finding 1).
        for value in codes:
            term = terms.get(value.strip().lower())
            if term is not None:
                return term[1], term[1]
        text = code.get("text")
        if isinstance(text, str):
            found_in_text = sig_frequency_bounds(text)
            if found_in_text is not None:
                return found_in_text
        times = _administration_times(
            [c.get("code") for c in array(code.get("coding")) if isinstance(c, JSON_OBJECT)]
            + [text]
        )
        if times:
            return float(times), float(times)
    return None


# A 24-hour clock time ("0900", "09:00", "21:00:00"): Epic's timing codes for scheduled doses.
_CLOCK = re.compile(r"(?:[01]\d|2[0-3]):?[0-5]\d(?::[0-5]\d)?")
_TIME_SEPARATORS = re.compile(r"\s*(?:[,;/&+]|\band\b)\s*|\s+")


def _administration_times(values: Sequence[object]) -> int:
    """How many distinct clock times the timing codes name ("0900" -> 1, "0900, 2100" -> 2), when
    every code or text that says anything is made of clock times only; else 0. Each time is one
    administration a day."""
    times: set[str] = set()
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        tokens = [t for t in _TIME_SEPARATORS.split(value.strip()) if t]
        if not tokens or not all(_CLOCK.fullmatch(t) for t in tokens):
            return 0
        times.update(t.replace(":", "")[:4] for t in tokens)
    return len(times)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _repeat_per_day(repeat: Mapping[str, Any]) -> float | None:
    frequency = number(repeat.get("frequency"))
    period = number(repeat.get("period"))
    unit = repeat.get("periodUnit")
    times_of_day = _list(repeat.get("timeOfDay"))
    when = _list(repeat.get("when"))
    days_of_week = _list(repeat.get("dayOfWeek"))
    per_event = len(times_of_day) or len(when)
    if period is not None and isinstance(unit, str):
        found = unit_factor(unit)
        if found is None or found[0] != "time" or period <= 0:
            return None
        days = period * found[1]
        per_day = (frequency if frequency else (per_event or 1)) / days
        if days_of_week and days == 1:
            per_day *= len(days_of_week) / 7
        return per_day
    if per_event:
        return per_event * (len(days_of_week) / 7 if days_of_week else 1.0)
    if days_of_week:
        return (frequency or 1.0) * len(days_of_week) / 7
    return None


def timing_high(timing: object, per_day: float) -> float:
    """The upper administrations per day of a timing: `frequencyMax` ("1 to 3 times a day")
    raises it; `periodMax` only lowers it (a longer interval), so the rate stays. A range in the
    timing's text ("every evening at bedtime": 1-2) gives its upper end, so a check against too
    much reads the timing as the sig's own words would be read."""
    if not isinstance(timing, JSON_OBJECT):
        return per_day
    repeat = timing.get("repeat")
    if isinstance(repeat, JSON_OBJECT):
        most = number(repeat.get("frequencyMax"))
        frequency = number(repeat.get("frequency")) or 1.0
        if most is not None and most > frequency:
            return per_day * most / frequency
    found = _frequency_bounds(timing)
    if found is not None and found[0] == per_day:
        return max(per_day, found[1])
    return per_day

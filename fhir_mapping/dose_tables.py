"""The dose reader's tables (dose.py): unit conversion factors (data/dose_units.csv) and sig
frequencies and as-needed words (data/sig_frequencies.csv), with the readers of a unit and of a
Duration on them."""

from __future__ import annotations

import csv
from functools import cache, lru_cache
from importlib import resources

from fhir_mapping.fhir_fields import JSON_OBJECT, NUMBER_TYPES

# `isinstance(x, JSON_OBJECT)` throughout: JSON gives dicts, answered at C speed, where the
# Mapping ABC check alone costs more than the read (issue 14); other Mappings read the same way.


def _table(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _units() -> dict[str, tuple[str, float]]:
    return {
        row["unit"].strip().lower(): (row["kind"], float(row["factor"]))
        for row in _table("dose_units.csv")
    }


@cache
def _days_by_code() -> dict[str, float]:
    """Days per unit of each time unit of data/dose_units.csv, by its text as the table writes it
    ("d", "wk", "mo"): the code nearly every Duration carries, found with one lookup
    (duration_days). Built on first use, not at import (wave 4 K2), as every table here is."""
    return {text: factor for text, (kind, factor) in _units().items() if kind == "time"}


def __getattr__(name: str) -> dict[str, float]:
    # The table's former module-level name, still imported by tests (test_trial_shortcuts.py).
    if name == "_DAYS_BY_CODE":
        return _days_by_code()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# The kind of a sig_frequencies.csv row that names a word for "as needed" (no per_day).
_AS_NEEDED = "as-needed"


@cache
def frequency_table() -> tuple[dict[str, float], dict[str, tuple[str, float]]]:
    """(GTS code -> per day, sig term -> (rate|event, per day))."""
    gts: dict[str, float] = {}
    terms: dict[str, tuple[str, float]] = {}
    for row in _table("sig_frequencies.csv"):
        if row["kind"] == _AS_NEEDED:
            continue  # a word for "as needed", not a rate: as_needed_terms
        if row["kind"] == "gts":
            gts[row["term"].upper()] = float(row["per_day"])
        else:
            terms[row["term"].lower()] = (row["kind"], float(row["per_day"]))
    return gts, terms


@cache
def time_slots() -> dict[str, str]:
    """Sig term -> the time of day it names, for the `event` rows of data/sig_frequencies.csv
    (its `slot` column, FHIR EventTiming codes: MORN, NOON, EVE, HS). Words for one time of day
    ("nightly", "at bedtime", "qhs") share a slot, so "nightly at bedtime" is one dose a day, not
    two (s22 RU review finding 1: mirtazapine 15 mg read as 30, a raise offered to 45).

    Evening (EVE) and bedtime (HS) are kept apart: they are two times in sig usage (qpm, qhs)
    and in FHIR EventTiming, and "1 tablet every evening and 1 at bedtime" is a real two-dose
    sig; the night words are not. Where one clause names both with one amount ("every evening
    at bedtime", a common Epic once-a-day sig) the words leave it open, and it is read as a
    range of 1-2 a day (`slot_overlaps`, dose_sig._clause_frequency), not as two: the low end
    for adequacy and raises (no one-click raise to 3x the dose taken), the high end for the
    too-high checks (label maximum, age, renal, interactions), which stay awake."""
    return {
        row["term"].lower(): row["slot"].strip().upper()
        for row in _table("sig_frequencies.csv")
        if row["kind"] == "event" and row["slot"].strip()
    }


@cache
def slot_overlaps() -> frozenset[frozenset[str]]:
    """Pairs of times of day (slots) that one clause may name for a single dose ("every evening
    at bedtime": EVE and HS), from data/sig_frequencies.csv's companion data/sig_slot_overlaps.csv.
    Such a clause is read as one or two administrations a day (dose_sig._clause_frequency)."""
    return frozenset(
        frozenset({row["slot"].strip().upper(), row["other_slot"].strip().upper()})
        for row in _table("sig_slot_overlaps.csv")
    )


@cache
def clock_slots() -> tuple[tuple[int, int, str], ...]:
    """(first minute, last minute, slot) of the day for each row of data/sig_clock_slots.csv:
    the time of day (FHIR EventTiming slot) a clock time in a sig falls in ("at 9 PM": HS), so
    it can be told from a word for the same time ("at 9 PM at bedtime": one dose; sig_times.py).
    A window may run past midnight (21:00-03:59): its first minute is then after its last."""

    def minute(text: str) -> int:
        hours, minutes = text.strip().split(":")
        return int(hours) * 60 + int(minutes)

    return tuple(
        (minute(row["from"]), minute(row["to"]), row["slot"].strip().upper())
        for row in _table("sig_clock_slots.csv")
    )


@cache
def as_needed_terms() -> tuple[str, ...]:
    """The sig words that make a dose "as needed" ("prn", "as needed", "as required"...): the
    `as-needed` rows of data/sig_frequencies.csv, lower-case."""
    return tuple(
        row["term"].strip().lower()
        for row in _table("sig_frequencies.csv")
        if row["kind"] == _AS_NEEDED
    )


def unit_factor(unit: object, code: object = None) -> tuple[str, float] | None:
    """(kind, factor) of a unit: mass -> mg per unit, volume -> mL per unit, count -> 1,
    time -> days per unit. The UCUM/SNOMED `code` is tried before the human-readable `unit`."""
    if isinstance(code, str):
        found = _unit_of(code)
        if found is not None:
            return found
    return _unit_of(unit) if isinstance(unit, str) else None


@lru_cache(maxsize=1024)
def _unit_of(text: str) -> tuple[str, float] | None:
    """The table row of a unit as written. Remembered by its text (issue 14): a chart writes the
    same few units ("mg", "d", "{tbl}") on every dose, supply and quantity it sends."""
    key = text.strip().lower().replace("\u00b5", "u").replace("\u03bc", "u")
    return _units().get(key) if key else None


def duration_days(quantity: object) -> float | None:
    """A FHIR Duration (value + unit/code) in days; a bare number is read as days."""
    # Read for every order and dispense (issue 14): absent or a JSON dict is answered before the
    # Mapping ABC check, and the number is checked inline rather than by `number`.
    if quantity is None or not isinstance(quantity, JSON_OBJECT):
        return None
    value = quantity.get("value")
    if isinstance(value, bool) or not isinstance(value, NUMBER_TYPES):
        return None
    code = quantity.get("code")
    # A code written as the table writes a time unit (UCUM "d" on a daysSupply): the code is
    # read before the unit (unit_factor), so its row decides; any other code or none is read
    # below as before (issue 14: one lookup instead of two calls per dispense).
    if code.__class__ is str:
        days = _days_by_code().get(code)
        if days is not None:
            return float(value) * days
    unit = quantity.get("unit")
    if unit is None and code is None:
        return float(value)
    found = unit_factor(unit, code)
    if found is None or found[0] != "time":
        return None
    return float(value) * found[1]

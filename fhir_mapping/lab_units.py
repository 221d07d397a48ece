"""A lab value in the unit it was sent, judged against a range (review 17 W3).

Canadian and European labs report B12 in pmol/L, folate and 25-OH vitamin D in nmol/L; the
default intervals of data/lab_ranges.csv are in mass units (pg/mL, ng/mL). A value in one of
the SI units of data/lab_si_units.csv is converted to the table's unit with the table's sourced
factor (`table_value`) before it is compared, after an exact rescaling of the unit when it
needs one (data/lab_unit_rescalings.csv: nmol/L to pmol/L, ng/L to pg/mL; review 17 W1); a
value in any other unit is never assumed to be in the table's: it stays unflagged, and labs.lab_gaps names it "not compared: unit X" (never
silent).

Epic often sends a result's reference range as `referenceRange.text` only ("133 - 675 pmol/L").
`text_range` reads such a text when it is unambiguous: one referenceRange with a text and no
structured bounds, not for a sub-population (`appliesTo`, `age`), holding a "low - high" range
or a one-sided bound (">= 148 pmol/L", "< 5") whose unit, when it names one, is the value's.
Anything else (words, two ranges, another unit) is not read: the table's interval, or the gap,
decides instead.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.fhir_fields import JSON_OBJECT, one_or_many

Resource = Mapping[str, Any]

_NUMBER = r"(\d+(?:\.\d+)?)"
_UNIT = r"(?:\s*(?P<unit>[^\d\s<>=≤≥\-–][^\s]*(?:\s[^\s]+)?))?"
_RANGE = re.compile(rf"^\s*{_NUMBER}\s*(?:-|–|to)\s*{_NUMBER}{_UNIT}\s*$", re.IGNORECASE)
_BOUND = re.compile(rf"^\s*(?P<op>>=|≥|>|<=|≤|<)\s*{_NUMBER}{_UNIT}\s*$")
_LOWER_BOUNDS = frozenset({">", ">=", "≥"})


def _unit_key(unit: str) -> str:
    return unit.replace(" ", "").lower()


@cache
def si_rows() -> tuple[dict[str, str], ...]:
    """The rows of data/lab_si_units.csv, read once for the factors, the codes and the words of
    the `labsSI` key (lab_si_key.py)."""
    text = resources.files("fhir_mapping").joinpath("data/lab_si_units.csv").read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines()))


@cache
def si_factors() -> dict[tuple[str, str], float]:
    """(test, SI unit in lower case) -> how many SI units make one of the table's unit
    (data/lab_si_units.csv: B12 0.738 pmol/L per pg/mL)."""
    return {
        (row["test"], _unit_key(row["unit"])): float(row["si_per_table_unit"]) for row in si_rows()
    }


@cache
def si_codes() -> frozenset[tuple[str, str]]:
    """(test, LOINC code) of the SI (moles) forms of the tests data/lab_si_units.csv names:
    services/catalog.py asks for them under their own prefetch key."""
    return frozenset(
        (row["test"], row["loinc"].strip()) for row in si_rows() if row["loinc"].strip()
    )


@cache
def _si_code_units() -> dict[tuple[str, str], str]:
    """(test, moles code) -> SI unit: the `loinc` code asked for under labsSI and the
    `read_codes` read as such but not asked for (free T4 14920-3: labs70, no room in labsSI)."""
    return {
        (row["test"], code.strip()): row["unit"].strip()
        for row in si_rows()
        for code in [row["loinc"], *(row.get("read_codes") or "").split("|")]
        if code.strip()
    }


def si_coded_unit(code: object, test: str) -> str | None:
    """The SI unit of `test`'s moles LOINC code among `code`'s codings (data/lab_si_units.csv:
    pmol/L for B12 14685-2), or None: a result coded so states its unit family by its code, so a
    bound sent with no unit ("<111") is read in it (lab54 item 3)."""
    if not isinstance(code, JSON_OBJECT):
        return None
    wanted = _si_code_units()
    for coding in code.get("coding") or ():
        if isinstance(coding, JSON_OBJECT):
            found = wanted.get((test, str(coding.get("code") or "").strip()))
            if found is not None:
                return found
    return None


def is_si_unit(test: str, unit: str | None) -> bool:
    """Whether `unit` is one of `test`'s SI units (data/lab_si_units.csv: B12 pmol/L)."""
    return unit is not None and (test, _unit_key(unit)) in si_factors()


def ranged(test: str) -> bool:
    """Whether data/lab_ranges.csv gives `test` a default interval: an unflagged value of such a
    test was not compared (a gap), where one of a test with no interval (lithium, QTc) is left
    to the rules that read it."""
    return test in _ranged_tests()


@cache
def _ranged_tests() -> frozenset[str]:
    return frozenset(
        test for test, r in lab_ranges().items() if r.low is not None or r.high is not None
    )


@cache
def rescalings() -> dict[str, tuple[tuple[str, float], ...]]:
    """Unit in lower case -> (the same quantity's other unit, how many of it make one of the
    unit) (data/lab_unit_rescalings.csv: UCUM prefixes only, 1 nmol/L = 1000 pmol/L, 1 ng/L =
    1 pg/mL; exact, with no molecular weight)."""
    text = (
        resources.files("fhir_mapping").joinpath("data/lab_unit_rescalings.csv").read_text("utf-8")
    )
    found: dict[str, list[tuple[str, float]]] = {}
    for row in csv.DictReader(text.splitlines()):
        found.setdefault(_unit_key(row["unit"]), []).append((row["same_as"], float(row["factor"])))
    return {unit: tuple(rows) for unit, rows in found.items()}


def _in_table_unit(test: str, value: float, unit: str) -> float | None:
    known = lab_ranges().get(test)
    if known is not None and unit.lower() in known.units:
        return value
    factor = si_factors().get((test, _unit_key(unit)))
    return value / factor if factor else None


def table_value(test: str, value: float, unit: str | None) -> float | None:
    """`value` in the unit of `test`'s data/lab_ranges.csv interval: as sent when the table
    knows the unit, converted when data/lab_si_units.csv does; else, when the unit is an exact
    rescaling of one of those (data/lab_unit_rescalings.csv: a B12 in nmol/L is 1000 times as
    many pmol/L, review 17 W1), rescaled first; else None (never compared)."""
    if unit is None:
        return None
    direct = _in_table_unit(test, value, unit)
    if direct is not None:
        return direct
    for same_as, factor in rescalings().get(_unit_key(unit), ()):
        converted = _in_table_unit(test, value * factor, same_as)
        if converted is not None:
            return converted
    return None


def text_range(resource: Resource, unit: str | None) -> tuple[float | None, float | None] | None:
    """(low, high) of the result's one referenceRange sent as text only, when it is
    unambiguous (module docstring); None otherwise."""
    refs = [r for r in one_or_many(resource.get("referenceRange")) if isinstance(r, JSON_OBJECT)]
    if len(refs) != 1:
        return None  # none, or several (sex- or age-specific): which one applies is not said
    ref = refs[0]
    text = ref.get("text")
    if not isinstance(text, str) or any(k in ref for k in ("low", "high", "appliesTo", "age")):
        return None
    bounds: tuple[float | None, float | None]
    found = _RANGE.match(text)
    if found is not None:
        low, high = float(found[1]), float(found[2])
        if low > high:
            return None
        bounds = (low, high)
    else:
        found = _BOUND.match(text)
        if found is None:
            return None
        bound = float(found[2])
        bounds = (bound, None) if found["op"] in _LOWER_BOUNDS else (None, bound)
    stated = found["unit"]
    if stated is not None and (unit is None or _unit_key(stated) != _unit_key(unit)):
        return None  # a range in another unit, or a value whose unit is unknown
    return bounds

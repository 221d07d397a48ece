"""Lab results the diagnosis review reads: TSH, free T4, B12, folate, 25-OH vitamin D.

Observation (status final / amended / corrected, dated up to as-of) -> LabResult. The flag comes
from Observation.interpretation (L/LL/LU low, H/HH/HU high, N normal), else the Observation's own
referenceRange (when its unit is the value's), else the default interval of data/lab_ranges.csv
when the unit is one the table knows; else no flag: a value in an unknown unit is never compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.codes import observation_concepts
from fhir_mapping.fhir_fields import (
    JSON_OBJECT,
    codings,
    effective_date,
    number,
    source_ref,
)
from fhir_mapping.record import LabResult

Resource = Mapping[str, Any]

_COUNTED_OBSERVATION = frozenset({"final", "amended", "corrected"})
_LOW = frozenset({"L", "LL", "LU", "<"})
_HIGH = frozenset({"H", "HH", "HU", ">"})


def _lab_test(resource: Resource) -> str | None:
    """The test of the first coding whose concept is a lab of data/lab_ranges.csv (the plain
    reading, through `codings`: `wants_lab` and the tests measure `_read_lab_test` against it)."""
    concepts = observation_concepts()
    tests = lab_ranges()
    for system, code, _ in codings(resource.get("code")):
        concept = concepts.get((system, code))
        if concept in tests:
            return concept
    return None


def wants_lab(resource: Resource) -> bool:
    return _lab_test(resource) is not None


@cache
def _lab_tests() -> dict[tuple[str, str], str]:
    """(canonical system, code) -> lab test, for the concepts of data/observation_codes.csv that
    data/lab_ranges.csv names: one look-up per coding in `_read_lab_test`."""
    tests = lab_ranges()
    return {key: concept for key, concept in observation_concepts().items() if concept in tests}


def _read_lab_test(resource: Resource) -> str | None:
    """`_lab_test`, read per Observation that lab_result reads (issue 14): the codings are walked
    in place, without building `codings`' (system, code, display) tuples, and the system is
    looked up as written before its canonical spelling (the table's systems are canonical, so a
    coding that writes one is found as written). What `codings` skips is skipped here: a coding
    that is not an object, a code that is not a non-empty string after stripping; a system that
    is not a string reads as "" (tests/fhir_mapping/test_speed7_shortcuts.py pins the two)."""
    concept = resource.get("code")
    if not isinstance(concept, JSON_OBJECT):
        return None
    items = concept.get("coding")
    if not isinstance(items, list):
        return None
    tests = _lab_tests()
    for coding in items:
        if not isinstance(coding, JSON_OBJECT):
            continue
        code = coding.get("code")
        if not isinstance(code, str):
            continue
        code = code.strip()
        if not code:
            continue
        system = coding.get("system")
        if not isinstance(system, str):
            system = ""
        test = tests.get((system, code))
        if test is None:
            test = tests.get((canonical_system(system), code))
        if test is not None:
            return test
    return None


def _compare(value: float, low: float | None, high: float | None) -> str | None:
    if low is None and high is None:
        return None
    if low is not None and value < low:
        return "low"
    if high is not None and value > high:
        return "high"
    return "normal"


def _interpretation_flag(resource: Resource) -> str | None:
    """The flag of the first interpretation code this module knows (L/LL/LU/<, H/HH/HU/>, N).

    The codings are walked in place (issue 14: every lab read has one), skipping what `codings`
    skips (a coding that is not an object, a code that is not a non-empty string after
    stripping); the system is not read, as no system decides the flag
    (tests/fhir_mapping/test_speed7_shortcuts.py pins this to the `codings` reading)."""
    for concept in resource.get("interpretation") or ():
        if not isinstance(concept, JSON_OBJECT):
            continue
        items = concept.get("coding")
        if not isinstance(items, list):
            continue
        for coding in items:
            if not isinstance(coding, JSON_OBJECT):
                continue
            code = coding.get("code")
            if not isinstance(code, str):
                continue
            code = code.strip()
            if code in _LOW:
                return "low"
            if code in _HIGH:
                return "high"
            if code == "N":
                return "normal"
    return None


def _quantity_unit(quantity: Mapping[str, Any]) -> str | None:
    unit = quantity.get("unit") or quantity.get("code")
    return unit if isinstance(unit, str) and unit else None


def _range_flag(resource: Resource, value: float, unit: str | None) -> str | None:
    for ref in resource.get("referenceRange") or ():
        if not isinstance(ref, JSON_OBJECT):
            continue
        bounds: list[float | None] = []
        for key in ("low", "high"):
            quantity = ref.get(key)
            bound = None
            if isinstance(quantity, JSON_OBJECT):
                bound_unit = _quantity_unit(quantity)
                if (
                    bound_unit is not None
                    and unit is not None
                    and bound_unit.lower() != unit.lower()
                ):
                    return None  # a range in another unit is not compared
                bound = number(quantity.get("value"))
            bounds.append(bound)
        flag = _compare(value, bounds[0], bounds[1])
        if flag is not None:
            return flag
    return None


def lab_result(resource: Resource, *, as_of: date) -> LabResult | None:
    test = _read_lab_test(resource)
    if test is None:
        return None
    # Tolerant reading (issue 10): a status that is not a string counts as absent, not counted.
    status = resource.get("status")
    if not isinstance(status, str) or status not in _COUNTED_OBSERVATION:
        return None
    when = effective_date(resource)
    if when is None or when > as_of:
        return None
    quantity = resource.get("valueQuantity")
    value = unit = None
    if isinstance(quantity, JSON_OBJECT):
        value = number(quantity.get("value"))
        unit = _quantity_unit(quantity)
    flag = _interpretation_flag(resource)
    if flag is None and value is not None:
        flag = _range_flag(resource, value, unit)
        if flag is None and unit is not None:
            default = lab_ranges()[test]
            if unit.lower() in default.units:
                flag = _compare(value, default.low, default.high)
    return LabResult(
        test=test, value=value, unit=unit, date=when, flag=flag, source=source_ref(resource)
    )

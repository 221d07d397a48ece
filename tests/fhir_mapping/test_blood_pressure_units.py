"""Issue 14: blood_pressure._mm_hg reads a half's unit in one loop and _loinc_codes takes LOINC
as written without a canonical look-up; both take the one-LOINC-coding, "mm[Hg]" shape of
nearly every panel without building a set or lowering a unit. Checked against the plain readings they replaced on
quantities and concepts built to tell them apart (units in either field, unit text with spaces
and case, a unit not mm Hg beside one that is, malformed fields; LOINC under another name)."""

from __future__ import annotations

import itertools
from typing import Any

from fhir_mapping import blood_pressure as bp
from fhir_mapping.code_systems import LOINC, canonical_system
from fhir_mapping.fhir_fields import JSON_OBJECT, array, number


def _plain_mm_hg(quantity: object) -> float | None:
    if not isinstance(quantity, JSON_OBJECT):
        return None
    value = number(quantity.get("value"))
    if value is None or value <= 0:
        return None
    if quantity.get("comparator") is not None:
        return None
    units = [u for u in (quantity.get("code"), quantity.get("unit")) if isinstance(u, str)]
    if units and not any(u.strip().lower() in {"mm[hg]", "mmhg", "mm hg"} for u in units):
        return None
    return value


def _plain_loinc_codes(concept: object) -> set[str]:
    found: set[str] = set()
    if not isinstance(concept, JSON_OBJECT):
        return found
    for coding in array(concept.get("coding")):
        if not isinstance(coding, JSON_OBJECT):
            continue
        code, system = coding.get("code"), coding.get("system")
        if isinstance(code, str) and isinstance(system, str) and canonical_system(system) == LOINC:
            found.add(code.strip())
    return found


UNITS: list[Any] = [None, "mm[Hg]", " MMHG ", "mm Hg", "kPa", "", 7, ["mm[Hg]"]]


def test_mm_hg_reads_as_the_plain_reading() -> None:
    for code, unit, value, comparator in itertools.product(
        UNITS, UNITS, [120, 0, -5, 97.5, True, "120", None], [None, ">"]
    ):
        quantity: dict[str, Any] = {"value": value}
        for key, field in (("code", code), ("unit", unit), ("comparator", comparator)):
            if field is not None:
                quantity[key] = field
        assert bp._mm_hg(quantity) == _plain_mm_hg(quantity), quantity
    assert bp._mm_hg("120 mmHg") is None and bp._mm_hg(None) is None


def test_loinc_codes_read_as_the_plain_reading() -> None:
    systems: list[Any] = [LOINC, "urn:oid:2.16.840.1.113883.6.1", "LOINC", "", None, 3]
    codes: list[Any] = ["8480-6", " 8462-4 ", "", None, 8480]
    for system, code in itertools.product(systems, codes):
        coding: dict[str, Any] = {}
        if system is not None:
            coding["system"] = system
        if code is not None:
            coding["code"] = code
        panel = {"system": LOINC, "code": "85354-9"}
        for concept in (
            {"coding": [coding]},  # the one-coding shortcut
            {"coding": ["x", coding, coding]},
            {"coding": [coding, panel]},
            {"coding": {}},
        ):
            # Only `in` is asked of the answer: a tuple from the shortcut, a set otherwise.
            assert set(bp._loinc_codes(concept)) == _plain_loinc_codes(concept), concept
    assert not bp._loinc_codes(None)

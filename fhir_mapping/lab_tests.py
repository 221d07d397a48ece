"""Which lab test an Observation is: the first coding whose concept (data/observation_codes.csv)
is a test of data/lab_ranges.csv, read once as build_record's filter (`wants_lab`) and once per
Observation or component that `lab_result` reads (`_read_lab_test`, the fast reading of the same
answer).

Apart from labs.py (what a result says) because the two readings must agree code for code
(tests/fhir_mapping/test_speed7_shortcuts.py pins them); labs.py re-exports `wants_lab`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.codes import observation_concepts
from fhir_mapping.fhir_fields import JSON_OBJECT, codings

Resource = Mapping[str, Any]


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

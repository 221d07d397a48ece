"""The first-sight speed-ups of issue 14 read exactly as the readings they shortcut.

Each shortcut is checked against the full reading over a corpus of real-shaped resources: the
benchmark's 10-year chart, the vendor-shaped charts (Epic, Oracle Health, C-CDA conversion, US
Core) and every resource in ../shared/fhir/vendor, plus hand-made edge cases (system aliases,
whitespace, wrong types). A shortcut that disagreed once would change a card.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from fhir_mapping import build, labs, scores, suicide_screen, terminology, tms_safety
from fhir_mapping.codes import observation_codes
from fhir_mapping.dose import daily_dose_mg
from fhir_mapping.fhir_fields import references_patient
from fhir_mapping.medications import _daily_dose_mg, _dosages
from tests.conftest import SHARED
from tests.fixtures import sizes, vendor_charts

Resource = dict[str, Any]
_OIDS = {
    "http://loinc.org": "urn:oid:2.16.840.1.113883.6.1",
    "http://snomed.info/sct": "urn:oid:2.16.840.1.113883.6.96",
}


def _walk(node: object) -> Iterator[Resource]:
    if isinstance(node, dict):
        if isinstance(node.get("resourceType"), str):
            yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _corpus() -> list[Resource]:
    resources: list[Resource] = list(sizes.flatten(sizes.ten_year()))
    for chart in (
        vendor_charts.epic_chart(),
        vendor_charts.oracle_chart(),
        vendor_charts.ccda_chart(),
        vendor_charts.us_core_chart(),
    ):
        resources.extend(_walk(chart.resources))
    vendor = SHARED / "fhir" / "vendor"
    if vendor.is_dir():
        for path in sorted(vendor.rglob("*.json")):
            try:
                resources.extend(_walk(json.loads(path.read_text("utf-8"))))
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
    return resources


CORPUS = _corpus()


def _observations() -> list[Resource]:
    found = [r for r in CORPUS if r["resourceType"] == "Observation"]
    for row in observation_codes():  # every code the readers know, under other spellings too
        for system in (row.system, _OIDS.get(row.system, row.system), "", "urn:other"):
            found.append(
                {
                    "resourceType": "Observation",
                    "code": {"coding": [{"system": system, "code": f" {row.code} "}]},
                }
            )
    odd_codes: list[object] = [
        None,
        "44261-6",
        ["44261-6"],
        {"coding": "44261-6"},
        {"coding": [None, "x", {"code": 44261}]},
        {"coding": [{"code": ""}, {"system": "http://loinc.org"}]},
        {"text": "PHQ-9 total"},
    ]
    found.extend({"resourceType": "Observation", "code": code} for code in odd_codes)
    return found


def test_the_corpus_is_not_trivial() -> None:
    kinds = {r["resourceType"] for r in CORPUS}
    assert {"Observation", "MedicationRequest", "Condition", "Procedure"} <= kinds
    observations = _observations()
    assert sum(build._wants_observation(o) for o in observations) > 50
    assert sum(not build._wants_observation(o) for o in observations) > 500


def test_the_observation_code_check_leaves_out_only_what_no_reader_wants() -> None:
    for observation in _observations():
        full = scores.wants(observation) or labs.wants_lab(observation)
        full = full or suicide_screen.wants(observation)
        assert build._wants_observation(observation) == full, observation.get("code")
        if not build._has_observation_code(observation):
            assert not full, observation.get("code")


def _concepts() -> Iterator[dict[str, Any]]:
    for resource in CORPUS:
        for key in ("medicationCodeableConcept", "code"):
            if isinstance(resource.get(key), dict):
                yield resource[key]


def test_recognition_by_content_reads_as_a_fresh_reading() -> None:
    read = terminology._from_concept.__wrapped__  # type: ignore[attr-defined]
    concepts = list(_concepts())
    assert len(concepts) > 100
    recognised = 0
    for concept in concepts:
        fresh = read(concept)
        assert terminology._from_concept(concept) == fresh  # the first time (or a key seen)
        assert terminology._from_concept(concept) == fresh  # again, from the memo
        recognised += bool(fresh)
    assert recognised > 10


def test_a_concept_that_differs_in_anything_read_is_read_again() -> None:
    rxnorm = "http://www.nlm.nih.gov/research/umls/rxnorm"
    base = {"coding": [{"system": rxnorm, "code": "36437", "display": "sertraline"}]}
    variants: list[dict[str, Any]] = [
        base,
        {**base, "text": "sertraline 50 MG Oral Tablet"},
        {**base, "text": "sertraline 100 MG Oral Tablet"},
        {"coding": [{"system": rxnorm, "code": "36437", "display": "sertraline 25 mg tab"}]},
        {"coding": [{"system": "urn:oid:2.16.840.1.113883.6.88", "code": "36437"}]},
        {"coding": [{"system": "http://other", "code": "36437", "display": "x"}]},
        {"text": "lisinopril 10 MG Oral Tablet"},
        {"text": "venlafaxine 75 MG 24HR Extended Release Oral Capsule"},
    ]
    read = terminology._from_concept.__wrapped__  # type: ignore[attr-defined]
    for concept in variants + variants:
        assert terminology.recognise(concept) == read(concept)
    strengths = {terminology.recognise(v)[0].strength_mg for v in variants[1:3]}
    assert strengths == {50.0, 100.0}


def _texts() -> Iterator[tuple[str, str]]:
    for resource in CORPUS:
        code = resource.get("code")
        if isinstance(code, dict) and isinstance(code.get("text"), str):
            yield code["text"], resource["resourceType"].lower()
        for coding in code.get("coding", []) if isinstance(code, dict) else []:
            if isinstance(coding, dict) and isinstance(coding.get("display"), str):
                yield coding["display"], resource["resourceType"].lower()


def test_remembered_safety_texts_read_as_fresh_ones() -> None:
    samples = list(_texts()) + [
        ("No pacemaker; VP-shunt in situ", "condition"),
        ("denies seizures but has cochlear implant", "condition"),
        ("x" * 600 + " pacemaker", "condition"),  # longer than the memo takes: read each time
    ]
    assert len(samples) > 100
    for text, applies_to in samples:
        fresh = tms_safety._text_rows(text, applies_to)
        assert tms_safety.text_rows(text, applies_to) == fresh
        assert tms_safety.text_rows(text, applies_to) == fresh


def test_remembered_doses_read_as_fresh_ones() -> None:
    lines = [_dosages(r) for r in CORPUS if r["resourceType"].startswith("Medication")]
    lines = [d for d in lines if d]
    assert len(lines) > 50
    nan_line = [{"doseAndRate": [{"doseQuantity": {"value": math.nan, "unit": "mg"}}]}]
    null_line: list[dict[str, Any]] = [{"doseAndRate": [{"doseQuantity": {"value": None}}]}]
    for dosages in [*lines, nan_line, null_line]:
        for strength, per_ml, mass in (
            (None, False, True),
            (50.0, False, True),
            (5.0, True, False),
        ):
            kwargs = {"strength_mg": strength, "per_ml": per_ml, "mass_applies": mass}
            fresh = daily_dose_mg(dosages, **kwargs)  # type: ignore[arg-type]
            for _ in range(2):
                assert _daily_dose_mg(dosages, **kwargs) == fresh  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("Patient/p-1", True),
        ("urn:uuid:p-1", True),
        ({"reference": "Patient/p-1"}, True),
        ("https://ehr.example/fhir/Patient/p-1", True),
        ("Patient/p-1/_history/3", True),
        ("Patient/p-1?x=1", True),
        ("Patient/p-10", False),
        ("Patient/p", False),
        ("urn:uuid:p-2", False),
        ("Group/p-1", False),
        ({"reference": 7}, False),
        (None, False),
    ],
)
def test_references_to_the_patient(reference: object, expected: bool) -> None:
    assert references_patient(reference, "p-1") is expected


def test_the_first_own_resource_decides_what_the_counts_would() -> None:
    own = {"resourceType": "Condition", "subject": {"reference": "Patient/p-1"}}
    other = {"resourceType": "Condition", "subject": {"reference": "Patient/p-2"}}
    orphan = {"resourceType": "Observation"}
    medication = {"resourceType": "Medication", "id": "m"}
    cases: list[Sequence[object]] = [
        [],
        [own],
        [other, orphan, own],
        [other, orphan],
        [medication, {"resourceType": 3}, "junk", None],
        [{"resourceType": "Patient", "id": "p-1"}, other],
        CORPUS[:300],
    ]
    for resources in cases:
        own_count, _foreign = build.patient_counts(resources, "p-1")
        assert build.has_own_resource(resources, "p-1") is (own_count > 0)

"""The first-sight speed-ups of issue 14 read exactly as the readings they shortcut.

Each shortcut is checked against the full reading over a corpus of real-shaped resources: the
benchmark's 10-year chart, the vendor-shaped charts (Epic, Oracle Health, C-CDA conversion, US
Core) and every resource in ../shared/fhir/vendor, plus hand-made edge cases (system aliases,
whitespace, wrong types). A shortcut that disagreed once would change a card.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pytest

from fhir_mapping import (
    build,
    clinical_codes,
    episodes,
    fhir_fields,
    labs,
    medications,
    scores,
    suicide_screen,
    terminology,
    tms_safety,
)
from fhir_mapping.codes import ObservationCode, observation_codes
from fhir_mapping.dose import daily_dose_mg
from fhir_mapping.episodes import build_trials
from fhir_mapping.fhir_fields import FIRST_YEAR, LAST_YEAR, references_patient
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


def test_one_walk_of_an_observations_codings_finds_what_each_reader_would() -> None:
    routed = {"scale": 0, "lab": 0, "screen": 0}
    for observation in _observations():
        scale, lab, screen = build._observation_reads(observation)
        assert scale == scores.scale_row(observation), observation.get("code")
        assert lab == labs.wants_lab(observation), observation.get("code")
        assert screen == suicide_screen.wants(observation), observation.get("code")
        full = scores.wants(observation) or labs.wants_lab(observation)
        full = full or suicide_screen.wants(observation)
        assert build._wants_observation(observation) == full, observation.get("code")
        routed["scale"] += scale is not None
        routed["lab"] += lab
        routed["screen"] += screen
    assert min(routed.values()) > 5, routed


def test_a_coding_of_one_reader_does_not_hide_anothers() -> None:
    """scores.py reads an Observation by its first tabled coding, labs.py and the C-SSRS reader
    by the first coding of their own: a PHQ-9 total coded also as TSH is both a score and a lab."""
    loinc = "http://loinc.org"
    tsh, phq9_total, cssrs = (
        {"system": loinc, "code": "3016-3"},
        {"system": loinc, "code": "44261-6"},
        {"system": loinc, "code": "93373-9"},  # C-SSRS screener
    )

    def reads(*coding: dict[str, str]) -> tuple[object, bool, bool]:
        observation = {"resourceType": "Observation", "code": {"coding": list(coding)}}
        found = build._observation_reads(observation)
        assert found[0] == scores.scale_row(observation)
        return found

    scale, lab, screen = reads(tsh, phq9_total, cssrs)
    assert scale is None and lab and screen  # the first tabled coding is a lab: no scale
    scale, lab, screen = reads(cssrs, phq9_total, tsh)
    assert scale is None and lab and screen  # the first is now the C-SSRS screener
    scale, lab, screen = reads(phq9_total, tsh)
    assert isinstance(scale, ObservationCode) and scale.concept == "phq9-total"
    assert lab and not screen


def _reference_parse_date(value: object) -> date | None:
    """fhir_fields.parse_date as it read every value before its ISO fast path (issue 14)."""
    if not isinstance(value, str) or len(value) < 4:
        return None
    try:
        year = int(value[0:4])
        month = int(value[5:7]) if len(value) >= 7 else 1
        day = int(value[8:10]) if len(value) >= 10 else 1
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        return date(year, month, day)
    except ValueError:
        return None


def _reference_medication_date(value: object) -> date | None:
    """medications.parse_date as it read every value before its ISO fast path."""
    if not isinstance(value, str) or len(value) < 4:
        return None
    parts = value[:10].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 and parts[1] else 1
        day = int(parts[2][:2]) if len(parts) > 2 and parts[2] else 1
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def _date_strings(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _date_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _date_strings(item)
    elif isinstance(node, str) and len(node) >= 4 and node[:4].isdigit():
        yield node


def test_dates_read_at_c_speed_read_as_before() -> None:
    values = sorted(set(_date_strings(CORPUS)))
    assert len(values) > 500
    values += [
        "2024", "2024-05", "2024-5-3", "2024-05-3", "2024-05-03", "2024-05-03T23:30:00-05:00",
        "2024-02-30", "2024-13-01", "0000-01-01", "0001-01-01", "9999-12-31", "1799-12-31",
        "1800-01-01", "9000-12-31", "9001-01-01", "2024-W01-1", "2024-01-0 ", "2024- 1- 3",
        "2024-0\u0661-01", "\uff12\uff10\uff12\uff14-01-01", "2024-01-01junk", "2024_01_01",
        "+2024-01-01", "20240101", "2024-01-01T", " 2024-01-01",
    ]  # fmt: skip
    for value in values:
        assert fhir_fields.parse_date(value) == _reference_parse_date(value), value
        assert medications.parse_date(value) == _reference_medication_date(value), value


def test_one_sort_of_the_medication_events_keeps_what_the_set_kept() -> None:
    """episodes._sorted_unique: exact duplicates go, keys ascend, nothing else is lost."""
    resources = [r for r in CORPUS if r["resourceType"].startswith("Medication")]
    events, _ = medications.medication_events(resources, as_of=date(2030, 1, 1))
    assert len(events) > 40
    pool = [*events, *events[::3], dataclasses.replace(events[0], refills=7)]
    unique = episodes._sorted_unique(pool)
    assert sorted((e for e, _ in unique), key=repr) == sorted(set(pool), key=repr)
    keys = [key for _, key in unique]
    assert keys == sorted(keys) and keys == [episodes._event_key(e) for e, _ in unique]
    assert build_trials(pool, as_of=date(2030, 1, 1)) == build_trials(
        events + [pool[-1]], as_of=date(2030, 1, 1)
    )


def test_remembered_procedure_terms_read_as_fresh_ones() -> None:
    samples = [(text.lower(), kind) for text, kind in _texts()] + [
        ("x" * 600 + " psychotherapy", "procedure"),  # longer than the memo takes
    ]
    for text, kind in samples:
        for applies_to in {kind, "procedure", "condition", "device", "service-request"}:
            fresh = clinical_codes._term_kinds(text, applies_to) if text else ()
            assert clinical_codes.term_kinds(text, applies_to) == fresh
            assert clinical_codes.term_kinds(text, applies_to) == fresh


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

"""A fill of a drug read only with another (lisinopril with lithium), deferred like an earlier
fill of the same concept and order without its checks (conditional_fills.py, issue 14 perf16),
reads exactly as when every fill is checked: with and without the lithium that makes it read."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest

from bench.bodies import FIXTURES_AS_OF
from fhir_mapping import conditional_fills, medications
from fhir_mapping.medications import medication_events
from tests.fixtures import sizes


def _chart() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    prefetch = sizes.ten_year()["prefetch"]
    found = [
        entry["resource"]
        for value in prefetch.values()
        if isinstance(value, dict) and value.get("resourceType") == "Bundle"
        for entry in value.get("entry", [])
        if entry["resource"]["resourceType"].startswith("Medication")
    ]
    conditions = [entry["resource"] for entry in prefetch["conditions"]["entry"]]
    return found, conditions


def _lisinopril(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        r
        for r in resources
        if "lisinopril" in str(r.get("medicationCodeableConcept", {}).get("text", "")).lower()
    ]


def _with_lithium(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chart with one of its lisinopril orders written as lithium carbonate 300 mg: a
    partner that makes every lisinopril record read."""
    changed = copy.deepcopy(resources)
    order = next(r for r in _lisinopril(changed) if r["resourceType"] == "MedicationRequest")
    order["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "197891",
                "display": "lithium carbonate 300 MG Oral Capsule",
            }
        ],
        "text": "lithium carbonate 300 MG Oral Capsule",
    }
    return changed


def _with_conflict(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chart with a lisinopril fill, after others of its concept and order, named as
    sertraline under lisinopril's code: a gap of its own, never deferred as the others were."""
    changed = copy.deepcopy(resources)
    fills = [r for r in _lisinopril(changed) if r["resourceType"] == "MedicationDispense"]
    fills[5]["medicationCodeableConcept"] = {
        **fills[5]["medicationCodeableConcept"],
        "text": "sertraline 50 MG Oral Tablet",
    }
    return changed


def _read(
    resources: list[dict[str, Any]], conditions: list[dict[str, Any]]
) -> tuple[list[Any], list[Any]]:
    return medication_events(resources, as_of=FIXTURES_AS_OF, unique=True, chart=conditions)


def _unkeyed(resource: Mapping[str, Any], look: Any) -> None:
    return None


@pytest.mark.parametrize("variant", ["as sent", "with lithium", "with a conflict"])
def test_deferred_alike_reads_as_every_fill_checked(
    variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    resources, conditions = _chart()
    if variant == "with lithium":
        resources = _with_lithium(resources)
    elif variant == "with a conflict":
        resources = _with_conflict(resources)
    fast = _read(resources, conditions)
    monkeypatch.setattr(medications, "conditional_key", _unkeyed)  # every fill checked
    full = _read(resources, conditions)
    assert fast == full
    lisinopril = [e for e in fast[0] if e.ingredient == "lisinopril"]
    if variant == "with lithium":  # every lisinopril order and fill read beside the lithium
        assert len(lisinopril) >= len(_lisinopril(resources)) - 1
    else:
        assert lisinopril == []


def test_a_fill_by_reference_or_stated_form_is_not_keyed() -> None:
    resources, _ = _chart()
    fill = next(r for r in _lisinopril(resources) if r["resourceType"] == "MedicationDispense")
    look = medications.drug_look(fill)
    assert conditional_fills.conditional_key(fill, look) is not None
    by_reference = {**fill, "medicationReference": {"reference": "Medication/m1"}}
    assert conditional_fills.conditional_key(by_reference, look) is None
    assert conditional_fills.conditional_key(fill, None) is None

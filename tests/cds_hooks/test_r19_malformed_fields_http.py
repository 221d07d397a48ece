"""Review 19 R2 W1 and W2 through HTTP: one malformed field in one resource answered a 500 (no
cards at all, the safety cards with them).

W1: a lab Observation whose `interpretation` is `true` or `7` raised in lab_values.py; one sent
as a single CodeableConcept (STU3's shape) was walked key by key and its flag quietly lost. Now a
lone object is a list of one and anything else no interpretation (fhir_fields.one_or_many).

W2: a search Bundle's OperationOutcome with `issue.severity` sent as a list (or an object) raised
in the set lookup (search_bundles.outcome_failure, outcome_issues.withheld_codes). A severity
that is not a string now fails the search: the safer reading, the key's data is not available
(never "none on record").

Charts: tests/fixtures/patients/order_select_failed_class (the review's own), moved in time so that
today is its as-of date, and tests/services/leftover17_charts/conditions_withheld_patient_view.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.date_shift import days_between, shift_json
from cds_hooks.fhir_data.outcome_issues import failed_severity, withheld_codes
from cds_hooks.fhir_data.search_bundles import outcome_failure
from cds_hooks.offline import evaluate_document
from fhir_mapping import lab_values
from fhir_mapping.record import DataDomain
from services.policy import Policy

TESTS = Path(__file__).resolve().parents[1]
PATIENTS = TESTS / "fixtures" / "patients"
WITHHELD = TESTS / "services" / "leftover17_charts" / "conditions_withheld_patient_view.json"
CREATININE = "2160-0"
PATHS = {
    "patient-view": "/cds-services/trd-patient-view",
    "order-select": "/cds-services/trd-order-select",
}
Doc = dict[str, Any]


def _today() -> date:
    return datetime.now(UTC).date()


def _request(name: str, as_of: date) -> Doc:
    doc: Doc = json.loads((PATIENTS / name).read_text("utf-8"))
    shifted: Doc = shift_json(doc, days_between(as_of, datetime.now(UTC).date()))
    return shifted


def _entries(doc: Doc) -> list[Doc]:
    return [
        entry["resource"]
        for value in doc["prefetch"].values()
        if isinstance(value, dict) and value.get("resourceType") == "Bundle"
        for entry in value.get("entry", [])
    ]


def _creatinine(doc: Doc) -> Doc:
    (found,) = [
        r
        for r in _entries(doc)
        if r["resourceType"] == "Observation"
        and any(c.get("code") == CREATININE for c in r["code"]["coding"])
    ]
    return found


def _cards(client: TestClient, doc: Doc) -> list[tuple[str, str, str]]:
    response = client.post(PATHS[doc["hook"]], json=doc)
    assert response.status_code == 200, response.text
    return [(c["indicator"], c["summary"], c["detail"]) for c in response.json()["cards"]]


# --- W1 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "order_select_failed_class.request.json",
        "order_select_failed_class.order-select.request.json",
    ],
)
@pytest.mark.parametrize("interpretation", [True, 7, 0.5, "H", None])
def test_a_lab_interpretation_of_another_json_type_is_no_500(
    client: TestClient, name: str, interpretation: object
) -> None:
    """`true` (or a number, a string) in place of the list: no interpretation, the lab read by
    its range, and every card the unbroken chart gets."""
    doc = _request(name, date(2025, 6, 2))
    expected = _cards(client, copy.deepcopy(doc))
    assert expected, "the chart must answer cards, or the check below proves nothing"
    creatinine = _creatinine(doc)
    creatinine["interpretation"] = interpretation
    # A changed resource has a new version (R4 Resource.meta): not the cached evaluation.
    creatinine["meta"]["versionId"] = "2"
    assert _cards(client, doc) == expected


def test_a_lone_interpretation_object_keeps_its_flag() -> None:
    """STU3 sends `interpretation` as one CodeableConcept: walked key by key, its "H" was lost
    and the value judged by the range alone (or not at all when there is none)."""
    lone = {"coding": [{"system": "x", "code": "H"}], "text": "High"}
    assert lab_values._interpretation_flag({"interpretation": lone}) == "high"
    assert lab_values._interpretation_flag({"interpretation": [lone]}) == "high"
    for other in (True, 7, 0.5, "H", None, [], {}):
        assert lab_values._interpretation_flag({"interpretation": other}) is None


def test_a_lone_reference_range_object_is_read() -> None:
    """`referenceRange` sent as one object: a range, not keys to skip; `true` is no range."""
    lone = {"low": {"value": 0.6, "unit": "mg/dL"}, "high": {"value": 1.2, "unit": "mg/dL"}}
    assert lab_values._range_flag({"referenceRange": lone}, 2.4, "mg/dL") == "high"
    assert lab_values.range_high({"referenceRange": lone}, "mg/dL") == 1.2
    for other in (True, 7, "0.6-1.2"):
        assert lab_values._range_flag({"referenceRange": other}, 2.4, "mg/dL") is None


@pytest.mark.parametrize("comparator", [[], {"x": 1}, True, 5])
def test_a_comparator_of_another_json_type_leaves_the_value_unread(comparator: object) -> None:
    """A list in `valueQuantity.comparator` met the frozenset of comparators: unhashable."""
    part = {"valueQuantity": {"value": 1.4, "unit": "mg/dL", "comparator": comparator}}
    assert lab_values._value(part, "creatinine") == (None, None, None)


# --- W2 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("severity", "failed"),
    [
        ("error", True),
        ("fatal", True),
        ("warning", False),
        ("information", False),
        (None, False),  # absent: a warning, as outcome_issues.counts reads it
        ([], True),
        (["error"], True),
        ({"code": "error"}, True),
        (5, True),
        (True, True),
    ],
)
def test_a_severity_that_is_no_string_fails_the_search(severity: object, failed: bool) -> None:
    issue: dict[str, object] = {"code": "suppressed"}
    if severity is not None:
        issue["severity"] = severity
    outcome = {"resourceType": "OperationOutcome", "issue": [issue]}
    assert failed_severity(severity) is failed
    assert outcome_failure([outcome]) == ("suppressed" if failed else None)
    # A failed issue says nothing of withheld results: the search failed as a whole.
    assert withheld_codes([outcome]) == (None if failed else "suppressed")


def _withheld_chart() -> Doc:
    """Its `conditions` and `labs` Bundles each hold an OperationOutcome `suppressed`
    (information) beside their results."""
    doc: Doc = json.loads(WITHHELD.read_text("utf-8"))
    shifted: Doc = shift_json(doc, days_between(date(2026, 12, 1), datetime.now(UTC).date()))
    return shifted


def _outcome(doc: Doc, key: str) -> Doc:
    (found,) = [
        e["resource"]
        for e in doc["prefetch"][key]["entry"]
        if e["resource"]["resourceType"] == "OperationOutcome"
    ]
    return found


@pytest.mark.parametrize("severity", [[], {"a": 1}, 5])
def test_an_outcome_severity_of_another_json_type_is_no_500(
    client: TestClient, severity: object
) -> None:
    """With its severity a list, the `labs` outcome was a 500; now the labs search counts as
    failed and, with no fhirServer to ask again, the labs could not be read (a domain gap, said
    on a card whose conclusion labs could change: since the chart's two failed trials count as
    failed whatever the days since its last fill (fix20-gap-trials), that is the TSH line, which
    cannot say "no TSH" with the labs unread; every other card is the same)."""
    doc = _withheld_chart()
    expected = _cards(client, copy.deepcopy(doc))
    _outcome(doc, "labs")["issue"][0]["severity"] = severity  # no meta: named by content
    got = _cards(client, doc)
    added = [c for c in got if c not in expected]
    assert [c for c in got if c in expected] == [c for c in expected if "TSH" not in c[1]]
    assert [(i, summary) for i, summary, _ in added] == [
        (
            # A warning: the card also carries the chart's withheld conditions, where a
            # self-harm diagnosis cannot be ruled out (review K59b finding 4, fix gap64).
            "warning",
            # A failed read, not a key not sent (review s21 RI finding 12).
            "TSH not known (lab results could not be read) after 2 adequate trials failed: "
            "check it in the chart",
        )
    ]
    assert "Labs not (fully) available" in added[0][2]
    record = evaluate_document(doc, hook="patient-view", as_of=_today(), policy=Policy())
    (labs,) = [g for g in record.evaluation.record.gaps if g.domain is DataDomain.LABS]
    assert labs.whole_domain
    assert (
        "prefetch key 'labs': the EHR's prefetch search failed (OperationOutcome: suppressed)"
        in labs.reason
    )


def test_a_required_keys_outcome_severity_of_another_json_type_is_a_412(
    client: TestClient,
) -> None:
    """`conditions` is required: its search failed and there is no fhirServer to ask again,
    so a 412 naming the key and why, never cards read from "no diagnoses on record"."""
    doc = _withheld_chart()
    _outcome(doc, "conditions")["issue"][0]["severity"] = ["information"]
    response = client.post(PATHS["patient-view"], json=doc)
    assert response.status_code == 412, response.text
    assert "conditions" in response.text
    assert "the EHR's prefetch search failed (OperationOutcome: suppressed)" in response.text

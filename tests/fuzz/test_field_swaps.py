"""Type confusion, swept field by field: every field name below, given a value of each other JSON
type, on every resource of a chart at once (added where absent) and wherever it appears deeper
(replaced), the chart evaluated in-process as the service does (cds_hooks/offline.py: the
prefetch gathered, the record built, the hook's rules run).

The hypothesis tests (test_hypothesis.py) break one sampled place per example; a crash that needs
one particular field to hold one particular type (review 19 R2: `Observation.interpretation:
true`, an OperationOutcome `issue.severity: []`, found once in 10,300 random swaps) is found
here every time. Each field's swap is one evaluation, so the sweep stays in seconds.

Every answer is a CDS Hooks response that keeps the protocol's rules, or the refusal a request
without its required data gets (OfflineInputError: a 412 over HTTP); never an exception.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import OfflineInputError, evaluate_document
from services.policy import Policy
from tests.cds_hooks.test_spec_examples import assert_spec_invariants

TESTS = Path(__file__).resolve().parents[1]
# Together: every prefetch key, draft orders, labs with ranges and interpretations, PHQ-9 panels,
# Encounters, Procedures, a QuestionnaireResponse, ServiceRequests, OperationOutcomes in search
# Bundles, Medications referenced by orders.
CHARTS = {
    "order-select": TESTS / "fixtures/patients/order_select_failed_class.order-select.request.json",
    "medication-reference": TESTS / "fixtures/patients/medication_reference.request.json",
    "outcomes": TESTS / "services/leftover17_charts/conditions_withheld_patient_view.json",
    "questionnaire": TESTS / "services/review17_charts/d07_qr_lhc_loinc_items.json",
    "service-request": TESTS / "services/review17_charts/a18_osa_cpap_dme_order_e0601.json",
}
# FHIR element names the mapping and the prefetch reading walk, lists and objects above all
# (where `for x in value or ()` and `value in {...}` broke), and the codes read by set lookup.
FIELDS = [
    "interpretation",
    "referenceRange",
    "component",
    "hasMember",
    "derivedFrom",
    "valueQuantity",
    "comparator",
    "issue",
    "severity",
    "link",
    "entry",
    "search",
    "mode",
    "total",
    "status",
    "intent",
    "category",
    "code",
    "coding",
    "system",
    "subject",
    "reference",
    "diagnosis",
    "item",
    "answer",
    "extension",
    "url",
    "medicationReference",
    "medicationCodeableConcept",
    "contained",
    "dosageInstruction",
    "doseAndRate",
    "clinicalStatus",
    "verificationStatus",
    "reasonCode",
    "statusReason",
    "period",
    "effectivePeriod",
]
# One value of each JSON type a field can wrongly hold (null is absent, read everywhere).
WRONG: list[Any] = [True, 7, "x", {"x": 1}, ["x"]]
AS_OF = date(2026, 12, 1)


def _charts() -> dict[str, dict[str, Any]]:
    return {name: json.loads(path.read_text("utf-8")) for name, path in CHARTS.items()}


_LOADED = _charts()


def _put(node: Any, field: str, value: Any) -> None:
    """`field` set to `value` on every resource (a dict with a resourceType) and replaced on every
    other dict that has it, at any depth."""
    if isinstance(node, dict):
        resource = isinstance(node.get("resourceType"), str)
        for key, item in list(node.items()):
            if key != field:
                _put(item, field, value)
        if resource or field in node:
            node[field] = copy.deepcopy(value)
    elif isinstance(node, list):
        for item in node:
            _put(item, field, value)


def _swapped(chart: str, field: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(_LOADED[chart])
    _put(doc["prefetch"], field, value)
    drafts = doc["context"].get("draftOrders")
    if drafts is not None:
        _put(drafts, field, value)
    return doc


def test_the_charts_answer_cards_unbroken() -> None:
    """The base the sweep breaks: each chart is answered (an unanswered chart would test little)."""
    for name, doc in _LOADED.items():
        result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
        assert result.response.to_json()["cards"] or name == "outcomes", name


@pytest.mark.parametrize("chart", sorted(CHARTS))
@pytest.mark.parametrize("field", FIELDS)
def test_a_field_of_each_wrong_json_type_is_answered(chart: str, field: str) -> None:
    for value in WRONG:
        doc = _swapped(chart, field, value)
        try:
            result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
        except OfflineInputError:
            continue  # a required key without its data: a 412 over HTTP, named
        body = result.response.to_json()
        assert_spec_invariants(body)


def test_the_sweep_reaches_the_fields_of_review_19() -> None:
    """The swaps land where review 19 R2's crashes were: a lab's interpretation, a search
    Bundle's OperationOutcome severity, a prefetch Bundle's link (a check on `_put`)."""
    doc = _swapped("outcomes", "severity", [])
    (outcome,) = [
        e["resource"]
        for e in doc["prefetch"]["labs"]["entry"]
        if e["resource"]["resourceType"] == "OperationOutcome"
    ]
    assert outcome["issue"][0]["severity"] == []
    doc = _swapped("order-select", "interpretation", True)
    labs = [e["resource"] for e in doc["prefetch"]["labs"]["entry"]]
    assert labs and all(r["interpretation"] is True for r in labs)
    doc = _swapped("order-select", "link", 7)
    assert doc["prefetch"]["labs"]["link"] == 7

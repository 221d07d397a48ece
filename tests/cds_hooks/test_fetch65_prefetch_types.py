"""Fix fetch65 (review K65a leftover 3): a resource of a type another key of the service searches
(a MedicationStatement), marked `include` inside the medicationRequests prefetch, was read as
data; fetch64's rule for a searched answer (another type than searched: not used, named) now
holds for it too (cds_hooks/fhir_data/prefetch_types.py). What the orders point at (Medication,
Patient, Encounter) stays read, and no template of the service has an `_include` or
`_revinclude` that could make such an entry legitimate (checked here, so a template that adds
one must revisit the rule)."""

from __future__ import annotations

from typing import Any

from fhir_mapping.gaps import feed
from services import catalog
from tests.cds_hooks.test_prefetch_wrong_type import (
    MEDICATION,
    ORDER,
    PATIENT,
    _gather,
    _ids,
    _request,
)

STATEMENT = {
    "resourceType": "MedicationStatement",
    "id": "ms1",
    "status": "active",
    "medicationCodeableConcept": {"text": "sertraline 50 mg"},
    "subject": {"reference": "Patient/p1"},
}
ENCOUNTER = {"resourceType": "Encounter", "id": "e1", "status": "finished", "class": {}}
TEMPLATES = (
    ("patient", "Patient/{{context.patientId}}"),
    ("medicationRequests", "MedicationRequest?patient={{context.patientId}}"),
    ("medicationStatements", "MedicationStatement?patient={{context.patientId}}"),
    ("encounters", "Encounter?patient={{context.patientId}}"),
)


def _included(*resources: dict[str, Any]) -> dict[str, Any]:
    entries = [{"resource": ORDER}]
    entries += [{"resource": r, "search": {"mode": "include"}} for r in resources]
    return {"resourceType": "Bundle", "type": "searchset", "total": 1, "entry": entries}


def test_no_template_of_the_service_includes_another_type() -> None:
    for service in catalog.services():
        for key, template in service.prefetch:
            assert "_include" not in template and "_revinclude" not in template, key


def test_a_statement_marked_include_in_the_orders_is_not_read_and_named() -> None:
    request = _request({"medicationRequests": _included(STATEMENT, MEDICATION)})
    result = _gather(request, templates=TEMPLATES)
    assert "MedicationStatement/ms1" not in _ids(result)
    assert {"MedicationRequest/mr1", "Medication/m1"} <= set(_ids(result))
    said = result.incomplete[feed("MedicationRequest", "medicationRequests")]
    assert "holds MedicationStatement, not MedicationRequest: not read" in said


def test_only_a_statement_marked_include_is_a_failed_prefetch() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": STATEMENT, "search": {"mode": "include"}}],
    }
    result = _gather(_request({"medicationRequests": bundle}), templates=TEMPLATES)
    assert result.missing["medicationRequests"].startswith(
        "the prefetched value holds MedicationStatement, not MedicationRequest"
    )


def test_what_the_orders_point_at_stays_read() -> None:
    request = _request({"medicationRequests": _included(MEDICATION, ENCOUNTER, PATIENT)})
    result = _gather(request, templates=TEMPLATES)
    assert {"MedicationRequest/mr1", "Medication/m1", "Encounter/e1"} <= set(_ids(result))
    assert result.incomplete == {}

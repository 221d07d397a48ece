"""Review s24 W2: a prefetch key holding the wrong resource type is a failed prefetch, not "no data".

`conditions` holding a Patient (or a Bundle of Observations) was read as no diagnoses, and the
bipolar "no mood stabiliser" card vanished. Each key's type is its catalog template's
(services/catalog.py, read by prefetch._kind_of_key); a value holding none of it is fetched when
a FHIR server may be asked, else missing with what it holds ("holds Patient, not Condition"); a
Bundle mixing its own type with others keeps its own and counts the rest. The chart-level
behaviour (412, cards) is pinned in tests/services/test_prefetch_edges.py.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cds_hooks.fhir_data.fhir_source import InMemoryFhirSource
from cds_hooks.fhir_data.prefetch import gather
from cds_hooks.models import HookRequest
from fhir_mapping.gaps import feed
from services import catalog

TEMPLATES = (
    ("patient", "Patient/{{context.patientId}}"),
    ("medicationRequests", "MedicationRequest?patient={{context.patientId}}"),
    ("conditions", "Condition?patient={{context.patientId}}"),
)
PATIENT = {"resourceType": "Patient", "id": "p1"}
CONDITION = {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"}}
OBSERVATION = {
    "resourceType": "Observation",
    "id": "o1",
    "status": "final",
    "code": {"text": "PHQ-9"},
    "subject": {"reference": "Patient/p1"},
}
ORDER = {
    "resourceType": "MedicationRequest",
    "id": "mr1",
    "status": "active",
    "intent": "order",
    "medicationReference": {"reference": "Medication/m1"},
    "subject": {"reference": "Patient/p1"},
}
MEDICATION = {"resourceType": "Medication", "id": "m1", "code": {"text": "sertraline 50 mg"}}


def _request(prefetch: dict[str, Any]) -> HookRequest:
    return HookRequest.model_validate(
        {
            "hook": "patient-view",
            "hookInstance": "h",
            "context": {"patientId": "p1"},
            "prefetch": {"patient": PATIENT, "medicationRequests": None, **prefetch},
        }
    )


def _gather(
    request: HookRequest,
    source: Any = None,
    templates: tuple[tuple[str, str], ...] = TEMPLATES,
) -> Any:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return gather(
            templates,
            request,
            source=source,
            source_problem=None if source is not None else "no fhirServer",
            executor=pool,
            budget_seconds=5,
        )


def _bundle(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "entry": list(entries)}


def _ids(result: Any) -> list[str]:
    return sorted(f"{r['resourceType']}/{r['id']}" for r in result.resources)


def test_a_patient_under_conditions_is_missing_naming_what_it_holds() -> None:
    stray = {"resourceType": "Patient", "id": "p1", "birthDate": "1980-01-01"}
    result = _gather(_request({"conditions": stray}))
    assert result.missing == {
        "conditions": "the prefetched value holds Patient, not Condition; no fhirServer"
    }
    # Tried and failed, not data never offered: named on every card it touches.
    assert feed("Condition", "conditions") in result.read_failed
    assert _ids(result) == ["Patient/p1"]  # the `patient` key's, not the stray one
    assert all(r is not stray for r in result.resources)


def test_a_bundle_of_observations_under_conditions_is_missing() -> None:
    result = _gather(_request({"conditions": _bundle({"resource": OBSERVATION})}))
    assert result.missing == {
        "conditions": "the prefetched value holds Observation, not Condition; no fhirServer"
    }
    assert _ids(result) == ["Patient/p1"]


def test_a_wrong_type_is_fetched_when_the_server_may_be_asked() -> None:
    source = InMemoryFhirSource([CONDITION, OBSERVATION, PATIENT])
    result = _gather(_request({"conditions": {"resourceType": "Patient", "id": "p1"}}), source)
    assert source.queries == ["Condition?patient=p1"]
    assert result.fetched == ["conditions"]
    assert result.missing == {}
    assert _ids(result) == ["Condition/c1", "Patient/p1"]


def test_a_mixed_bundle_keeps_its_own_type_and_counts_the_others() -> None:
    value = _bundle({"resource": CONDITION}, {"resource": OBSERVATION})
    result = _gather(_request({"conditions": value}))
    assert result.missing == {}
    assert _ids(result) == ["Condition/c1", "Patient/p1"]
    assert result.skipped == 1
    assert result.incomplete == {
        feed("Condition", "conditions"): (
            "1 entry of the prefetched 'conditions' Bundle holds Observation, not Condition: "
            "not read"
        )
    }


def test_included_entries_and_medications_travel_with_their_key() -> None:
    """A Medication beside its order (with or without search.mode), and anything sent as an
    `include`, are not of another type: nothing left out, nothing incomplete."""
    orders = _bundle(
        {"resource": ORDER, "search": {"mode": "match"}},
        {"resource": MEDICATION},
        {"resource": PATIENT | {"id": "p1-include"}, "search": {"mode": "include"}},
    )
    result = _gather(_request({"medicationRequests": orders, "conditions": None}))
    assert result.missing == {}
    assert result.incomplete == {}
    assert result.skipped == 0
    assert _ids(result) == [
        "Medication/m1",
        "MedicationRequest/mr1",
        "Patient/p1",
        "Patient/p1-include",
    ]


def test_empty_searchsets_and_own_keys_are_unchanged() -> None:
    result = _gather(
        _request({"conditions": _bundle(), "Observation": _bundle({"resource": OBSERVATION})})
    )
    assert result.missing == {}
    assert result.incomplete == {}
    assert _ids(result) == ["Observation/o1", "Patient/p1"]


def test_a_bare_list_of_the_wrong_type_is_missing() -> None:
    result = _gather(_request({"conditions": [OBSERVATION]}))
    assert result.missing == {
        "conditions": "the prefetched value holds Observation, not Condition; no fhirServer"
    }


def test_the_key_types_are_the_catalog_templates() -> None:
    """No second list: `labs` is an Observation key because its catalog template asks for
    Observations, `procedures` a Procedure key likewise."""
    (service,) = [s for s in catalog.services() if s.id == "trd-patient-view"]
    request = _request(
        {
            "conditions": _bundle({"resource": CONDITION}),
            "labs": _bundle({"resource": CONDITION | {"id": "c2"}}),
            "procedures": {"resourceType": "Patient", "id": "p1"},
        }
    )
    result = _gather(request, templates=service.prefetch)
    assert result.missing["labs"].startswith(
        "the prefetched value holds Condition, not Observation"
    )
    assert result.missing["procedures"].startswith(
        "the prefetched value holds Patient, not Procedure"
    )
    assert "conditions" not in result.missing


# --- review s24 RB findings 6 and 7 ------------------------------------------------------------

NOTICE = {
    "resourceType": "OperationOutcome",
    "issue": [
        {
            "severity": "information",
            "code": "informational",
            "details": {"coding": [{"code": "4119"}], "text": "may not contain the entire record"},
        }
    ],
}


def test_an_operation_outcome_in_a_bare_list_is_left_out_as_in_a_bundle() -> None:
    """Finding 6: a bare list of Conditions with an Epic 4119 notice said "1 entry of the
    prefetched 'conditions' list holds OperationOutcome, not Condition"."""
    result = _gather(_request({"conditions": [CONDITION, NOTICE]}))
    assert result.missing == {}
    assert result.incomplete == {}
    assert result.skipped == 0
    assert _ids(result) == ["Condition/c1", "Patient/p1"]


def test_an_error_outcome_in_a_bare_list_is_a_failed_search() -> None:
    error = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "exception"}],
    }
    result = _gather(_request({"conditions": [CONDITION, error]}))
    assert "conditions" in result.missing
    assert "Condition/c1" not in _ids(result)


def test_a_bundle_holding_only_an_included_medication_is_an_empty_search() -> None:
    """Finding 7: `medicationRequests` total 0 with only the Medication its _include brought
    was a 412 "holds Medication, not MedicationRequest"."""
    bundle = _bundle({"resource": MEDICATION, "search": {"mode": "include"}}) | {"total": 0}
    result = _gather(_request({"medicationRequests": bundle, "conditions": _bundle()}))
    assert result.missing == {}
    assert result.incomplete == {}
    plain = _bundle({"resource": MEDICATION})  # no search.mode: a match, but a companion
    assert _gather(_request({"medicationRequests": plain, "conditions": _bundle()})).missing == {}


def test_an_included_patient_beside_no_match_is_an_empty_search_too() -> None:
    bundle = _bundle({"resource": PATIENT, "search": {"mode": "include"}})
    assert _gather(_request({"conditions": bundle})).missing == {}
    # A match entry of another type still makes the key a wrong type.
    result = _gather(_request({"conditions": _bundle({"resource": OBSERVATION})}))
    assert "holds Observation, not Condition" in result.missing["conditions"]

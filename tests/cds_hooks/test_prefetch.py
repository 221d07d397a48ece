"""The five prefetch cases, template rendering and resource extraction (CDS Hooks 2.0.1)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from cds_hooks.fhir_data.fhir_source import FhirUnavailable, InMemoryFhirSource, url_allowed
from cds_hooks.fhir_data.prefetch import gather, render_template, resources_in
from cds_hooks.models import HookRequest

TEMPLATES = (
    ("patient", "Patient/{{context.patientId}}"),
    ("conditions", "Condition?patient={{context.patientId}}"),
    ("observations", "Observation?patient={{context.patientId}}&code=http://loinc.org|44261-6"),
)
CONDITION = {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"}}
OBSERVATION = {"resourceType": "Observation", "id": "o1", "status": "final"}
PATIENT = {"resourceType": "Patient", "id": "p1"}


def _request(prefetch: dict[str, Any] | None, **context: Any) -> HookRequest:
    return HookRequest.model_validate(
        {
            "hook": "patient-view",
            "hookInstance": "h",
            "context": {"patientId": "p1", **context},
            "prefetch": prefetch,
        }
    )


def _gather(request: HookRequest, source: Any = None, problem: str | None = "no server") -> Any:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return gather(
            TEMPLATES,
            request,
            source=source,
            source_problem=problem,
            executor=pool,
            budget_seconds=5,
        )


def _searchset(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }


def test_render_template_fills_context_tokens() -> None:
    assert (
        render_template("Condition?patient={{context.patientId}}", _request(None))
        == "Condition?patient=p1"
    )
    assert render_template("Encounter/{{context.encounterId}}", _request(None)) is None
    assert (
        render_template(
            "Practitioner/{{userPractitionerId}}", _request(None, userId="Practitioner/9")
        )
        == "Practitioner/9"
    )


def test_present_keys_are_used_and_a_single_resource_is_read() -> None:
    request = _request(
        {
            "patient": PATIENT,
            "conditions": _searchset(CONDITION),
            "observations": _searchset(OBSERVATION),
        }
    )
    result = _gather(request)
    assert sorted(r["resourceType"] for r in result.resources) == [
        "Condition",
        "Observation",
        "Patient",
    ]
    assert result.missing == {}


def test_keys_swapped_by_the_ehr_are_failed_prefetches_not_no_data() -> None:
    """Review s24 W2: the Condition under `observations` and the Observation under `conditions`
    (an EHR mapping error) were read as they came, so `conditions` read as "no diagnoses" had
    it held only Patients. A service key holding none of its template's type is now a failed
    prefetch, named by what it holds (tests/cds_hooks/test_prefetch_wrong_type.py)."""
    request = _request(
        {
            "patient": PATIENT,
            "conditions": _searchset(OBSERVATION),
            "observations": _searchset(CONDITION),
        }
    )
    result = _gather(request)
    assert [r["resourceType"] for r in result.resources] == ["Patient"]
    assert result.missing == {
        "conditions": "the prefetched value holds Observation, not Condition; no server",
        "observations": "the prefetched value holds Condition, not Observation; no server",
    }


def test_absent_key_is_fetched_from_the_source() -> None:
    source = InMemoryFhirSource([CONDITION, OBSERVATION, PATIENT])
    result = _gather(
        _request({"patient": PATIENT, "conditions": _searchset(CONDITION)}),
        source=source,
        problem=None,
    )
    assert source.queries == ["Observation?patient=p1&code=http://loinc.org|44261-6"]
    assert result.fetched == ["observations"]
    assert {r["id"] for r in result.resources} == {"p1", "c1", "o1"}


def test_null_key_means_no_data_and_is_not_fetched() -> None:
    source = InMemoryFhirSource([CONDITION])
    result = _gather(
        _request({"patient": PATIENT, "conditions": None, "observations": None}),
        source=source,
        problem=None,
    )
    assert source.queries == []
    assert result.missing == {}
    assert [r["resourceType"] for r in result.resources] == ["Patient"]


def test_empty_bundle_is_no_data() -> None:
    result = _gather(
        _request(
            {
                "patient": PATIENT,
                "conditions": _searchset(),
                "observations": {"resourceType": "Bundle"},
            }
        )
    )
    assert result.missing == {}
    assert len(result.resources) == 1


def test_operation_outcome_in_place_of_data_is_fetched() -> None:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "timeout"}],
    }
    source = InMemoryFhirSource([CONDITION])
    result = _gather(
        _request({"patient": PATIENT, "conditions": outcome, "observations": None}),
        source=source,
        problem=None,
    )
    assert source.queries == ["Condition?patient=p1"]
    assert [r["id"] for r in result.resources] == ["p1", "c1"]


def test_operation_outcome_without_server_is_missing() -> None:
    outcome = {"resourceType": "OperationOutcome", "issue": []}
    result = _gather(
        _request({"patient": PATIENT, "conditions": outcome, "observations": None}),
        problem="no fhirServer",
    )
    # What was wrong with the prefetched value comes first (review 16 W3).
    assert result.missing == {
        "conditions": "the EHR sent an OperationOutcome in place of data; no fhirServer"
    }


def test_absent_keys_without_server_are_missing_with_the_reason() -> None:
    result = _gather(
        _request({"patient": PATIENT}), problem="fhirServer is not on this service's allowlist"
    )
    assert result.missing == {
        "conditions": "fhirServer is not on this service's allowlist",
        "observations": "fhirServer is not on this service's allowlist",
    }


def test_server_failure_marks_the_key_missing() -> None:
    class Failing:
        def search(self, query: str, *, deadline: float) -> list[dict[str, Any]]:
            raise FhirUnavailable("the FHIR server answered HTTP 503")

    result = _gather(
        _request({"patient": PATIENT, "conditions": None}), source=Failing(), problem=None
    )
    assert result.missing == {"observations": "FHIR server: the FHIR server answered HTTP 503"}


def test_outcome_entries_and_junk_are_not_resources() -> None:
    bundle = {
        "resourceType": "Bundle",
        "entry": [
            {"resource": CONDITION},
            {"resource": {"resourceType": "OperationOutcome"}, "search": {"mode": "outcome"}},
            {"fullUrl": "urn:uuid:x"},
            "junk",
        ],
    }
    resources, skipped = resources_in(bundle)
    assert resources == [CONDITION]
    assert skipped == 2


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("https://fhir.example.org/r4", True),
        ("https://fhir.example.org/r4/", True),
        ("https://fhir.example.org/r4/Patient", True),
        ("https://fhir.example.org/r4x", False),
        ("https://fhir.example.org/", False),
        ("http://fhir.example.org/r4", False),
        ("https://fhir.example.org:8443/r4", False),
        ("https://evil.example.org/r4", False),
        ("https://fhir.example.org@evil.example.org/r4", False),
        ("https://user@fhir.example.org/r4", False),
        ("file:///etc/passwd", False),
        ("gopher://fhir.example.org/r4", False),
    ],
)
def test_url_allowlist(url: str, allowed: bool) -> None:
    assert url_allowed(url, ("https://fhir.example.org/r4",)) is allowed


def test_default_allowlist_is_loopback_only() -> None:
    from cds_hooks.config.settings import FhirSettings

    prefixes = FhirSettings().allowed_servers
    assert url_allowed("http://127.0.0.1:8090/fhir", prefixes)
    assert url_allowed("http://localhost:8090/fhir", prefixes)
    assert not url_allowed("http://10.0.0.5/fhir", prefixes)
    assert not url_allowed("http://169.254.169.254/latest/meta-data", prefixes)


def test_explicit_default_port_matches() -> None:
    assert url_allowed("https://fhir.example.org:443/r4", ("https://fhir.example.org/r4",))
    assert not url_allowed("https://fhir.example.org:99999/r4", ("https://fhir.example.org/r4",))


def test_ehr_named_keys_cover_our_keys_by_the_same_query() -> None:
    # AHRQ-style prefetch: keys named after resource types (all of that type: the same query
    # as ours, or a wider one), one of them an empty Bundle.
    request = _request(
        {
            "Patient": PATIENT,
            "Condition": {"resourceType": "Bundle", "type": "searchset", "entry": []},
            "Observation": _searchset(OBSERVATION),
        }
    )
    source = InMemoryFhirSource([CONDITION])
    result = _gather(request, source=source, problem=None)
    assert source.queries == []
    assert result.missing == {}
    assert {r["id"] for r in result.resources} == {"p1", "o1"}


def test_empty_bundle_self_link_names_its_type() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "link": [{"relation": "self", "url": "https://ehr.example/fhir/Condition?patient=p1"}],
    }
    result = _gather(
        _request({"patient": PATIENT, "whatever": bundle, "observations": None}), problem="none"
    )
    assert result.missing == {}


PHQ9_TOTAL = {
    "resourceType": "Observation",
    "id": "t1",
    "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
}
ITEM9 = {
    "resourceType": "Observation",
    "id": "i9",
    "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "44260-8"}]},
    "valueInteger": 2,
}


@pytest.mark.parametrize(
    "own",
    [
        # An EHR's own vital-signs key: Observations, but not the service's scores query.
        {"vitalSigns": _searchset(OBSERVATION)},
        # PHQ-9 totals only: item 9, on the server, is not among them.
        {"phq9": _searchset(PHQ9_TOTAL)},
        # An empty search whose self link filters by a code: no blood pressure, not "no scores".
        {
            "bp": {
                "resourceType": "Bundle",
                "type": "searchset",
                "total": 0,
                "link": [
                    {
                        "relation": "self",
                        "url": "https://ehr.example/fhir/Observation?patient=p1&code=85354-9",
                    }
                ],
            }
        },
        # Named after the type, but its self link says it searched one category only.
        {
            "Observation": {
                **_searchset(OBSERVATION),
                "link": [
                    {
                        "relation": "self",
                        "url": "https://ehr.example/fhir/Observation?patient=p1&category=vital-signs",
                    }
                ],
            }
        },
    ],
)
def test_an_own_key_with_a_narrower_query_does_not_stand_in_for_ours(
    own: dict[str, Any],
) -> None:
    # Review K51b finding 1: an own key holding any Observation stood in for the absent
    # `observations`: the server was never asked and its positive item 9 never read.
    source = InMemoryFhirSource([PHQ9_TOTAL, ITEM9])
    result = _gather(
        _request({"patient": PATIENT, "conditions": _searchset(CONDITION), **own}),
        source=source,
        problem=None,
    )
    assert [q.split("?")[0] for q in source.queries] == ["Observation"]
    assert "i9" in {r["id"] for r in result.resources}
    assert result.missing == {}
    # With no server to ask, the service's key is named missing, not read as "none on record".
    result = _gather(_request({"patient": PATIENT, "conditions": _searchset(CONDITION), **own}))
    assert set(result.missing) == {"observations"}


def test_an_own_key_with_our_query_under_another_name_stands_in_for_ours() -> None:
    # The same query as the service's template (the code list), or one filtering by patient
    # only, under any name: the EHR answered it; nothing is fetched.
    for self_url in (
        "https://ehr.example/fhir/Observation?patient=p1&code=http%3A%2F%2Floinc.org%7C44261-6",
        "https://ehr.example/fhir/Observation?patient=p1&_count=100",
    ):
        bundle = {
            **_searchset(PHQ9_TOTAL),
            "link": [{"relation": "self", "url": self_url}],
        }
        source = InMemoryFhirSource([ITEM9])
        result = _gather(
            _request({"patient": PATIENT, "conditions": _searchset(CONDITION), "scores": bundle}),
            source=source,
            problem=None,
        )
        assert source.queries == []
        assert result.missing == {}

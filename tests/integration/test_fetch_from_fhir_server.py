"""Issue 2, prefetch against a real FHIR server (sekmet-fhir loaded with Synthea patients).

What the service fetched, with which headers, and what reached the rules, for the prefetch cases
of CDS Hooks 2.0.1: key absent (fetched), `null` (not fetched), an OperationOutcome in place of
data (fetched), a mix of prefetched and fetched keys, and a fhirServer off the allowlist.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from tests.faults import fakes
from tests.faults.harness import ALL_KEYS, REQUIRED_KEYS, hook_body, only_absent
from tests.faults.loopback import free_closed_port
from tests.integration.sekmet import FhirServer
from tests.integration.support import (
    URL,
    expected_counts,
    expected_queries,
    queries_sent,
    settings_for,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def client(fhir: FhirServer, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(fhir, tmp_path)), raise_server_exceptions=False) as c:
        yield c


def test_absent_keys_are_fetched_with_the_bearer_token(
    client: TestClient, fhir: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    milan = fhir.patients["milan"]
    fake = fakes.install(monkeypatch)
    body = hook_body(fhir.base_url, token=fhir.token, patient_id=milan.patient_id)

    response = client.post(URL, json=body)

    assert response.status_code == 200, response.text
    hits = fhir.recorder.hits
    # Exactly the catalog queries, once each (the data fits in one page each).
    assert queries_sent(hits) == sorted(expected_queries(milan.patient_id).values())
    assert {h.method for h in hits} == {"GET"}
    assert {h.headers.get("authorization") for h in hits} == {f"Bearer {fhir.token}"}
    assert {h.headers.get("accept") for h in hits} == {"application/fhir+json"}
    # The rules received everything the server holds for those queries.
    assert fake.last_counts() == Counter(expected_counts(milan))
    assert fake.last_counts()["MedicationRequest"] == 3  # two fluoxetine orders + one other
    patient = [r for r in fake.last_resources if r["resourceType"] == "Patient"]
    assert [p["id"] for p in patient] == [milan.patient_id]
    assert fake.calls[-1].patient_id == milan.patient_id


def test_patient_id_written_as_a_reference_is_fetched_by_its_bare_id(
    client: TestClient, fhir: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    milan = fhir.patients["milan"]
    fake = fakes.install(monkeypatch)
    body = hook_body(fhir.base_url, token=fhir.token, patient_id=f"Patient/{milan.patient_id}")
    body["prefetch"] = only_absent("patient", "conditions")
    response = client.post(URL, json=body)
    assert response.status_code == 200, response.text
    assert queries_sent(fhir.recorder.hits) == sorted(
        expected_queries(milan.patient_id, {"patient", "conditions"}).values()
    )
    assert fake.last_counts() == Counter({"Condition": milan.count("Condition"), "Patient": 1})


def test_null_prefetch_means_no_data_and_nothing_is_fetched(
    client: TestClient, fhir: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fakes.install(monkeypatch)
    milan = fhir.patients["milan"]
    body = hook_body(fhir.base_url, token=fhir.token, patient_id=milan.patient_id)
    body["prefetch"] = dict.fromkeys(ALL_KEYS)
    response = client.post(URL, json=body)
    assert response.status_code == 200, response.text
    assert fhir.recorder.hits == []
    assert fake.last_resources == []


def test_operation_outcome_in_place_of_prefetch_is_fetched(
    client: TestClient, fhir: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fakes.install(monkeypatch)
    eliseo = fhir.patients["eliseo"]
    body = hook_body(fhir.base_url, token=fhir.token, patient_id=eliseo.patient_id)
    body["prefetch"] = dict.fromkeys(ALL_KEYS) | {
        "conditions": {
            "resourceType": "OperationOutcome",
            "issue": [
                {"severity": "error", "code": "timeout", "diagnostics": "prefetch timed out"}
            ],
        }
    }
    response = client.post(URL, json=body)
    assert response.status_code == 200, response.text
    assert queries_sent(fhir.recorder.hits) == [expected_queries(eliseo.patient_id)["conditions"]]
    assert fake.last_counts() == Counter({"Condition": 12})
    assert eliseo.count("Condition") == 12


def test_mixed_request_uses_prefetch_and_fetches_the_rest(
    client: TestClient, fhir: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fakes.install(monkeypatch)
    eliseo = fhir.patients["eliseo"]
    queries = expected_queries(eliseo.patient_id)
    # The EHR prefetched the Patient and the medication orders, and found no Conditions.
    prefetched = {
        "patient": fhir.get(queries["patient"]),
        "medicationRequests": fhir.get(queries["medicationRequests"]),
        "conditions": {"resourceType": "Bundle", "type": "searchset", "total": 0},
    }
    body = hook_body(fhir.base_url, token=fhir.token, patient_id=eliseo.patient_id)
    body["prefetch"] = prefetched
    response = client.post(URL, json=body)

    assert response.status_code == 200, response.text
    fetched_keys = set(ALL_KEYS) - set(prefetched)
    assert queries_sent(fhir.recorder.hits) == sorted(
        expected_queries(eliseo.patient_id, fetched_keys).values()
    )
    expected = Counter(expected_counts(eliseo))
    expected["Condition"] = 0  # the EHR said: none (an empty Bundle is data, not a gap)
    assert fake.last_counts() == +expected
    assert fake.last_counts()["MedicationRequest"] == 4


def test_unknown_patient_is_a_412_naming_the_patient_read(
    client: TestClient, fhir: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Patient/{id} answers 404 and every search an empty Bundle: the server does not know the
    patient (an MRN sent instead of the FHIR id). Answered `{"cards": []}`, that was "nothing to
    act on" for a chart nobody read (review 16 W1): a 412 names the Patient read."""
    fake = fakes.install(monkeypatch)
    body = hook_body(fhir.base_url, token=fhir.token, patient_id="no-such-patient")
    response = client.post(URL, json=body)
    assert response.status_code == 412, response.text
    missing = response.json()["details"]["missing"]
    assert list(missing) == ["patient"]
    assert missing["patient"].startswith(
        "FHIR server: the FHIR server does not know context.patientId (the Patient read "
        "answered 404)"
    )
    assert "no-such-patient" not in response.text
    assert len(fhir.recorder.hits) == len(ALL_KEYS)
    assert fake.calls == []


# -- the SSRF guard: no request at all to a server off the allowlist -------------------------


def test_fhir_server_off_the_allowlist_gets_no_request_and_412(
    fhir: FhirServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fakes.install(monkeypatch)
    milan = fhir.patients["milan"]
    settings = settings_for(
        fhir, tmp_path, allowed_servers=(f"http://127.0.0.1:{free_closed_port()}",)
    )
    with TestClient(create_app(settings)) as client:
        response = client.post(
            URL, json=hook_body(fhir.base_url, token=fhir.token, patient_id=milan.patient_id)
        )
    assert response.status_code == 412
    body = response.json()
    assert body["error"] == "prefetch-unavailable"
    assert sorted(body["details"]["missing"]) == REQUIRED_KEYS
    assert set(body["details"]["missing"].values()) == {
        "fhirServer is not on this service's allowlist"
    }
    assert fhir.recorder.hits == []
    assert fake.calls == []
    assert fhir.token not in response.text


def test_same_server_under_another_host_name_is_not_on_the_allowlist(
    client: TestClient, fhir: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The allowlist names 127.0.0.1:<port>; "localhost:<port>" reaches the same socket but is
    not what was allowed, so nothing is sent."""
    fakes.install(monkeypatch)
    server = fhir.base_url.replace("127.0.0.1", "localhost")
    response = client.post(URL, json=hook_body(server, token=fhir.token, patient_id="x"))
    assert response.status_code == 412
    assert fhir.recorder.hits == []


def test_prefetch_alone_answers_when_the_server_is_not_allowed(
    fhir: FhirServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Everything the rules need came in the prefetch: no fetch is needed, none is sent, 200."""
    fake = fakes.install(monkeypatch, (fakes.PROBE_CARD,))
    milan = fhir.patients["milan"]
    queries = expected_queries(milan.patient_id)
    prefetch = {key: fhir.get(query) for key, query in queries.items()}
    fhir.recorder.clear()
    settings = settings_for(
        fhir, tmp_path, allowed_servers=(f"http://127.0.0.1:{free_closed_port()}",)
    )
    with TestClient(create_app(settings)) as client:
        body = hook_body(fhir.base_url, token=fhir.token, patient_id=milan.patient_id)
        body["prefetch"] = prefetch
        response = client.post(URL, json=body)
    assert response.status_code == 200, response.text
    assert [c["summary"] for c in response.json()["cards"]] == [fakes.PROBE_CARD.summary]
    assert fhir.recorder.hits == []
    assert fake.last_counts() == Counter(expected_counts(milan))

"""Issues 2 and 5: the real FHIR server refusing the token, answering 404, or not answering at all
(its process frozen with SIGSTOP) is a 412 naming what is missing, in bounded time, never a 500;
and the service recovers as soon as the server does."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from tests.faults import fakes
from tests.faults.harness import ALL_KEYS, REQUIRED_KEYS, hook_body
from tests.integration.sekmet import FhirServer
from tests.integration.support import URL, expected_queries, queries_sent, settings_for

pytestmark = pytest.mark.integration

SMALL_BUDGET = {"connect_timeout": 0.5, "read_timeout": 1.0, "total_timeout": 3.0, "retries": 2}
HANG_BOUND_SECONDS = SMALL_BUDGET["total_timeout"] + 5.0


@pytest.fixture
def client(fhir: FhirServer, tmp_path: Path) -> Iterator[TestClient]:
    settings = settings_for(fhir, tmp_path, **SMALL_BUDGET)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def _missing_reasons(response_json: dict[str, object]) -> dict[str, str]:
    details = response_json["details"]
    assert isinstance(details, dict)
    missing: dict[str, str] = details["missing"]
    return missing


def test_wrong_token_is_refused_by_the_server_and_answered_412(
    client: TestClient, fhir: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fakes.install(monkeypatch)
    milan = fhir.patients["milan"]
    response = client.post(
        URL, json=hook_body(fhir.base_url, token="expired-or-forged", patient_id=milan.patient_id)
    )
    assert response.status_code == 412
    missing = _missing_reasons(response.json())
    assert sorted(missing) == REQUIRED_KEYS
    assert set(missing.values()) == {
        "FHIR server: the FHIR server refused the access token (HTTP 401)"
    }
    # Each query was tried once: a refused token is not retried.
    assert queries_sent(fhir.recorder.hits) == sorted(expected_queries(milan.patient_id).values())
    assert {h.headers.get("authorization") for h in fhir.recorder.hits} == {
        "Bearer expired-or-forged"
    }
    assert fake.calls == []


def test_no_fhir_authorization_sends_no_request_at_all(
    client: TestClient, fhir: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CDS Hooks 2.0 "FHIR Resource Access": fhirServer without fhirAuthorization is no leave
    to use the server ([fhir] fetch_without_authorization, off by default, is for open test
    servers): the 412 says why, and the server sees nothing."""
    fakes.install(monkeypatch)
    milan = fhir.patients["milan"]
    response = client.post(
        URL, json=hook_body(fhir.base_url, token=None, patient_id=milan.patient_id)
    )
    assert response.status_code == 412
    (reason,) = set(_missing_reasons(response.json()).values())
    assert reason.startswith("the request has fhirServer but no fhirAuthorization")
    assert fhir.recorder.hits == []


def test_wrong_base_path_answers_404_and_412(
    client: TestClient, fhir: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes.install(monkeypatch)
    milan = fhir.patients["milan"]
    server = fhir.recorder.url("fhir-old")  # sekmet serves /fhir only
    response = client.post(
        URL, json=hook_body(server, token=fhir.token, patient_id=milan.patient_id)
    )
    assert response.status_code == 412
    assert set(_missing_reasons(response.json()).values()) == {
        "FHIR server: the FHIR server answered 404"
    }
    assert len(fhir.recorder.hits_under("fhir-old")) == len(ALL_KEYS)


def test_frozen_server_times_out_with_412_then_the_service_recovers(
    client: TestClient, fhir: FhirServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes.install(monkeypatch)
    milan = fhir.patients["milan"]
    body = hook_body(fhir.base_url, token=fhir.token, patient_id=milan.patient_id)
    with fhir.frozen():
        started = time.monotonic()
        response = client.post(URL, json=body)
        elapsed = time.monotonic() - started
    assert response.status_code == 412
    assert elapsed < HANG_BOUND_SECONDS
    for key in REQUIRED_KEYS:
        assert "did not answer in time" in _missing_reasons(response.json())[key]
    # A read timeout is not retried (the server may still be working on the first request).
    assert len(fhir.recorder.hits) == len(ALL_KEYS)

    fhir.recorder.clear()
    recovered = client.post(URL, json=body)
    assert recovered.status_code == 200, recovered.text
    assert len(fhir.recorder.hits) == len(ALL_KEYS)

"""Searches the FHIR server answers with an error, and a server that ignores `?patient=`, over
HTTP in-process against a loopback FHIR server (review s21 RC W1, W2, M1).

A failed search is named on the cards it touches (GapCause.NOT_READ), never read as data the EHR
does not offer; another patient's records from the server are the server's fault: a 412 naming
it, not a 400 blaming the request.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from services.data_gap_section import ITEM9_NOT_RULED_OUT
from tests.faults import loopback
from tests.services.chart_files import loader, prefetch_resources

CHARTS = Path(__file__).parents[1] / "services" / "fetch_failed_charts"
load = loader(CHARTS)
TOKEN = "s21-rcf-token"
URL = "/cds-services/trd-patient-view"
Doc = dict[str, Any]


def _failing(resources: list[Doc], failing: dict[str, int]) -> loopback.Behaviour:
    """The chart's resources served, except the searches of `failing` types, which answer
    with the status given."""
    serve = loopback.serve_resources(resources)

    def behave(ex: loopback.Exchange) -> None:
        parts = urlsplit(ex.path).path.strip("/").split("/")[1:]
        kind = parts[0] if parts else ""
        if kind in failing:
            ex.send_json(failing[kind], loopback.operation_outcome("exception", "failed"))
            return
        serve(ex)

    return behave


@pytest.fixture(scope="module")
def ehr() -> Iterator[loopback.LoopbackServer]:
    item9 = list(prefetch_resources(load("item9_only_in_questionnaire_responses_oracle")))
    poor = list(prefetch_resources(load("escitalopram_pdc16_poor_refills")))
    other = copy.deepcopy(poor)
    for r in other:  # every resource another patient's: a server ignoring ?patient=
        for field in ("subject", "patient"):
            if isinstance(r.get(field), dict):
                r[field] = {"reference": "Patient/someone-else"}
    routes: dict[str, Callable[[loopback.Exchange], None]] = {
        "qr500": _failing(item9, {"QuestionnaireResponse": 500}),
        "md500": _failing(poor, {"MedicationDispense": 500}),
        "other": loopback.serve_resources([r for r in other if r["resourceType"] != "Patient"]),
    }
    with loopback.LoopbackServer(routes) as server:
        yield server


@pytest.fixture
def client(ehr: loopback.LoopbackServer, tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'rcf.db'}"},
        fhir={"allowed_servers": (ehr.base_url,)},
    )
    with TestClient(create_app(settings)) as c:
        yield c


def _fetched(name: str, server: str) -> Doc:
    body = load(name)
    body["prefetch"] = {}
    body["fhirServer"] = server
    body["fhirAuthorization"] = {
        "access_token": TOKEN,
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "cds-service",
    }
    return body


def test_a_failed_questionnaire_search_is_named_with_item9_not_ruled_out(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    body = _fetched("item9_only_in_questionnaire_responses_oracle", ehr.url("qr500"))
    response = client.post(URL, json=body)
    assert response.status_code == 200, response.text
    text = json.dumps(response.json()["cards"])
    assert "QuestionnaireResponse could not be read" in text
    assert "HTTP 500" in text
    assert ITEM9_NOT_RULED_OUT in text
    assert TOKEN not in response.text


def test_a_failed_dispense_search_is_no_failed_adequate_trial(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    body = _fetched("escitalopram_pdc16_poor_refills", ehr.url("md500"))
    response = client.post(URL, json=body)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    summaries = [c["summary"] for c in cards]
    assert not any("adequate trial failed" in s for s in summaries), summaries
    assert any("escitalopram refill data not read" in s for s in summaries), summaries
    assert "MedicationDispense could not be read" in json.dumps(cards)


def test_another_patients_records_from_the_server_are_a_412_naming_the_server(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    body = _fetched("escitalopram_pdc16_poor_refills", ehr.url("other"))
    response = client.post(URL, json=body)
    assert response.status_code == 412, response.text
    message = response.json()["message"]
    assert "FHIR server" in message and "prefetch" not in message

"""Review K51b (session 36) findings 1, 2, 4, 5 and 7 over HTTP, in-process, against a loopback
FHIR server (127.0.0.1 only).

1. An EHR key of its own holding some Observations (`vitalSigns`) stood in for the absent
   `observations`: the server was never asked, its item 9 = 2 never read (prefetch_cover.py).
2. A required key the EHR could not fill made the call a 412 with a critical suicide-risk card in
   hand: that card is now answered alone (services/required_gap.py).
4. A Patient read answering a redirect (Epic: a merged patient) gave 200 with no card: now a 412
   naming the redirect and the merge (prefetch_fetch.MERGED_PATIENT).
5. A prefetched first page and its next pages short of the first page's `total`: now incomplete.
7. A relative `next` link was read as another server's: now resolved against fhirServer.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

import cds_hooks.runner as runner_module
from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from tests.faults import loopback
from tests.services.chart_files import prefetch_resources

EXAMPLE = Path(__file__).parents[2] / "cds_hooks" / "examples" / "trd_meets_tms.request.json"
URL = "/cds-services/trd-patient-view"
TOKEN = "k51b-token"
Doc = dict[str, Any]
CRITICAL_SUMMARY = "PHQ-9 item 9 = 2"
OO_ERROR = loopback.operation_outcome("exception", "failed")


def _chart(item9: int = 2) -> Doc:
    """The example chart with its latest PHQ-9 item 9 set (its versionId too: the evaluation
    cache tells versions apart by meta, and each test's app is new anyway)."""
    doc: Doc = json.loads(EXAMPLE.read_text())
    item = doc["prefetch"]["observations"]["entry"][5]["resource"]
    assert item["code"]["coding"][0]["code"] == "44260-8"
    item["valueInteger"] = item9
    item.setdefault("meta", {})["versionId"] = f"k51b-{item9}"
    return doc


def _served(doc: Doc, server: str) -> Doc:
    doc = copy.deepcopy(doc)
    doc["fhirServer"] = server
    doc["fhirAuthorization"] = {
        "access_token": TOKEN,
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "cds-service",
    }
    return doc


def _merged(status: int) -> loopback.Behaviour:
    """Epic's merged patient: the Patient read redirects, the searches by the old id are empty."""

    def behave(ex: loopback.Exchange) -> None:
        if "/Patient/" in urlsplit(ex.path).path:
            ex.send(status, b"", headers={"Location": "/elsewhere/Patient/surviving-id"})
            return
        ex.send_json(200, loopback.searchset([]))

    return behave


def _pages(page2: list[Doc], total: int | None = None) -> loopback.Behaviour:
    def behave(ex: loopback.Exchange) -> None:
        if "page=2" in ex.path:
            bundle = loopback.searchset(page2)
            if total is not None:
                bundle["total"] = total
            ex.send_json(200, bundle)
            return
        ex.send_json(200, loopback.searchset([]))

    return behave


def _refusing(resources: list[Doc], kind: str) -> loopback.Behaviour:
    """The chart's resources served, the searches of `kind` refused (403: an Epic app without
    that API)."""
    serve = loopback.serve_resources(resources)

    def behave(ex: loopback.Exchange) -> None:
        if f"/{kind}" in urlsplit(ex.path).path:
            ex.send_json(403, loopback.operation_outcome("forbidden", "no"))
            return
        serve(ex)

    return behave


@pytest.fixture(scope="module")
def ehr() -> Iterator[loopback.LoopbackServer]:
    chart = _chart()
    resources = list(prefetch_resources(chart))
    page2 = [e["resource"] for e in chart["prefetch"]["observations"]["entry"][4:]]
    routes: dict[str, loopback.Behaviour] = {
        "good": loopback.serve_resources(resources),
        "merged302": _merged(302),
        "merged301": _merged(301),
        "pager": _pages(page2),
        "short": _pages(page2[:1], total=6),
        "nocondition": _refusing(resources, "Condition"),
    }
    with loopback.LoopbackServer(routes) as server:
        yield server


@pytest.fixture
def client(
    ehr: loopback.LoopbackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    # The chart's latest PHQ-9 is of 2025-05-12: "today" a month later.
    monkeypatch.setattr(runner_module, "utcnow", lambda: datetime(2025, 6, 15, 15, tzinfo=UTC))
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'k51b.db'}"},
        fhir={"allowed_servers": (ehr.base_url,)},
    )
    with TestClient(create_app(settings)) as c:
        yield c


def _summaries(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [c["summary"] for c in response.json()["cards"]]


# -- finding 1 ------------------------------------------------------------------------------


def test_an_own_vital_signs_key_does_not_stand_in_for_the_scores(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    doc = _served(_chart(), ehr.url("good"))
    doc["prefetch"]["vitalSigns"] = doc["prefetch"]["vitals"]
    del doc["prefetch"]["observations"]
    ehr.clear()
    summaries = _summaries(client.post(URL, json=doc))
    assert any(s.startswith(CRITICAL_SUMMARY) for s in summaries), summaries
    assert [h.path for h in ehr.hits if "/Observation" in h.path]


def test_an_own_key_named_after_the_type_still_stands_in(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    # AHRQ style: "Observation", every Observation of the patient: the same query or wider.
    doc = _served(_chart(), ehr.url("good"))
    doc["prefetch"]["Observation"] = doc["prefetch"].pop("observations")
    ehr.clear()
    summaries = _summaries(client.post(URL, json=doc))
    assert any(s.startswith(CRITICAL_SUMMARY) for s in summaries), summaries
    assert not [h.path for h in ehr.hits if "/Observation" in h.path]


# -- finding 2 ------------------------------------------------------------------------------


def test_a_failed_required_key_keeps_the_critical_card_alone(client: TestClient) -> None:
    doc = _chart()
    doc["prefetch"]["conditions"] = OO_ERROR
    response = client.post(URL, json=doc)
    summaries = _summaries(response)
    assert len(summaries) == 1 and summaries[0].startswith(CRITICAL_SUMMARY), summaries
    detail = response.json()["cards"][0]["detail"]
    assert "**Required data not read:** `conditions`" in detail


def test_a_refused_condition_search_keeps_the_critical_card_alone(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    doc = _served(_chart(), ehr.url("nocondition"))
    del doc["prefetch"]["conditions"]
    response = client.post(URL, json=doc)
    summaries = _summaries(response)
    assert len(summaries) == 1 and summaries[0].startswith(CRITICAL_SUMMARY), summaries
    assert "HTTP 403" in response.json()["cards"][0]["detail"]


def test_a_failed_required_key_with_no_critical_card_is_still_a_412(client: TestClient) -> None:
    doc = _chart(item9=0)
    doc["prefetch"]["conditions"] = OO_ERROR
    response = client.post(URL, json=doc)
    assert response.status_code == 412, response.text
    assert set(response.json()["details"]["missing"]) == {"conditions"}


# -- finding 4 ------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["merged302", "merged301"])
def test_a_redirected_patient_read_is_a_412_naming_the_merge(
    client: TestClient, ehr: loopback.LoopbackServer, route: str
) -> None:
    doc = _served(_chart(), ehr.url(route))
    doc["prefetch"] = {}
    response = client.post(URL, json=doc)
    assert response.status_code == 412, response.text
    why = response.json()["details"]["missing"]["patient"]
    assert "redirected the read of context.patientId" in why and "merged" in why
    assert f"HTTP {route[-3:]}" in why
    assert not [h.path for h in ehr.hits if "surviving-id" in h.path]  # never followed


# -- findings 5 and 7 -----------------------------------------------------------------------


def _paged(server: str, next_url: str) -> Doc:
    doc = _served(_chart(), server)
    bundle = doc["prefetch"]["observations"]
    bundle["entry"] = bundle["entry"][:4]  # item 9 is on the next page
    bundle["total"] = 6
    bundle["link"] = [
        {"relation": "self", "url": f"{server}/Observation?patient=x"},
        {"relation": "next", "url": next_url},
    ]
    return doc


def test_next_pages_short_of_the_first_pages_total_are_incomplete(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    server = ehr.url("short")
    response = client.post(URL, json=_paged(server, f"{server}/Observation?patient=x&page=2"))
    summaries = _summaries(response)
    assert any("item 9 (not read)" in s for s in summaries), summaries
    assert "hold 5 of the 6 matches its total counts" in json.dumps(response.json())


def test_next_pages_bringing_the_total_are_complete(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    server = ehr.url("pager")
    response = client.post(URL, json=_paged(server, f"{server}/Observation?patient=x&page=2"))
    summaries = _summaries(response)
    assert any(s.startswith(CRITICAL_SUMMARY) for s in summaries), summaries
    assert "matches its total counts" not in json.dumps(response.json())


def test_a_relative_next_link_is_followed_on_the_ehrs_server(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    server = ehr.url("pager")
    ehr.clear()
    response = client.post(URL, json=_paged(server, "Observation?patient=x&page=2"))
    summaries = _summaries(response)
    assert any(s.startswith(CRITICAL_SUMMARY) for s in summaries), summaries
    assert any(h.path.endswith("/Observation?patient=x&page=2") for h in ehr.hits)
    assert "on another server" not in json.dumps(response.json())

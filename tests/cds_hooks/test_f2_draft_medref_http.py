"""Review 15 U2 through HTTP: a draft MedicationRequest naming its drug only by
`medicationReference` (no display) is resolved from the prefetch, else read from `fhirServer` as
the chart's references are (prefetch_fetch.resolve_medications), else said at the order on a
data-quality card; never a quiet `{"cards": []}` beside a running MAOI.

Charts: tests/services/review15_charts/ (g05: the Medication a prefetch include entry; g06: the
Medication nowhere in the request). The FHIR server is a loopback one (tests/faults/loopback.py)
serving the Medication by id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.date_shift import days_between, shift_json
from cds_hooks.fhir_data.fhir_source import InMemoryFhirSource
from cds_hooks.fhir_data.prefetch import gather
from cds_hooks.models import HookRequest
from services.catalog import services
from tests.faults import loopback
from tests.faults.harness import TOKEN
from tests.fixtures import builders as b
from tests.integration.support import queries_sent

AS_OF = date(2025, 6, 2)  # the charts' as-of date
CHARTS = Path(__file__).resolve().parents[1] / "services" / "review15_charts"
SELECT = "/cds-services/trd-order-select"
MAOI = "order-maoi-interaction"
G06_MEDICATION = "not-sent-123"  # what g06's draft references
SERTRALINE = b.medication("312941", "sertraline 50 MG Oral Tablet", id=G06_MEDICATION)
Doc = dict[str, Any]


def _request(name: str) -> Doc:
    """The chart moved in time so that today is its as-of date (the HTTP path judges as of
    today; cds_hooks/date_shift.py)."""
    doc: Doc = json.loads((CHARTS / f"{name}.json").read_text("utf-8"))
    # The charts predate the `labsSI` key (review 17 W3): null, none on record, so the server is
    # asked for the draft's Medication only.
    doc["prefetch"].setdefault("labsSI", None)
    shifted: Doc = shift_json(doc, days_between(AS_OF, datetime.now(UTC).date()))
    return shifted


def _cards(client: TestClient, body: Doc) -> list[Doc]:
    response = client.post(SELECT, json=body)
    assert response.status_code == 200, response.text
    cards: list[Doc] = response.json()["cards"]
    return cards


def _topics(cards: list[Doc]) -> list[str]:
    return [c["source"]["topic"]["code"] for c in cards]


def _with_server(body: Doc, server: str) -> Doc:
    body["fhirServer"] = server
    body["fhirAuthorization"] = {
        "access_token": TOKEN,
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "user/Medication.read",
        "subject": "cds-service",
    }
    return body


@pytest.fixture(scope="module")
def ehr() -> Iterator[loopback.LoopbackServer]:
    """The EHR's FHIR server: holds sertraline's Medication and nothing else."""
    with loopback.LoopbackServer({"fhir": loopback.serve_resources([SERTRALINE])}) as server:
        yield server


@pytest.fixture
def served(ehr: loopback.LoopbackServer, tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'f2.db'}"},
        fhir={"allowed_servers": (ehr.base_url,)},
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_prefetched_medication_names_the_draft(client: TestClient) -> None:
    cards = _cards(client, _request("g05_draft_medref_in_prefetch"))
    assert _topics(cards) == [MAOI]
    assert cards[0]["indicator"] == "critical"
    assert cards[0]["summary"].startswith("Sertraline ordered while phenelzine (MAOI)")


def test_without_a_server_the_unidentified_draft_is_said(client: TestClient) -> None:
    body = _request("g06_draft_medref_missing")
    draft = body["context"]["draftOrders"]["entry"][0]["resource"]
    cards = _cards(client, body)
    assert _topics(cards) == ["data-quality"]
    # Phenelzine runs: the card names it and is critical, the draft in its detail (review 15
    # recheck W-b: services/unidentified_drafts.py).
    assert cards[0]["indicator"] == "critical"
    assert cards[0]["summary"].startswith("Phenelzine (MAOI) is running")
    # Why it was not read (review 19 R2 M1): no fhirServer to read it from.
    assert (
        f"MedicationRequest/{draft['id']}: medication reference not read: the request has no "
        "fhirServer" in cards[0]["detail"]
    )


def test_the_drafts_medication_is_read_from_the_fhir_server(
    served: TestClient, ehr: loopback.LoopbackServer
) -> None:
    body = _with_server(_request("g06_draft_medref_missing"), ehr.url("fhir"))
    ehr.clear()
    cards = _cards(served, body)
    assert _topics(cards) == [MAOI]
    assert cards[0]["summary"].startswith("Sertraline ordered while phenelzine (MAOI)")
    # Read by id, with the EHR's token; nothing else was asked (every key was prefetched).
    assert queries_sent(ehr.hits) == [f"Medication/{G06_MEDICATION}"]
    assert {h.headers.get("authorization") for h in ehr.hits} == {f"Bearer {TOKEN}"}


def test_a_medication_the_server_does_not_have_leaves_the_draft_said(
    served: TestClient, ehr: loopback.LoopbackServer
) -> None:
    body = _with_server(_request("g06_draft_medref_missing"), ehr.url("fhir"))
    draft = body["context"]["draftOrders"]["entry"][0]["resource"]
    draft["medicationReference"]["reference"] = "Medication/unknown-9"
    ehr.clear()
    cards = _cards(served, body)
    assert queries_sent(ehr.hits) == ["Medication/unknown-9"]  # asked, answered 404
    assert _topics(cards) == ["data-quality"]
    assert f"MedicationRequest/{draft['id']}" in cards[0]["detail"]


# --- gather: which Medications are read for the drafts --------------------------------------------


def _gather(body: Doc, source: InMemoryFhirSource) -> list[Doc]:
    request = HookRequest.model_validate(body)
    with ThreadPoolExecutor(max_workers=2) as pool:
        gathered = gather(
            services()[0].prefetch,
            request,
            source=source,
            source_problem=None,
            executor=pool,
            budget_seconds=5,
        )
    return gathered.resources


def test_gather_reads_a_drafts_medication_by_id() -> None:
    source = InMemoryFhirSource([SERTRALINE])
    resources = _gather(_request("g06_draft_medref_missing"), source)
    assert source.queries == [f"Medication/{G06_MEDICATION}"]
    assert SERTRALINE in resources


@pytest.mark.parametrize(
    "name", ["g05_draft_medref_in_prefetch", "g05b_draft_medication_in_draftorders"]
)
def test_gather_reads_no_medication_the_request_already_holds(name: str) -> None:
    source = InMemoryFhirSource([SERTRALINE])
    _gather(_request(name), source)
    assert source.queries == []

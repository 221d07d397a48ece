"""Fix fetch66 over HTTP, in-process, against a loopback FHIR server (127.0.0.1 only): the live
FHIR-server path (prefetch {}, the service runs its templates). The chart: phenelzine (an MAOI)
drafted at order-select; sertraline known only from a MedicationStatement or its fills.

1. The MedicationRequest search answered with the sertraline MedicationStatement marked
   `include` while the MedicationStatement search itself failed: the statement was read,
   "Phenelzine (MAOI) ordered while sertraline is running" as if the statements were read
   (fetch65 fixed it for prefetch only). Now an include of a type another key searches is left
   out and named, as prefetch_types does (prefetch_fetch._own_type): the critical "could not be
   checked" card stands instead.
2. The MedicationStatement search refused (403) or the MedicationDispense search failed, the
   SSRI known only from that feed: the MAOI diet card alone. Now the critical "Medication
   statements / fills could not be read" card (order_checks/med_list_unread.py).
Controls: the statement search read keeps the partner card; an included Medication stays read.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
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

CHARTS = Path(__file__).parent / "k65a_charts"
URL = "/cds-services/trd-order-select"
Doc = dict[str, Any]
RUNNING = "Phenelzine (MAOI) ordered while sertraline is running"
STATEMENTS = "Medication statements could not be read: phenelzine (MAOI) not checked"
FILLS = "Medication fills could not be read: phenelzine (MAOI) not checked"
BOTH = (
    "Medication statements not read, medication orders read in part: phenelzine (MAOI) not checked"
)
SERT = "48f29c1a-6713-565a-9523-3bb6b473d7f6"


def _chart() -> list[Doc]:
    doc: Doc = json.loads((CHARTS / "maoi_scd.json").read_text())
    return list(prefetch_resources(doc))


def _statement(order: Doc) -> Doc:
    """The active sertraline order as the MedicationStatement an EHR lists it by."""
    return {
        "resourceType": "MedicationStatement",
        "id": "f66-sertraline",
        "status": "active",
        "medicationCodeableConcept": copy.deepcopy(order["medicationCodeableConcept"]),
        "subject": order["subject"],
        "effectivePeriod": {"start": "2026-06-01"},
        "dateAsserted": "2026-11-20",
    }


def _failed(ex: loopback.Exchange) -> None:
    outcome = loopback.operation_outcome("exception", "boom")
    ex.send_json(
        200,
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": outcome, "search": {"mode": "outcome"}}],
        },
    )


Answer = Callable[[loopback.Exchange], None]


def _route(fills: bool, answers: dict[str, Answer], include: bool = False) -> loopback.Behaviour:
    """The chart with sertraline's active order taken off (known only from a statement and,
    with `fills`, its fills); the searches of `answers` answered their way; with `include`,
    the statement rides in the MedicationRequest answer as an `include` entry."""
    chart = _chart()
    order = next(r for r in chart if r.get("id") == SERT)
    statement = _statement(order)
    served = [
        r for r in chart if r is not order and (fills or r["resourceType"] != "MedicationDispense")
    ] + [statement]
    serve = loopback.serve_resources(served)
    orders = [r for r in served if r["resourceType"] == "MedicationRequest"]

    def behave(ex: loopback.Exchange) -> None:
        kind = urlsplit(ex.path).path.strip("/").split("/")[1:]
        if kind and kind[0] in answers:
            answers[kind[0]](ex)
        elif include and kind == ["MedicationRequest"]:
            bundle = loopback.searchset(orders)
            bundle["entry"].append({"resource": statement, "search": {"mode": "include"}})
            ex.send_json(200, bundle)
        else:
            serve(ex)

    return behave


def _status(code: int) -> Answer:
    return lambda ex: ex.send_json(code, loopback.operation_outcome("forbidden", "no"))


@pytest.fixture(scope="module")
def ehr() -> Iterator[loopback.LoopbackServer]:
    routes: dict[str, loopback.Behaviour] = {
        "include-failed": _route(False, {"MedicationStatement": _failed}, include=True),
        "include-read": _route(False, {}, include=True),
        "statements-403": _route(False, {"MedicationStatement": _status(403)}),
        "statements-read": _route(False, {}),
        "fills-failed": _route(
            True,
            {
                "MedicationStatement": lambda ex: ex.send_json(200, loopback.searchset([])),
                "MedicationDispense": _failed,
            },
        ),
    }
    with loopback.LoopbackServer(routes) as server:
        yield server


@pytest.fixture
def client(
    ehr: loopback.LoopbackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setattr(runner_module, "utcnow", lambda: datetime(2026, 12, 1, 15, tzinfo=UTC))
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'fetch66.db'}"},
        fhir={"allowed_servers": (ehr.base_url,)},
    )
    with TestClient(create_app(settings)) as c:
        yield c


def _cards(client: TestClient, ehr: loopback.LoopbackServer, route: str) -> list[Doc]:
    doc: Doc = json.loads((CHARTS / "maoi_scd.json").read_text())
    doc["prefetch"] = {}
    doc["fhirServer"] = ehr.url(route)
    doc["fhirAuthorization"] = {
        "access_token": "fetch66-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "cds-service",
    }
    ehr.clear()
    response = client.post(URL, json=doc)
    assert response.status_code == 200, response.text
    cards: list[Doc] = response.json()["cards"]
    return cards


def _details(cards: list[Doc]) -> str:
    return "\n".join(c.get("detail") or "" for c in cards)


def test_control_the_statement_read_gives_the_running_partner(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    cards = _cards(client, ehr, "statements-read")
    assert cards[0]["indicator"] == "critical"
    assert cards[0]["summary"].startswith(RUNNING), cards[0]["summary"]


def test_control_an_included_statement_its_own_search_read_gives_the_partner(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    cards = _cards(client, ehr, "include-read")
    assert cards[0]["indicator"] == "critical"
    assert cards[0]["summary"].startswith(RUNNING), cards[0]["summary"]


def test_an_included_statement_is_not_read_when_its_own_search_failed(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    cards = _cards(client, ehr, "include-failed")
    summaries = [c["summary"] for c in cards]
    assert not any("sertraline is running" in s for s in summaries), summaries
    assert cards[0]["indicator"] == "critical"
    # care66 6b: every unread feed is named (the statements' failed search, the orders' part).
    assert cards[0]["summary"].startswith(BOTH), summaries
    assert "searched for by another key: not read" in _details(cards)


@pytest.mark.parametrize(
    ("route", "said"), [("statements-403", STATEMENTS), ("fills-failed", FILLS)]
)
def test_a_failed_statement_or_fill_search_leaves_no_drafted_maoi_silent(
    client: TestClient, ehr: loopback.LoopbackServer, route: str, said: str
) -> None:
    cards = _cards(client, ehr, route)
    assert cards[0]["indicator"] == "critical"
    assert cards[0]["summary"].startswith(said), [c["summary"] for c in cards]
    assert "Confirm the medication list before signing" in cards[0]["detail"]

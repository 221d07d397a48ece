"""Review K65a findings 2 and 3 over HTTP, in-process, against a loopback FHIR server (127.0.0.1
only). The chart: phenelzine (an MAOI) drafted at order-select, sertraline running by an active
MedicationRequest (and, unless left out, by its fills), every key fetched (prefetch {}).

3. A search answered with a bare resource (not a Bundle) was read as the complete result, and a
   MedicationStatement inside the MedicationRequest search was used as an order: now the first
   is the search unread, named, and the second is left out and named (search_bundles.py).
2. The MedicationRequest search failing with no fills on record was a 412: the EHR showed
   nothing beside a drafted MAOI. Now a critical card says the orders could not be read and
   phenelzine was not checked (order_checks/med_list_unread.py); a draft of no critical
   interaction kind keeps the 412.
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
UNREAD = "Current medication orders could not be read: phenelzine (MAOI) not checked"


def _load(name: str) -> Doc:
    doc: Doc = json.loads((CHARTS / f"{name}.json").read_text())
    return doc


def _resources(fills: bool) -> list[Doc]:
    return [
        r
        for r in prefetch_resources(_load("maoi_scd"))
        if fills or r["resourceType"] != "MedicationDispense"
    ]


def _on_orders(
    resources: list[Doc], answer: Callable[[loopback.Exchange, list[Doc]], None]
) -> loopback.Behaviour:
    """The chart served; the MedicationRequest search answered by `answer`."""
    serve = loopback.serve_resources(resources)
    orders = [r for r in resources if r["resourceType"] == "MedicationRequest"]

    def behave(ex: loopback.Exchange) -> None:
        parts = urlsplit(ex.path).path.strip("/").split("/")[1:]
        if parts == ["MedicationRequest"]:
            answer(ex, orders)
            return
        serve(ex)

    return behave


def _active(orders: list[Doc]) -> Doc:
    return next(o for o in orders if o["status"] == "active")


def _bare(ex: loopback.Exchange, orders: list[Doc]) -> None:
    ex.send_json(200, _active(orders))


def _statement_inside(ex: loopback.Exchange, orders: list[Doc]) -> None:
    moved = copy.deepcopy(_active(orders))
    moved["resourceType"] = "MedicationStatement"
    ex.send_json(200, loopback.searchset([o for o in orders if o is not _active(orders)] + [moved]))


def _failed(ex: loopback.Exchange, orders: list[Doc]) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            {
                "resource": loopback.operation_outcome("exception", "boom"),
                "search": {"mode": "outcome"},
            }
        ],
    }
    ex.send_json(200, bundle)


def _status(code: int) -> Callable[[loopback.Exchange, list[Doc]], None]:
    def answer(ex: loopback.Exchange, orders: list[Doc]) -> None:
        ex.send_json(code, loopback.operation_outcome("forbidden", "no"))

    return answer


@pytest.fixture(scope="module")
def ehr() -> Iterator[loopback.LoopbackServer]:
    with_fills, no_fills = _resources(True), _resources(False)
    routes: dict[str, loopback.Behaviour] = {
        "good": loopback.serve_resources(with_fills),
        "bare": _on_orders(with_fills, _bare),
        "bare-nofills": _on_orders(no_fills, _bare),
        "statement": _on_orders(with_fills, _statement_inside),
        "failed-nofills": _on_orders(no_fills, _failed),
        "s403-nofills": _on_orders(no_fills, _status(403)),
        "s404-nofills": _on_orders(no_fills, _status(404)),
        "failed-fills": _on_orders(with_fills, _failed),
        "all401": lambda ex: ex.send_json(401, loopback.operation_outcome("security", "x")),
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
        database={"url": f"sqlite:///{tmp_path / 'k65a.db'}"},
        fhir={"allowed_servers": (ehr.base_url,)},
    )
    with TestClient(create_app(settings)) as c:
        yield c


def _call(client: TestClient, ehr: loopback.LoopbackServer, route: str, chart: str) -> Any:
    doc = _load(chart)
    doc["prefetch"] = {}
    doc["fhirServer"] = ehr.url(route)
    doc["fhirAuthorization"] = {
        "access_token": "k65a-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "cds-service",
    }
    ehr.clear()
    return client.post(URL, json=doc)


def _cards(response: Any) -> list[Doc]:
    assert response.status_code == 200, response.text
    cards: list[Doc] = response.json()["cards"]
    return cards


def _details(cards: list[Doc]) -> str:
    return "\n".join(c.get("detail") or "" for c in cards)


# -- controls ---------------------------------------------------------------------------------


def test_control_the_orders_read_give_the_running_partner(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    cards = _cards(_call(client, ehr, "good", "maoi_scd"))
    assert cards[0]["indicator"] == "critical"
    assert cards[0]["summary"].startswith(RUNNING)
    assert "not a searchset Bundle" not in _details(cards)


def test_control_no_critical_draft_with_the_orders_unread_is_still_a_412(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    response = _call(client, ehr, "failed-nofills", "scd_sert100")
    assert response.status_code == 412
    assert "medicationRequests" in response.json()["details"]["missing"]


def test_control_nothing_read_is_still_a_412(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    assert _call(client, ehr, "all401", "maoi_scd").status_code == 412


def test_control_the_orders_unread_with_fills_keep_the_partner_card(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    cards = _cards(_call(client, ehr, "failed-fills", "maoi_scd"))
    # Fix fetch65: sertraline known only from its fills, its orders unread, "may be running".
    assert cards[0]["summary"].startswith(RUNNING.replace("is running", "may be running"))
    assert "known only from its fills; its orders were not read" in _details(cards)


# -- finding 3 --------------------------------------------------------------------------------


def test_a_bare_resource_answered_to_a_search_is_that_search_unread(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    cards = _cards(_call(client, ehr, "bare", "maoi_scd"))
    assert cards[0]["indicator"] == "critical"
    assert (
        "the FHIR server answered the search with a MedicationRequest, not a searchset Bundle"
        in _details(cards)
    )


def test_a_bare_resource_with_no_fills_gives_the_orders_unread_card(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    cards = _cards(_call(client, ehr, "bare-nofills", "maoi_scd"))
    assert cards[0]["summary"].startswith(UNREAD)


def test_another_type_inside_the_search_is_left_out_and_named(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    cards = _cards(_call(client, ehr, "statement", "maoi_scd"))
    details = _details(cards)
    assert "held another resource type (MedicationStatement): not read" in details
    # Not used as an order: the statement is not listed as a record that "could not be read"
    # while the card reads it as running.
    assert "medication record could not be read" not in details


# -- finding 2 --------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["failed-nofills", "s403-nofills", "s404-nofills"])
def test_a_drafted_maoi_with_the_orders_unread_is_never_silent(
    client: TestClient, ehr: loopback.LoopbackServer, route: str
) -> None:
    cards = _cards(_call(client, ehr, route, "maoi_scd"))
    assert [c["indicator"] for c in cards][0] == "critical"
    assert cards[0]["summary"].startswith(UNREAD)
    detail = cards[0]["detail"]
    assert "confirm the medication list" in cards[0]["summary"]
    assert "14-day washout after an SSRI" in detail
    assert "`medicationRequests`" in detail  # the missing key named (required_gap)

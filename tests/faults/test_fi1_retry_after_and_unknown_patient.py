"""Retry-After honoured within the call's budget (review 16 W2), and a patient the FHIR server
does not know answered with a 412 naming the Patient read, not a quiet `[]` (review 16 W1).

A 503 with `Retry-After: 120` was retried twice within half a second; a 429 with `Retry-After: 1`
was not retried at all although 4 s of the budget were left. Now the wait the server asks for is
kept when it fits the budget, and the call fails at once, naming it, when it does not.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.fhir_data.fhir_source import retry_after_seconds
from tests.faults import fakes, records
from tests.faults.harness import ALL_KEYS, FHIR_BUDGET, REQUIRED_KEYS, hook_body, only_absent
from tests.faults.loopback import (
    Behaviour,
    Exchange,
    LoopbackServer,
    operation_outcome,
    searchset,
    serve_resources,
)

URL = "/cds-services/trd-patient-view"
UNKNOWN = "no-such-patient"


def _asks_to_wait(status: int, retry_after: str | None) -> Behaviour:
    """Answers `status` with a Retry-After of `retry_after`, or (None) an HTTP-date 2 s ahead
    (dates have whole seconds: a wait of 1 to 2 s)."""

    def behave(ex: Exchange) -> None:
        wait = retry_after or formatdate(time.time() + 2, usegmt=True)
        ex.send_json(
            status, operation_outcome("throttled", "slow down"), headers={"Retry-After": wait}
        )

    return behave


def _once_then(first: Behaviour, then: Behaviour) -> Behaviour:
    """`first` for the first request to each path, `then` for the next ones."""
    seen: set[str] = set()
    lock = threading.Lock()

    def behave(ex: Exchange) -> None:
        with lock:
            again = ex.path in seen
            seen.add(ex.path)
        (then if again else first)(ex)

    return behave


def _patient_read_empty(ex: Exchange) -> None:
    """A server that answers the Patient read with an empty Bundle (no such patient)."""
    ex.send_json(200, searchset([]))


ONLY_OWN_DATA = [r for r in records.ALL if r["resourceType"] != "Patient"]


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    ok = serve_resources(list(records.ALL))
    routes: dict[str, Behaviour] = {
        "wait120": _asks_to_wait(503, "120"),
        "throttle-once": _once_then(_asks_to_wait(429, "1"), ok),
        "date-once": _once_then(_asks_to_wait(503, None), ok),
        "throttle-always": _asks_to_wait(429, "1"),
        "empty": serve_resources([]),
        "readempty": _once_then(_patient_read_empty, _patient_read_empty),
        "own-no-patient": serve_resources(ONLY_OWN_DATA),
    }
    with LoopbackServer(routes) as loopback:
        yield loopback


@pytest.fixture
def client(server: LoopbackServer, tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'fi1.db'}"},
        fhir={**FHIR_BUDGET, "allowed_servers": (server.base_url,)},
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def _fresh(server: LoopbackServer) -> None:
    server.clear()


def _post(client: TestClient, body: dict[str, Any]) -> tuple[Any, float]:
    started = time.monotonic()
    response = client.post(URL, json=body)
    return response, time.monotonic() - started


# -- Retry-After ------------------------------------------------------------------------------


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(" 0 ") == 0.0
    later = retry_after_seconds(formatdate(time.time() + 30, usegmt=True))
    assert later is not None and 25 <= later <= 31
    assert retry_after_seconds(formatdate(time.time() - 30, usegmt=True)) == 0.0
    for unreadable in (None, "", "soon", "-5", "1.5", "9" * 40):
        assert retry_after_seconds(unreadable) is None


def test_a_retry_after_longer_than_the_budget_fails_at_once_naming_it(
    client: TestClient, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fakes.install(monkeypatch)
    response, elapsed = _post(client, hook_body(server.url("wait120")))
    assert response.status_code == 412, response.text
    missing = response.json()["details"]["missing"]
    assert sorted(missing) == REQUIRED_KEYS
    for key in REQUIRED_KEYS:
        assert missing[key] == (
            "FHIR server: the FHIR server answered HTTP 503 and asked to retry after 120 s, "
            "longer than this call's time budget has left"
        )
    # Not retried early (it was retried twice within 0.5 s), nor waited for.
    hits = server.hits_under("wait120")
    assert len(hits) == len(ALL_KEYS)
    assert elapsed < FHIR_BUDGET["total_timeout"]
    assert fake.calls == []


@pytest.mark.parametrize("route", ["throttle-once", "date-once"])
def test_a_429_or_503_is_retried_after_the_wait_it_asks_for(
    route: str, client: TestClient, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fakes.install(monkeypatch)
    response, elapsed = _post(
        client, hook_body(server.url(route), prefetch=only_absent("conditions"))
    )
    assert response.status_code == 200, response.text
    assert [r["id"] for r in fake.last_resources if r["resourceType"] == "Condition"] == [
        records.MDD_CONDITION["id"]
    ]
    first, second = server.hits_under(route)
    assert first.path == second.path
    assert second.at - first.at >= 0.9  # after the asked-for second, not 0.2 s
    assert elapsed < FHIR_BUDGET["total_timeout"] + 1


def test_a_429_that_never_clears_is_retried_as_configured_then_named(
    client: TestClient, server: LoopbackServer
) -> None:
    response, _elapsed = _post(
        client, hook_body(server.url("throttle-always"), prefetch=only_absent("conditions"))
    )
    assert response.status_code == 412, response.text
    assert response.json()["details"]["missing"] == {
        "conditions": "FHIR server: the FHIR server answered HTTP 429 and asked to retry after 1 s"
    }
    assert len(server.hits_under("throttle-always")) == 1 + FHIR_BUDGET["retries"]


# -- a patient the FHIR server does not know --------------------------------------------------


@pytest.mark.parametrize(("route", "how"), [("empty", "404"), ("readempty", "with no Patient")])
def test_an_unknown_patient_is_a_412_naming_the_patient_read(
    route: str,
    how: str,
    client: TestClient,
    server: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = fakes.install(monkeypatch)
    body = hook_body(server.url(route), patient_id=UNKNOWN)
    if route == "readempty":
        # Only the Patient read goes to this server; the rest came empty from the EHR.
        body["prefetch"] = {
            k: {"resourceType": "Bundle", "type": "searchset", "total": 0, "entry": []}
            for k in ALL_KEYS
            if k != "patient"
        }
    response, _elapsed = _post(client, body)
    assert response.status_code == 412, response.text
    assert response.json()["details"]["missing"] == {
        "patient": "FHIR server: the FHIR server does not know context.patientId (the Patient "
        f"read answered {how}): check that the EHR sends the FHIR server's Patient id, not an MRN"
    }
    assert UNKNOWN not in response.text
    assert fake.calls == []  # no cards about nobody


def test_a_patient_read_404_beside_the_patients_own_data_still_answers_cards(
    client: TestClient, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fakes.install(monkeypatch, (fakes.PROBE_CARD,))
    response, _elapsed = _post(client, hook_body(server.url("own-no-patient")))
    assert response.status_code == 200, response.text
    assert [c["summary"] for c in response.json()["cards"]] == [fakes.PROBE_CARD.summary]
    # The Patient read's failure is a gap the cards can name (age not read), not a refusal.
    assert "Patient" in fake.calls[-1].unavailable

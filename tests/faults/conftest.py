"""Misbehaving FHIR servers on loopback, and the service configured with small FHIR budgets."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import Settings, load_settings
from tests.faults import loopback, records
from tests.faults.harness import FHIR_BUDGET


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[loopback.LoopbackServer]:
    """Another origin (same host, other port): the access token must never arrive here."""
    with loopback.LoopbackServer({"fhir": loopback.serve_resources(list(records.ALL))}) as server:
        yield server


@pytest.fixture(scope="module")
def faulty(elsewhere: loopback.LoopbackServer) -> Iterator[loopback.LoopbackServer]:
    """One loopback server playing every broken FHIR server, each under its own base path."""
    elsewhere_url = elsewhere.url("fhir") + "/Condition?patient=p-fault-1&page=2"
    one = records.MDD_CONDITION
    routes: dict[str, loopback.Behaviour] = {
        "ok": loopback.serve_resources(list(records.ALL)),
        "sleep": loopback.sleep_then_answer(120),
        "e500": loopback.answer_status(500),
        "e503": loopback.answer_status(503),
        "e401": loopback.answer_status(401),
        "e403": loopback.answer_status(403),
        "e404": loopback.answer_status(404),
        "badjson": loopback.answer_bytes(b'{"resourceType": "Bundle", "entry": [{"resou'),
        "html": loopback.answer_bytes(
            b"<html><body>Service Unavailable</body></html>", "text/html"
        ),
        "notfhir": loopback.answer_bytes(json.dumps({"status": "ok", "items": []}).encode()),
        "jsonarray": loopback.answer_bytes(b"[1, 2, 3]"),
        "outcome": loopback.answer_bytes(
            json.dumps(loopback.operation_outcome("too-costly", "search too broad")).encode()
        ),
        "endless": loopback.endless_next_links(one),
        "nexthost": loopback.next_link_to(elsewhere_url, one),
        "redirect": loopback.redirect_to(elsewhere_url),
        "huge": loopback.huge_body(2_000_000),
        "drip": loopback.slow_drip(0.25),
    }
    server = loopback.LoopbackServer(routes)
    # Same host and port, but outside the fhirServer's base path.
    server.routes["nextpath"] = loopback.next_link_to(
        server.url("outside") + "/Condition?patient=p-fault-1&page=2", one
    )
    server.routes["outside"] = loopback.serve_resources(list(records.ALL))
    with server:
        yield server


@pytest.fixture(scope="module")
def refused_url() -> str:
    """A FHIR base on a loopback port nobody listens on."""
    return f"http://127.0.0.1:{loopback.free_closed_port()}/fhir"


@pytest.fixture
def fault_settings(
    tmp_path: Path, faulty: loopback.LoopbackServer, refused_url: str
) -> Callable[..., Settings]:
    def make(**fhir: Any) -> Settings:
        allowed = (faulty.base_url, refused_url.rsplit("/", 1)[0])
        return load_settings(
            None,
            database={"url": f"sqlite:///{tmp_path / 'faults.db'}"},
            fhir={**FHIR_BUDGET, "allowed_servers": allowed, **fhir},
        )

    return make


@pytest.fixture
def client(fault_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    with TestClient(create_app(fault_settings()), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def _fresh_counts(faulty: loopback.LoopbackServer, elsewhere: loopback.LoopbackServer) -> None:
    faulty.clear()
    elsewhere.clear()

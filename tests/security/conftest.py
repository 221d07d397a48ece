"""Fixtures for the security tests: signing keys, JWKS files and servers, an app with auth on, and
a capture of the service's JSON log lines."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import Settings, load_settings
from cds_hooks.observability import logs
from tests.deploy.databases import database_url
from tests.security.servers import RecordingServer, json_reply
from tests.security.tokens import (
    PUBLIC_URL,
    RSA_ISS,
    SANDBOX_ISS,
    Minter,
    SigningKey,
    new_rsa_key,
    sandbox_key,
)

__all__ = ["database_url"]


class LogCapture(logging.Handler):
    """Collects the service's log lines exactly as the JSON formatter writes them."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logs.JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]

    def events(self, name: str) -> list[dict[str, Any]]:
        return [r for r in self.records() if r["event"] == name]


@pytest.fixture
def log_capture() -> Iterator[Callable[[FastAPI], LogCapture]]:
    """`log_capture(app)` attaches a capture to the `trd_cds` logger. Call it after create_app,
    which resets the logger's handlers; it is removed at the end of the test."""
    attached: list[LogCapture] = []

    def attach(app: FastAPI) -> LogCapture:
        del app  # the logger is process-wide; taking the app documents the ordering
        capture = LogCapture()
        logs.logger.addHandler(capture)
        attached.append(capture)
        return capture

    yield attach
    for capture in attached:
        logs.logger.removeHandler(capture)


@pytest.fixture(scope="session")
def es_key() -> SigningKey:
    return sandbox_key()


@pytest.fixture(scope="session")
def rs_key() -> SigningKey:
    return new_rsa_key(alg="RS384")


@pytest.fixture
def es_minter(es_key: SigningKey) -> Minter:
    return Minter(es_key, SANDBOX_ISS)


@pytest.fixture
def rs_minter(rs_key: SigningKey, jwks_server: RecordingServer) -> Minter:
    return Minter(rs_key, RSA_ISS)


@pytest.fixture
def jwks_server(rs_key: SigningKey) -> Iterator[RecordingServer]:
    """The RSA issuer's JWKS endpoint on loopback (its keys can be swapped: `server.jwks = ...`)."""
    state: dict[str, Any] = {"jwks": rs_key.jwks()}

    def handler(_seen: Any) -> Any:
        return json_reply(state["jwks"], content_type="application/jwk-set+json")

    with RecordingServer(handler) as server:
        server.state = state  # type: ignore[attr-defined]
        yield server


AuthApp = Callable[..., TestClient]


@pytest.fixture
def auth_settings(
    tmp_path: Path, es_key: SigningKey, jwks_server: RecordingServer
) -> Callable[..., Settings]:
    """Settings with auth required and two issuers: the sandbox (ES384, JWKS file) and an EHR
    (RS384, JWKS over HTTP from a loopback server)."""
    jwks_file = tmp_path / "sandbox-jwks.json"
    jwks_file.write_text(json.dumps(es_key.jwks()))

    def make(
        *,
        sandbox_fhir: tuple[str, ...] = ("https://fhir.example.org/r4",),
        rsa_fhir: tuple[str, ...] = (),
        **auth: Any,
    ) -> Settings:
        return load_settings(
            None,
            database={"url": f"sqlite:///{tmp_path / 'trd.db'}"},
            server={"public_url": PUBLIC_URL},
            auth={
                "required": True,
                "issuers": [
                    {"iss": SANDBOX_ISS, "jwks_file": str(jwks_file), "fhir_servers": sandbox_fhir},
                    {
                        "iss": RSA_ISS,
                        "jwks_url": f"{jwks_server.base}/.well-known/jwks.json",
                        "fhir_servers": rsa_fhir,
                    },
                ],
                **auth,
            },
            fhir={"connect_timeout": 2.0, "read_timeout": 2.0, "total_timeout": 5.0, "retries": 0},
        )

    return make


@pytest.fixture
def auth_client(auth_settings: Callable[..., Settings]) -> Iterator[Callable[..., TestClient]]:
    """`auth_client(**settings)` -> a started TestClient for an app with auth required."""
    clients: list[TestClient] = []

    def make(**kw: Any) -> TestClient:
        client = TestClient(create_app(auth_settings(**kw)))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)

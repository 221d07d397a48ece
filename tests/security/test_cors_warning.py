"""Auth on with CORS open to any origin is said once at start (review s25 RP L4).

No cookies or ambient credentials ride on a request, so an open CORS list allows no CSRF; but a
script on any web page may call the service with a token it holds, and read the timeline and
referral-summary pages a link opens. The default `["*"]` suits a sandbox; with auth required it
is most likely a production deployment that forgot to list the EHR's origins."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import Settings, load_settings
from tests.security.conftest import LogCapture


@pytest.mark.parametrize(
    "origins, warned", [(("*",), True), (("https://ehr.example-hospital.org",), False)]
)
def test_auth_on_with_cors_open_to_any_origin_is_one_warning_at_start(
    auth_settings: Callable[..., Settings],
    log_capture: Callable[[FastAPI], LogCapture],
    origins: tuple[str, ...],
    warned: bool,
) -> None:
    settings = auth_settings()
    server = settings.server.model_copy(update={"cors_origins": origins})
    app = create_app(settings.model_copy(update={"server": server}))
    capture = log_capture(app)
    with TestClient(app):
        pass
    assert capture.events("service.started")  # the start-up lines were captured
    warnings = capture.events("service.cors_any_origin")
    assert len(warnings) == (1 if warned else 0)
    if warned:
        assert warnings[0]["level"] == "warning" and "cors_origins" in warnings[0]["hint"]


def test_auth_off_with_cors_open_to_any_origin_is_not_warned(
    tmp_path: Path, log_capture: Callable[[FastAPI], LogCapture]
) -> None:
    """`make run` (auth off, the embedded defaults) stays quiet about it."""
    app = create_app(load_settings(None, database={"url": f"sqlite:///{tmp_path / 'trd.db'}"}))
    capture = log_capture(app)
    with TestClient(app):
        pass
    assert capture.events("service.started") and not capture.events("service.cors_any_origin")

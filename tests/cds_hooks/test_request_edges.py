"""Review 8 findings 4, 7 and 9: the body cap and its 413, `fhirAuthorization` without
`fhirServer`, and the site's time zone as the as-of date of every hook call."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks import runner as runner_module
from cds_hooks.app import create_app
from cds_hooks.config.settings import ConfigError, Settings, load_settings
from fhir_mapping.record import Patient, PatientRecord
from services.evaluation import Evaluation, HookInput
from services.policy import Policy

URL = "/cds-services/trd-patient-view"
TOKEN = "opaque-access-token-7f3a"


class Recorder:
    """A stand-in for the rules that records what it was asked (no cards)."""

    def __init__(self) -> None:
        self.inputs: list[HookInput] = []

    def __call__(self, hook_input: HookInput, policy: Policy) -> Evaluation:
        self.inputs.append(hook_input)
        record = PatientRecord(
            patient=Patient(hook_input.patient_id, 40, "female"), as_of=hook_input.as_of
        )
        return Evaluation(record=record, recommendations=())


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(runner_module, "evaluate", recorder)
    return recorder


def _body(instance: str = "h-1", **extra: Any) -> dict[str, Any]:
    empty = {"resourceType": "Bundle", "type": "searchset"}
    body: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": instance,
        "context": {"patientId": "p1", "userId": "Practitioner/1"},
        "prefetch": dict.fromkeys(("medicationRequests", "conditions", "observations"), empty),
    }
    body.update(extra)
    return body


def _client(tmp_path: Path, **server: Any) -> Iterator[TestClient]:
    settings = load_settings(
        None, database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"}, server=server
    )
    with TestClient(create_app(settings)) as client:
        yield client


# -- finding 4: the body cap ------------------------------------------------------------------------


def test_the_default_cap_admits_a_long_chart(client: TestClient, rules: Recorder) -> None:
    """A 10-year chart with labs is 2-6 MB: 6 MB is answered, not refused."""
    padding = "x" * (6 * 1024 * 1024)
    response = client.post(URL, json=_body(padding=padding))
    assert response.status_code == 200, response.text[:200]
    assert len(rules.inputs) == 1


def test_the_default_cap_is_16_mib(settings: Settings) -> None:
    assert settings.server.max_body_bytes == 16 * 1024 * 1024


@pytest.mark.parametrize("url", [URL, URL + "/feedback"])
def test_the_413_names_the_limit_and_the_setting(tmp_path: Path, url: str) -> None:
    for client in _client(tmp_path, max_body_bytes=4096):
        response = client.post(url, json=_body(padding="x" * 5000))
        assert response.status_code == 413
        message = response.json()["message"]
        assert "4096-byte limit" in message
        assert "[server] max_body_bytes" in message
        assert "TRD_CDS_SERVER__MAX_BODY_BYTES" in message


# -- finding 7: fhirAuthorization without fhirServer -------------------------------------------------


def test_a_token_without_fhir_server_is_answered_and_logged_without_the_token(
    client: TestClient, rules: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    authorization = {
        "access_token": TOKEN,
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "cds-service",
    }
    response = client.post(URL, json=_body(fhirAuthorization=authorization))
    assert response.status_code == 200  # the data is in prefetch: answered, not refused
    warnings = [r for r in caplog.records if r.getMessage() == "request.warning"]
    assert len(warnings) == 1
    fields = warnings[0].fields  # type: ignore[attr-defined]
    assert "fhirServer" in fields["problem"] and "fhirAuthorization" in fields["problem"]
    for record in caplog.records:  # never the token, in any line
        assert TOKEN not in record.getMessage()
        assert TOKEN not in json.dumps(getattr(record, "fields", {}), default=str)


def test_a_complete_envelope_raises_no_warning(
    client: TestClient, rules: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    assert client.post(URL, json=_body()).status_code == 200
    assert not [r for r in caplog.records if r.getMessage() == "request.warning"]


# -- finding 9: the site's time zone ----------------------------------------------------------------

# 02:00 UTC on 10 March is still 9 March in New York (21:00 EST).
INSTANT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "zone, today",
    [
        ("America/New_York", date(2026, 3, 9)),
        ("UTC", date(2026, 3, 10)),
        ("Asia/Tokyo", date(2026, 3, 10)),
    ],
)
def test_today_is_the_date_in_the_sites_time_zone(
    tmp_path: Path,
    rules: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    zone: str,
    today: date,
) -> None:
    monkeypatch.setattr(runner_module, "utcnow", lambda: INSTANT)
    for client in _client(tmp_path, timezone=zone):
        assert client.post(URL, json=_body()).status_code == 200
    assert [i.as_of for i in rules.inputs] == [today]


def test_the_default_time_zone_is_utc(settings: Settings) -> None:
    assert settings.server.timezone == "UTC"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "EST5EDT6", "../../etc/passwd", ""])
def test_an_unknown_time_zone_stops_the_service_naming_it(zone: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(None, server={"timezone": zone})
    assert "server.timezone" in str(raised.value)
    assert repr(zone) in str(raised.value)

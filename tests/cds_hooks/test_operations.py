"""What an operator and an integration engineer meet: liveness and readiness, the start-up line,
request ids on every log line, the lines for discovery / 404 / 405 / 412 / 500, CORS for the
public sandbox (Private Network Access, extra headers), and /metrics."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from cds_hooks import runner as runner_module
from cds_hooks.app import EXIT_STARTUP_FAILED, StartupError, create_app
from cds_hooks.config.settings import Settings, load_settings
from cds_hooks.observability import logs
from cds_hooks.observability.version import VERSION
from fhir_mapping.record import Patient, PatientRecord
from services.evaluation import Evaluation, HookInput
from services.policy import Policy
from services.recommendation import Indicator, Recommendation, Source

HOOK = "/cds-services/trd-patient-view"


class Lines(logging.Handler):
    """The service's log lines as the JSON formatter writes them."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logs.JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def records(self, event: str | None = None) -> list[dict[str, Any]]:
        parsed = [json.loads(line) for line in self.lines]
        return [r for r in parsed if event is None or r["event"] == event]


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    logs.logger.addHandler(handler)
    yield handler
    logs.logger.removeHandler(handler)


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    return load_settings(None, database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"}, **overrides)


def _started(settings: Settings, lines: Lines, **kw: Any) -> TestClient:
    """A started app whose log lines go to `lines` (create_app resets the logger's handlers)."""
    app = create_app(settings, **kw)
    logs.logger.addHandler(lines)
    return TestClient(app)


def _rec(topic: str) -> Recommendation:
    return Recommendation(
        topic=topic,
        indicator=Indicator.INFO,
        summary=f"{topic} summary",
        detail="basis",
        source=Source(
            label="CANMAT 2023", url="https://pmc.ncbi.nlm.nih.gov/articles/PMC11351064/"
        ),
    )


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    def evaluate(hook_input: HookInput, policy: Policy) -> Evaluation:
        record = PatientRecord(
            patient=Patient(hook_input.patient_id, 40, "female"), as_of=hook_input.as_of
        )
        return Evaluation(record=record, recommendations=(_rec("psychotherapy"),))

    monkeypatch.setattr(runner_module, "evaluate", evaluate)


def _body(instance: str = "h-1", drop: str | None = None) -> dict[str, Any]:
    prefetch = {
        k: {"resourceType": "Bundle", "type": "searchset"}
        for k in ("medicationRequests", "conditions", "observations")
        if k != drop
    }
    return {
        "hook": "patient-view",
        "hookInstance": instance,
        "context": {"patientId": "p1", "userId": "Practitioner/1"},
        "prefetch": prefetch,
    }


# -- probes ---------------------------------------------------------------------------------------


def test_the_version_is_the_package_metadata_everywhere(client: TestClient) -> None:
    assert version("trd-cds") == VERSION
    assert client.get("/livez").json() == {"status": "ok", "version": VERSION}
    assert client.get("/readyz").json()["version"] == VERSION
    assert client.app.version == VERSION  # type: ignore[attr-defined]
    for service in client.get("/cds-services").json()["services"]:
        assert service["extension"] == {"trd-cds.version": VERSION}


def test_livez_never_touches_the_database_and_readyz_does(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    assert client.get("/readyz").json() == {"status": "ok", "database": True, "version": VERSION}
    store.engine.dispose()
    real_connect = store.engine.connect

    def broken() -> Any:
        raise ConnectionError("database down")

    store.engine.connect = broken
    try:
        live = client.get("/livez")
        ready = client.get("/readyz")
        health = client.get("/health")
    finally:
        store.engine.connect = real_connect
    assert live.status_code == 200 and live.json()["status"] == "ok"
    assert ready.status_code == health.status_code == 503
    assert (
        ready.json()
        == health.json()
        == {
            "status": "degraded",
            "database": False,
            "version": VERSION,
        }
    )


# -- start-up ---------------------------------------------------------------------------------------


def test_the_start_up_line_says_version_config_source_auth_and_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: Lines
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[logging]\nlevel = "INFO"\n')
    secret = "pw-do-not-log-4711"
    monkeypatch.setenv("TRD_CDS_DATABASE__URL", f"sqlite:///{tmp_path / secret}.sqlite")
    monkeypatch.setenv("TRD_CDS_SECRETS_DIR", str(tmp_path))
    settings = load_settings(config)
    with _started(settings, lines, listen_host="127.0.0.1"):
        pass
    (started,) = lines.records("service.started")
    assert started["version"] == VERSION
    assert started["config"] == str(config.resolve())
    assert started["environment"] == ["database.url"]  # the key, never the value
    assert started["auth"] == "off" and started["database"] == "sqlite"
    assert started["listen"] == "127.0.0.1"
    assert not lines.records("service.exposed_without_auth")
    assert all(secret not in line for line in lines.lines)


@pytest.mark.parametrize("host, warned", [("0.0.0.0", True), ("::", True), ("::1", False)])
def test_serving_beyond_loopback_with_auth_off_is_a_warning(
    tmp_path: Path, lines: Lines, host: str, warned: bool
) -> None:
    with _started(_settings(tmp_path), lines, listen_host=host):
        pass
    warnings = lines.records("service.exposed_without_auth")
    assert bool(warnings) is warned
    if warned:
        assert warnings[0]["level"] == "warning" and warnings[0]["listen"] == host


def test_the_timezone_left_at_its_default_is_one_warning_at_start(
    tmp_path: Path, lines: Lines
) -> None:
    # Review s23 RT finding 5: with UTC, an evening PHQ-9 in the Americas falls on the next day.
    # The service still starts (`make run` serves with the embedded defaults).
    with _started(_settings(tmp_path), lines, listen_host="127.0.0.1"):
        pass
    (warning,) = lines.records("service.timezone_default")
    assert warning["level"] == "warning" and warning["timezone"] == "UTC"
    assert lines.records("service.started")


def test_a_timezone_set_raises_no_warning(tmp_path: Path, lines: Lines) -> None:
    settings = _settings(tmp_path, server={"timezone": "America/New_York"})
    with _started(settings, lines, listen_host="127.0.0.1"):
        pass
    assert not lines.records("service.timezone_default")


def test_gunicorns_bind_address_is_the_one_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: Lines
) -> None:
    monkeypatch.setenv("TRD_CDS_BIND", "0.0.0.0:8080")
    with _started(_settings(tmp_path), lines):
        pass
    assert lines.records("service.started")[0]["listen"] == "0.0.0.0"
    assert lines.records("service.exposed_without_auth")


def test_an_unreachable_database_is_one_line_and_exit_status_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    password = "s3cret-do-not-log"
    settings = load_settings(
        None, database={"url": f"postgresql+psycopg://trd:{password}@127.0.0.1:1/trd"}
    )
    with pytest.raises(StartupError) as raised:
        create_app(settings)
    assert raised.value.code == EXIT_STARTUP_FAILED == 3
    err = capsys.readouterr().err
    (line,) = [json.loads(x) for x in err.splitlines() if x.startswith("{")]
    assert line["event"] == "service.database_unreachable" and line["level"] == "error"
    assert line["database"] == "postgresql" and line["databaseHost"] == "127.0.0.1"
    assert line["databasePort"] == 1 and line["exception"] == "OperationalError"
    assert "Traceback" not in err and password not in err


def test_trd_cds_serve_exits_3_on_an_unreachable_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cds_hooks.cli import main

    monkeypatch.setenv("TRD_CDS_DATABASE__URL", "postgresql+psycopg://trd:pw@127.0.0.1:1/trd")
    monkeypatch.setenv("TRD_CDS_SECRETS_DIR", str(tmp_path))
    assert main(["serve", "--port", "1"]) == 3
    assert "Traceback" not in capsys.readouterr().err


def test_a_config_error_at_the_servers_entry_point_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cds_hooks.main import app_factory

    monkeypatch.setenv("TRD_CDS_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(StartupError):
        app_factory()
    (line,) = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    assert line["event"] == "service.config_invalid" and "missing.toml" in line["detail"]


# -- request ids and the lines an integration engineer reads ------------------------------------


def test_generated_request_ids_differ_in_each_process() -> None:
    import subprocess
    import sys

    from cds_hooks.observability.middleware import new_request_id

    ours = {new_request_id() for _ in range(1000)}
    assert len(ours) == 1000
    code = "from cds_hooks.observability.middleware import new_request_id; print(new_request_id())"
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    assert other.split("-")[0] != next(iter(ours)).split("-")[0]
    # A forked worker (a server that preloads the app) gets its own prefix: the at-fork hook.
    from cds_hooks.observability import middleware

    before = middleware.new_request_id().split("-")[0]
    middleware._new_prefix()
    assert middleware.new_request_id().split("-")[0] != before


def test_a_generated_request_id_is_echoed_and_on_every_line_of_the_request(
    tmp_path: Path, lines: Lines, fake: None
) -> None:
    with _started(_settings(tmp_path), lines) as client:
        response = client.post(HOOK, json=_body())
    rid = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{12}-[0-9a-f]+", rid)
    (answered,) = lines.records("hook.answered")
    assert answered["requestId"] == rid


UUID = "3f2c9a1e-5b7d-4c8e-9f0a-1b2c3d4e5f60"
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({"X-Request-ID": UUID}, UUID),
        ({"X-Correlation-ID": TRACE}, TRACE),
        ({"X-Request-ID": f"00-{TRACE}-00f067aa0ba902b7-01"}, f"00-{TRACE}-00f067aa0ba902b7-01"),
        ({"X-Request-ID": "Marisol Quintanilla", "X-Correlation-ID": UUID}, UUID),
    ],
)
def test_the_callers_id_is_used_when_it_looks_random(
    tmp_path: Path, lines: Lines, fake: None, headers: dict[str, str], expected: str
) -> None:
    with _started(_settings(tmp_path), lines) as client:
        response = client.post(HOOK, json=_body(), headers=headers)
    assert response.headers["x-request-id"] == expected
    assert lines.records("hook.answered")[0]["requestId"] == expected


@pytest.mark.parametrize(
    "value", ["987-65-4329", "MRN:E1234567", "ENC-2026-000123456", "5551234567890123", "a" * 128]
)
def test_a_plain_caller_id_that_may_name_a_patient_is_logged_as_a_keyed_hash(
    tmp_path: Path, lines: Lines, value: str
) -> None:
    """Review s25 RP L1: an EHR using an SSN, MRN or encounter number as its correlation id put
    it on every log line. Now a keyed hash stands for it, the same for the same id (a retry is
    found with its first try), echoed so the caller can still find our lines."""
    with _started(_settings(tmp_path), lines) as client:
        first = client.get("/cds-services", headers={"X-Request-ID": value})
        again = client.get("/cds-services", headers={"X-Correlation-ID": value})
    rid = first.headers["x-request-id"]
    assert re.fullmatch(r"h-[0-9a-f]{20}", rid) and again.headers["x-request-id"] == rid
    assert [r["requestId"] for r in lines.records("discovery.served")] == [rid, rid]
    assert value not in "".join(lines.lines)


@pytest.mark.parametrize("value", ["has space", "a" * 129, "x\ty", "semi;colon", "a/b", ""])
def test_an_unusable_caller_id_is_replaced(tmp_path: Path, lines: Lines, value: str) -> None:
    with _started(_settings(tmp_path), lines) as client:
        response = client.get("/cds-services", headers={"X-Request-ID": value})
    rid = response.headers["x-request-id"]
    assert rid != value and re.fullmatch(r"[0-9a-f]{12}-[0-9a-f]+", rid)
    assert lines.records("discovery.served")[0]["requestId"] == rid


def test_discovery_404_and_405_are_logged(tmp_path: Path, lines: Lines) -> None:
    with _started(_settings(tmp_path), lines) as client:
        client.get("/cds-services")
        client.post("/cds-service/trd-patient-view?patient=p1", json={})
        client.put("/cds-services")
    (served,) = lines.records("discovery.served")
    assert served["status"] == 200 and served["services"] == 3
    refused = lines.records("request.refused")
    assert [(r["status"], r["method"], r.get("path"), r.get("route")) for r in refused] == [
        (404, "POST", "/cds-service/*", None),  # the typo's first segment, no more
        (405, "PUT", None, "/cds-services"),
    ]
    assert all(r["requestId"] for r in refused)


@pytest.mark.parametrize(
    "method, url, where",
    [
        ("GET", "/cds-services/Marisol?mrn=E1234567", {"route": "/cds-services/{service_id}"}),
        (
            "DELETE",
            "/cds-services/Marisol/feedback",
            {"route": "/cds-services/{service_id}/feedback"},
        ),
        ("GET", "/987-65-4329", {"path": "/{segment}"}),
        ("GET", "/Quintanilla/E1234567", {"path": "/{segment}/*"}),
        ("GET", "/patients/E1234567", {"path": "/patients/*"}),
    ],
)
def test_a_404_or_405_line_never_carries_the_callers_path(
    tmp_path: Path, lines: Lines, method: str, url: str, where: dict[str, str]
) -> None:
    """Review s25 RP L2: GET /cds-services/Marisol?mrn=... logged "path": "/cds-services/Marisol".
    Now the route matched (405: the path matched, not the method), else the first segment when
    it is a plain lower-case word."""
    with _started(_settings(tmp_path), lines) as client:
        response = client.request(method, url)
    assert response.status_code in (404, 405)
    (line,) = lines.records("request.refused")
    assert {k: line[k] for k in ("route", "path") if k in line} == where
    for value in ("Marisol", "E1234567", "987-65-4329", "Quintanilla"):
        assert value not in "".join(lines.lines)


def test_a_412_line_says_why_each_required_key_could_not_be_had(
    tmp_path: Path, lines: Lines, fake: None
) -> None:
    with _started(_settings(tmp_path), lines) as client:
        response = client.post(HOOK, json=_body(drop="observations"))
    assert response.status_code == 412
    (line,) = lines.records("hook.precondition_failed")
    assert set(line["reasons"]) == {"observations"}
    assert "the request has no fhirServer" in line["reasons"]["observations"]
    assert line["reasons"] == {
        k: v for k, v in response.json()["details"]["missing"].items() if k == "observations"
    }


def test_an_unexpected_error_is_logged_with_its_place_and_without_its_message(
    tmp_path: Path, lines: Lines, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(hook_input: HookInput, policy: Policy) -> Evaluation:
        raise ValueError("dose unreadable for Marisol Quintanilla")

    monkeypatch.setattr(runner_module, "evaluate", boom)
    with _started(_settings(tmp_path), lines) as client:
        response = client.post(HOOK, json=_body())
    assert response.status_code == 500
    assert response.json() == {"error": "internal-error", "message": "the service failed to answer"}
    (failed,) = lines.records("request.failed")
    assert failed["requestId"] == response.headers["x-request-id"]
    assert failed["exception"] == "ValueError" and failed["route"] == "/cds-services/{service_id}"
    # The innermost frame of the project's code, then the frame that raised.
    assert re.fullmatch(
        r"cds_hooks/runner\.py:\d+ in _prepare via tests/cds_hooks/test_operations\.py:\d+",
        failed["where"],
    ), failed["where"]
    assert all("Marisol" not in line for line in lines.lines)


# -- CORS: the public sandbox calling a local service ----------------------------------------------


def test_private_network_access_preflight_is_answered(client: TestClient) -> None:
    response = client.options(
        HOOK,
        headers={
            "Origin": "https://sandbox.cds-hooks.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-private-network"] == "true"


def test_headers_an_ehr_adds_pass_the_preflight(client: TestClient) -> None:
    requested = "authorization,content-type,x-request-id,x-correlation-id,traceparent,x-epic-client"
    response = client.options(
        HOOK,
        headers={
            "Origin": "https://sandbox.cds-hooks.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": requested,
        },
    )
    assert response.status_code == 200, response.text
    allowed = {h.strip() for h in response.headers["access-control-allow-headers"].split(",")}
    assert set(requested.split(",")) <= {h.lower() for h in allowed}
    assert "access-control-allow-credentials" not in response.headers  # no cookies, ever
    actual = client.get("/cds-services", headers={"Origin": "https://sandbox.cds-hooks.org"})
    assert "x-request-id" in actual.headers["access-control-expose-headers"].lower()


def test_an_origin_outside_the_list_is_refused_even_with_private_network_access(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path, server={"cors_origins": ["https://ehr.example.org"]})
    with TestClient(create_app(settings)) as client:
        response = client.options(
            HOOK,
            headers={
                "Origin": "https://elsewhere.example.com",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Private-Network": "true",
            },
        )
    assert response.status_code == 400  # "Disallowed CORS origin": the browser stops there
    assert "access-control-allow-origin" not in response.headers


# -- /metrics -----------------------------------------------------------------------------------------


def _samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    out: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def _delta(before: dict[Any, float], after: dict[Any, float], name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def test_metrics_count_hook_calls_cards_refusals_and_latency(
    client: TestClient, fake: None
) -> None:
    before = _samples(client)
    assert client.post(HOOK, json=_body("m-1")).status_code == 200
    assert client.post(HOOK, json=_body("m-2", drop="observations")).status_code == 412
    assert client.post(HOOK, content=b"{not json").status_code == 400
    assert client.post("/cds-services/patient-1234/x", json={}).status_code == 404
    assert client.post("/cds-services/patient-5678", json=_body()).status_code == 404
    after = _samples(client)

    hook = "trd_cds_hook_calls_total"
    assert _delta(before, after, hook, service="trd-patient-view", status="200") == 1
    assert _delta(before, after, hook, service="trd-patient-view", status="412") == 1
    assert _delta(before, after, hook, service="trd-patient-view", status="400") == 1
    # An id in a URL is the caller's to choose: never a label value of its own.
    assert _delta(before, after, hook, service="unknown", status="404") == 1
    assert (
        _delta(
            before, after, "trd_cds_cards_total", service="trd-patient-view", topic="psychotherapy"
        )
        == 1
    )
    seconds = "trd_cds_hook_duration_seconds_count"
    assert _delta(before, after, seconds, service="trd-patient-view") == 3
    refused = "trd_cds_requests_refused_total"
    assert _delta(before, after, refused, status="400", reason="invalid-json") == 1
    assert _delta(before, after, refused, status="404", reason="unknown-service") == 1
    assert _delta(before, after, refused, status="404", reason="not-found") == 1
    twelve = [k for k in after if k[0] == refused and ("status", "412") in k[1]]
    assert any("the request has no fhirServer" in dict(k[1])["reason"] for k in twelve)
    text = client.get("/metrics").text
    assert (
        "patient-1234" not in text
        and "patient-5678" not in text
        and "p1" not in re.findall(r'"([^"]*)"', text)
    )


def test_resources_left_out_and_unavailable_data_are_counted_from_the_hook_line(
    client: TestClient,
) -> None:
    before = _samples(client)
    logs.event(
        "hook.answered",
        service="trd-patient-view",
        cards=[],
        leftOut={"medications: medication reference not found": 2, "scores: no date": 1},
        dataUnavailable=["Procedure"],
        dataIncomplete=["Observation"],
    )
    after = _samples(client)
    left = "trd_cds_resources_left_out_total"
    assert (
        _delta(before, after, left, domain="medications", reason="medication reference not found")
        == 2
    )
    assert _delta(before, after, left, domain="scores", reason="no date") == 1
    assert _delta(before, after, "trd_cds_data_unavailable_total", resource_type="Procedure") == 1
    assert _delta(before, after, "trd_cds_data_incomplete_total", resource_type="Observation") == 1


def test_reason_labels_are_bounded(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from cds_hooks.observability import metrics

    # A fresh bound for this test, so the made-up reasons do not use up the process's own.
    monkeypatch.setattr(metrics, "_refusal_reason", metrics._Bounded())
    for n in range(metrics.MAX_LABEL_VALUES + 5):
        logs.event("request.refused", status=400, reason=f"made-up reason {n} for the bound test")
    families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").text)}
    made_up = {
        s.labels["reason"]
        for s in families["trd_cds_requests_refused"].samples
        if s.labels["reason"].startswith("made-up reason")
    }
    assert len(made_up) == metrics.MAX_LABEL_VALUES
    other = [
        s.value
        for s in families["trd_cds_requests_refused"].samples
        if s.labels == {"status": "400", "reason": "other"}
    ]
    assert other and other[0] >= 5


def test_a_missing_postgresql_driver_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Review s21 RI finding 5: with `make run`'s .venv (no psycopg) a PostgreSQL url was
    "check [database] url ... and that the database answers"; the driver is what is missing."""
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg -> ModuleNotFoundError
    settings = load_settings(None, database={"url": "postgresql+psycopg://trd:pw@127.0.0.1:1/trd"})
    with pytest.raises(StartupError) as raised:
        create_app(settings)
    assert raised.value.code == EXIT_STARTUP_FAILED
    err = capsys.readouterr().err
    (line,) = [json.loads(x) for x in err.splitlines() if x.startswith("{")]
    assert line["event"] == "service.database_unreachable"
    assert "pip install -e '.[postgres]'" in line["hint"]


def test_serve_on_a_port_in_use_exits_4_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Review s21 RI finding 8: uvicorn's bind error exited 3, the database's status, and the
    SQLite file was made first. Now one line naming the address and the way out, exit 4, and
    nothing opened or written."""
    import socket

    from cds_hooks.cli import main
    from cds_hooks.listen import EXIT_ADDRESS_IN_USE

    database = tmp_path / "never.db"
    monkeypatch.setenv("TRD_CDS_DATABASE__URL", f"sqlite:///{database}")
    monkeypatch.setenv("TRD_CDS_SECRETS_DIR", str(tmp_path))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["serve", "--port", str(port)])
    err = capsys.readouterr().err
    assert code == EXIT_ADDRESS_IN_USE == 4
    assert f"127.0.0.1:{port} is already in use" in err and "make run PORT=N" in err
    assert "Traceback" not in err and not database.exists()

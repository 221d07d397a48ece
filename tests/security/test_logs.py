"""No token and no patient data in any log line, across full runs of every kind: answered hooks
(prefetch and FHIR fetches), 412s, 400s, refused JWTs, feedback with a free-text comment, a FHIR
server failing. And one line per hook call with what an operator needs."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.security import chart
from tests.security.conftest import LogCapture
from tests.security.servers import RecordingServer
from tests.security.test_ssrf import fhir_server
from tests.security.tokens import SERVICE, Minter

HOOK_URL = f"/cds-services/{SERVICE}"
COMMENT = "Declined: Marisol's sister Inez says she cannot afford the copay"


def run_everything(
    client: TestClient, minter: Minter, fhir_base: str, broken_base: str
) -> dict[str, Any]:
    """Every kind of request, once or more; returns the JWTs used and the hook calls made."""
    jwts: list[str] = []
    hook_calls: list[tuple[str, int]] = []  # (hookInstance, expected status)

    def bearer(**claims: Any) -> dict[str, str]:
        token = minter.token(**claims)
        jwts.append(token)
        return {"Authorization": f"Bearer {token}"}

    def hook(body: dict[str, Any], status: int) -> Any:
        response = client.post(HOOK_URL, json=body, headers=bearer())
        assert response.status_code == status, response.text
        hook_calls.append((body["hookInstance"], status))
        return response

    # Answered from prefetch alone (with a fhirAuthorization that is never used).
    answered = hook(chart.hook_request(fhir_server=f"{fhir_base}/fhir"), 200)
    # Answered partly from the FHIR server.
    hook(
        chart.hook_request(
            prefetch_keys={"patient", "conditions"}, fhir_server=f"{fhir_base}/fhir"
        ),
        200,
    )
    # 412: nothing prefetched, no fhirServer.
    hook(chart.hook_request(prefetch_keys=set()), 412)
    # 412: the FHIR server answers 500.
    hook(chart.hook_request(prefetch_keys={"patient"}, fhir_server=f"{broken_base}/fhir"), 412)

    # 400s whose bodies quote the patient.
    raw = f'{{"hook": "patient-view", "context": {{"patientId": "{chart.PATIENT_ID}", "name": "{chart.GIVEN}'
    bad = client.post(
        HOOK_URL, content=raw.encode(), headers={**bearer(), "Content-Type": "application/json"}
    )
    assert bad.status_code == 400
    wrong_types = chart.hook_request()
    wrong_types["context"] = f"{chart.GIVEN} {chart.FAMILY} born {chart.BIRTH_DATE}"
    assert client.post(HOOK_URL, json=wrong_types, headers=bearer()).status_code == 400
    latin1 = f'{{"hook": "patient-view", "note": "{chart.FAMILY} caf\xe9"}}'.encode("latin-1")
    assert client.post(HOOK_URL, content=latin1, headers=bearer()).status_code == 400

    # Refused JWTs: expired, garbage that quotes the patient, and a replay.
    expired = minter.token(iat=1_700_000_000, exp=1_700_000_300)
    jwts.append(expired)
    for authorization in (
        f"Bearer {expired}",
        f"Bearer {chart.PATIENT_ID}.{chart.GIVEN}.{chart.SSN}",
        f"Basic {chart.ACCESS_TOKEN}",
    ):
        refused = client.post(
            HOOK_URL, json=chart.hook_request(), headers={"Authorization": authorization}
        )
        assert refused.status_code == 401
    replayed = bearer()
    assert client.post(HOOK_URL, json=chart.hook_request(), headers=replayed).status_code == 200
    hook_calls.append(("(replay original)", 200))
    assert client.post(HOOK_URL, json=chart.hook_request(), headers=replayed).status_code == 401

    # Feedback with a free-text comment naming people.
    card = answered.json()["cards"][0]
    feedback = {
        "feedback": [
            {
                "card": card["uuid"],
                "outcome": "overridden",
                "overrideReason": {
                    "reason": {"code": "patient-declined", "system": "urn:trd-cds:override-reason"},
                    "userComment": COMMENT,
                },
                "outcomeTimestamp": "2026-03-01T10:00:00Z",
            }
        ]
    }
    assert client.post(f"{HOOK_URL}/feedback", json=feedback, headers=bearer()).status_code == 200
    return {"jwts": jwts, "hook_calls": hook_calls}


def test_no_token_or_patient_data_in_any_log_line(
    auth_client: Callable[..., TestClient],
    es_minter: Minter,
    log_capture: Callable[[FastAPI], LogCapture],
) -> None:
    with (
        RecordingServer(fhir_server()) as fhir,
        RecordingServer(lambda _s: (500, {}, b'{"resourceType": "OperationOutcome"}')) as broken,
    ):
        client = auth_client(sandbox_fhir=(f"{fhir.base}/fhir", f"{broken.base}/fhir"))
        capture = log_capture(client.app)  # type: ignore[arg-type]
        ran = run_everything(client, es_minter, fhir.base, broken.base)
        assert fhir.hits > 0 and broken.hits > 0

    lines = capture.lines
    assert len(lines) >= 13  # 5 hook calls, 3 bad bodies, 4 refused tokens, 1 feedback
    forbidden = {**chart.secrets(), "feedback comment": COMMENT[:30], "comment name": "Inez"}
    for i, token in enumerate(ran["jwts"]):
        forbidden[f"JWT {i}"] = token
        forbidden[f"JWT {i} signature"] = token.rsplit(".", 1)[1]
        forbidden[f"JWT {i} payload"] = token.split(".")[1][:40]
    for line in lines:
        for what, value in forbidden.items():
            assert value not in line, f"{what} leaked into a log line: {line}"


def test_one_line_per_hook_call_with_what_an_operator_needs(
    auth_client: Callable[..., TestClient],
    es_minter: Minter,
    log_capture: Callable[[FastAPI], LogCapture],
) -> None:
    with (
        RecordingServer(fhir_server()) as fhir,
        RecordingServer(lambda _s: (500, {}, b"{}")) as broken,
    ):
        client = auth_client(sandbox_fhir=(f"{fhir.base}/fhir", f"{broken.base}/fhir"))
        capture = log_capture(client.app)  # type: ignore[arg-type]
        ran = run_everything(client, es_minter, fhir.base, broken.base)

    hook_lines = [
        r for r in capture.records() if r["event"] in ("hook.answered", "hook.precondition_failed")
    ]
    expected = [(instance, status) for instance, status in ran["hook_calls"]]
    assert len(hook_lines) == len(expected) == 5
    for line, (instance, status) in zip(hook_lines, expected, strict=True):
        if instance != "(replay original)":
            assert line["hookInstance"] == instance
        assert line["status"] == status
        assert line["hook"] == "patient-view"
        assert line["service"] == SERVICE
        assert isinstance(line["durationMs"], float) and line["durationMs"] >= 0
        if status == 200:
            assert isinstance(line["cards"], list)
            assert all(isinstance(topic, str) and topic for topic in line["cards"])
            assert isinstance(line["resourcesRead"], int)
            assert isinstance(line["resourcesSkipped"], int)
        else:
            assert line["missingKeys"]
    first = hook_lines[0]
    assert (
        first["resourcesRead"] == 7
    )  # patient, condition, medication request, 4 PHQ-9 observations
    assert first["cards"] and first["fetchedKeys"] == []
    assert set(hook_lines[1]["fetchedKeys"]) == {
        "medicationRequests",
        "medicationStatements",
        "medicationDispenses",
        "observations",
        "labs",
        "labsSI",
        "liverTests",
        "vitals",
        "pgx",
        "procedures",
        "serviceRequests",
        "devices",
        "questionnaireResponses",
        "allergyIntolerances",
        "adverseEvents",
        "medicationAdministrations",
        "encounters",  # psychotherapy charted only as visits (review 14 M2)
    }
    # Refusals and rejected bodies are one line each, with a status and no request content.
    assert [r["status"] for r in capture.events("auth.refused")] == [401, 401, 401, 401]
    assert [r["status"] for r in capture.events("request.refused")] == [400, 400, 400]
    assert [r["new"] for r in capture.events("feedback.stored")] == [1]


def _log_exception_through(name: str) -> str:
    """What the named logger writes for an exception whose message quotes a patient."""
    target = logging.getLogger(name)
    owner: logging.Logger | None = target  # the logger whose handlers will write the record
    while owner is not None and not owner.handlers and owner.propagate:
        owner = owner.parent
    assert owner is not None and owner.handlers, name
    stream = io.StringIO()
    sink = logging.StreamHandler(stream)
    sink.setFormatter(owner.handlers[0].formatter)
    try:
        raise ValueError(f"bad dose for {chart.GIVEN} {chart.FAMILY}")
    except ValueError:
        target.addHandler(sink)
        try:
            target.error("Exception in ASGI application", exc_info=sys.exc_info())
        finally:
            target.removeHandler(sink)
    return stream.getvalue()


def test_server_loggers_log_exceptions_by_type_only_even_after_uvicorn_configures_them(
    client: TestClient,
) -> None:
    """uvicorn.run (the `trd-cds serve` path) configures its loggers after create_app; the app's
    start-up routes them through the JSON formatter again."""
    import uvicorn

    logging.getLogger("uvicorn.error").propagate = True  # as in a fresh process
    uvicorn.Config(client.app, log_level="info").configure_logging()  # what uvicorn.run does
    leaky = _log_exception_through("uvicorn.error")
    assert chart.GIVEN in leaky and "Traceback" in leaky  # the server's default format leaks
    with TestClient(client.app):  # the lifespan start-up runs again
        pass
    for name in ("uvicorn.error", "gunicorn.error"):
        line = _log_exception_through(name)
        assert chart.GIVEN not in line and "Traceback" not in line
        assert json.loads(line)["exception"] == "ValueError"


def test_http_client_loggers_stay_quiet_when_the_root_logger_is_at_debug(
    auth_client: Callable[..., TestClient], es_minter: Minter
) -> None:
    """Review s25 RP L5: with the root logger at DEBUG (an operator's logging.basicConfig, a
    debugging session), urllib3 wrote every FHIR query URL, `patient=<id>` in it. The HTTP
    clients' loggers are held at ERROR by the service's logging set-up (s34 K40a)."""
    root = logging.getLogger()
    capture = LogCapture()
    capture.setFormatter(logging.Formatter("%(name)s %(message)s"))
    level = root.level
    root.addHandler(capture)
    try:
        with RecordingServer(fhir_server()) as fhir:
            client = auth_client(sandbox_fhir=(f"{fhir.base}/fhir",))
            root.setLevel(logging.DEBUG)  # after start-up, as an operator would
            body = chart.hook_request(prefetch_keys={"patient"}, fhir_server=f"{fhir.base}/fhir")
            headers = {"Authorization": f"Bearer {es_minter.token()}"}
            assert client.post(HOOK_URL, json=body, headers=headers).status_code == 200
            assert fhir.hits > 0
    finally:
        root.setLevel(level)
        root.removeHandler(capture)
    assert not [line for line in capture.lines if chart.PATIENT_ID in line]
    for name in ("urllib3", "requests", "httpx", "httpcore"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING


def test_retry_warnings_of_a_refused_fhir_server_do_not_quote_the_patient_query(
    auth_client: Callable[..., TestClient], es_minter: Minter
) -> None:
    """Review s34 K40a finding 2: urllib3 writes "Retrying (...) after connection broken by ...:
    /Observation?patient=<id>..." at WARNING, which a WARNING threshold let through to any handler
    an operator adds. A FHIR server on 127.0.0.1:9 refuses every connection, so each fetch retries;
    the HTTP clients' loggers are held at ERROR, and nothing quotes the patient id."""
    root = logging.getLogger()
    capture = LogCapture()
    capture.setFormatter(logging.Formatter("%(name)s %(message)s"))
    level = root.level
    root.addHandler(capture)
    refused = "http://127.0.0.1:9/fhir"
    try:
        client = auth_client(sandbox_fhir=(refused,))
        root.setLevel(logging.DEBUG)  # after start-up, as an operator would
        body = chart.hook_request(prefetch_keys={"patient"}, fhir_server=refused)
        headers = {"Authorization": f"Bearer {es_minter.token()}"}
        response = client.post(HOOK_URL, json=body, headers=headers)
        assert response.status_code < 500
    finally:
        root.setLevel(level)
        root.removeHandler(capture)
    assert capture.lines, "the refused fetches were not logged at all"
    assert not [line for line in capture.lines if chart.PATIENT_ID in line]
    for name in ("urllib3", "requests", "httpx", "httpcore"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.ERROR

"""A 400's log line says what was wrong: a fixed cause tag and the paths at fault, never a value
(review 19 R2 M2). EHRs often keep only the status code, so the request id must lead to a line
an integration engineer can act on; a missing `selections` is said to be missing (M4), and an
empty `selections: []` is answered, every draft checked (review s28 RG finding 4)."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.observability import logs

PATIENTS = Path(__file__).resolve().parents[1] / "fixtures" / "patients"
ORDER = "/cds-services/trd-order-select"
VIEW = "/cds-services/trd-patient-view"
# Values in the requests below that must never reach a log line.
SECRET_PATIENT = "Patient-Marisol-Quintanilla-1957"


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logs.JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def refused(self) -> list[dict[str, Any]]:
        parsed = [json.loads(line) for line in self.lines]
        return [r for r in parsed if r["event"] == "request.refused"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, _Lines]]:
    app = create_app(load_settings(None, database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"}))
    lines = _Lines()
    logs.logger.addHandler(lines)  # after create_app, which resets the logger's handlers
    try:
        with TestClient(app) as client:
            yield client, lines
    finally:
        logs.logger.removeHandler(lines)


def _order_select() -> dict[str, Any]:
    body: dict[str, Any] = json.loads(
        (PATIENTS / "order_select_low_dose.order-select.request.json").read_text("utf-8")
    )
    body["context"]["patientId"] = SECRET_PATIENT
    return body


def _with(change: Any) -> dict[str, Any]:
    body = _order_select()
    change(body)
    return body


CASES: dict[str, tuple[str, bytes | dict[str, Any], str, list[str] | None]] = {
    "invalid JSON": (ORDER, b'{"hook": "order-select", ', "invalid-json", None),
    "invalid UTF-8": (ORDER, b'{"hook": "\xff"}', "invalid-utf8", None),
    "empty body": (ORDER, b"  ", "empty-body", None),
    "a list body": (ORDER, b"[1, 2]", "not-an-object", ["body"]),
    "hook and service differ": (VIEW, _order_select(), "hook-mismatch", ["hook"]),
    "draftOrders a bare resource": (
        ORDER,
        _with(
            lambda b: b["context"].__setitem__(
                "draftOrders", b["context"]["draftOrders"]["entry"][0]["resource"]
            )
        ),
        "invalid-field",
        ["context.draftOrders"],
    ),
    "patientId a number, hookInstance a list": (
        ORDER,
        _with(
            lambda b: (
                b["context"].__setitem__("patientId", 1957),
                b.__setitem__("hookInstance", [SECRET_PATIENT]),
            )
        ),
        "invalid-field",
        ["hookInstance", "context.patientId"],
    ),
    "selections missing": (
        ORDER,
        _with(lambda b: b["context"].pop("selections")),
        "missing-context",
        ["context.selections"],
    ),
    "prefetch all another patient's": (
        ORDER,
        _with(lambda b: b["context"].__setitem__("patientId", "someone-else")),
        "no-context-patient-data",
        ["context.patientId", "prefetch"],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_400_log_line_names_a_fixed_cause_and_the_paths_at_fault(
    served: tuple[TestClient, _Lines], name: str
) -> None:
    client, lines = served
    path, body, cause, fields = CASES[name]
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = client.post(path, content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    (line,) = lines.refused()
    assert line["error"] == "bad-request"
    assert line["reason"] == cause
    assert line.get("fields") == fields
    assert line["requestId"] == response.headers["x-request-id"]
    # Paths and tags only: nothing the caller sent, and not the message (it may quote input).
    text = json.dumps(line)
    assert SECRET_PATIENT not in text and "1957" not in text
    assert response.json()["message"] not in text


def test_the_cause_is_the_metrics_reason_label(served: tuple[TestClient, _Lines]) -> None:
    client, _lines = served
    assert client.post(ORDER, content=b"{not json").status_code == 400
    metrics = client.get("/metrics").text
    assert 'trd_cds_requests_refused_total{reason="invalid-json",status="400"}' in metrics


def test_an_empty_selections_is_answered_and_a_missing_one_refused(
    served: tuple[TestClient, _Lines],
) -> None:
    """`selections: []` is sent (CDS Hooks 2.0 sets the array no minimum): read as selections
    naming no draft, every draft checked and said so (review s28 RG finding 4; a 400 before).
    A call without the field is still refused, and said to lack it."""
    client, lines = served
    body = json.loads(
        (PATIENTS / "order_select_low_dose.order-select.request.json").read_text("utf-8")
    )
    body["context"]["selections"] = []
    response = client.post(ORDER, json=body)
    assert response.status_code == 200, response.text
    assert "context.selections is empty" in json.dumps(response.json()["cards"])
    assert lines.refused() == []

    absent = copy.deepcopy(body)
    del absent["context"]["selections"]
    answer = client.post(ORDER, json=absent).json()
    assert answer["message"].endswith(": context.selections is missing")
    assert "emptyContext" not in answer["details"]

"""A body declared as a type a browser posts without a CORS preflight is refused with 415
(review s21 RE N2); every other type is read as JSON (review s21 RR finding 1).

Feedback (and a hook call) sent as text/plain was parsed as JSON. text/plain and the form types
are the ones a browser page of any origin may POST without a CORS preflight, so with
cors_origins "*" and auth off (the demo) a page could post feedback for a card. Those three get
415 naming application/json. A first version refused every non-JSON type, and with it
`application/json+fhir` (the DSTU2-era type some EHR stacks still send): a hook call answered 415
gives the patient no cards at all, so other types are read as before (cds_hooks/body.py).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPO_ROOT

HOOK = "/cds-services/trd-patient-view"
FEEDBACK = f"{HOOK}/feedback"
REQUEST = REPO_ROOT / "tests" / "fixtures" / "patients" / "trd_meets_tms.request.json"


def _feedback(card: str) -> bytes:
    item = {
        "card": card,
        "outcome": "overridden",
        "outcomeTimestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return json.dumps({"feedback": [item]}).encode()


@pytest.mark.parametrize(
    "media",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "Text/Plain",
    ],
)
def test_feedback_not_declared_as_json_is_refused(client: TestClient, media: str) -> None:
    response = client.post(
        FEEDBACK, content=_feedback(str(uuid.uuid4())), headers={"Content-Type": media}
    )
    assert response.status_code == 415, response.text
    body = response.json()
    assert body["error"] == "unsupported-media-type"
    assert media.split(";")[0].lower() in body["message"]
    assert "application/json" in body["message"]


def test_a_hook_call_sent_as_text_plain_is_refused(client: TestClient) -> None:
    raw = json.dumps(_request()).encode()
    response = client.post(HOOK, content=raw, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415, response.text
    assert "application/json" in response.json()["message"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/json"},
        {"Content-Type": "application/json; charset=utf-8"},
        {"Content-Type": "Application/JSON;charset=UTF-8"},
        {"Content-Type": "application/fhir+json"},
        {"Content-Type": "application/json+fhir"},
        {"Content-Type": "text/json"},
        {"Content-Type": "application/octet-stream"},
        {"Content-Type": "*/*"},
        {},  # no Content-Type: still read (some clients send none)
    ],
)
def test_json_types_and_no_type_are_read(client: TestClient, headers: dict[str, str]) -> None:
    raw = json.dumps(_request()).encode()
    assert client.post(HOOK, content=raw, headers=headers).status_code == 200
    # Feedback on a card never issued: read as JSON, so the answer names the card.
    unknown = client.post(FEEDBACK, content=_feedback(str(uuid.uuid4())), headers=headers)
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "unknown-card"


def _request() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(REQUEST.read_text("utf-8"))
    doc["hookInstance"] = str(uuid.uuid4())
    return doc

"""Review s24 M4: `fhirAuthorization` as CDS Hooks 2.0.1 #passing-the-access-token-to-the-cds-service
writes it (access_token, token_type "Bearer", expires_in, scope, subject: all REQUIRED).

A token_type other than Bearer was accepted and the token sent as a Bearer token: now a 400
naming token_type. Missing expires_in / scope / subject (and token_type, read as Bearer) are
tolerated, as EHRs differ, but the log names the missing fields once, never their values.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

URL = "/cds-services/trd-patient-view"
TOKEN = "opaque-access-token-m4"
SCOPE = "patient/Condition.read secret-scope-value"
SUBJECT = "client-id-m4"
# Not on the allowlist (loopback only by default): nothing is ever fetched from it.
SERVER = "https://ehr.example.org/fhir"


def _body(**authorization: Any) -> dict[str, Any]:
    empty = {"resourceType": "Bundle", "type": "searchset"}
    return {
        "hook": "patient-view",
        "hookInstance": "h-m4",
        "fhirServer": SERVER,
        "fhirAuthorization": {"access_token": TOKEN, **authorization},
        "context": {"patientId": "p1", "userId": "Practitioner/1"},
        "prefetch": dict.fromkeys(("medicationRequests", "conditions", "observations"), empty),
    }


FULL = {"token_type": "Bearer", "expires_in": 300, "scope": SCOPE, "subject": SUBJECT}


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        str(r.fields["problem"])  # type: ignore[attr-defined]
        for r in caplog.records
        if r.getMessage() == "request.warning"
    ]


def _no_secrets(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        text = record.getMessage() + json.dumps(getattr(record, "fields", {}), default=str)
        for value in (TOKEN, SCOPE, SUBJECT):
            assert value not in text


@pytest.mark.parametrize("token_type", ["MAC", "DPoP", "Basic", ""])
def test_a_token_type_other_than_bearer_is_refused_naming_it(
    client: TestClient, caplog: pytest.LogCaptureFixture, token_type: str
) -> None:
    response = client.post(URL, json=_body(**{**FULL, "token_type": token_type}))
    assert response.status_code == 400
    message = response.json()["message"]
    assert message.startswith("invalid fhirAuthorization.token_type:")
    assert 'must be "Bearer"' in message
    assert TOKEN not in response.text
    _no_secrets(caplog)


@pytest.mark.parametrize("token_type", ["Bearer", "bearer", "BEARER"])
def test_bearer_in_any_case_is_answered_without_a_warning(
    client: TestClient, caplog: pytest.LogCaptureFixture, token_type: str
) -> None:
    response = client.post(URL, json=_body(**{**FULL, "token_type": token_type}))
    assert response.status_code == 200, response.text[:300]
    assert _warnings(caplog) == []


def test_missing_scope_and_subject_are_answered_and_named_once(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = client.post(URL, json=_body(token_type="Bearer", expires_in=300))
    assert response.status_code == 200, response.text[:300]
    assert _warnings(caplog) == ["fhirAuthorization lacks scope, subject, which the spec requires"]
    _no_secrets(caplog)


def test_a_bare_token_names_every_missing_field(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = client.post(URL, json=_body())
    assert response.status_code == 200, response.text[:300]
    assert _warnings(caplog) == [
        "fhirAuthorization lacks token_type, expires_in, scope, subject, which the spec requires"
    ]
    _no_secrets(caplog)


def test_a_null_token_type_is_read_as_missing_and_named(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Review s24 RB finding 9: "token_type": null was a 400 ("Input should be a valid string")
    while a token_type left out is read as Bearer; null is now read as left out."""
    response = client.post(URL, json=_body(**{**FULL, "token_type": None}))
    assert response.status_code == 200, response.text[:300]
    assert _warnings(caplog) == ["fhirAuthorization lacks token_type, which the spec requires"]
    _no_secrets(caplog)


def test_null_required_fields_are_named_as_missing(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = client.post(URL, json=_body(token_type="Bearer", expires_in=None, scope=None))
    assert response.status_code == 200, response.text[:300]
    assert _warnings(caplog) == [
        "fhirAuthorization lacks expires_in, scope, subject, which the spec requires"
    ]
    _no_secrets(caplog)

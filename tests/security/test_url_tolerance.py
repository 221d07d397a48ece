"""Harmless differences in the URLs a JWT names (`iss`, `aud`, `jku`) are tolerated; anything
else is refused, and the log line names the exact mismatch without the token (the `public_url` /
`aud` trap of README "How an EHR calls it")."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from cds_hooks.config.settings import AuthSettings
from cds_hooks.errors import Unauthorized
from cds_hooks.security.jwt_verifier import JwtVerifier, Mismatch, canonical_url, same_url
from cds_hooks.security.replay import MemoryReplayStore
from tests.security import chart
from tests.security.conftest import LogCapture
from tests.security.test_jwt_verifier import StaticKeys
from tests.security.tokens import AUDIENCE, SANDBOX_ISS, SERVICE, Minter, SigningKey, new_ec_key

JWKS_URL = "https://ehr.example.org/.well-known/jwks.json"
ISS = "https://ehr.example.org"


@pytest.mark.parametrize(
    "a, b",
    [
        ("https://cds.example.org/cds-services/x", "https://cds.example.org/cds-services/x/"),
        ("https://cds.example.org/cds-services/x", "HTTPS://CDS.Example.ORG/cds-services/x"),
        ("https://cds.example.org/cds-services/x", "https://cds.example.org:443/cds-services/x"),
        ("http://127.0.0.1:8080/cds-services/x", "http://127.0.0.1:8080/cds-services/x/"),
        ("http://localhost/x", "http://localhost:80/x"),
        ("https://cds.example.org", "https://cds.example.org/"),
    ],
)
def test_harmless_differences_name_the_same_url(a: str, b: str) -> None:
    assert same_url(a, b) and same_url(b, a)


@pytest.mark.parametrize(
    "a, b",
    [
        ("https://cds.example.org/cds-services/x", "http://cds.example.org/cds-services/x"),
        ("https://cds.example.org/cds-services/x", "https://cds.example.org:8443/cds-services/x"),
        ("https://cds.example.org/cds-services/x", "https://cds.example.org/cds-services/X"),
        (
            "https://cds.example.org/cds-services/x",
            "https://cds.example.org/cds-services/x/feedback",
        ),
        ("https://cds.example.org/cds-services/x", "https://evil.example.org/cds-services/x"),
        ("https://cds.example.org/x", "https://user@cds.example.org/x"),
        ("https://cds.example.org/x", "https://cds.example.org/x?a=1"),
        ("http://127.0.0.1:8080/x", "http://localhost:8080/x"),
    ],
)
def test_other_differences_do_not(a: str, b: str) -> None:
    assert not same_url(a, b)


def test_non_http_urls_have_no_canonical_form() -> None:
    assert canonical_url("ftp://example.org/x") is None
    assert canonical_url("not a url") is None
    assert canonical_url("https://[::1/x") is None


# -- the verifier ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return new_ec_key("k1")


def _verifier(key: SigningKey, now: float) -> JwtVerifier:
    settings = AuthSettings(required=True, issuers=[{"iss": ISS, "jwks_url": JWKS_URL}])
    return JwtVerifier(
        settings, {ISS: StaticKeys(key.jwks())}, MemoryReplayStore(), clock=lambda: now
    )


def _token(key: SigningKey, now: int, *, aud: Any, jku: str | None = None) -> str:
    minter = Minter(key, ISS, aud=aud)
    headers = {"kid": key.kid, **({"jku": jku} if jku is not None else {})}
    return jwt.encode(
        minter.claims(iat=now, exp=now + 300), key.private, algorithm="ES384", headers=headers
    )


@pytest.mark.parametrize(
    "jku",
    [
        JWKS_URL,
        JWKS_URL + "/",
        "HTTPS://EHR.EXAMPLE.ORG/.well-known/jwks.json",
        "https://ehr.example.org:443/.well-known/jwks.json",
    ],
)
def test_a_jku_naming_the_configured_url_is_accepted(key: SigningKey, jku: str) -> None:
    now = int(time.time())
    verifier = _verifier(key, now)
    assert (
        verifier.verify(_token(key, now, aud=AUDIENCE, jku=jku), audiences=[AUDIENCE]).issuer == ISS
    )


def test_a_jku_naming_another_url_is_refused_with_the_mismatch(key: SigningKey) -> None:
    now = int(time.time())
    other = "https://attacker.example.com/jwks.json?token=abc#frag"
    with pytest.raises(Mismatch) as refused:
        _verifier(key, now).verify(_token(key, now, aud=AUDIENCE, jku=other), audiences=[AUDIENCE])
    assert refused.value.log_reason == "token jku is not the issuer's configured jwks_url"
    # Read before the signature: reduced to scheme, host, port and path.
    assert refused.value.mismatch == {
        "claim": "jku",
        "expected": JWKS_URL,
        "received": "https://attacker.example.com/jwks.json",
    }


@pytest.mark.parametrize(
    "aud",
    [
        AUDIENCE + "/",
        "HTTPS://CDS.Example.ORG/cds-services/trd-patient-view",
        "https://cds.example.org:443/cds-services/trd-patient-view",
        [f"{AUDIENCE}/", "https://other.example.org"],
    ],
)
def test_an_aud_naming_the_service_url_is_accepted(key: SigningKey, aud: Any) -> None:
    now = int(time.time())
    assert _verifier(key, now).verify(_token(key, now, aud=aud), audiences=[AUDIENCE]).issuer == ISS


def test_an_aud_for_another_url_is_refused_with_the_mismatch(key: SigningKey) -> None:
    now = int(time.time())
    wrong = "http://localhost:8080/cds-services/trd-patient-view"
    with pytest.raises(Unauthorized) as refused:
        _verifier(key, now).verify(_token(key, now, aud=wrong), audiences=[AUDIENCE])
    assert refused.value.log_reason == "token aud is not this service's URL"
    assert isinstance(refused.value, Mismatch)
    assert refused.value.mismatch["expected"] == [AUDIENCE]
    assert refused.value.mismatch["received"] == [wrong]


# -- over HTTP: the log line an integration engineer reads ------------------------------------------


def test_the_401_log_line_names_the_aud_mismatch_and_not_the_token(
    auth_client: Callable[..., TestClient],
    es_minter: Minter,
    log_capture: Callable[[FastAPI], LogCapture],
) -> None:
    client = auth_client()
    capture = log_capture(client.app)  # type: ignore[arg-type]
    typed_in_the_sandbox = f"http://localhost:8080/cds-services/{SERVICE}"
    token = es_minter.token(aud=typed_in_the_sandbox)
    response = client.post(
        f"/cds-services/{SERVICE}",
        json=chart.hook_request(),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized", "message": "authentication failed"}
    (line,) = capture.events("auth.refused")
    assert line["reason"] == "token aud is not this service's URL"
    assert line["mismatch"]["expected"] == [AUDIENCE]
    assert line["mismatch"]["received"] == [typed_in_the_sandbox]
    assert "public_url" in line["mismatch"]["hint"]
    assert all(token not in raw and token.split(".")[2] not in raw for raw in capture.lines)

    # The same call with a trailing slash on aud is no mismatch at all.
    ok = client.post(
        f"/cds-services/{SERVICE}",
        json=chart.hook_request(),
        headers={"Authorization": f"Bearer {es_minter.token(aud=AUDIENCE + '/')}"},
    )
    assert ok.status_code == 200, ok.text


def test_refusals_are_counted_by_reason_in_metrics(
    auth_client: Callable[..., TestClient], es_minter: Minter
) -> None:
    client = auth_client()

    def count() -> float:
        for line in client.get("/metrics").text.splitlines():
            if (
                line.startswith("trd_cds_requests_refused_total{")
                and 'status="401"' in line
                and "aud is not" in line
            ):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    before = count()
    token = es_minter.token(aud="https://elsewhere.example.org/cds-services/x")
    client.post(
        f"/cds-services/{SERVICE}",
        json=chart.hook_request(),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert count() == before + 1


# -- iss: the same tolerance, the configured spelling kept (review 19 R2 M3) ----------------------


def _iss_token(key: SigningKey, now: int, iss: str, jti: str = "j-1") -> str:
    claims = {**Minter(key, iss, aud=AUDIENCE).claims(iat=now, exp=now + 300), "jti": jti}
    return jwt.encode(claims, key.private, algorithm="ES384", headers={"kid": key.kid})


@pytest.mark.parametrize(
    "iss", [ISS + "/", "HTTPS://EHR.Example.ORG", "https://ehr.example.org:443/"]
)
def test_an_iss_naming_the_configured_issuer_is_accepted_as_its_configured_spelling(
    key: SigningKey, iss: str
) -> None:
    now = int(time.time())
    verifier = _verifier(key, now)
    # The configured spelling keys the caller's clinical state (tenancy) and the replay store...
    assert verifier.verify(_iss_token(key, now, iss), audiences=[AUDIENCE]).issuer == ISS
    # ... so the same jti under the other spelling is a replay, not a new token.
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(_iss_token(key, now, ISS), audiences=[AUDIENCE])
    assert refused.value.log_reason == "token jti was already used (replay)"


@pytest.mark.parametrize(
    "iss",
    [
        "https://ehr.example.org/fhir",
        "http://ehr.example.org",
        "https://ehr.example.org:8443",
        "https://evil.example.org",
    ],
)
def test_an_iss_naming_another_url_is_refused_with_the_mismatch(key: SigningKey, iss: str) -> None:
    now = int(time.time())
    with pytest.raises(Mismatch) as refused:
        _verifier(key, now).verify(_iss_token(key, now, iss), audiences=[AUDIENCE])
    assert refused.value.log_reason == "token issuer is not a configured issuer"
    assert refused.value.mismatch == {"claim": "iss", "expected": [ISS], "received": iss}


def test_a_non_url_issuer_must_match_exactly(key: SigningKey) -> None:
    now = int(time.time())
    settings = AuthSettings(required=True, issuers=[{"iss": "epic-prod", "jwks_url": JWKS_URL}])
    verifier = JwtVerifier(
        settings, {"epic-prod": StaticKeys(key.jwks())}, MemoryReplayStore(), clock=lambda: now
    )
    assert verifier.verify(_iss_token(key, now, "epic-prod"), audiences=[AUDIENCE]).issuer == (
        "epic-prod"
    )
    with pytest.raises(Mismatch) as refused:
        verifier.verify(_iss_token(key, now, "EPIC-PROD", jti="j-2"), audiences=[AUDIENCE])
    # Read before the signature: a value that is no http(s) URL is not repeated.
    assert refused.value.mismatch["received"] == "(not an http(s) URL)"


def test_the_401_log_line_names_the_iss_mismatch_and_the_spec_spelling_is_accepted(
    auth_client: Callable[..., TestClient],
    es_key: SigningKey,
    log_capture: Callable[[FastAPI], LogCapture],
) -> None:
    client = auth_client()
    capture = log_capture(client.app)  # type: ignore[arg-type]
    other = Minter(es_key, "https://fhir-ehr.example.com/").token()
    response = client.post(
        f"/cds-services/{SERVICE}",
        json=chart.hook_request(),
        headers={"Authorization": f"Bearer {other}"},
    )
    assert response.status_code == 401
    (line,) = capture.events("auth.refused")
    assert line["reason"] == "token issuer is not a configured issuer"
    assert line["mismatch"]["claim"] == "iss"
    assert line["mismatch"]["received"] == "https://fhir-ehr.example.com/"
    assert SANDBOX_ISS in line["mismatch"]["expected"]
    assert all(other not in raw and other.split(".")[2] not in raw for raw in capture.lines)

    # The configured issuer with a trailing slash, as the spec's example writes its own.
    slash = Minter(es_key, SANDBOX_ISS + "/").token()
    ok = client.post(
        f"/cds-services/{SERVICE}",
        json=chart.hook_request(),
        headers={"Authorization": f"Bearer {slash}"},
    )
    assert ok.status_code == 200, ok.text

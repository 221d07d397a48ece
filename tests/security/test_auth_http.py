"""JWT authentication through the HTTP app (auth.required = true), with real keys: the public CDS
Hooks sandbox's ES384 pair (issuer 1, JWKS from a file), a fresh RS384 key (issuer 2, JWKS served
over HTTP on loopback) and the Inferno CRD kit's RS384 pair. Every refusal is a 401 with the same
generic body; the reason goes to the log, never the token."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import ConfigError, load_settings
from cds_hooks.storage.issued_cards import IssuedCard
from cds_hooks.storage.timestamps import utcnow
from tests.security.conftest import LogCapture
from tests.security.servers import RecordingServer
from tests.security.tokens import (
    AUDIENCE,
    PUBLIC_URL,
    RSA_ISS,
    SANDBOX_ISS,
    SERVICE,
    Minter,
    SigningKey,
    crd_rsa_key,
    new_ec_key,
    tamper_payload,
)

HOOK_URL = f"/cds-services/{SERVICE}"
GENERIC_401 = {"error": "unauthorized", "message": "authentication failed"}
REQUIRED = ("medicationRequests", "conditions", "observations")


def hook_body() -> dict[str, Any]:
    empty = {"resourceType": "Bundle", "type": "searchset", "total": 0, "entry": []}
    return {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/example", "patientId": "1288992"},
        "prefetch": dict.fromkeys(REQUIRED, empty),
    }


def call(client: TestClient, authorization: str | None, url: str = HOOK_URL) -> Any:
    headers = {} if authorization is None else {"Authorization": authorization}
    return client.post(url, json=hook_body(), headers=headers)


def assert_refused(response: Any, capture: LogCapture, reason: str, secret: str | None) -> None:
    assert response.status_code == 401
    assert response.json() == GENERIC_401
    assert response.headers["www-authenticate"] == "Bearer"
    refusals = capture.events("auth.refused")
    assert [r["status"] for r in refusals] == [401]
    assert reason in refusals[0]["reason"], refusals[0]["reason"]
    if secret:
        signature = secret.rsplit(".", 1)[-1]
        for line in capture.lines:
            assert secret not in line
            assert len(signature) < 16 or signature not in line


@pytest.fixture
def app_and_logs(
    auth_client: Callable[..., TestClient], log_capture: Callable[[FastAPI], LogCapture]
) -> tuple[TestClient, LogCapture]:
    client = auth_client()
    return client, log_capture(client.app)  # type: ignore[arg-type]


# --- accepted ---------------------------------------------------------------------------------


def test_sandbox_es384_token_is_accepted(
    app_and_logs: tuple[TestClient, LogCapture], es_minter: Minter
) -> None:
    client, capture = app_and_logs
    response = call(client, f"Bearer {es_minter.token()}")
    assert response.status_code == 200
    assert "cards" in response.json()
    assert capture.events("auth.refused") == []
    assert [r["status"] for r in capture.events("hook.answered")] == [200]


def test_rs384_token_verified_with_keys_fetched_over_http(
    app_and_logs: tuple[TestClient, LogCapture], rs_minter: Minter, jwks_server: RecordingServer
) -> None:
    client, _capture = app_and_logs
    assert jwks_server.hits == 0  # keys are fetched on first use, not at start-up
    for _ in range(3):
        assert call(client, f"Bearer {rs_minter.token()}").status_code == 200
    assert jwks_server.hits == 1  # cached
    assert jwks_server.seen[0].path == "/.well-known/jwks.json"


def test_inferno_crd_key_from_its_mixed_private_public_set(
    tmp_path: Path, auth_settings: Callable[..., Any]
) -> None:
    key = crd_rsa_key()
    jwks = tmp_path / "crd_jwks.json"
    # The kit's file as published: private and public halves under the same kids.
    from tests.security.tokens import cds_hooks_dir

    source = "inferno-framework__davinci-crd-test-kit/lib/davinci_crd_test_kit/crd_jwks.json"
    jwks.write_bytes((cds_hooks_dir() / source).read_bytes())
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'crd.db'}"},
        server={"public_url": PUBLIC_URL},
        auth={
            "required": True,
            "issuers": [{"iss": "https://inferno.healthit.gov/suites", "jwks_file": str(jwks)}],
        },
    )
    minter = Minter(key, "https://inferno.healthit.gov/suites")
    with TestClient(create_app(settings)) as client:
        assert call(client, f"Bearer {minter.token()}").status_code == 200


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"aud": [AUDIENCE, "https://other.example.org"]}, id="aud-list"),
        pytest.param({"sub": "cds-client-7", "tenant": "2ddd6c3a"}, id="extra-claims"),
        pytest.param({"nbf": int(time.time()) - 10}, id="nbf-past"),
        pytest.param({"iat": int(time.time()) + 30}, id="iat-within-skew"),
    ],
)
def test_tolerated_variants_are_accepted(
    app_and_logs: tuple[TestClient, LogCapture], es_minter: Minter, claims: dict[str, Any]
) -> None:
    client, _capture = app_and_logs
    assert call(client, f"Bearer {es_minter.token(**claims)}").status_code == 200


def test_scheme_is_case_insensitive(
    app_and_logs: tuple[TestClient, LogCapture], es_minter: Minter
) -> None:
    client, _capture = app_and_logs
    assert call(client, f"bearer {es_minter.token()}").status_code == 200


def test_sandbox_jku_equal_to_configured_url_is_accepted(
    app_and_logs: tuple[TestClient, LogCapture], rs_minter: Minter, jwks_server: RecordingServer
) -> None:
    client, _capture = app_and_logs
    token = rs_minter.token(headers={"jku": f"{jwks_server.base}/.well-known/jwks.json"})
    assert call(client, f"Bearer {token}").status_code == 200


def test_jku_is_ignored_for_an_issuer_whose_keys_come_from_a_file(
    app_and_logs: tuple[TestClient, LogCapture], es_minter: Minter
) -> None:
    """The real sandbox sends jku; with a jwks_file nothing is ever fetched from it."""
    client, _capture = app_and_logs
    token = es_minter.token(headers={"jku": "https://sandbox.cds-hooks.org/.well-known/jwks.json"})
    assert call(client, f"Bearer {token}").status_code == 200


# --- refused ----------------------------------------------------------------------------------


def _cases(es: Minter, rs: Minter, jwks_base: str) -> dict[str, tuple[str | None, str]]:
    """name -> (Authorization header, the reason the log must give)."""
    now = int(time.time())
    stranger = new_ec_key(es.key.kid)  # an attacker's key published under the sandbox's kid
    p256 = new_ec_key("p256", ec.SECP256R1(), alg="ES256")
    valid = es.token()
    return {
        "missing header": (None, "no Authorization header"),
        "Bearer alone": ("Bearer", "not 'Bearer <token>'"),
        "Bearer and spaces": ("Bearer    ", "not 'Bearer <token>'"),
        "Basic": ("Basic dXNlcjpwYXNzd29yZA==", "not 'Bearer <token>'"),
        "not a JWT": ("Bearer not-a-jwt", "not a compact JWS"),
        "expired": (f"Bearer {es.token(iat=now - 600, exp=now - 120)}", "token expired"),
        "iat in the future": (
            f"Bearer {es.token(iat=now + 300, exp=now + 600)}",
            "not yet valid (iat in the future)",
        ),
        "nbf in the future": (f"Bearer {es.token(nbf=now + 300)}", "not yet valid (nbf)"),
        "wrong aud": (
            f"Bearer {es.token(aud=f'{PUBLIC_URL}/cds-services/trd-order-sign')}",
            "aud is not this service's URL",
        ),
        "aud of another host": (
            f"Bearer {es.token(aud=f'https://evil.example.org/cds-services/{SERVICE}')}",
            "aud is not this service's URL",
        ),
        "no aud": (f"Bearer {es.token(aud=None)}", "no aud"),
        "unknown iss": (
            f"Bearer {es.token(iss='https://evil.example.org')}",
            "not a configured issuer",
        ),
        "no iss": (f"Bearer {es.token(iss=None)}", "no iss"),
        "unknown kid": (
            f"Bearer {es.token(headers={'kid': 'rotated-away'})}",
            "kid is not in the issuer's key set",
        ),
        "no kid": (f"Bearer {es.token(headers={'kid': ''})}", "no kid"),
        "alg none": (f"Bearer {es.unsigned()}", "not an allowed asymmetric algorithm"),
        "HS256 keyed with the public key": (
            f"Bearer {es.hs256_with_public_key()}",
            "not an allowed asymmetric algorithm",
        ),
        "replayed jti": (f"Bearer {valid}", "already used (replay)"),
        "tampered payload": (
            f"Bearer {tamper_payload(es.token(), sub='admin', exp=now + 3000)}",
            "signature does not verify",
        ),
        "signed by another key under the same kid": (
            f"Bearer {es.token(key=stranger.private)}",
            "signature does not verify",
        ),
        "ES256 header on a P-384 key": (
            f"Bearer {Minter(p256, SANDBOX_ISS, headers={'kid': es.key.kid}).token()}",
            "alg does not match",
        ),
        "key of issuer 1 claiming issuer 2": (
            f"Bearer {es.token(iss=RSA_ISS)}",
            "kid is not in the issuer's key set",
        ),
        "lifetime too long": (f"Bearer {es.token(exp=now + 3600 + 120)}", "lifetime exceeds"),
        "exp before iat": (f"Bearer {es.token(iat=now, exp=now - 1)}", "exp is not after iat"),
        "no exp": (f"Bearer {es.token(exp=None)}", "no numeric exp"),
        "string exp": (f"Bearer {es.token(exp=str(now + 100))}", "no numeric exp"),
        "no iat": (f"Bearer {es.token(iat=None)}", "no numeric iat"),
        "no jti": (f"Bearer {es.token(jti=None)}", "no usable jti"),
        "jku pointing elsewhere": (
            f"Bearer {rs.token(headers={'jku': 'https://attacker.example.net/jwks.json'})}",
            "jku is not the issuer's configured jwks_url",
        ),
        "jku on the same host, other path": (
            f"Bearer {rs.token(headers={'jku': f'{jwks_base}/attacker/jwks.json'})}",
            "jku is not the issuer's configured jwks_url",
        ),
        "crit header": (f"Bearer {es.token(headers={'crit': ['exp'], 'exp': 1})}", "critical"),
        "oversized": (f"Bearer {es.token(padding='x' * 9000)}", "larger than 8 KB"),
    }


CASE_NAMES = [
    "missing header",
    "Bearer alone",
    "Bearer and spaces",
    "Basic",
    "not a JWT",
    "expired",
    "iat in the future",
    "nbf in the future",
    "wrong aud",
    "aud of another host",
    "no aud",
    "unknown iss",
    "no iss",
    "unknown kid",
    "no kid",
    "alg none",
    "HS256 keyed with the public key",
    "replayed jti",
    "tampered payload",
    "signed by another key under the same kid",
    "ES256 header on a P-384 key",
    "key of issuer 1 claiming issuer 2",
    "lifetime too long",
    "exp before iat",
    "no exp",
    "string exp",
    "no iat",
    "no jti",
    "jku pointing elsewhere",
    "jku on the same host, other path",
    "crit header",
    "oversized",
]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_refused_with_401_and_a_generic_body(
    name: str,
    app_and_logs: tuple[TestClient, LogCapture],
    es_minter: Minter,
    rs_minter: Minter,
    jwks_server: RecordingServer,
) -> None:
    client, capture = app_and_logs
    authorization, reason = _cases(es_minter, rs_minter, jwks_server.base)[name]
    if name == "replayed jti":
        assert call(client, authorization).status_code == 200
        capture.lines.clear()
    response = call(client, authorization)
    token = authorization.split(" ", 1)[1] if authorization and " " in authorization else None
    assert_refused(response, capture, reason, token if token and token.count(".") == 2 else None)
    assert capture.events("hook.answered") == []


def test_the_parametrized_list_covers_every_case(
    es_minter: Minter, rs_minter: Minter, jwks_server: RecordingServer
) -> None:
    assert list(_cases(es_minter, rs_minter, jwks_server.base)) == CASE_NAMES


def test_the_spec_example_jwt_is_refused_as_expired(
    tmp_path: Path, log_capture: Callable[[FastAPI], LogCapture]
) -> None:
    """The spec's JWT (exp 2015-01-29) with its own JWKS and issuer, as a real EHR would send it."""
    from tests.security.tokens import cds_hooks_dir

    spec = cds_hooks_dir() / "HL7__cds-hooks"
    payload = json.loads((spec / "jwt-payload.json").read_text())
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'spec.db'}"},
        server={"public_url": "https://cds.example.org"},
        auth={
            "required": True,
            "issuers": [{"iss": payload["iss"], "jwks_file": str(spec / "jwks-public.json")}],
        },
    )
    app = create_app(settings)
    capture = log_capture(app)
    token = (spec / "jwt.txt").read_text().strip()
    with TestClient(app) as client:
        body = hook_body()
        response = client.post(
            "/cds-services/some-service", json=body, headers={"Authorization": f"Bearer {token}"}
        )
    assert_refused(response, capture, "token expired", token)


# --- the feedback route's audience --------------------------------------------------------------


def _feedback(client: TestClient | None = None) -> dict[str, Any]:
    """Feedback on a new card, issued (with `client`) to the sandbox issuer as a hook call would:
    feedback is accepted only for cards issued to its caller."""
    card = str(uuid.uuid4())
    if client is not None:
        store = client.app.state.store  # type: ignore[attr-defined]
        issued = IssuedCard(card, SERVICE, "hook-1", "tms-referral", None, None, True, SANDBOX_ISS)
        store.record_issued([issued], utcnow())
    return {
        "feedback": [
            {
                "card": card,
                "outcome": "accepted",
                "acceptedSuggestions": [{"id": str(uuid.uuid4())}],
                "outcomeTimestamp": "2026-03-01T10:00:00Z",
            }
        ]
    }


@pytest.mark.parametrize(
    ("aud", "status"),
    [
        pytest.param(f"{AUDIENCE}/feedback", 200, id="feedback-url"),
        pytest.param(AUDIENCE, 200, id="service-url"),
        pytest.param(f"{PUBLIC_URL}/cds-services/trd-order-sign/feedback", 401, id="other-service"),
        pytest.param(f"{PUBLIC_URL}/cds-services", 401, id="services-root"),
    ],
)
def test_feedback_audience(
    app_and_logs: tuple[TestClient, LogCapture], es_minter: Minter, aud: str, status: int
) -> None:
    client, _capture = app_and_logs
    response = client.post(
        f"{HOOK_URL}/feedback",
        json=_feedback(client),
        headers={"Authorization": f"Bearer {es_minter.token(aud=aud)}"},
    )
    assert response.status_code == status
    if status == 401:
        assert response.json() == GENERIC_401


def test_feedback_without_a_token_is_401_and_stores_nothing(
    app_and_logs: tuple[TestClient, LogCapture],
) -> None:
    client, _capture = app_and_logs
    response = client.post(f"{HOOK_URL}/feedback", json=_feedback())
    assert response.status_code == 401
    assert client.app.state.store.feedback_rows() == []  # type: ignore[attr-defined]


def test_auth_comes_before_the_service_lookup(
    app_and_logs: tuple[TestClient, LogCapture],
) -> None:
    client, _capture = app_and_logs
    assert call(client, None, url="/cds-services/no-such-service").status_code == 401


def test_discovery_and_health_need_no_token(
    app_and_logs: tuple[TestClient, LogCapture],
) -> None:
    client, _capture = app_and_logs
    assert client.get("/cds-services").status_code == 200
    assert client.get("/health").status_code == 200


# --- configuration --------------------------------------------------------------------------------


def test_refuses_to_start_with_auth_required_and_no_public_url(
    tmp_path: Path, es_key: SigningKey
) -> None:
    """Without it the audience would come from the Host header, which the caller chooses."""
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(es_key.jwks()))
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'x.db'}"},
        auth={"required": True, "issuers": [{"iss": SANDBOX_ISS, "jwks_file": str(jwks)}]},
    )
    with pytest.raises(ConfigError, match="public_url"):
        create_app(settings)


def test_refuses_to_start_with_auth_required_and_no_issuer(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="at least one"):
        load_settings(None, auth={"required": True})


@pytest.mark.parametrize(
    ("issuers", "message"),
    [
        pytest.param(
            [{"iss": "a", "jwks_url": "http://ehr.example.org/jwks.json"}],
            "jwks_url must be https",
            id="plain-http-off-loopback",
        ),
        pytest.param(
            [{"iss": "a", "jwks_file": "missing.json"}], "cannot read JWKS file", id="missing-file"
        ),
        pytest.param(
            [
                {"iss": "a", "jwks_url": "https://a.example.org/jwks"},
                {"iss": "a", "jwks_url": "https://b.example.org/jwks"},
            ],
            "same iss twice",
            id="duplicate-issuer",
        ),
        pytest.param(
            [
                {"iss": "https://ehr.example.org/", "jwks_url": "https://a.example.org/jwks"},
                {"iss": "HTTPS://EHR.example.org:443", "jwks_url": "https://b.example.org/jwks"},
            ],
            "the same issuer URL written two ways",
            id="issuers-alike-as-urls",
        ),
    ],
)
def test_refuses_to_start_with_a_bad_issuer(
    tmp_path: Path, issuers: list[dict[str, Any]], message: str
) -> None:
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'x.db'}"},
        server={"public_url": PUBLIC_URL},
        auth={"required": True, "issuers": issuers},
        base_dir=tmp_path,
    )
    with pytest.raises(ConfigError, match=message):
        create_app(settings)


@pytest.mark.parametrize("alg", ["HS256", "none", "HS512"])
def test_symmetric_algorithms_cannot_be_configured(alg: str) -> None:
    with pytest.raises(ConfigError, match="not allowed"):
        load_settings(
            None,
            auth={"algorithms": ["ES384", alg], "issuers": [{"iss": "a", "jwks_file": "x"}]},
        )


def test_a_jwks_file_holding_only_an_hmac_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "oct.json"
    path.write_text(json.dumps({"keys": [{"kty": "oct", "kid": "k", "k": "c2VjcmV0"}]}))
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'x.db'}"},
        server={"public_url": PUBLIC_URL},
        auth={"required": True, "issuers": [{"iss": "a", "jwks_file": str(path)}]},
    )
    with pytest.raises(ConfigError, match="no usable public signature key"):
        create_app(settings)


def test_auth_off_lets_anonymous_callers_in(client: TestClient) -> None:
    assert call(client, None).status_code == 200
    assert call(client, "Bearer garbage").status_code == 200

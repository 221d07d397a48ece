"""The verifier on its own, with a frozen clock: the spec's example JWT, and the order of checks."""

from __future__ import annotations

import json
import warnings
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.warnings import InsecureKeyLengthWarning

from cds_hooks.config.settings import AuthSettings
from cds_hooks.errors import Unauthorized
from cds_hooks.security.jwks import parse_jwks
from cds_hooks.security.jwt_verifier import JwtVerifier
from cds_hooks.security.replay import MemoryReplayStore
from tests.security.tokens import Minter, SigningKey, cds_hooks_dir, new_ec_key, new_rsa_key

SPEC = "HL7__cds-hooks"


class StaticKeys:
    def __init__(self, document: Any) -> None:
        self.keys = parse_jwks(document)
        self.lookups = 0

    def keys_for(self, kid: str) -> tuple[Any, ...]:
        self.lookups += 1
        return self.keys.get(kid, ())

    def close(self) -> None:
        return None


def spec_material() -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
    folder = cds_hooks_dir() / SPEC
    token = (folder / "jwt.txt").read_text().strip()
    header = json.loads((folder / "jwt-header.json").read_text())
    payload = json.loads((folder / "jwt-payload.json").read_text())
    jwks = json.loads((folder / "jwks-public.json").read_text())
    return token, header, payload, jwks


def verifier_for(
    iss: str, jwks: Any, now: float, **auth: Any
) -> tuple[JwtVerifier, MemoryReplayStore, StaticKeys]:
    settings = AuthSettings(
        required=True, issuers=[{"iss": iss, "jwks_file": "unused.json"}], **auth
    )
    replay = MemoryReplayStore(clock=lambda: now)
    keys = StaticKeys(jwks)
    return JwtVerifier(settings, {iss: keys}, replay, clock=lambda: now), replay, keys


def test_spec_example_signature_verifies_against_the_spec_jwks() -> None:
    token, header, payload, jwks = spec_material()
    assert jwt.get_unverified_header(token) == header
    (key,) = parse_jwks(jwks)[header["kid"]]
    decoded = jwt.decode(
        token,
        key=key.key,
        algorithms=["ES384"],
        audience=payload["aud"],
        options={"verify_exp": False},
    )
    assert decoded == payload
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, key=key.key, algorithms=["ES384"], audience=payload["aud"])


def test_spec_example_is_refused_as_expired_today() -> None:
    token, _header, payload, jwks = spec_material()
    verifier, replay, _keys = verifier_for(payload["iss"], jwks, now=1_800_000_000)
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(token, audiences=[payload["aud"]])
    assert refused.value.log_reason == "token expired"
    assert len(replay) == 0  # a refused token burns no jti


def test_spec_example_within_its_validity_fails_only_on_its_3_year_lifetime() -> None:
    token, _header, payload, jwks = spec_material()
    during = payload["iat"] + 60
    verifier, _replay, _keys = verifier_for(payload["iss"], jwks, now=during)
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(token, audiences=[payload["aud"]])
    assert refused.value.log_reason == "token lifetime exceeds max_token_lifetime_seconds"


def test_spec_example_passes_every_check_with_a_frozen_clock_and_a_long_lifetime() -> None:
    token, _header, payload, jwks = spec_material()
    verifier, replay, _keys = verifier_for(
        payload["iss"], jwks, now=payload["iat"] + 60, max_token_lifetime_seconds=200_000_000
    )
    verified = verifier.verify(token, audiences=[payload["aud"]])
    assert (verified.issuer, verified.jti, verified.expires_at) == (
        "https://fhir-ehr.example.com/",
        "ee22b021-e1b7-4611-ba5b-8eec6a33ac1e",
        1422568860.0,
    )
    assert len(replay) == 1
    with pytest.raises(Unauthorized) as again:
        verifier.verify(token, audiences=[payload["aud"]])
    assert again.value.log_reason == "token jti was already used (replay)"


def test_the_spec_jku_is_ignored_for_a_file_issuer_but_refused_for_another_url() -> None:
    token, header, payload, jwks = spec_material()
    assert header["jku"] == "https://fhir-ehr.example.com/jwk_uri"
    settings = AuthSettings(
        required=True,
        issuers=[{"iss": payload["iss"], "jwks_url": "https://fhir-ehr.example.com/keys.json"}],
        max_token_lifetime_seconds=200_000_000,
    )
    now = payload["iat"] + 60
    verifier = JwtVerifier(
        settings, {payload["iss"]: StaticKeys(jwks)}, MemoryReplayStore(), clock=lambda: now
    )
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(token, audiences=[payload["aud"]])
    assert refused.value.log_reason == "token jku is not the issuer's configured jwks_url"


@pytest.mark.parametrize(
    ("key", "alg"),
    [
        pytest.param(new_ec_key("es256", ec.SECP256R1(), alg="ES256"), "ES256", id="ES256"),
        pytest.param(new_rsa_key("rs256", alg="RS256"), "RS256", id="RS256"),
        pytest.param(new_rsa_key("rs384", alg="RS384"), "RS384", id="RS384"),
        pytest.param(new_ec_key("es384"), "ES384", id="ES384"),
    ],
)
def test_each_default_algorithm_verifies(key: SigningKey, alg: str) -> None:
    now = 1_800_000_000
    minter = Minter(key, "https://ehr.example.org", aud="https://cds.example.org/cds-services/x")
    token = jwt.encode(
        minter.claims(iat=now, exp=now + 300), key.private, algorithm=alg, headers={"kid": key.kid}
    )
    verifier, _replay, _keys = verifier_for("https://ehr.example.org", key.jwks(), now=now)
    assert verifier.verify(token, audiences=["https://cds.example.org/cds-services/x"]).issuer == (
        "https://ehr.example.org"
    )


def test_an_algorithm_not_configured_is_refused_before_any_key_lookup() -> None:
    key = new_rsa_key("rs512", alg="RS512")
    now = 1_800_000_000
    token = jwt.encode(
        Minter(key, "i", aud="a").claims(iat=now, exp=now + 60),
        key.private,
        algorithm="RS512",
        headers={"kid": key.kid},
    )
    verifier, _replay, keys = verifier_for("i", key.jwks(), now=now)
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(token, audiences=["a"])
    assert refused.value.log_reason == "token algorithm is not an allowed asymmetric algorithm"
    assert keys.lookups == 0


def test_short_rsa_keys_are_refused() -> None:
    key = new_rsa_key("short", bits=1024)
    now = 1_800_000_000
    with warnings.catch_warnings():  # PyJWT warns when *signing* with a short key; we mean to
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        token = jwt.encode(
            Minter(key, "i", aud="a").claims(iat=now, exp=now + 60),
            key.private,
            algorithm="RS384",
            headers={"kid": key.kid},
        )
    verifier, _replay, _keys = verifier_for("i", key.jwks(), now=now)
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(token, audiences=["a"])
    assert refused.value.log_reason == "the issuer's key is unfit for the token's algorithm"


@pytest.mark.parametrize(
    ("offset", "reason"),
    [
        pytest.param(-61, "token expired", id="exp-past-skew"),
        pytest.param(-59, None, id="exp-within-skew"),
    ],
)
def test_clock_skew_applies_to_exp(offset: int, reason: str | None) -> None:
    key = new_ec_key("k")
    now = 1_800_000_000
    token = jwt.encode(
        Minter(key, "i", aud="a").claims(iat=now - 200, exp=now + offset),
        key.private,
        algorithm="ES384",
        headers={"kid": "k"},
    )
    verifier, replay, _keys = verifier_for("i", key.jwks(), now=now, clock_skew_seconds=60)
    if reason is None:
        verifier.verify(token, audiences=["a"])
        # Remembered until the last moment the token could still be accepted.
        assert replay._expiry  # white-box: the kept expiry
        assert list(replay._expiry.values()) == [now + offset + 60]
    else:
        with pytest.raises(Unauthorized) as refused:
            verifier.verify(token, audiences=["a"])
        assert refused.value.log_reason == reason

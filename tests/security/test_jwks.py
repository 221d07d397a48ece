"""Key sets: which keys a published JWKS yields, and how a fetched set is cached and refreshed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.security.jwks import FileKeySet, JwksError, UrlKeySet, check_jwks_url, parse_jwks
from tests.security.servers import RecordingServer, json_reply
from tests.security.tokens import cds_hooks_dir, new_ec_key, new_rsa_key


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# --- parsing the published sets ------------------------------------------------------------------


def test_spec_jwks_yields_its_one_es384_key() -> None:
    keys = parse_jwks(json.loads((cds_hooks_dir() / "HL7__cds-hooks/jwks-public.json").read_text()))
    assert list(keys) == ["example-kid"]
    (key,) = keys["example-kid"]
    assert (key.kty, key.crv, key.alg) == ("EC", "P-384", "ES384")
    assert key.fits("ES384")
    assert not key.fits("ES256")
    assert not key.fits("RS384")


def test_sandbox_keypair_file_yields_only_its_public_half() -> None:
    path = cds_hooks_dir() / "cds-hooks__sandbox/keys/jwk-keypair.json"
    keys = parse_jwks(json.loads(path.read_text()))
    (key,) = keys["44823f3d-0b01-4a6c-a80e-b9d3e8a7226f"]
    assert type(key.key).__name__ == "ECPublicKey"  # `d` dropped: never a private key object


def test_inferno_mixed_set_yields_one_public_key_per_kid() -> None:
    path = (
        cds_hooks_dir()
        / "inferno-framework__davinci-crd-test-kit/lib/davinci_crd_test_kit/crd_jwks.json"
    )
    keys = parse_jwks(json.loads(path.read_text()))
    assert {
        kid: [(k.kty, k.alg, type(k.key).__name__) for k in ks] for kid, ks in keys.items()
    } == {
        "4b49a739d1eb115b3225f4cf9beb6d1b": [("EC", "ES384", "ECPublicKey")],
        "b41528b6f37a9500edb8a905a595bdd7": [("RSA", "RS384", "RSAPublicKey")],
    }


@pytest.mark.parametrize(
    ("jwk_changes", "why"),
    [
        pytest.param({"kty": "oct", "k": "c2VjcmV0"}, "HMAC secret", id="oct"),
        pytest.param({"use": "enc"}, "encryption key", id="use-enc"),
        pytest.param({"key_ops": ["sign"]}, "private-only ops", id="key-ops-sign"),
        pytest.param({"alg": "RSA-OAEP"}, "encryption alg", id="alg-enc"),
        pytest.param({"kid": None}, "no kid", id="no-kid"),
        pytest.param({"n": "!!!"}, "broken modulus", id="bad-n"),
    ],
)
def test_unusable_keys_are_skipped(jwk_changes: dict[str, Any], why: str) -> None:
    good = new_rsa_key("good").public_jwk
    bad = {**new_rsa_key("bad").public_jwk, **jwk_changes}
    bad = {k: v for k, v in bad.items() if v is not None}
    keys = parse_jwks({"keys": [bad, good]})
    assert list(keys) == ["good"], why


@pytest.mark.parametrize(
    "document",
    [{}, {"keys": {}}, [], {"keys": []}, {"keys": [{"kty": "oct", "kid": "x", "k": "AA"}]}],
)
def test_a_set_without_usable_keys_is_an_error(document: Any) -> None:
    with pytest.raises(JwksError):
        parse_jwks(document)


def test_two_keys_under_one_kid_are_both_kept() -> None:
    a, b = new_ec_key("same"), new_ec_key("same")
    keys = parse_jwks({"keys": [a.public_jwk, b.public_jwk]})
    assert len(keys["same"]) == 2


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://sandbox.cds-hooks.org/.well-known/jwks.json", True),
        ("http://127.0.0.1:8080/jwks.json", True),
        ("http://localhost/jwks.json", True),
        ("http://[::1]:9/jwks.json", True),
        ("http://ehr.example.org/jwks.json", False),
        ("http://10.0.0.5/jwks.json", False),
        ("file:///etc/passwd", False),
        ("https:///no-host", False),
    ],
)
def test_jwks_url_must_be_https_off_loopback(url: str, ok: bool) -> None:
    if ok:
        check_jwks_url(url)
    else:
        with pytest.raises(JwksError):
            check_jwks_url(url)


# --- a set fetched over HTTP ---------------------------------------------------------------------


class JwksEndpoint:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.status = 200

    def __call__(self, _seen: Any) -> Any:
        if self.status != 200:
            return self.status, {}, b"down"
        return json_reply(self.document)


def test_one_fetch_serves_many_lookups() -> None:
    key = new_rsa_key("k1")
    endpoint = JwksEndpoint(key.jwks())
    with RecordingServer(endpoint) as server:
        keys = UrlKeySet(f"{server.base}/jwks", cache_seconds=3600, min_refresh_seconds=60)
        for _ in range(50):
            assert len(keys.keys_for("k1")) == 1
        assert server.hits == 1
        assert keys.loads == 1
        assert server.seen[0].headers["accept"] == "application/jwk-set+json, application/json"


def test_key_rotation_is_picked_up_on_an_unknown_kid_at_a_bounded_rate() -> None:
    old, new = new_rsa_key("old"), new_rsa_key("new")
    endpoint = JwksEndpoint(old.jwks())
    clock = Clock()
    with RecordingServer(endpoint) as server:
        keys = UrlKeySet(
            f"{server.base}/jwks", cache_seconds=3600, min_refresh_seconds=60, clock=clock
        )
        assert len(keys.keys_for("old")) == 1
        assert server.hits == 1
        # The issuer rotates; a token with the new kid arrives 61 s later: one reload finds it.
        endpoint.document = {"keys": [old.public_jwk, new.public_jwk]}
        clock.now += 61
        assert len(keys.keys_for("new")) == 1
        assert server.hits == 2
        # Tokens with made-up kids cannot make it fetch more than once a minute.
        for i in range(100):
            assert keys.keys_for(f"bogus-{i}") == ()
        assert server.hits == 2
        clock.now += 30
        assert keys.keys_for("bogus") == ()
        assert server.hits == 2
        clock.now += 31
        assert keys.keys_for("bogus") == ()
        assert server.hits == 3
        assert len(keys.keys_for("old")) == 1  # known kids never trigger a fetch
        assert server.hits == 3


def test_cache_expiry_refetches_and_a_failed_refresh_keeps_the_last_good_set() -> None:
    key = new_rsa_key("k1")
    endpoint = JwksEndpoint(key.jwks())
    clock = Clock()
    with RecordingServer(endpoint) as server:
        keys = UrlKeySet(
            f"{server.base}/jwks", cache_seconds=300, min_refresh_seconds=10, clock=clock
        )
        assert len(keys.keys_for("k1")) == 1
        endpoint.status = 503
        clock.now += 301
        assert len(keys.keys_for("k1")) == 1  # stale but verified keys beat locking everyone out
        assert server.hits == 2
        endpoint.status = 200
        clock.now += 11
        assert len(keys.keys_for("k1")) == 1
        assert server.hits == 3
        assert keys.loads == 2


def test_redirects_are_not_followed() -> None:
    key = new_rsa_key("k1")
    with RecordingServer(lambda _s: json_reply(key.jwks())) as elsewhere:
        redirect = RecordingServer(lambda _s: (302, {"Location": f"{elsewhere.base}/jwks"}, b""))
        with redirect:
            keys = UrlKeySet(f"{redirect.base}/jwks", cache_seconds=60, min_refresh_seconds=0)
            assert keys.keys_for("k1") == ()
            assert redirect.hits >= 1
        assert elsewhere.hits == 0


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param((200, {}, b"<html>not json</html>"), id="not-json"),
        pytest.param((200, {}, b"x" * (600 * 1024)), id="too-large"),
        pytest.param((404, {}, b""), id="404"),
    ],
)
def test_bad_answers_yield_no_keys(reply: Any) -> None:
    with RecordingServer(lambda _s: reply) as server:
        keys = UrlKeySet(f"{server.base}/jwks", cache_seconds=60, min_refresh_seconds=60)
        assert keys.keys_for("k1") == ()
        assert keys.loads == 0


def test_unreachable_issuer_yields_no_keys() -> None:
    with RecordingServer(lambda _s: (200, {}, b"")) as server:
        url = f"{server.base}/jwks"
    keys = UrlKeySet(url, cache_seconds=60, min_refresh_seconds=60, timeout_seconds=1.0)
    assert keys.keys_for("k1") == ()


# --- a set from a file ---------------------------------------------------------------------------


def test_file_set_is_read_at_start_and_reread_for_a_rotated_kid(tmp_path: Path) -> None:
    old, new = new_ec_key("old"), new_ec_key("new")
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(old.jwks()))
    clock = Clock()
    keys = FileKeySet(path, cache_seconds=3600, min_refresh_seconds=60, clock=clock)
    assert len(keys.keys_for("old")) == 1
    path.write_text(json.dumps({"keys": [old.public_jwk, new.public_jwk]}))
    assert keys.keys_for("new") == ()  # within the refresh interval of the start-up read
    clock.now += 60
    assert len(keys.keys_for("new")) == 1
    assert keys.loads == 2


def test_a_broken_file_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_text("{not json")
    with pytest.raises(JwksError, match="not JSON"):
        FileKeySet(path)

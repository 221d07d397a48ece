"""The keys a trusted issuer signs with: a JSON Web Key Set read from a file, or fetched from the
issuer's *configured* `jwks_url` (never from a URL a token names: see jwt_verifier.py on `jku`).

Only public, signature-capable, asymmetric keys are kept (RFC 7517):
- private members (`d`, `p`, `q`, ...) are dropped, so a published set that mixes private keys in
  (the Inferno CRD kit's `crd_jwks.json`) yields its public halves only;
- `oct` keys (shared secrets, i.e. HMAC) are never used: a CDS client signs with a private key;
- a key whose `use` is not `sig`, or whose `key_ops` lack `verify`, is skipped;
- a key without `kid` is skipped: CDS Hooks 2.0.1 makes `kid` REQUIRED in the JWT header, and keys
  are looked up by it.

Caching: a set is kept for `cache_seconds`. A token whose `kid` the cached set does not hold makes
the set reload (the issuer rotated its keys), at most once per `min_refresh_seconds`, so tokens with
made-up kids cannot turn the service into a load generator against the issuer. A failed reload keeps
the last good set (an issuer's brief outage must not lock every clinician out).
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import orjson
import requests
from jwt import PyJWK
from jwt.exceptions import PyJWKError, PyJWTError

# RFC 7518 section 6: the members that make a JWK private (EC and OKP `d`; RSA's CRT members;
# `k` is an oct key's secret).
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})

# Which key type (and curve) each signature algorithm needs (RFC 7518 section 3.1, RFC 8037).
_KEY_FOR_ALG: dict[str, tuple[str, str | None]] = {
    "RS256": ("RSA", None),
    "RS384": ("RSA", None),
    "RS512": ("RSA", None),
    "PS256": ("RSA", None),
    "PS384": ("RSA", None),
    "PS512": ("RSA", None),
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
    "ES512": ("EC", "P-521"),
    "EdDSA": ("OKP", None),
}

_MAX_JWKS_BYTES = 512 * 1024
_LOOPBACK_NAMES = frozenset({"localhost"})


class JwksError(Exception):
    """A key set could not be read, fetched or parsed (the message names the issuer's source)."""


@dataclass(frozen=True, slots=True)
class VerificationKey:
    kid: str
    kty: str
    crv: str | None
    alg: str | None  # the JWK's own `alg` restriction, when it has one
    key: Any  # a cryptography public key object

    def fits(self, alg: str) -> bool:
        """True when this key may verify a signature made with `alg`."""
        wanted = _KEY_FOR_ALG.get(alg)
        if wanted is None or (self.alg is not None and self.alg != alg):
            return False
        kty, crv = wanted
        return self.kty == kty and (crv is None or self.crv == crv)


def parse_jwks(document: Any) -> dict[str, tuple[VerificationKey, ...]]:
    """The usable public verification keys of a JWKS document, by kid.

    Raises JwksError when the document is not a JWKS or holds no usable key.
    """
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JwksError("not a JSON Web Key Set (an object with a 'keys' array is expected)")
    by_kid: dict[str, list[VerificationKey]] = {}
    seen: set[tuple[str, tuple[Any, ...]]] = set()
    for jwk in document["keys"]:
        key = _verification_key(jwk)
        if key is None:
            continue
        # A set that lists a key pair's public and private halves under one kid yields the same
        # public key twice: keep one.
        material = (key.kid, tuple(jwk.get(m) for m in ("kty", "crv", "x", "y", "n", "e")))
        if material in seen:
            continue
        seen.add(material)
        by_kid.setdefault(key.kid, []).append(key)
    if not by_kid:
        raise JwksError("the key set holds no usable public signature key")
    return {kid: tuple(keys) for kid, keys in by_kid.items()}


def _verification_key(jwk: Any) -> VerificationKey | None:
    if not isinstance(jwk, dict):
        return None
    kid, kty = jwk.get("kid"), jwk.get("kty")
    if not isinstance(kid, str) or not kid or kty not in ("EC", "RSA", "OKP"):
        return None
    use = jwk.get("use")
    if use is not None and use != "sig":
        return None
    ops = jwk.get("key_ops")
    if ops is not None and (not isinstance(ops, list) or "verify" not in ops):
        return None
    alg = jwk.get("alg")
    if alg is not None and alg not in _KEY_FOR_ALG:
        return None  # e.g. an encryption key (RSA-OAEP) published in the same set
    crv = jwk.get("crv") if isinstance(jwk.get("crv"), str) else None
    public = {k: v for k, v in jwk.items() if k not in _PRIVATE_MEMBERS and k != "key_ops"}
    try:
        parsed = PyJWK(public, algorithm=alg or _default_alg(kty, crv))
    except (PyJWKError, PyJWTError, ValueError, TypeError, KeyError):
        return None
    return VerificationKey(kid=kid, kty=kty, crv=crv, alg=alg, key=parsed.key)


def _default_alg(kty: str, crv: str | None) -> str:
    if kty == "EC":
        return {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}.get(crv or "", "ES256")
    if kty == "OKP":
        return "EdDSA"
    return "RS256"  # an RSA key verifies every RS*/PS* algorithm; this only builds the key object


class KeySet(Protocol):
    """The verification keys of one issuer."""

    def keys_for(self, kid: str) -> tuple[VerificationKey, ...]:
        """The keys with this kid (empty when the issuer has none, even after a refresh)."""
        ...

    def close(self) -> None: ...


class _CachedKeySet:
    """Load-on-demand with expiry and a rate-limited refresh on an unknown kid."""

    def __init__(
        self,
        *,
        cache_seconds: float,
        min_refresh_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache_seconds = cache_seconds
        self._min_refresh = min_refresh_seconds
        self._clock = clock
        self._keys: dict[str, tuple[VerificationKey, ...]] = {}
        self._loaded_at: float | None = None
        self._attempted_at: float | None = None
        self._lock = threading.Lock()
        self.loads = 0  # successful loads (for the operator's metrics and the tests)

    def _load(self) -> dict[str, tuple[VerificationKey, ...]]:
        raise NotImplementedError

    def keys_for(self, kid: str) -> tuple[VerificationKey, ...]:
        with self._lock:
            now = self._clock()
            if self._loaded_at is None or now - self._loaded_at >= self._cache_seconds:
                self._refresh(now)
            found = self._keys.get(kid, ())
            if not found:
                self._refresh(now)  # key rotation: the issuer may have published a new key
                found = self._keys.get(kid, ())
            return found

    def _refresh(self, now: float) -> None:
        if self._attempted_at is not None and now - self._attempted_at < self._min_refresh:
            return
        self._attempted_at = now
        try:
            keys = self._load()
        except JwksError:
            return  # keep the last good set; the caller refuses tokens it cannot verify
        self._keys = keys
        self._loaded_at = now
        self.loads += 1

    def close(self) -> None:
        return None


class FileKeySet(_CachedKeySet):
    """A JWKS file named in the configuration; read at start-up (a bad file stops the service)."""

    def __init__(
        self,
        path: Path,
        *,
        cache_seconds: float = 3600,
        min_refresh_seconds: float = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            cache_seconds=cache_seconds, min_refresh_seconds=min_refresh_seconds, clock=clock
        )
        self.path = path
        self._keys = self._load()
        self._loaded_at = self._attempted_at = clock()
        self.loads = 1

    def _load(self) -> dict[str, tuple[VerificationKey, ...]]:
        try:
            document = orjson.loads(self.path.read_bytes())
        except OSError as exc:
            raise JwksError(f"cannot read JWKS file {self.path}: {exc.strerror or exc}") from exc
        except orjson.JSONDecodeError as exc:
            raise JwksError(f"JWKS file {self.path} is not JSON") from exc
        try:
            return parse_jwks(document)
        except JwksError as exc:
            raise JwksError(f"JWKS file {self.path}: {exc}") from exc


class UrlKeySet(_CachedKeySet):
    """A JWKS fetched from the issuer's configured URL: https, or http on loopback only."""

    def __init__(
        self,
        url: str,
        *,
        cache_seconds: float = 3600,
        min_refresh_seconds: float = 60,
        timeout_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        session: requests.Session | None = None,
    ) -> None:
        super().__init__(
            cache_seconds=cache_seconds, min_refresh_seconds=min_refresh_seconds, clock=clock
        )
        check_jwks_url(url)
        self.url = url
        self._timeout = timeout_seconds
        self._session = session or requests.Session()
        self._session.trust_env = False  # no proxy or netrc credentials from the environment
        self.fetches = 0  # HTTP requests made, successful or not

    def _load(self) -> dict[str, tuple[VerificationKey, ...]]:
        self.fetches += 1
        try:
            response = self._session.get(
                self.url,
                headers={"Accept": "application/jwk-set+json, application/json"},
                timeout=(min(3.0, self._timeout), self._timeout),
                allow_redirects=False,  # the configured URL, and only it
                stream=True,
            )
        except requests.RequestException as exc:
            raise JwksError(f"fetching {self.url} failed ({type(exc).__name__})") from exc
        try:
            if response.status_code != 200:
                raise JwksError(f"fetching {self.url} answered HTTP {response.status_code}")
            body = bytearray()
            for chunk in response.iter_content(chunk_size=65536):
                body += chunk
                if len(body) > _MAX_JWKS_BYTES:
                    raise JwksError(f"the key set at {self.url} exceeds {_MAX_JWKS_BYTES} bytes")
        except requests.RequestException as exc:
            raise JwksError(f"reading {self.url} failed ({type(exc).__name__})") from exc
        finally:
            response.close()
        try:
            return parse_jwks(orjson.loads(bytes(body)))
        except orjson.JSONDecodeError as exc:
            raise JwksError(f"the key set at {self.url} is not JSON") from exc

    def close(self) -> None:
        self._session.close()


def check_jwks_url(url: str) -> None:
    """Refuse a key-set URL that an attacker on the network could answer (plain http off loopback)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return
    raise JwksError(f"jwks_url must be https (or http on loopback for tests): {url!r}")


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def key_set_from_config(
    *,
    jwks_url: str | None,
    jwks_file: str | None,
    base_dir: Path,
    cache_seconds: float,
    min_refresh_seconds: float,
    timeout_seconds: float,
) -> KeySet:
    """The key set an `[[auth.issuers]]` entry names (the file wins when both are given)."""
    if jwks_file:
        path = Path(jwks_file)
        return FileKeySet(
            path if path.is_absolute() else base_dir / path,
            cache_seconds=cache_seconds,
            min_refresh_seconds=min_refresh_seconds,
        )
    if jwks_url:
        return UrlKeySet(
            jwks_url,
            cache_seconds=cache_seconds,
            min_refresh_seconds=min_refresh_seconds,
            timeout_seconds=timeout_seconds,
        )
    raise JwksError("an issuer needs jwks_url or jwks_file")


def describe(key_sets: Mapping[str, KeySet]) -> dict[str, str]:
    """Where each issuer's keys come from (for the start-up log line; no key material)."""
    out: dict[str, str] = {}
    for iss, key_set in key_sets.items():
        if isinstance(key_set, UrlKeySet):
            out[iss] = key_set.url
        elif isinstance(key_set, FileKeySet):
            out[iss] = str(key_set.path)
        else:
            out[iss] = type(key_set).__name__
    return out

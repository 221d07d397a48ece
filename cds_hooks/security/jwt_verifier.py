"""Verifying the JWT a CDS client sends as `Authorization: Bearer <JWT>` (CDS Hooks 2.0.1
#trusting-cds-clients; RFC 7519, RFC 8725 "JWT Best Current Practices").

Checked, in this order (the first failure refuses the token with a reason for the log):
1. shape: a compact JWS of three base64url parts, at most 8 KB;
2. header `alg` in the configured list (asymmetric only: `none` and HS* can never be configured,
   so an HS256 token "signed" with the issuer's public key is refused before any key is touched);
   `kid` present; no `crit` extensions (RFC 7515 4.1.11: unknown critical headers must refuse);
3. `iss` (read unverified only to choose the keys) is a configured issuer (as a URL: below);
4. `jku`, if present, names that issuer's configured `jwks_url` (it is never fetched itself;
   for an issuer configured with a `jwks_file` it is ignored: keys come from the file only);
5. the signature verifies with a key of that kid from *that issuer's* key set (an unknown kid
   reloads the set once, rate-limited: key rotation);
6. claims: `aud` (string or array) names one of the expected audiences; `exp` and `iat`
   are numbers, `iat` not in the future and `exp` not past (both with the clock skew), `nbf`
   honoured when present; `exp - iat` at most the configured lifetime; `jti` a non-empty string;
   `tenant`, when present, a printable string of at most 200 characters (it keys the caller's clinical
   state: tenancy.py); other extra claims (`sub`, ...) tolerated;
7. `jti` not seen before within its lifetime (replay store), claimed last so that a token refused
   for another reason never burns an identifier.

URLs (`iss`, `aud`, `jku`) are compared as the same resource, not character by character: the
scheme and host in any case, the default port written or not (`:443` on https, `:80` on http),
with or without a trailing slash. Those differences are harmless (RFC 3986 6.2.3 normalisation; a
trailing slash is what EHR configuration screens add, and the spec's own example `iss` is
`https://fhir-ehr.example.com/`), and refusing them made every call of a correctly configured EHR
a 401. Anything else (another host, port, path, query) is refused. An `iss` so matched is the
*configured* spelling from then on: it chooses the keys, keys the replay store and the caller's
clinical state (tenancy.py), so a token written either way is the same EHR. An `iss` that is not
an http(s) URL must match exactly. (Review 19 R2 M3: `aud` and `jku` were tolerant and `iss`
was not.)

Reasons never quote the token. A refusal for `iss`, `aud` or `jku` carries the exact mismatch for
the log (`Mismatch.mismatch`: what was expected, what the token names): the `aud` values of a
token whose signature verified, and the `iss` and `jku` reduced to scheme, host, port and path
(they are read before the signature, so nothing else of them is repeated), each capped in length.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
import orjson
from jwt.exceptions import InvalidKeyError, InvalidSignatureError, PyJWTError

from cds_hooks.config.settings import AuthSettings, IssuerSettings
from cds_hooks.errors import Unauthorized
from cds_hooks.security.jwks import JwksError, KeySet
from cds_hooks.security.replay import ReplayStore, ReplayStoreFull
from cds_hooks.security.tenancy import MAX_TENANT_CHARS

MAX_TOKEN_BYTES = 8192
MAX_JTI_CHARS = 256
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MAX_LOGGED_CHARS = 200
_MAX_LOGGED_AUDIENCES = 5


class Mismatch(Unauthorized):
    """A refusal because a URL claim names another URL; `mismatch` says which, for the log."""

    def __init__(self, log_reason: str, mismatch: dict[str, Any]) -> None:
        super().__init__(log_reason)
        self.mismatch = mismatch


def same_url(a: str, b: str) -> bool:
    """Whether two URLs name the same resource up to harmless differences (module docstring)."""
    first, second = canonical_url(a), canonical_url(b)
    return first is not None and first == second


def canonical_url(url: str) -> str | None:
    """`url` with scheme and host in lower case, no default port, no trailing slash; None when it
    is not an absolute http(s) URL without user-info."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username is not None:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}{query}"


def _loggable_url(value: object) -> str:
    """An unverified URL from a token header, reduced for a log line: scheme, host, port and
    path only, capped (no user-info, query or fragment)."""
    if not isinstance(value, str):
        return f"(not a string: {type(value).__name__})"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return "(not a URL)"
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return "(not an http(s) URL)"
    netloc = parts.hostname + (f":{port}" if port is not None else "")
    return f"{parts.scheme}://{netloc}{parts.path}"[:_MAX_LOGGED_CHARS]


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    issuer: str
    jti: str
    issued_at: float
    expires_at: float
    subject: str | None
    tenant: str | None = None  # the `tenant` claim: the organisation calling (tenancy.py)


class JwtVerifier:
    def __init__(
        self,
        auth: AuthSettings,
        key_sets: Mapping[str, KeySet],
        replay: ReplayStore,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._auth = auth
        self._issuers: dict[str, IssuerSettings] = {i.iss: i for i in auth.issuers}
        # Issuers by their canonical URL (module docstring). Authenticator refuses to start when
        # two configured issuers share one, so this lookup is never ambiguous.
        self._issuers_by_url: dict[str, IssuerSettings] = {
            url: i for i in auth.issuers if (url := canonical_url(i.iss)) is not None
        }
        self._key_sets = dict(key_sets)
        self._replay = replay
        self._clock = clock
        self._algorithms = frozenset(auth.algorithms)

    def verify(self, token: str, *, audiences: Sequence[str]) -> VerifiedToken:
        """Verify `token` for one of `audiences`; raises Unauthorized(reason) on any failure."""
        if len(token) > MAX_TOKEN_BYTES:
            raise Unauthorized("token larger than 8 KB")
        if not _COMPACT_JWS.fullmatch(token):
            raise Unauthorized("token is not a compact JWS")
        encoded_header, encoded_payload, _signature = token.split(".")
        header, unverified = _json_segment(encoded_header), _json_segment(encoded_payload)
        if header is None or unverified is None:
            raise Unauthorized("token header or payload is not a base64url JSON object")

        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self._algorithms:
            raise Unauthorized("token algorithm is not an allowed asymmetric algorithm")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthorized("token header has no kid")
        if "crit" in header:
            raise Unauthorized("token header has critical extensions this service does not know")

        iss = unverified.get("iss")
        if not isinstance(iss, str) or not iss:
            raise Unauthorized("token has no iss")
        issuer = self._issuer_named(iss)
        if issuer is None:
            raise Mismatch(
                "token issuer is not a configured issuer",
                {"claim": "iss", "expected": sorted(self._issuers), "received": _loggable_url(iss)},
            )
        iss = issuer.iss  # the configured spelling from here on (module docstring)
        jku = header.get("jku")
        if (
            jku is not None
            and issuer.jwks_url
            and not (isinstance(jku, str) and same_url(jku, issuer.jwks_url))
        ):
            raise Mismatch(
                "token jku is not the issuer's configured jwks_url",
                {"claim": "jku", "expected": issuer.jwks_url, "received": _loggable_url(jku)},
            )

        claims = self._verified_claims(token, issuer=iss, kid=kid, alg=alg)
        verified = self._check_claims(claims, iss, audiences)
        try:
            first_use = self._replay.claim(
                iss, verified.jti, verified.expires_at + self._auth.clock_skew_seconds
            )
        except ReplayStoreFull as exc:
            raise Unauthorized("replay store is full (token refused, fail closed)") from exc
        if not first_use:
            raise Unauthorized("token jti was already used (replay)")
        return verified

    def _issuer_named(self, iss: str) -> IssuerSettings | None:
        exact = self._issuers.get(iss)
        if exact is not None:
            return exact
        url = canonical_url(iss)
        return None if url is None else self._issuers_by_url.get(url)

    def _verified_claims(self, token: str, *, issuer: str, kid: str, alg: str) -> dict[str, Any]:
        try:
            keys = self._key_sets[issuer].keys_for(kid)
        except JwksError as exc:  # pragma: no cover - key sets report failures as "no keys"
            raise Unauthorized("issuer keys are unavailable") from exc
        candidates = [k for k in keys if k.fits(alg)]
        if not keys:
            raise Unauthorized("token kid is not in the issuer's key set")
        if not candidates:
            raise Unauthorized("token alg does not match the type of the issuer's key for its kid")
        for key in candidates:
            try:
                payload: dict[str, Any] = jwt.decode(
                    token,
                    key=key.key,
                    algorithms=[alg],
                    options={
                        # Claims are checked below, with this service's clock and rules.
                        "verify_signature": True,
                        "verify_exp": False,
                        "verify_iat": False,
                        "verify_nbf": False,
                        "verify_aud": False,
                        "verify_iss": False,
                        "verify_sub": False,
                        "verify_jti": False,
                        "enforce_minimum_key_length": True,
                    },
                )
            except InvalidSignatureError:
                continue
            except InvalidKeyError as exc:
                raise Unauthorized("the issuer's key is unfit for the token's algorithm") from exc
            except PyJWTError as exc:
                raise Unauthorized("token could not be decoded") from exc
            return payload
        raise Unauthorized("token signature does not verify")

    def _check_claims(
        self, claims: Mapping[str, Any], iss: str, audiences: Sequence[str]
    ) -> VerifiedToken:
        now = self._clock()
        skew = self._auth.clock_skew_seconds

        aud = claims.get("aud")
        token_audiences = [aud] if isinstance(aud, str) else aud
        if not isinstance(token_audiences, list) or not token_audiences:
            raise Unauthorized("token has no aud")
        expected = {canonical_url(a) or a for a in audiences}
        if not any(
            isinstance(a, str) and (canonical_url(a) or a) in expected for a in token_audiences
        ):
            raise Mismatch(
                "token aud is not this service's URL",
                {
                    "claim": "aud",
                    "expected": list(audiences),
                    "received": [
                        str(a)[:_MAX_LOGGED_CHARS] for a in token_audiences[:_MAX_LOGGED_AUDIENCES]
                    ],
                    "hint": "the URL the EHR calls must be [server] public_url + "
                    "/cds-services/{id} (README, Security)",
                },
            )

        exp, iat = _number(claims.get("exp")), _number(claims.get("iat"))
        if exp is None:
            raise Unauthorized("token has no numeric exp")
        if iat is None:
            raise Unauthorized("token has no numeric iat")
        nbf = _number(claims.get("nbf"))
        if nbf is None and claims.get("nbf") is not None:
            raise Unauthorized("token nbf is not a number")
        if exp <= now - skew:
            raise Unauthorized("token expired")
        if iat > now + skew:
            raise Unauthorized("token not yet valid (iat in the future)")
        if nbf is not None and nbf > now + skew:
            raise Unauthorized("token not yet valid (nbf)")
        if exp <= iat:
            raise Unauthorized("token exp is not after iat")
        if exp - iat > self._auth.max_token_lifetime_seconds:
            raise Unauthorized("token lifetime exceeds max_token_lifetime_seconds")

        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI_CHARS:
            raise Unauthorized("token has no usable jti")
        tenant = claims.get("tenant")
        if tenant is not None and (
            not isinstance(tenant, str)
            or not tenant
            or len(tenant) > MAX_TENANT_CHARS
            or not tenant.isprintable()  # it is stored: no NUL (PostgreSQL refuses it), no controls
        ):
            raise Unauthorized("token tenant is not a printable string of 1 to 200 characters")
        sub = claims.get("sub")
        return VerifiedToken(
            issuer=iss,
            jti=jti,
            issued_at=iat,
            expires_at=exp,
            subject=sub if isinstance(sub, str) else None,
            tenant=tenant,
        )


def _json_segment(segment: str) -> dict[str, Any] | None:
    """A JWS header or payload decoded for a first look (nothing in it is trusted yet)."""
    try:
        value = orjson.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _number(value: Any) -> float | None:
    """A NumericDate (RFC 7519 2): a JSON number, not a bool or a numeric string."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None

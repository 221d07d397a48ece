"""Authentication of the calling EHR (CDS Hooks 2.0.1 #trusting-cds-clients).

With `auth.required = false` (local demos only) every caller is the same local issuer
(tenancy.LOCAL_ISSUER) and the FHIR allowlist is the settings' default (`[fhir] allowed_servers`,
loopback only). With it on, the caller must send
`Authorization: Bearer <JWT>` signed by a configured issuer (jwt_verifier.py says what is checked),
and the hook may then fetch only from that issuer's `fhir_servers` (the SSRF guard in runner.py).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from cds_hooks.config.settings import ConfigError, Settings
from cds_hooks.errors import Unauthorized
from cds_hooks.observability import logs
from cds_hooks.security.caller import Caller
from cds_hooks.security.replay import DatabaseReplayStore, MemoryReplayStore, ReplayStore

if TYPE_CHECKING:
    # PyJWT and cryptography (0.04 to 0.1 s of start-up, issue 14) are imported in __init__
    # only when auth is required: with auth off no token is ever read.
    from cds_hooks.security.jwks import KeySet
    from cds_hooks.security.jwt_verifier import JwtVerifier

_SUPPORTED_ALGORITHMS = frozenset(
    {"ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA"}
)
_BEARER = re.compile(r"Bearer +(\S+)", re.IGNORECASE)


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header (RFC 6750 2.1)."""
    if authorization is None or not authorization.strip():
        raise Unauthorized("no Authorization header")
    match = _BEARER.fullmatch(authorization.strip())
    if match is None:
        raise Unauthorized("Authorization header is not 'Bearer <token>'")
    return match.group(1)


def _is_bearer(authorization: str | None) -> bool:
    """An `Authorization: Bearer <token>` header (its token is never read here)."""
    return authorization is not None and authorization.strip()[:7].lower() == "bearer "


def _refuse_issuers_alike(issuers: Sequence[str]) -> None:
    """Two issuers that differ only as URLs do not (case, default port, trailing slash) would
    both match one token's `iss` (jwt_verifier.py): which keys and tenancy apply would be a
    guess, so the service does not start."""
    from cds_hooks.security.jwt_verifier import canonical_url

    seen: dict[str, str] = {}
    for iss in issuers:
        url = canonical_url(iss)
        if url is None:
            continue
        if url in seen:
            raise ConfigError(
                f"auth.issuers lists {seen[url]!r} and {iss!r}, the same issuer URL written two "
                "ways (an iss is matched up to case, default port and trailing slash): keep one"
            )
        seen[url] = iss


class Authenticator:
    def __init__(
        self,
        settings: Settings,
        *,
        engine: Engine | None = None,
        key_sets: Mapping[str, KeySet] | None = None,
        replay: ReplayStore | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        auth = settings.auth
        self._fhir_servers = {i.iss: tuple(i.fhir_servers) for i in auth.issuers}
        self._verifier: JwtVerifier | None = None
        self._key_sets: dict[str, KeySet] = {}
        self._replay: ReplayStore | None = None
        self._token_ignored_said = False  # auth.token_ignored logged (once per service)
        self._said_lock = threading.Lock()
        if not auth.required:
            return
        from cds_hooks.security.jwks import JwksError, describe
        from cds_hooks.security.jwt_verifier import JwtVerifier

        if not settings.server.public_url:
            # The audience would otherwise come from the request's Host header, which the caller
            # controls: a token minted for another service could be replayed here under its name.
            raise ConfigError("auth.required = true needs server.public_url (the JWT audience)")
        if len(self._fhir_servers) != len(auth.issuers):
            raise ConfigError("auth.issuers lists the same iss twice")
        _refuse_issuers_alike([i.iss for i in auth.issuers])
        unknown = sorted(set(auth.algorithms) - _SUPPORTED_ALGORITHMS)
        if unknown:
            raise ConfigError(f"auth.algorithms has unknown algorithms {unknown}")
        try:
            self._key_sets = dict(key_sets) if key_sets is not None else self._build_key_sets()
        except JwksError as exc:
            raise ConfigError(f"auth.issuers: {exc}") from exc
        if replay is None:
            if settings.replay_store == "database":
                if engine is None:
                    raise ConfigError("auth.replay_store = 'database' needs the service's database")
                replay = DatabaseReplayStore(engine)
            else:
                replay = MemoryReplayStore(auth.replay_max_entries)
        self._replay = replay
        self._verifier = JwtVerifier(auth, self._key_sets, replay, clock=clock)
        logs.event(
            "auth.configured",
            issuers=describe(self._key_sets),
            replayStore=settings.replay_store,
            publicUrl=settings.server.public_url or None,
        )

    def _build_key_sets(self) -> dict[str, KeySet]:
        from cds_hooks.security.jwks import key_set_from_config

        auth = self._settings.auth
        return {
            issuer.iss: key_set_from_config(
                jwks_url=issuer.jwks_url,
                jwks_file=issuer.jwks_file,
                base_dir=self._settings.base_dir,
                cache_seconds=auth.jwks_cache_seconds,
                min_refresh_seconds=auth.jwks_min_refresh_seconds,
                timeout_seconds=auth.jwks_timeout_seconds,
            )
            for issuer in auth.issuers
        }

    @property
    def required(self) -> bool:
        return self._verifier is not None

    def authenticate(
        self,
        authorization: str | None,
        *,
        audience: str,
        also_audiences: Sequence[str] = (),
    ) -> Caller:
        """Who is calling. `audience` is the exact URL the JWT's `aud` must name; the feedback
        route also accepts its service's URL (`also_audiences`). Raises Unauthorized."""
        if self._verifier is None:
            if not self._token_ignored_said and _is_bearer(authorization):
                self._say_token_ignored()
            return Caller()
        token = bearer_token(authorization)
        verified = self._verifier.verify(token, audiences=(audience, *also_audiences))
        return Caller(
            issuer=verified.issuer,
            fhir_servers=self._fhir_servers[verified.issuer],
            tenant=verified.tenant,
        )

    def _say_token_ignored(self) -> None:
        """With auth off, an EHR that sends a bearer token expects it checked: a site that forgot
        `[auth] required = true` learns it from one warning (review s26 RX finding 8). Once per
        service process (one Authenticator per app): not a line per call. Never the token."""
        with self._said_lock:  # the feedback route authenticates on worker threads
            if self._token_ignored_said:
                return
            self._token_ignored_said = True
        logs.event(
            "auth.token_ignored",
            logging.WARNING,
            reason="a bearer token was sent but [auth] required is false: tokens are not "
            "checked and every caller is trusted; set [auth] required = true to check them",
        )

    def close(self) -> None:
        for key_set in self._key_sets.values():
            key_set.close()
        if self._replay is not None:
            self._replay.close()

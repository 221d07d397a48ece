"""The settings file's tables for authentication (`[auth]`, `[[auth.issuers]]`), the EHR's FHIR
server (`[fhir]`), the database, the timeline store and logging: each a strict, frozen model with
its limits and the validators that make the service refuse to start on a bad value.

Apart from settings.py (the whole Settings object, `[server]` and loading the file) so each table
reads on its own; settings.py re-exports them. `[server]` stays there beside `utc_now`, the clock
`ServerSettings.today` reads and the tests stop where it is defined; `[codes]` is
code_settings.py.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.catalog import MAX_QUERY_BYTES


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IssuerSettings(_Strict):
    iss: str
    jwks_url: str | None = None
    jwks_file: str | None = None
    fhir_servers: tuple[str, ...] = ()  # allowed fhirServer prefixes for this issuer

    @model_validator(mode="after")
    def _one_key_source(self) -> IssuerSettings:
        if not (self.jwks_url or self.jwks_file):
            raise ValueError(f"issuer {self.iss!r} needs jwks_url or jwks_file")
        return self


class AuthSettings(_Strict):
    required: bool = False
    issuers: tuple[IssuerSettings, ...] = ()
    clock_skew_seconds: int = Field(60, ge=0, le=600)
    # Tokens valid longer than this are refused (the spec recommends 5 minutes at most).
    max_token_lifetime_seconds: int = Field(3600, ge=60)
    algorithms: tuple[str, ...] = ("ES384", "RS384", "ES256", "RS256")
    jwks_cache_seconds: int = Field(3600, ge=0)
    # A token with a kid the cached key set lacks reloads the set (key rotation), at most this
    # often per issuer, so made-up kids cannot make the service hammer the issuer's JWKS URL.
    jwks_min_refresh_seconds: int = Field(60, ge=0, le=3600)
    jwks_timeout_seconds: float = Field(5.0, gt=0, le=60)
    # Where used jti values are remembered: "database" (table trd_jwt_replay, shared by every
    # worker and replica through [database] url) or "memory" (one process only: a token replayed
    # to another process would pass). "auto": the database unless [database] url is SQLite.
    replay_store: Literal["auto", "memory", "database"] = "auto"
    # The in-process store refuses new tokens (401) rather than forget unexpired ones when full.
    replay_max_entries: int = Field(200_000, ge=1000)

    @field_validator("algorithms")
    @classmethod
    def _no_symmetric(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [a for a in value if a.lower() == "none" or a.upper().startswith("HS")]
        if bad:
            raise ValueError(f"algorithms {bad} are not allowed (only asymmetric signatures)")
        return value

    @model_validator(mode="after")
    def _issuers_when_required(self) -> AuthSettings:
        if self.required and not self.issuers:
            raise ValueError("auth.required = true needs at least one [[auth.issuers]] entry")
        return self


class FhirSettings(_Strict):
    # Budgets that fit the EHR's wait (README, "Fetching from the EHR's FHIR server"): CDS Hooks
    # sets no timeout, and EHRs wait a few seconds for cards before showing the chart without
    # them; an answer after that is thrown away. So each request gets 2 s to connect and 4 s to
    # read, and all fetches of one hook call 5 s together (requests run concurrently; the call
    # stops waiting 1 s after that). A site whose EHR waits longer may raise them.
    connect_timeout: float = Field(2.0, gt=0, le=60)
    read_timeout: float = Field(4.0, gt=0, le=120)
    # Wall-clock budget for all FHIR fetches of one hook call.
    total_timeout: float = Field(5.0, gt=0, le=300)
    max_pages: int = Field(20, ge=1, le=1000)
    max_response_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    # All FHIR responses of one hook call together (fhir_data/byte_budget.py; review s25 RP M1):
    # twice [server] max_body_bytes, since a search answer carries whole resources in Bundle
    # wrappers where a prefetch may be trimmed. The longest charts seen are 2-6 MB; a call that
    # reads more fails the key being read, as an oversized response does.
    max_call_bytes: int = Field(32 * 1024 * 1024, ge=1024)
    # The longest query string a prefetch template may send (services/catalog.py MAX_QUERY_BYTES:
    # under IIS's default 2,048, which fronts Epic Interconnect). The `[codes]` local codes lengthen
    # the Observation templates; one over this stops the service at start-up rather than have every
    # fetch of it answered 404.15 (and every call 412). Raise it only for a FHIR server known to
    # accept longer queries.
    max_query_bytes: int = Field(MAX_QUERY_BYTES, ge=256, le=65536)
    retries: int = Field(2, ge=0, le=5)
    # With auth off, fhirServer must start with one of these (default: loopback only). With auth
    # on, each issuer's own fhir_servers list applies instead.
    allowed_servers: tuple[str, ...] = (
        "http://127.0.0.1:*",
        "http://localhost:*",
        "http://[::1]:*",
    )
    # CDS Hooks 2.0 "FHIR Resource Access": the service may use the FHIR server only when the
    # request carries both fhirServer and fhirAuthorization. Without the access token nothing is
    # fetched (a 412 names the missing keys and says why). true: fetch without one, for open test
    # servers only (the public CDS Hooks sandbox's, a local HAPI); never for an EHR.
    fetch_without_authorization: bool = False


class DatabaseSettings(_Strict):
    url: str = "sqlite:///./var/trd-cds.db"
    # How long a hook answer waits for its issued cards' commit before it leaves anyway (review
    # s22 RR finding 6). Waiting keeps feedback on them from being refused after a crash (review
    # 21 M1), and takes a fraction of a millisecond on SQLite, a round trip on PostgreSQL; but a
    # locked SQLite file (30 s busy timeout) or a stalled PostgreSQL (no statement timeout) would
    # hold every answer, critical cards included, past the few seconds the EHR waits. After this
    # the commit finishes behind the answer and `hook.record_late` is logged. Not 0: every answer
    # would then leave before its commit.
    issued_wait_seconds: float = Field(1.0, gt=0, le=30)
    # The statement timeout of a hook answer's reads of snoozes and answered order cards on
    # PostgreSQL (session 23 L2 item 4: a server stalling on reads held the answer without bound).
    # Past it the answer leaves with its cards unfiltered by snoozes (the safer side: a snoozed
    # card shows again) and `hook.store_read_timeout` is logged. SQLite reads never wait (WAL).
    read_timeout_seconds: float = Field(1.0, gt=0, le=30)


class TimelineSettings(_Strict):
    ttl_minutes: int = Field(15, ge=1, le=24 * 60)
    max_entries: int = Field(10_000, ge=10)  # in-process store only
    # "database": the records behind card links in table trd_stored_record (as JSON, without the
    # patient id), so a link opens in every replica that shares [database] url; "memory": in the
    # process that made it only. "auto": the database unless [database] url is SQLite.
    store: Literal["auto", "memory", "database"] = "auto"


class LoggingSettings(_Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

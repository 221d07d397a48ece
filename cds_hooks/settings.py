"""Service settings: one object, read from a TOML file, injected everywhere.

The file is named by `--config` or the `TRD_CDS_CONFIG` environment variable; without one the
embedded defaults serve a local demo (SQLite under ./var, no auth, loopback FHIR servers only).
Validators fail fast: the service refuses to start with auth required and no trusted issuer.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from services.policy import Policy, PolicyConfig

CONFIG_ENV = "TRD_CDS_CONFIG"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    # The service's external base URL. The JWT `aud` must equal public_url + "/cds-services/{id}";
    # timeline links are built from it. Empty: derived from each request's own base URL.
    public_url: str = ""
    max_body_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    cors_origins: tuple[str, ...] = ("*",)

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")


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
    # Where used jti values are remembered: "memory" (one process only) or "database" (shared by
    # every worker and replica through [database] url; needed as soon as there is more than one).
    replay_store: Literal["memory", "database"] = "memory"
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
    connect_timeout: float = Field(3.0, gt=0, le=60)
    read_timeout: float = Field(10.0, gt=0, le=120)
    # Wall-clock budget for all FHIR fetches of one hook call.
    total_timeout: float = Field(20.0, gt=0, le=300)
    max_pages: int = Field(20, ge=1, le=1000)
    max_response_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    retries: int = Field(2, ge=0, le=5)
    # With auth off, fhirServer must start with one of these (default: loopback only). With auth
    # on, each issuer's own fhir_servers list applies instead.
    allowed_servers: tuple[str, ...] = (
        "http://127.0.0.1:*",
        "http://localhost:*",
        "http://[::1]:*",
    )


class DatabaseSettings(_Strict):
    url: str = "sqlite:///./var/trd-cds.db"


class TimelineSettings(_Strict):
    ttl_minutes: int = Field(15, ge=1, le=24 * 60)
    max_entries: int = Field(10_000, ge=10)  # in-process store only
    # "memory": links resolve in the process that made them; "database": in every replica that
    # shares [database] url (use it with more than one worker or replica).
    store: Literal["memory", "database"] = "memory"


class LoggingSettings(_Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Settings(_Strict):
    server: ServerSettings = Field(default_factory=ServerSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    fhir: FhirSettings = Field(default_factory=FhirSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    timeline: TimelineSettings = Field(default_factory=TimelineSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    policy: PolicyConfig = Field(default_factory=PolicyConfig)
    # Where relative paths in the file (jwks_file) are resolved from.
    base_dir: Path = Field(default_factory=Path.cwd)

    def clinical_policy(self) -> Policy:
        return self.policy.to_policy()


class ConfigError(Exception):
    """The configuration file is missing, not TOML, or does not validate."""


def load_settings(path: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Read settings from `path`, else $TRD_CDS_CONFIG, else the embedded defaults."""
    chosen = path or os.environ.get(CONFIG_ENV) or None
    data: dict[str, Any] = {}
    base_dir = Path.cwd()
    if chosen:
        file = Path(chosen)
        try:
            data = tomllib.loads(file.read_text("utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {file}") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {file} is not valid TOML: {exc}") from exc
        base_dir = file.resolve().parent
    data.setdefault("base_dir", base_dir)
    for key, value in overrides.items():
        data[key] = value
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid configuration at {where}: {first['msg']}") from exc

"""Service settings: one object, read from a TOML file and the environment, injected everywhere.

The file is named by `--config` or the `TRD_CDS_CONFIG` environment variable; without one the
embedded defaults serve a local demo (SQLite under ./var, no auth, loopback FHIR servers only).
Environment variables (`TRD_CDS_DATABASE__URL`) and secret files (`/run/secrets`) override the
file key by key (config_layers.py has the rules). Validators fail fast: the service refuses to
start with auth required and no trusted issuer, or with a key it does not know.

Relative paths: a `jwks_file` written in the file is resolved against the file's folder; one set
by a variable or a secret file (or with no file at all), against the working directory. A SQLite
path in `database.url` is SQLAlchemy's: relative to the working directory, wherever it is written.

The tables are models of their own: `[auth]`, `[fhir]`, `[database]`, `[timeline]` and
`[logging]` in sections.py, `[codes]` in code_settings.py; this module holds `[server]`, the
whole Settings object and its loading, and re-exports the tables.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PrivateAttr, ValidationError, field_validator

from cds_hooks.config import config_errors, config_layers
from cds_hooks.config.code_settings import (
    CodesSettings,
    LocalCodeSettings,
    QuestionnaireItemSettings,
)
from cds_hooks.config.sections import (
    AuthSettings,
    DatabaseSettings,
    FhirSettings,
    IssuerSettings,
    LoggingSettings,
    TimelineSettings,
    _Strict,
)
from fhir_mapping.site_codes import SiteCodes
from services.catalog import LongQuery, overlong_templates
from services.policy import Policy, PolicyConfig

# What other modules read from here, wherever it is defined.
__all__ = [
    "CONFIG_ENV",
    "SECTIONS",
    "AuthSettings",
    "CodesSettings",
    "ConfigError",
    "ConfigSource",
    "DatabaseSettings",
    "FhirSettings",
    "IssuerSettings",
    "LocalCodeSettings",
    "LoggingSettings",
    "QuestionnaireItemSettings",
    "ServerSettings",
    "Settings",
    "TimelineSettings",
    "load_settings",
    "utc_now",
]

CONFIG_ENV = "TRD_CDS_CONFIG"


def utc_now() -> datetime:
    """The clock every "today" outside a hook call is read from (`trd-cds evaluate`, `trd-cds
    request`): one function, so that a test can stop it."""
    return datetime.now(UTC)


# An origin for CSP frame-ancestors: https (or http on loopback tests) host[:port], nothing that
# could end the directive (";", spaces, quotes).
_FRAME_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


class ServerSettings(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    # The service's external base URL. The JWT `aud` must equal public_url + "/cds-services/{id}";
    # timeline links are built from it. Empty: derived from each request's own base URL.
    public_url: str = ""
    # Larger bodies get 413 naming this setting. 16 MiB (review 8 finding 4): a 10-year chart
    # with dispenses and labs is 2-6 MB, and the EHR cannot shrink its request, so a lower cap
    # leaves the longest charts with no decision support at all. Parsed, a body costs about ten
    # times its size in memory while it is evaluated (README, "Sizing").
    max_body_bytes: int = Field(16 * 1024 * 1024, ge=1024)
    cors_origins: tuple[str, ...] = ("*",)
    # The origins that may show the timeline and referral-summary pages in a frame (CSP
    # frame-ancestors): none by default (review s25 RP L6); list the EHR's web origin if it shows
    # card links inside its own page (routes/page_headers.py).
    frame_ancestors: tuple[str, ...] = ()
    # The site's time zone (IANA name): "today" for every hook call is the date there, since
    # chart dates are the clinic's calendar dates (review 8 finding 9). UTC would judge a chart
    # opened after 19:00 in New York as of tomorrow (item-9 look-back, intervals, trial weeks).
    timezone: str = "UTC"

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("frame_ancestors")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for origin in value:
            if not _FRAME_ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"frame_ancestors entry {origin!r} is not an origin such as "
                    "'https://ehr.example-hospital.org' (scheme, host, optional port; no path)"
                )
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        value = value.strip()
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ValueError(
                f"timezone {value!r} is not a known IANA time zone (e.g. 'America/New_York', "
                "'Europe/London', 'UTC')"
            ) from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # cached by zoneinfo itself

    def today(self) -> date:
        """Today's date in the site's time zone: the as-of date of a hook call, and of the
        command line's offline evaluation, so both judge a chart opened near midnight alike."""
        return utc_now().astimezone(self.zone).date()


@dataclasses.dataclass(frozen=True, slots=True)
class ConfigSource:
    """Where the settings came from: the file (None: the embedded defaults), and the keys set by
    environment variables and secret files (names only: values may be secrets)."""

    file: Path | None = None
    environment: tuple[str, ...] = ()
    secret_files: tuple[str, ...] = ()
    secrets_dir: Path | None = None

    def describe(self) -> str:
        return str(self.file) if self.file is not None else "embedded defaults"


class Settings(_Strict):
    server: ServerSettings = Field(default_factory=ServerSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    fhir: FhirSettings = Field(default_factory=FhirSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    timeline: TimelineSettings = Field(default_factory=TimelineSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    policy: PolicyConfig = Field(default_factory=PolicyConfig)
    codes: CodesSettings = Field(default_factory=CodesSettings)
    # Where a relative jwks_file not written in the file is resolved from (the file's own are
    # made absolute against its folder as it is read).
    base_dir: Path = Field(default_factory=Path.cwd)
    # Where the values came from, for the start-up log line (not a key: set by load_settings).
    _source: ConfigSource = PrivateAttr(default_factory=lambda: ConfigSource())

    @property
    def source(self) -> ConfigSource:
        return self._source

    def clinical_policy(self) -> Policy:
        """The `[policy]` table, with the site's code maps (`[codes]`) and time zone
        (`[server] timezone`: an instant's calendar date, as "today" is the date there) for the
        mapping."""
        policy = self.policy.to_policy()
        mapping = dataclasses.replace(
            policy.mapping, site_codes=self.site_codes(), site_zone=self.server.zone
        )
        return dataclasses.replace(policy, mapping=mapping)

    def site_codes(self) -> SiteCodes:
        return self.codes.site_codes()

    @property
    def replay_store(self) -> Literal["memory", "database"]:
        """Where used jti values live: `[auth] replay_store`, "auto" resolved."""
        return _shared_store(self.auth.replay_store, self.database.url)

    @property
    def timeline_store(self) -> Literal["memory", "database"]:
        """Where timeline links' records live: `[timeline] store`, "auto" resolved."""
        return _shared_store(self.timeline.store, self.database.url)

    def check_prefetch_templates(self) -> None:
        """Raise ConfigError when the site's `[codes]` make a prefetch template's query string
        longer than `[fhir] max_query_bytes` (review 8 finding 3).

        Refused at start-up, not warned about: an IIS front answers such a fetch 404.15, which
        the service can only report as "the FHIR server answered 404", so every call the EHR did
        not prefetch would be a 412 naming neither the cause nor the fix, on a warning line
        nobody reads until clinicians say the cards are gone. The limit is a setting, so a site
        whose FHIR server takes longer queries is not stuck."""
        limit = self.fhir.max_query_bytes
        long = overlong_templates(self.site_codes(), limit)
        if long:
            raise ConfigError("; ".join(_too_long(query, limit) for query in long))


def _too_long(query: LongQuery, limit: int) -> str:
    if query.local_codes:
        fix = (
            f"trim {query.length - limit:,} bytes from [codes]: remove some of the "
            f"{query.local_codes} [[codes.local]] entries mapped to {query.key!r} codes, or raise "
            "[fhir] max_query_bytes if the FHIR server is known to accept longer query strings"
        )
    else:  # the built-in template alone: only a lowered limit gets here
        fix = f"[fhir] max_query_bytes must be at least {query.length:,}"
    return (
        f"prefetch template {query.key!r} would send a {query.length:,}-byte query string "
        f"(with a 64-character patient id, percent-encoded as sent), over the {limit:,}-byte "
        "limit ([fhir] max_query_bytes): a FHIR server behind IIS (Epic Interconnect) refuses "
        f"one over 2,048 bytes by default, so every fetch of it would fail; {fix}"
    )


def _shared_store(
    choice: Literal["auto", "memory", "database"], database_url: str
) -> Literal["memory", "database"]:
    """ "auto": in the database whenever it can be shared by replicas (anything but SQLite);
    in process memory for SQLite, the embedded single-host database of the demo."""
    if choice != "auto":
        return choice
    return "memory" if database_url.strip().lower().startswith("sqlite") else "database"


# The tables a variable or secret file may set (base_dir is derived, not a key).
SECTIONS = tuple(name for name in Settings.model_fields if name != "base_dir")


class ConfigError(Exception):
    """The configuration file is missing, not TOML, or does not validate."""


def load_settings(path: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Read settings from `path`, else $TRD_CDS_CONFIG, else the embedded defaults; then lay the
    secret files and the `TRD_CDS_*` environment variables over them (config_layers.py). Keyword
    `overrides` (tests, the command line) replace whole tables and win over everything."""
    chosen = path or os.environ.get(CONFIG_ENV) or None
    data: dict[str, Any] = {}
    file: Path | None = None
    if chosen:
        file = Path(chosen)
        try:
            data = tomllib.loads(file.read_text("utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {file}") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {file} is not valid TOML: {exc}") from exc
        data = _resolve_paths(data, file.resolve().parent)
    try:
        directory = config_layers.secrets_dir()
        secrets = (
            config_layers.secrets_layer(Settings, SECTIONS, directory)
            if directory is not None
            else config_layers.Layer()
        )
        environment = config_layers.environment_layer(Settings, SECTIONS)
    except config_layers.LayerError as exc:
        raise ConfigError(str(exc)) from exc
    data = config_layers.merge(data, secrets.values, environment.values)
    for key, value in overrides.items():
        data[key] = value
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        loc = config_errors.refused_key(errors)
        secret = secrets.origin_of(loc) is not None and environment.origin_of(loc) is None
        where, problem = config_errors.field_problem(
            errors, secret=secret, environment=environment.origin_of(loc) is not None
        )
        source = _origin(loc, overrides, environment, secrets, file)
        raise ConfigError(f"invalid configuration at {where}{source}: {problem}") from exc
    settings._source = ConfigSource(
        file=file.resolve() if file is not None else None,
        environment=environment.keys(),
        secret_files=secrets.keys(),
        secrets_dir=directory if secrets.values else None,
    )
    return settings


def _origin(
    loc: tuple[int | str, ...],
    overrides: dict[str, Any],
    environment: config_layers.Layer,
    secrets: config_layers.Layer,
    file: Path | None,
) -> str:
    """ " (environment variable TRD_CDS_X__Y)": where the refused value came from."""
    if loc and str(loc[0]) in overrides:
        return ""
    origin = environment.origin_of(loc) or secrets.origin_of(loc)
    if origin is not None:
        return f" ({origin})"
    return f" (in {file})" if file is not None else ""


def _resolve_paths(data: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The file's relative `jwks_file` paths made absolute against the file's folder, so that
    they mean the same whatever the working directory and whatever else sets other keys."""
    auth = data.get("auth")
    if not isinstance(auth, dict) or not isinstance(auth.get("issuers"), list):
        return data
    issuers = []
    for issuer in auth["issuers"]:
        if isinstance(issuer, dict) and isinstance(issuer.get("jwks_file"), str):
            jwks_file = Path(issuer["jwks_file"])
            if not jwks_file.is_absolute():
                issuer = {**issuer, "jwks_file": str(folder / jwks_file)}
        issuers.append(issuer)
    return {**data, "auth": {**auth, "issuers": issuers}}

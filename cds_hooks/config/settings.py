"""Service settings: one object, read from a TOML file and the environment, injected everywhere.

The file is named by `--config` or the `TRD_CDS_CONFIG` environment variable; without one the
embedded defaults serve a local demo (SQLite under ./var, no auth, loopback FHIR servers only).
Environment variables (`TRD_CDS_DATABASE__URL`) and secret files (`/run/secrets`) override the
file key by key (config_layers.py has the rules). Validators fail fast: the service refuses to
start with auth required and no trusted issuer, or with a key it does not know.

Relative paths: a `jwks_file` written in the file is resolved against the file's folder; one set
by a variable or a secret file (or with no file at all), against the working directory. A SQLite
path in `database.url` is SQLAlchemy's: relative to the working directory, wherever it is written.
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

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from cds_hooks.config import config_layers
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.site_codes import LocalCode, QuestionnaireLink, SiteCodes
from services.catalog import MAX_QUERY_BYTES, LongQuery, overlong_templates
from services.policy import Policy, PolicyConfig

CONFIG_ENV = "TRD_CDS_CONFIG"


def utc_now() -> datetime:
    """The clock every "today" outside a hook call is read from (`trd-cds evaluate`, `trd-cds
    request`): one function, so that a test can stop it."""
    return datetime.now(UTC)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    # The site's time zone (IANA name): "today" for every hook call is the date there, since
    # chart dates are the clinic's calendar dates (review 8 finding 9). UTC would judge a chart
    # opened after 19:00 in New York as of tomorrow (item-9 look-back, intervals, trial weeks).
    timezone: str = "UTC"

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

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


class TimelineSettings(_Strict):
    ttl_minutes: int = Field(15, ge=1, le=24 * 60)
    max_entries: int = Field(10_000, ge=10)  # in-process store only
    # "database": the records behind card links in table trd_stored_record (as JSON, without the
    # patient id), so a link opens in every replica that shares [database] url; "memory": in the
    # process that made it only. "auto": the database unless [database] url is SQLite.
    store: Literal["auto", "memory", "database"] = "auto"


class LoggingSettings(_Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class LocalCodeSettings(_Strict):
    """One `[[codes.local]]` entry: a site's local code and the standard code it stands for."""

    system: str = Field(min_length=1)  # as the EHR writes it, e.g. an Epic flowsheet-row OID
    code: str = Field(min_length=1)
    maps_to: str  # "system|code", e.g. "http://loinc.org|44261-6"
    display: str = ""  # optional: what the row is, for people reading the file and the cards

    @field_validator("system", "code")
    @classmethod
    def _no_separator(cls, value: str) -> str:
        value = value.strip()
        if not value or "|" in value:
            raise ValueError(f"{value!r} must be non-empty and must not contain '|'")
        return value

    @field_validator("maps_to")
    @classmethod
    def _token(cls, value: str) -> str:
        parts = [p.strip() for p in value.split("|")]
        if len(parts) != 2 or not all(parts):
            raise ValueError(
                f"maps_to {value!r} must be 'system|code', e.g. 'http://loinc.org|44261-6'"
            )
        return "|".join(parts)

    def local_code(self) -> LocalCode:
        system, code = self.maps_to.split("|")
        return LocalCode(self.system, self.code, system, code, self.display)


_LOINC_CODE = re.compile(r"\d{1,7}-\d")


class QuestionnaireItemSettings(_Strict):
    """One `[[codes.questionnaire_items]]` entry: an item of a site's own PHQ-9 Questionnaire."""

    questionnaire: str = Field(min_length=1)  # the Questionnaire's canonical URL
    link_id: str = Field(min_length=1)
    loinc: str  # the LOINC code of the item it asks, e.g. "44260-8" for item 9

    @field_validator("loinc")
    @classmethod
    def _loinc(cls, value: str) -> str:
        value = value.strip()
        if not _LOINC_CODE.fullmatch(value):
            raise ValueError(f"loinc {value!r} is not a LOINC code such as '44260-8'")
        return value


class CodesSettings(_Strict):
    """The `[codes]` table: a site's local codes mapped to the standard ones (README,
    "Site code maps"). One local code maps to one standard code: a code listed twice with two
    different targets is refused, since which one the site meant cannot be guessed."""

    local: tuple[LocalCodeSettings, ...] = ()
    questionnaire_items: tuple[QuestionnaireItemSettings, ...] = ()

    @model_validator(mode="after")
    def _unambiguous(self) -> CodesSettings:
        site = self.site_codes()
        for entry in self.local:
            found = site.codes[_key(entry.system, entry.code)]
            mapped = entry.local_code()
            if found != _key(mapped.maps_to_system, mapped.maps_to_code):
                raise ValueError(
                    f"local code {entry.system}|{entry.code} is mapped twice, to different codes"
                )
        for item in self.questionnaire_items:
            if site.questionnaire_item(item.questionnaire, item.link_id) != item.loinc:
                raise ValueError(
                    f"questionnaire item {item.questionnaire} {item.link_id!r} is mapped twice, "
                    "to different LOINC codes"
                )
        return self

    def site_codes(self) -> SiteCodes:
        return SiteCodes(
            local_codes=tuple(entry.local_code() for entry in self.local),
            questionnaire_links=tuple(
                QuestionnaireLink(i.questionnaire, i.link_id, i.loinc)
                for i in self.questionnaire_items
            ),
        )


def _key(system: str, code: str) -> tuple[str, str]:
    return canonical_system(system.strip()), code.strip()


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
        """The `[policy]` table, with the site's code maps (`[codes]`) for the mapping."""
        policy = self.policy.to_policy()
        mapping = dataclasses.replace(policy.mapping, site_codes=self.site_codes())
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
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        source = _origin(first["loc"], overrides, environment, secrets, file)
        raise ConfigError(f"invalid configuration at {where}{source}: {first['msg']}") from exc
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

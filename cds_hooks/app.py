"""The FastAPI application: `create_app(settings)` wires settings, store, FHIR client and routes.

Start-up says what it is doing: one `service.started` line with the version, where the
configuration came from (the file, or the embedded defaults; keys set by environment variables
and secret files, by name only), auth on or off, the database kind and the address served, and a
warning when a non-loopback address is served with auth off. A database that cannot be reached
is one `service.database_unreachable` line and exit status 3 (StartupError), not a traceback;
so is a PostgreSQL schema behind this version's (`service.database_schema_behind`: run
`trd-cds db upgrade`; schema.py), while an SQLite file is upgraded here. The shared stores (used
JWT ids, timeline records) follow the database: in it on PostgreSQL, in memory with SQLite.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from cds_hooks import openapi
from cds_hooks.body import INVALID_FIELD, MAX_FIELDS, field_path
from cds_hooks.config.settings import ConfigError, Settings, load_settings
from cds_hooks.errors import CdsError, Unauthorized
from cds_hooks.fhir_data.fhir_source import RequestsFhirSource
from cds_hooks.observability import logs, metrics
from cds_hooks.observability.middleware import REQUEST_ID_HEADER, RequestContext, refused_where
from cds_hooks.observability.version import VERSION
from cds_hooks.performance.gc_tuning import CollectBetweenRequests, settle_gc
from cds_hooks.responses import JsonResponse
from cds_hooks.routes import discovery, feedback, health, hooks, packet, timeline
from cds_hooks.routes import metrics as metrics_route
from cds_hooks.runner import HookRunner
from cds_hooks.security.auth import Authenticator
from cds_hooks.storage.schema import SchemaOutOfDate
from cds_hooks.storage.store import Store
from cds_hooks.storage.timeline_cache import TimelineCache, TimelineStore
from fhir_mapping.record import PatientRecord

# gunicorn's bind address (deploy/gunicorn.conf.py reads the same variable).
BIND_ENV = "TRD_CDS_BIND"
# gunicorn takes a worker's exit status 3 as "worker failed to boot" and stops, rather than
# starting the worker again and again against a database that is not there.
EXIT_STARTUP_FAILED = 3


class StartupError(SystemExit):
    """The service cannot start; the reason is already logged as one line."""

    def __init__(self, message: str) -> None:
        super().__init__(EXIT_STARTUP_FAILED)
        self.message = message


def create_app(settings: Settings | None = None, *, listen_host: str | None = None) -> FastAPI:
    """The application. `listen_host` is the address the server binds (for the start-up line and
    its warning); by default $TRD_CDS_BIND's host (gunicorn), else `[server] host`.

    Without `settings` (a server's entry point: gunicorn's `app_factory()`), they are loaded from
    the file and the environment, and a configuration error is one `service.config_invalid` line
    and StartupError rather than a traceback. With them (tests, `trd-cds serve`), ConfigError is
    the caller's to report."""
    if settings is None:
        return _create_from_environment(listen_host)
    logs.configure(settings.logging.level)
    # Before anything is opened: `[codes]` that make a prefetch query too long for the FHIR
    # server's front stop the start (ConfigError, as any other configuration error).
    settings.check_prefetch_templates()
    store = _open_store(settings)
    fhir = RequestsFhirSource(settings.fhir)
    # Count and time the requests to EHR FHIR servers (metrics.py); no URL is recorded.
    metrics.instrument_session(fhir._session)
    timelines = _timeline_store(settings, store)
    runner = HookRunner(settings, store, fhir, timelines)
    authenticator = Authenticator(settings, engine=store.engine)
    host = listen_host if listen_host is not None else _bind_host(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        logs.route_server_loggers()  # after the server configured its own loggers
        warm_up()
        settle_gc()  # freeze start-up objects, collect young ones less often (issue 6)
        _log_start(settings, host, auth=authenticator.required)
        yield
        runner.flush()  # issued cards still waiting for their batch, before the store closes
        await runner.commit_wait.drain(10.0)  # and those whose answers left before their commit
        runner.close()
        authenticator.close()
        fhir.close()
        store.close()

    app = FastAPI(
        title="trd-cds",
        summary="CDS Hooks 2.0 service for the treatment-resistant depression pathway",
        version=VERSION,
        lifespan=lifespan,
        default_response_class=JsonResponse,
        docs_url=None,  # served offline by openapi.install
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.runner = runner
    app.state.timelines = timelines
    app.state.authenticator = authenticator

    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.server.cors_origins),
        allow_methods=["GET", "POST", "OPTIONS"],
        # Whatever headers the EHR's page adds (a correlation id, X-Request-ID, tracing headers)
        # pass the preflight: no cookies are ever accepted (allow_credentials stays off) and
        # callers are authenticated by their JWT, so a header name grants nothing.
        allow_headers=["*"],
        expose_headers=[REQUEST_ID_HEADER],
        # Chromium's Private Network Access: a public page (the CDS Hooks sandbox) calling a
        # service on a private or loopback address asks first; answered for allowed origins.
        allow_private_network=True,
        max_age=600,
    )
    app.add_middleware(RequestContext)  # the request id is on every line, CORS's too
    app.add_middleware(CollectBetweenRequests)  # outermost: no GC pass inside a request
    for module in (discovery, hooks, feedback, health, timeline, packet, metrics_route):
        app.include_router(module.router)
    openapi.install(app)
    _install_error_handlers(app)
    return app


def _create_from_environment(listen_host: str | None) -> FastAPI:
    try:
        return create_app(load_settings(), listen_host=listen_host)
    except ConfigError as exc:
        logs.configure("INFO")
        logs.event("service.config_invalid", logging.ERROR, detail=str(exc))
        raise StartupError(str(exc)) from exc


def _open_store(settings: Settings) -> Store:
    try:
        store = Store(
            settings.database.url, read_timeout_seconds=settings.database.read_timeout_seconds
        )
    except SchemaOutOfDate as exc:
        # PostgreSQL is migrated by `trd-cds db upgrade`, never by the service (whose database
        # user needs no DDL rights): one line naming both revisions and the command.
        logs.event(
            "service.database_schema_behind",
            logging.ERROR,
            **_database_fields(settings.database.url),
            schemaRevision=exc.current,
            schemaNeeded=exc.head,
            hint="run `trd-cds db upgrade` (same configuration) with a user allowed to create "
            "tables, then start the service again (README, Deployment)",
        )
        raise StartupError(str(exc)) from exc
    except (SQLAlchemyError, OSError, ImportError) as exc:
        fields = _database_fields(settings.database.url)
        logs.event(
            "service.database_unreachable",
            logging.ERROR,
            **fields,
            exception=type(exc).__name__,
            detail=_first_line(exc, settings.database.url),
            hint=_unreachable_hint(exc),
        )
        raise StartupError(f"the database ({fields['database']}) cannot be reached") from exc
    if store.schema.upgraded:
        logs.event(
            "service.database_schema_upgraded",
            schemaFrom=store.schema.upgraded_from,
            schemaRevision=store.schema.revision,
        )
    elif store.schema.newer_than_this_version:
        logs.event(
            "service.database_schema_newer",
            logging.WARNING,
            schemaRevision=store.schema.revision,
            schemaNeeded=store.schema.head,
            hint="a newer release migrated this database; migrations only add, so this "
            "version still works, but upgrade it",
        )
    return store


def _unreachable_hint(exc: BaseException) -> str:
    """What to do about a database the service cannot open. A driver not installed is no
    database down (review s21 RI finding 5: `make run` installs no PostgreSQL driver, and the hint
    said to check that the database answers): name the extra that installs it."""
    if isinstance(exc, ImportError) and (exc.name or "").split(".")[0] == "psycopg":
        return (
            "the PostgreSQL driver (psycopg) is not installed: pip install -e '.[postgres]' "
            "(the container image has it)"
        )
    return "check [database] url (or TRD_CDS_DATABASE__URL) and that the database answers"


def _database_fields(url: str) -> dict[str, Any]:
    """The database's kind and where it is, never its credentials."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return {"database": "unparseable URL"}
    fields: dict[str, Any] = {"database": parsed.get_backend_name()}
    if parsed.host:
        fields["databaseHost"] = parsed.host
        if parsed.port:
            fields["databasePort"] = parsed.port
    if parsed.database and parsed.get_backend_name() != "sqlite":
        fields["databaseName"] = parsed.database
    elif parsed.database:
        fields["databaseFile"] = parsed.database
    return fields


def _first_line(exc: BaseException, url: str) -> str:
    """The driver's own first line ("connection refused", "password authentication failed for
    user ..."), which says what to fix; with the URL's password, if any, blanked out."""
    cause: Any = getattr(exc, "orig", None) or exc
    line = (str(cause).strip().splitlines() or [type(exc).__name__])[0][:300]
    try:
        password = make_url(url).password
    except ArgumentError:
        password = None
    if password:
        line = line.replace(str(password), "***")
    return line


def _bind_host(settings: Settings) -> str:
    bind = os.environ.get(BIND_ENV)
    if bind:
        if bind.startswith("unix:"):
            return bind
        host, _, _port = bind.rpartition(":")
        return host.strip("[]") or bind
    return settings.server.host


def is_loopback(host: str) -> bool:
    if host.startswith("unix:") or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _log_start(settings: Settings, host: str, *, auth: bool) -> None:
    source = settings.source
    fields: dict[str, Any] = {
        "version": VERSION,
        "config": source.describe(),
        "auth": "on" if auth else "off",
        **{k: v for k, v in _database_fields(settings.database.url).items() if k == "database"},
        "listen": host,
        "publicUrl": settings.server.public_url or None,
        "metricsMultiprocess": metrics.MULTIPROCESS,
    }
    if source.environment:
        fields["environment"] = list(source.environment)  # keys only: values may be secrets
    if source.secret_files:
        fields["secretFiles"] = list(source.secret_files)
    logs.event("service.started", **fields)
    if "timezone" not in settings.server.model_fields_set:
        # Left at its default (UTC): "today" and the calendar day of every instant a chart sends
        # are UTC's, so an evening PHQ-9 in the Americas falls on the next day (review s23 RT
        # finding 5). A warning, not a refusal: `make run` serves with the embedded defaults.
        logs.event(
            "service.timezone_default",
            logging.WARNING,
            timezone=settings.server.timezone,
            hint="[server] timezone is not set: dates are read in UTC; set it to the clinic's "
            "IANA zone, e.g. America/New_York (README, Configuration)",
        )
    if not auth and not is_loopback(host):
        logs.event(
            "service.exposed_without_auth",
            logging.WARNING,
            listen=host,
            hint="auth is off and the service listens beyond loopback: any caller can send it "
            "charts and read cards; set [auth] required = true (README, Security)",
        )
    if auth and "*" in settings.server.cors_origins:
        # Review s25 RP L4: no cookies, so no CSRF, but a script on any web page may call the
        # service with a token it holds and read the pages a link opens. A warning: the
        # sandbox's origin varies, and a refusal would stop a deployment over it.
        logs.event(
            "service.cors_any_origin",
            logging.WARNING,
            hint='auth is on and [server] cors_origins allows any origin ("*"): list the EHR\'s '
            "origins (README, Security)",
        )


def _timeline_store(settings: Settings, store: Store) -> TimelineStore[PatientRecord]:
    ttl = settings.timeline.ttl_minutes * 60
    # "auto": in the database (shared by replicas) unless it is SQLite (settings.py).
    if settings.timeline_store == "database":
        # Imported here: with SQLite (`make run`) its table and JSON codec are never used.
        from cds_hooks.storage.timeline_store import database_timelines

        return database_timelines(store.engine, ttl)
    return TimelineCache(ttl, settings.timeline.max_entries)


def warm_up() -> None:
    """Load the data tables the first request would otherwise load (cold start is measured from
    exec to the first hook answered, issue 14). No fhir.resources model class is loaded here: the
    chart is read tolerantly from plain JSON (fhir_mapping), and the only models the hot path
    uses are the two services/suggestions.py imports for its proposals."""
    from fhir_mapping import codes

    codes.observation_codes()
    try:
        from fhir_mapping import drug_table

        drug_table.all_drugs()
    except NotImplementedError:  # pragma: no cover - during development only
        pass


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CdsError)
    async def _cds_error(_request: Request, exc: CdsError) -> JsonResponse:
        if isinstance(exc, Unauthorized):
            # The exact mismatch (which aud, which jku) when the verifier knows it; never the token.
            mismatch = getattr(exc, "mismatch", None)
            extra = {"mismatch": mismatch} if mismatch else {}
            logs.event("auth.refused", logging.WARNING, status=401, reason=exc.log_reason, **extra)
            return JsonResponse(exc.body(), status_code=401, headers={"WWW-Authenticate": "Bearer"})
        if exc.status_code != 412:  # 412 is logged by the runner with its keys and reasons
            # A fixed cause tag (also the metrics' reason label, so a bounded set) and the paths
            # at fault; never a value from the request (errors.py).
            fields = {"fields": list(exc.fields)} if exc.fields else {}
            logs.event(
                "request.refused",
                logging.INFO,
                status=exc.status_code,
                error=exc.code,
                reason=exc.cause,
                **fields,
            )
        return JsonResponse(exc.body(), status_code=exc.status_code, headers=exc.headers())

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JsonResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()))
        logs.event(
            "request.refused",
            logging.INFO,
            status=400,
            error="bad-request",
            reason=INVALID_FIELD,
            fields=[field_path(e.get("loc", ())) for e in exc.errors()[:MAX_FIELDS]],
        )
        return JsonResponse(
            {"error": "bad-request", "message": f"invalid {where}: {first.get('msg')}"},
            status_code=400,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JsonResponse:
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        # A wrong URL or method is an integration engineer's most common first error: logged
        # with the method and the route matched, else the first segment of the path, never the
        # path itself, whose segments may name a patient (middleware.refused_where).
        logs.event(
            "request.refused",
            logging.INFO,
            status=exc.status_code,
            error=code,
            method=request.method,
            **refused_where(request.scope),
        )
        return JsonResponse(
            {"error": code, "message": message},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

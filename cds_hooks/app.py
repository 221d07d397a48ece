"""The FastAPI application: `create_app(settings)` wires settings, store, FHIR client and routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException

from cds_hooks import logs
from cds_hooks.auth import Authenticator
from cds_hooks.errors import CdsError, Unauthorized
from cds_hooks.fhir_source import RequestsFhirSource
from cds_hooks.gc_tuning import settle_gc
from cds_hooks.responses import JsonResponse
from cds_hooks.routes import discovery, feedback, health, hooks, timeline
from cds_hooks.runner import HookRunner
from cds_hooks.settings import Settings, load_settings
from cds_hooks.store import Store
from cds_hooks.timeline_cache import TimelineCache, TimelineStore
from cds_hooks.timeline_store import DatabaseTimelineStore
from fhir_mapping.record import PatientRecord


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    logs.configure(settings.logging.level)
    store = Store(settings.database.url)
    fhir = RequestsFhirSource(settings.fhir)
    timelines = _timeline_store(settings, store)
    runner = HookRunner(settings, store, fhir, timelines)
    authenticator = Authenticator(settings, engine=store.engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        logs.route_server_loggers()  # after the server configured its own loggers
        warm_up()
        settle_gc()  # freeze start-up objects, collect young ones less often (issue 6)
        logs.event("service.started")
        yield
        runner.flush()  # issued cards still waiting for their batch, before the store closes
        runner.close()
        authenticator.close()
        fhir.close()
        store.close()

    app = FastAPI(
        title="trd-cds",
        summary="CDS Hooks 2.0 service for the treatment-resistant depression pathway",
        version="0.1.0",
        lifespan=lifespan,
        default_response_class=JsonResponse,
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
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )
    for module in (discovery, hooks, feedback, health, timeline):
        app.include_router(module.router)
    _install_error_handlers(app)
    return app


def _timeline_store(settings: Settings, store: Store) -> TimelineStore[PatientRecord]:
    ttl = settings.timeline.ttl_minutes * 60
    if settings.timeline.store == "database":
        return DatabaseTimelineStore(store.engine, ttl)
    return TimelineCache(ttl, settings.timeline.max_entries)


def warm_up() -> None:
    """Load tables and model classes before the first request (cold start is measured)."""
    from fhir.resources.R4B import get_fhir_model_class

    from fhir_mapping import codes

    codes.observation_codes()
    for name in (
        "MedicationRequest",
        "MedicationStatement",
        "MedicationDispense",
        "Condition",
        "Observation",
    ):
        get_fhir_model_class(name)
    try:
        from fhir_mapping import drug_table

        drug_table.all_drugs()
    except NotImplementedError:  # pragma: no cover - during development only
        pass


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CdsError)
    async def _cds_error(_request: Request, exc: CdsError) -> JsonResponse:
        if isinstance(exc, Unauthorized):
            logs.event("auth.refused", logging.WARNING, status=401, reason=exc.log_reason)
            return JsonResponse(exc.body(), status_code=401, headers={"WWW-Authenticate": "Bearer"})
        if exc.status_code != 412:  # 412 is logged by the runner with its keys
            logs.event("request.refused", logging.INFO, status=exc.status_code, error=exc.code)
        return JsonResponse(exc.body(), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JsonResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JsonResponse(
            {"error": "bad-request", "message": f"invalid {where}: {first.get('msg')}"},
            status_code=400,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JsonResponse:
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        return JsonResponse({"error": code, "message": message}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JsonResponse:
        # Never a stack trace in the body; the log gets the exception type only.
        logs.logger.error("request.failed", exc_info=exc, extra={"fields": {"status": 500}})
        return JsonResponse(
            {"error": "internal-error", "message": "the service failed to answer"}, status_code=500
        )

"""The framework floor: the service's stack with nothing behind the route.

Same FastAPI app settings (orjson response class, CORS middleware with the same options, the
service's request envelope `cds_hooks.observability.middleware.RequestContext`: request id, metrics, last-resort
error handling; the same GC setup: `cds_hooks.performance.gc_tuning.settle_gc` after start-up and
`CollectBetweenRequests` around each request), the same body
reading (`cds_hooks.body.read_json`: size cap, orjson), served by the same uvicorn settings; the
handler parses the body and answers one fixed card. Whatever the service costs above this is ours
to explain.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from cds_hooks.body import read_json
from cds_hooks.config.settings import ServerSettings
from cds_hooks.observability.middleware import REQUEST_ID_HEADER, RequestContext
from cds_hooks.performance.gc_tuning import CollectBetweenRequests, settle_gc
from cds_hooks.responses import JsonResponse

_CARD: dict[str, Any] = {
    "cards": [
        {
            "uuid": "8f0a1c2e-1b7d-4a51-9a55-0c1f3b2d4e6f",
            "summary": "Floor: the body was parsed",
            "indicator": "info",
            "source": {"label": "trd-cds benchmark floor"},
        }
    ]
}
_DISCOVERY: dict[str, Any] = {
    "services": [
        {
            "hook": "patient-view",
            "id": "trd-patient-view",
            "title": "floor",
            "description": "The benchmark's framework floor",
        }
    ]
}


def create_floor_app() -> FastAPI:
    server = ServerSettings()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        settle_gc()  # the service's own GC setup after its warm-up: the same process settings
        yield

    app = FastAPI(title="trd-cds floor", lifespan=lifespan, default_response_class=JsonResponse)
    app.add_middleware(  # as cds_hooks/app.py configures it
        CORSMiddleware,
        allow_origins=list(server.cors_origins),
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=[REQUEST_ID_HEADER],
        allow_private_network=True,
        max_age=600,
    )
    app.add_middleware(RequestContext)
    app.add_middleware(CollectBetweenRequests)

    @app.get("/cds-services")
    async def discovery() -> JsonResponse:
        return JsonResponse(_DISCOVERY)

    @app.post("/cds-services/{service_id}")
    async def call_service(service_id: str, request: Request) -> JsonResponse:
        data = await read_json(request, server.max_body_bytes)
        if not isinstance(data, dict):
            return JsonResponse({"error": "bad-request"}, status_code=400)
        return JsonResponse(_CARD)

    return app


def app_factory() -> FastAPI:
    """For `uvicorn --factory bench.floor_app:app_factory`."""
    return create_floor_app()

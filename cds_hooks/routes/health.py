"""Probes: GET /livez (the process answers; never touches the database), GET /readyz (and its
older name /health: the database answers too). Both say the version.

Liveness must not depend on the database: a database outage would otherwise make Kubernetes
restart every replica in a loop, which cures nothing. Readiness does: a replica that cannot reach
its database is taken out of the load balancer until it can (503 meanwhile).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from cds_hooks.deps import StoreDep
from cds_hooks.observability.version import VERSION
from cds_hooks.openapi import Liveness, Readiness
from cds_hooks.responses import JsonResponse

router = APIRouter(tags=["health"])

_READINESS: dict[int | str, dict[str, Any]] = {
    200: {"model": Readiness, "description": "Ready: the database answers"},
    503: {"model": Readiness, "description": "Not ready: the database does not answer"},
}


@router.get("/livez", responses={200: {"model": Liveness, "description": "The process answers"}})
async def livez() -> JsonResponse:
    return JsonResponse({"status": "ok", "version": VERSION})


@router.get("/readyz", responses=_READINESS)
async def readyz(store: StoreDep) -> JsonResponse:
    return await _readiness(store)


@router.get("/health", responses=_READINESS, summary="Readiness (the older name of /readyz)")
async def health(store: StoreDep) -> JsonResponse:
    return await _readiness(store)


async def _readiness(store: StoreDep) -> JsonResponse:
    ok = await run_in_threadpool(store.ping)
    return JsonResponse(
        {"status": "ok" if ok else "degraded", "database": ok, "version": VERSION},
        status_code=200 if ok else 503,
    )

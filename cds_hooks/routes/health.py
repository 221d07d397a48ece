"""GET /health for load balancers: 200 when the database answers, else 503."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from cds_hooks.deps import StoreDep
from cds_hooks.responses import JsonResponse

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(store: StoreDep) -> JsonResponse:
    ok = await run_in_threadpool(store.ping)
    return JsonResponse(
        {"status": "ok" if ok else "degraded", "database": ok}, status_code=200 if ok else 503
    )

"""GET /metrics: Prometheus text exposition (cds_hooks/observability/metrics.py says what is counted)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from cds_hooks.observability import metrics

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
def prometheus_metrics() -> Response:
    # A plain `def`: in multiprocess mode the exposition reads every worker's files.
    return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)

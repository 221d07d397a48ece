"""GET /cds-services (#discovery)."""

from __future__ import annotations

from fastapi import APIRouter

from cds_hooks.models.discovery import DiscoveryResponse, ServiceDescription
from services import catalog

router = APIRouter(tags=["discovery"])


@router.get("/cds-services", response_model=DiscoveryResponse, response_model_exclude_none=True)
def discovery() -> DiscoveryResponse:
    return DiscoveryResponse(
        services=[
            ServiceDescription(
                hook=s.hook,
                title=s.title,
                description=s.description,
                id=s.id,
                prefetch=dict(s.prefetch),
                usageRequirements=s.usage_requirements,
            )
            for s in catalog.services()
        ]
    )

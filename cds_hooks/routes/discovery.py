"""GET /cds-services (#discovery)."""

from __future__ import annotations

from fastapi import APIRouter

from cds_hooks.deps import SettingsDep
from cds_hooks.models.discovery import DiscoveryResponse, ServiceDescription
from cds_hooks.observability import logs
from cds_hooks.observability.version import VERSION
from services import catalog

# The spec's extension mechanism (namespaced keys on each service): which build answers.
VERSION_EXTENSION = "trd-cds.version"

router = APIRouter(tags=["discovery"])


@router.get(
    "/cds-services",
    response_model=DiscoveryResponse,
    response_model_exclude_none=True,
    # Declared again for the document: FastAPI documents a response model only for its own
    # JSONResponse class, and this app's default is orjson's (responses.py).
    responses={200: {"model": DiscoveryResponse, "description": "The services"}},
)
# An EHR's configuration often ends the base URL with a slash; answering there directly spares it
# a 307 whose Location behind a TLS proxy may name the internal http:// address (integration
# review M3).
@router.get(
    "/cds-services/",
    response_model=DiscoveryResponse,
    response_model_exclude_none=True,
    include_in_schema=False,
)
def discovery(settings: SettingsDep) -> DiscoveryResponse:
    # The site's local codes ([codes]) join the Observation template, so the EHR sends its rows.
    response = DiscoveryResponse(
        services=[
            ServiceDescription(
                hook=s.hook,
                title=s.title,
                description=s.description,
                id=s.id,
                prefetch=dict(s.prefetch),
                usageRequirements=s.usage_requirements,
                extension={VERSION_EXTENSION: VERSION},
            )
            for s in catalog.services(settings.site_codes())
        ]
    )
    # An EHR's first call: logged, so "did it ever reach us?" has an answer.
    logs.event("discovery.served", status=200, services=len(response.services))
    return response

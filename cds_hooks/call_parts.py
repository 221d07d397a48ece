"""What every path of a hook call (cds_hooks/runner.py) reads of the call itself: its service
definition, checked against the request's hook and context; what tells tenants and servers apart
in the evaluation cache; and the log fields every `hook.*` event carries (no PHI).

Split out of runner.py (session 37 hooks47), which was at the 400-line limit: the runner keeps the
paths through a call, this module what they share about the call.
"""

from __future__ import annotations

from typing import Any

from cds_hooks.errors import UNKNOWN_SERVICE_MESSAGE, BadRequest, UnknownService
from cds_hooks.fhir_data.hook_context import require_context
from cds_hooks.fhir_data.prefetch import Gathered
from cds_hooks.models.request import HookRequest
from cds_hooks.security.caller import Caller
from services import catalog
from services.catalog import ServiceDefinition
from services.policy import Policy


def origin(request: HookRequest, caller: Caller) -> tuple[str | None, ...]:
    """What tells tenants and servers apart in the evaluation cache's key (review 16 M1)."""
    return (request.fhirServer, caller.issuer, caller.tenant)


def definition(service_id: str, request: HookRequest, policy: Policy) -> ServiceDefinition:
    # With the site's local codes ([codes]) in its templates: absent keys are fetched with them.
    found = catalog.by_id(service_id, policy.mapping.site_codes)
    if found is None:
        raise UnknownService(UNKNOWN_SERVICE_MESSAGE)
    if request.hook != found.hook:
        raise BadRequest(
            # The service's own id and hook, never the caller's hook (review s25 RP L3).
            f"the request's hook does not match service {service_id!r}, which handles "
            f"{found.hook!r}",
            cause="hook-mismatch",
            fields=("hook",),
        )
    require_context(request)
    return found


def log_fields(service_id: str, request: HookRequest, gathered: Gathered) -> dict[str, Any]:
    return {
        "service": service_id,
        "hook": request.hook,
        "hookInstance": request.hookInstance,
        "prefetchKeys": sorted((request.prefetch or {}).keys()),
        "fetchedKeys": gathered.fetched,
        "missingKeys": sorted(gathered.missing),
    }

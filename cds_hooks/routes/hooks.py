"""POST /cds-services/{id} (#calling-a-cds-service)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from cds_hooks.body import parse_model, read_json
from cds_hooks.deps import HookServicesDep
from cds_hooks.models.card import CdsResponse
from cds_hooks.models.request import HookRequest
from cds_hooks.openapi import (
    BAD_REQUEST_EXAMPLE,
    PRECONDITION_EXAMPLE,
    UNAUTHORIZED_EXAMPLE,
    error,
    hook_request_examples,
    json_request_body,
    service_id_schema,
)
from cds_hooks.responses import JsonResponse
from cds_hooks.runner import Answer, Caller

router = APIRouter(tags=["hooks"])

ServiceId = Annotated[
    str,
    Path(
        description="The service's id, as discovery lists it (GET /cds-services)",
        json_schema_extra=service_id_schema(),
    ),
]

_OPENAPI: dict[str, Any] = {"requestBody": json_request_body(HookRequest, hook_request_examples())}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": CdsResponse, "description": "Cards (possibly none)"},
    400: error("Malformed request, or a hook that does not match the service", BAD_REQUEST_EXAMPLE),
    401: error("Authentication failed (auth on): the reason is in the log", UNAUTHORIZED_EXAMPLE),
    404: error("Unknown service"),
    412: error("Required FHIR data could not be obtained", PRECONDITION_EXAMPLE),
    413: error("Body too large"),
    500: error("The service failed (logged with the request id)"),
}


def service_url(settings_public_url: str, request: Request, service_id: str) -> str:
    base = settings_public_url or str(request.base_url).rstrip("/")
    return f"{base}/cds-services/{service_id}"


@router.post("/cds-services/{service_id}", openapi_extra=_OPENAPI, responses=_RESPONSES)
async def call_service(
    service_id: ServiceId,
    request: Request,
    services: HookServicesDep,
) -> JsonResponse:
    settings, runner, authenticator = services.settings, services.runner, services.authenticator
    base_url = str(request.base_url)
    audience = f"{settings.server.public_url or base_url.rstrip('/')}/cds-services/{service_id}"
    authorization = request.headers.get("authorization")
    caller: Caller
    if authenticator.required:  # JWT checks may fetch a JWKS or query the replay store
        caller = await run_in_threadpool(
            authenticator.authenticate, authorization, audience=audience
        )
    else:  # auth off: nothing blocks, so no thread hop (issue 6: each hop costs latency)
        caller = authenticator.authenticate(authorization, audience=audience)
    data = await read_json(request, settings.server.max_body_bytes)
    hook_request = parse_model(HookRequest, data)
    # A chart seen moments ago, with nothing to fetch, is answered on the event loop; anything
    # that may wait (a FHIR fetch, mapping a new chart, a networked database) in the thread pool.
    first = runner.answer_on_loop(service_id, hook_request, caller=caller, base_url=base_url)
    if isinstance(first, Answer):
        answer = first
    else:  # a chart to map (what the loop read of it comes along) or data to fetch
        answer = await run_in_threadpool(
            runner.answer, service_id, hook_request, caller=caller, base_url=base_url, seen=first
        )
    # The issued cards are stored once the answer is out (a background task runs after the
    # response is sent): the EHR does not wait for the commit.
    background = BackgroundTask(runner.record, answer) if answer.issued else None
    return JsonResponse(answer.to_json(), background=background)

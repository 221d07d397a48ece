"""POST /cds-services/{id} (#calling-a-cds-service)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from cds_hooks.body import parse_model, read_json
from cds_hooks.deps import HookServicesDep
from cds_hooks.models.request import HookRequest
from cds_hooks.openapi import json_request_body
from cds_hooks.responses import JsonResponse
from cds_hooks.runner import Caller

router = APIRouter(tags=["hooks"])

_REQUEST_BODY: dict[str, Any] = {
    "requestBody": json_request_body(HookRequest),
    "responses": {
        "200": {"description": "Cards (possibly none)"},
        "400": {"description": "Malformed request"},
        "401": {"description": "Authentication failed"},
        "404": {"description": "Unknown service"},
        "412": {"description": "Required FHIR data could not be obtained"},
        "413": {"description": "Body too large"},
    },
}


def service_url(settings_public_url: str, request: Request, service_id: str) -> str:
    base = settings_public_url or str(request.base_url).rstrip("/")
    return f"{base}/cds-services/{service_id}"


@router.post("/cds-services/{service_id}", openapi_extra=_REQUEST_BODY)
async def call_service(
    service_id: str,
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
    answer = runner.answer_from_cache(service_id, hook_request, base_url=base_url)
    if answer is None:
        answer = await run_in_threadpool(
            runner.answer, service_id, hook_request, caller=caller, base_url=base_url
        )
    # The issued cards are stored once the answer is out (a background task runs after the
    # response is sent): the EHR does not wait for the commit.
    background = BackgroundTask(runner.record, answer) if answer.issued else None
    return JsonResponse(answer.to_json(), background=background)

"""POST /cds-services/{id} (#calling-a-cds-service)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from cds_hooks.body import parse_model, read_json
from cds_hooks.deps import AuthenticatorDep, RunnerDep, SettingsDep
from cds_hooks.models.request import HookRequest
from cds_hooks.responses import JsonResponse
from cds_hooks.runner import Caller

router = APIRouter(tags=["hooks"])

_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": HookRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            }
        },
    },
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
    settings: SettingsDep,
    runner: RunnerDep,
    authenticator: AuthenticatorDep,
) -> JsonResponse:
    audience = service_url(settings.server.public_url, request, service_id)
    caller: Caller = await run_in_threadpool(
        authenticator.authenticate, request.headers.get("authorization"), audience=audience
    )
    data = await read_json(request, settings.server.max_body_bytes)
    hook_request = parse_model(HookRequest, data)
    response = await run_in_threadpool(
        runner.run, service_id, hook_request, caller=caller, base_url=str(request.base_url)
    )
    return JsonResponse(response.to_json())

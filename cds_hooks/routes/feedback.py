"""POST /cds-services/{id}/feedback (#feedback)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from cds_hooks.body import parse_model, read_json
from cds_hooks.deps import AuthenticatorDep, RunnerDep, SettingsDep, StoreDep
from cds_hooks.errors import UnknownCard, UnknownService
from cds_hooks.models.feedback import FeedbackRequest
from cds_hooks.observability import logs
from cds_hooks.openapi import (
    BAD_REQUEST_EXAMPLE,
    UNAUTHORIZED_EXAMPLE,
    FeedbackStored,
    error,
    json_request_body,
)
from cds_hooks.responses import JsonResponse
from cds_hooks.routes.hooks import ServiceId, service_url
from cds_hooks.storage.feedback_records import CardNotIssued, FeedbackRecord
from cds_hooks.storage.timestamps import utcnow
from services import catalog

router = APIRouter(tags=["feedback"])


@router.post(
    "/cds-services/{service_id}/feedback",
    openapi_extra={"requestBody": json_request_body(FeedbackRequest)},
    responses={
        200: {"model": FeedbackStored, "description": "Stored (an item sent again is not)"},
        400: error(
            "Malformed feedback, or feedback on a card this service did not issue to the caller "
            "(error `unknown-card`; nothing is stored)",
            BAD_REQUEST_EXAMPLE,
        ),
        401: error(
            "Authentication failed (auth on): the reason is in the log", UNAUTHORIZED_EXAMPLE
        ),
        404: error("Unknown service"),
        413: error("Body too large"),
        500: error("The service failed (logged with the request id)"),
    },
)
async def feedback(
    service_id: ServiceId,
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    authenticator: AuthenticatorDep,
    runner: RunnerDep,
) -> JsonResponse:
    service = service_url(settings.server.public_url, request, service_id)
    caller = await run_in_threadpool(
        authenticator.authenticate,
        request.headers.get("authorization"),
        audience=service + "/feedback",
        also_audiences=(service,),
    )
    if catalog.by_id(service_id) is None:
        raise UnknownService(f"no CDS service with id {service_id!r}")
    body = parse_model(FeedbackRequest, await read_json(request, settings.server.max_body_bytes))
    records = [
        FeedbackRecord(
            service_id=service_id,
            card_uuid=item.card,
            outcome=item.outcome,
            outcome_timestamp=item.outcomeTimestamp,
            accepted_suggestions=tuple(s.id for s in item.acceptedSuggestions or ()),
            override_code=item.overrideReason.reason.code
            if item.overrideReason and item.overrideReason.reason
            else None,
            override_system=item.overrideReason.reason.system
            if item.overrideReason and item.overrideReason.reason
            else None,
            override_comment=item.overrideReason.userComment if item.overrideReason else None,
        )
        for item in body.feedback
    ]
    snooze_days = settings.clinical_policy().snooze_days

    def add() -> int:
        return store.add_feedback(
            records, snooze_days=snooze_days, now=utcnow(), scope=caller.scope
        )

    try:
        # Only for cards this service issued to this caller (store.py); else nothing is stored.
        try:
            inserted = await run_in_threadpool(add)
        except CardNotIssued:
            # Issued cards are written in batches just after the answer (issued_recorder.py):
            # feedback that beats its card's batch waits for it once, then is judged again.
            await runner.recorder.settle()
            inserted = await run_in_threadpool(add)
    except CardNotIssued as exc:
        raise UnknownCard(
            f"feedback names cards service {service_id!r} did not issue to this caller: "
            "nothing was stored",
            details={"items": [f"feedback.{n}.card" for n in exc.positions]},
        ) from exc
    logs.event("feedback.stored", service=service_id, items=len(records), new=inserted, status=200)
    return JsonResponse({"stored": inserted, "received": len(records)})

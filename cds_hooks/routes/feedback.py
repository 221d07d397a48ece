"""POST /cds-services/{id}/feedback (#feedback)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

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
from cds_hooks.storage.feedback_records import CardNotIssued, FeedbackRecord, StoredFeedback
from cds_hooks.storage.timestamps import utcnow
from services import catalog

router = APIRouter(tags=["feedback"])


@router.post(
    "/cds-services/{service_id}/feedback",
    openapi_extra={"requestBody": json_request_body(FeedbackRequest)},
    responses={
        200: {
            "model": FeedbackStored,
            "description": "Stored (an item sent again is not); items naming a card this service "
            "did not issue to the caller are not stored and are listed in `unknownCards`",
        },
        400: error(
            "Malformed feedback, or feedback naming no card this service issued to the caller "
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
        # All or nothing: an item naming a card not on record yet is judged again below.
        return store.add_feedback(
            records, snooze_days=snooze_days, now=utcnow(), scope=caller.scope
        )

    def add_known() -> StoredFeedback:
        return store.add_known_feedback(
            records, snooze_days=snooze_days, now=utcnow(), scope=caller.scope
        )

    try:
        # Only for cards this service issued to this caller (store.py).
        try:
            outcome = StoredFeedback(await run_in_threadpool(add))
        except CardNotIssued:
            # Issued cards are written in batches just after the answer (issued_recorder.py):
            # feedback that beats its card's batch waits for it once, then is judged again. Then
            # the known items are stored and the others named (review 8 finding 5: EHRs batch
            # feedback and do not resend after a 4xx, so refusing the batch would lose the valid
            # overrides too); a batch naming no known card at all is refused below.
            await runner.recorder.settle()
            outcome = await run_in_threadpool(add_known)
    except CardNotIssued as exc:
        raise UnknownCard(
            f"feedback names cards service {service_id!r} did not issue to this caller: "
            "nothing was stored",
            details={"items": _paths(exc.positions)},
        ) from exc
    unknown = _paths(outcome.unknown)
    logs.event(
        "feedback.stored",
        logging.WARNING if unknown else logging.INFO,
        service=service_id,
        items=len(records),
        new=outcome.stored,
        unknownCards=len(unknown),
        status=200,
    )
    answer: dict[str, Any] = {"stored": outcome.stored, "received": len(records)}
    if unknown:  # named as the 400's details.items are: paths into the request, no uuids
        answer["unknownCards"] = unknown
    return JsonResponse(answer)


def _paths(positions: Iterable[int]) -> list[str]:
    return [f"feedback.{n}.card" for n in positions]

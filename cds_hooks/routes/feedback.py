"""POST /cds-services/{id}/feedback (#feedback)."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from cds_hooks.body import MAX_FIELDS, parse_model, read_json
from cds_hooks.deps import AuthenticatorDep, RunnerDep, SettingsDep, StoreDep
from cds_hooks.errors import (
    UNKNOWN_SERVICE_MESSAGE,
    CardsStillStoring,
    FeedbackConflict,
    FeedbackRefused,
    UnknownCard,
    UnknownService,
    UnknownSuggestion,
)
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
from cds_hooks.storage.feedback_records import (
    FEEDBACK_CONFLICT,
    UNKNOWN_SUGGESTION,
    CardNotIssued,
    FeedbackRecord,
    RefusedItem,
    StoredFeedback,
)
from cds_hooks.storage.feedback_records import FeedbackRefused as ItemsRefused
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
            "did not issue to the caller are not stored and are listed in `unknownCards`, items "
            "accepting a suggestion the card did not have or contradicting the card's stored "
            "feedback are not stored and are listed in `refused`; each override stored is listed "
            "in `snoozed` or, with why not, in `notSnoozed`",
        },
        400: error(
            "Malformed feedback, or no item of it could be stored: naming no card this service "
            "issued to the caller (error `unknown-card`), accepting suggestions the card was not "
            "issued with (`unknown-suggestion`), or refused for different reasons "
            "(`feedback-refused`); nothing is stored and `details.refused` names each item",
            BAD_REQUEST_EXAMPLE,
        ),
        409: error(
            "Every item contradicts the feedback stored for its card (accepted after overridden "
            "or the reverse, other suggestions, another override reason): error "
            "`feedback-conflict`, nothing is stored or changed, `details.refused` names each "
            "item, its card and the stored outcome"
        ),
        401: error(
            "Authentication failed (auth on): the reason is in the log", UNAUTHORIZED_EXAMPLE
        ),
        404: error("Unknown service"),
        413: error("Body too large"),
        415: error("The body is declared as text/plain or a form type, not JSON"),
        503: error(
            "Items name cards this service issued whose storing has not finished within "
            "`[database] issued_wait_seconds` (a locked or slow database): error "
            "`cards-still-storing`, nothing is stored, `details.items` names each such item; "
            "send the feedback again after the `Retry-After` seconds"
        ),
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
        raise UnknownService(UNKNOWN_SERVICE_MESSAGE)
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

    def add() -> StoredFeedback:
        # All or nothing for unknown cards: an item naming a card not on record yet is judged
        # again below. Items refused for what they say are named (store.add_feedback).
        return store.add_feedback_batch(
            records, snooze_days=snooze_days, now=utcnow(), scope=caller.scope
        )

    def add_known() -> StoredFeedback:
        return store.add_known_feedback(
            records, snooze_days=snooze_days, now=utcnow(), scope=caller.scope
        )

    # Issued cards are committed in batches before the answer leaves (issued_recorder.py), so
    # feedback should not beat its card's batch; should it anyway, it waits for the pending
    # batches once, as long as an answer waits for them (`[database] issued_wait_seconds`:
    # session 23 L2 item 3, the wait was unbounded, and a batch held by a locked SQLite file
    # held the feedback with it). Cards still being stored then: 503 + Retry-After, nothing
    # stored, before the store is asked (its write would wait for the same lock).
    wait = settings.database.issued_wait_seconds
    recorder = runner.recorder
    if recorder.storing(r.card_uuid for r in records) and not await recorder.settle(wait):
        _refuse_if_storing(service_id, records, range(len(records)), recorder.storing, wait)
    try:
        # Only for cards this service issued to this caller (store.py).
        try:
            outcome = await run_in_threadpool(add)
        except CardNotIssued as first:
            # Judged again once the pending batches are written. Then the known items are stored
            # and the others named (review 8 finding 5: EHRs batch feedback and do not resend
            # after a 4xx, so refusing the batch would lose the valid overrides too); a batch
            # naming no known card at all is refused below.
            if not await recorder.settle(wait):
                _refuse_if_storing(service_id, records, first.positions, recorder.storing, wait)
            outcome = await run_in_threadpool(add_known)
    except CardNotIssued as exc:
        raise UnknownCard(
            f"feedback names cards service {service_id!r} did not issue to this caller: "
            "nothing was stored",
            details={"items": _paths(exc.positions)},
            fields=tuple(_paths(exc.positions))[:MAX_FIELDS],
        ) from exc
    except ItemsRefused as exc:
        raise _refusal(exc.refused, exc.unknown) from exc
    unknown = _paths(outcome.unknown)
    logs.event(
        "feedback.stored",
        logging.WARNING if unknown or outcome.refused else logging.INFO,
        service=service_id,
        items=len(records),
        new=outcome.stored,
        unknownCards=len(unknown),
        refused=len(outcome.refused),
        status=200,
    )
    answer: dict[str, Any] = {"stored": outcome.stored, "received": len(records)}
    if unknown:  # named as the 400's details.items are: paths into the request, no uuids
        answer["unknownCards"] = unknown
    if outcome.refused:
        answer["refused"] = [_refused_json(r) for r in outcome.refused]
    # Whether each override snoozed its card (review s21 RE M2): one with a reason the card did
    # not offer is stored and answers the card, but the card keeps showing.
    snoozed = [f"feedback.{n}" for n, why in outcome.snoozes if why is None]
    if snoozed:
        answer["snoozed"] = snoozed
    kept = [{"item": f"feedback.{n}", "reason": why} for n, why in outcome.snoozes if why]
    if kept:
        answer["notSnoozed"] = kept
    return JsonResponse(answer)


def _paths(positions: Iterable[int]) -> list[str]:
    return [f"feedback.{n}.card" for n in positions]


def _refuse_if_storing(
    service_id: str,
    records: list[FeedbackRecord],
    positions: Iterable[int],
    storing: Callable[[Iterable[str]], frozenset[str]],
    wait: float,
) -> None:
    """Raise 503 + Retry-After when items at `positions` name cards whose commit is still running
    after `wait` seconds (IssuedRecorder.storing): the cards exist, their rows are late, so a 400
    `unknown-card` (which EHRs do not resend) would lose the feedback. Nothing of the batch is
    stored: the database is stalled for the cards' own rows, and the resent batch is judged
    whole (an item sent again is stored once). Paths only, no uuids (as for unknown cards)."""
    positions = list(positions)
    late = storing(records[n].card_uuid for n in positions)
    if not late:
        return
    items = _paths(n for n in positions if records[n].card_uuid in late)
    raise CardsStillStoring(
        f"feedback names cards service {service_id!r} issued that are still being stored: "
        "nothing was stored; send it again after Retry-After",
        retry_after=max(1, math.ceil(wait)),
        details={"items": items},
        fields=tuple(items)[:MAX_FIELDS],
    )


def _refusal(
    refused: tuple[RefusedItem, ...], unknown: tuple[int, ...]
) -> UnknownSuggestion | FeedbackConflict | FeedbackRefused:
    """The error for a batch none of whose items could be stored, naming each item: 409 when
    every item contradicts its card's stored feedback, else 400 (an item to correct)."""
    details: dict[str, Any] = {"refused": [_refused_json(r) for r in refused]}
    if unknown:
        details["unknownCards"] = _paths(unknown)
    message = "; ".join(_message(r) for r in refused) + ": nothing was stored"
    kinds = {r.error for r in refused}
    if unknown:
        return FeedbackRefused(
            f"{message}; other items name cards not issued to this caller", details=details
        )
    if kinds == {FEEDBACK_CONFLICT}:
        return FeedbackConflict(message, details=details)
    if kinds == {UNKNOWN_SUGGESTION}:
        return UnknownSuggestion(message, details=details)
    return FeedbackRefused(message, details=details)


def _refused_json(refused: RefusedItem) -> dict[str, Any]:
    """One refused item as the answer names it: its path, the error, its card, and what was
    wrong (the unknown suggestion ids, or the outcome and suggestions on record)."""
    item: dict[str, Any] = {
        "item": f"feedback.{refused.position}",
        "error": refused.error,
        "card": refused.card_uuid,
        "message": _message(refused),
    }
    if refused.error == UNKNOWN_SUGGESTION:
        item["unknownSuggestions"] = _suggestion_paths(refused)
    else:
        item["storedOutcome"] = refused.stored_outcome
        if refused.stored_suggestions:
            item["storedAcceptedSuggestions"] = list(refused.stored_suggestions)
        if refused.conflicts_with is not None:
            item["conflictsWith"] = f"feedback.{refused.conflicts_with}"
    return item


def _suggestion_paths(refused: RefusedItem) -> list[str]:
    """The unknown suggestions as paths into the request, never the ids sent: a caller's value
    is not echoed (review s25 RP L3: an id "987-65-4329" came back in the 400). The card's uuid
    and the stored suggestions are the service's own ids."""
    where = f"feedback.{refused.position}.acceptedSuggestions"
    return [f"{where}.{i}.id" for i in refused.unknown_at]


def _message(refused: RefusedItem) -> str:
    where = f"feedback.{refused.position}"
    if refused.error == UNKNOWN_SUGGESTION:
        paths = ", ".join(_suggestion_paths(refused))
        return (
            f"{where} accepts suggestions the card {refused.card_uuid!r} was not issued with: "
            f"{paths}"
        )
    on_record = f"{refused.stored_outcome}"
    if refused.stored_suggestions:
        on_record += " (suggestions " + ", ".join(repr(s) for s in refused.stored_suggestions) + ")"
    source = (
        "is stored"
        if refused.conflicts_with is None
        else f"is sent in feedback.{refused.conflicts_with}"
    )
    return (
        f"{where} contradicts the feedback that {source} for card {refused.card_uuid!r}: "
        f"{on_record}; stored feedback is never changed"
    )

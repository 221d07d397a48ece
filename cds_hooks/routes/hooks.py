"""POST /cds-services/{id} (#calling-a-cds-service)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Path, Request
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from cds_hooks.body import parse_model, read_json
from cds_hooks.deps import HookServicesDep
from cds_hooks.errors import UNKNOWN_SERVICE_MESSAGE, UnknownService
from cds_hooks.hook_answer import Answer, LoopMiss
from cds_hooks.models.card import CdsResponse
from cds_hooks.models.request import HookRequest
from cds_hooks.observability import logs
from cds_hooks.openapi import (
    BAD_REQUEST_EXAMPLE,
    PRECONDITION_EXAMPLE,
    UNAUTHORIZED_EXAMPLE,
    error,
    hook_request_examples,
    json_request_body,
    service_id_schema,
)
from cds_hooks.performance.gc_tuning import REQUEST_DONE
from cds_hooks.responses import JsonResponse
from cds_hooks.security.caller import Caller
from services import catalog

router = APIRouter(tags=["hooks"])
T = TypeVar("T")

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
    415: error("The body is declared as text/plain or a form type, not JSON"),
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
    if catalog.by_id(service_id) is None:
        # Before the body is read (review 8 finding 12): a wrong URL is named as such (404), not
        # as whatever the body lacks, as the feedback route does. The catalog is cached: cheap.
        raise UnknownService(UNKNOWN_SERVICE_MESSAGE)
    data = await read_json(request, settings.server.max_body_bytes)
    hook_request = parse_model(HookRequest, data)
    for problem in hook_request.spec_warnings():  # tolerated, but said (never the token)
        logs.event(
            "request.warning",
            logging.WARNING,
            service=service_id,
            hookInstance=hook_request.hookInstance,
            problem=problem,
        )
    # A chart seen moments ago, or a new chart of typical size, with nothing to fetch, is
    # answered on the event loop; anything that may wait (a FHIR fetch, a networked database) or
    # a large chart to map, in the thread pool.
    first = runner.answer_on_loop(service_id, hook_request, caller=caller, base_url=base_url)
    if isinstance(first, LoopMiss):
        first = (
            runner.answer_first_sight_on_loop(
                hook_request, caller=caller, base_url=base_url, seen=first
            )
            or first
        )
    if isinstance(first, Answer):
        answer = first
    else:  # what the loop read of the chart, if anything, comes along
        answer = await run_in_threadpool(
            _OneCall(
                runner.answer,
                service_id,
                hook_request,
                caller=caller,
                base_url=base_url,
                seen=first,
            )
        )
    # The answer leaves once its issued cards are committed (review 21 M1: a process killed in the
    # milliseconds after an answer lost its cards, and feedback on them was then refused as naming
    # unknown cards; EHRs do not resend after a 4xx), or after `[database] issued_wait_seconds`
    # with the commit still running behind it (review s22 RR 6: a locked or stalled database must
    # not hold back the cards themselves). The parsed request is let go after the answer is sent
    # (`_let_go`, a background task of the response): freeing a parsed chart is its size in
    # deallocations (about 0.3 ms for a typical chart, 2-4 ms for a 10-year one: issue 14), which
    # the EHR need not wait for.
    held: list[object] = [data, hook_request, first]
    del data, hook_request, first
    if answer.issued:
        await runner.record(answer)
    response = JsonResponse(answer.to_json())
    response.background = BackgroundTask(_let_go, held, request.scope.get(REQUEST_DONE))
    return response


async def _let_go(held: list[object], request_done: Callable[[], None] | None) -> None:
    """Lets go of what the request read (`held`), once the answer is sent, then tells the GC
    middleware this request's own objects are gone (gc_tuning.py: a collection that falls due
    may run now, between requests, rather than inside the next one). A coroutine: Starlette runs
    a plain function's background task in the thread pool, a hop for nothing."""
    held.clear()
    if request_done is not None:
        request_done()


class _OneCall(Generic[T]):
    """A call for the thread pool that lets go of its arguments before it returns, so the
    worker thread does not hold a parsed chart after the answer is handed back (it would be
    freed later, at a random point of another request, and a collection between requests would
    scan it: issue 14)."""

    def __init__(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> None:
        self._call: tuple[Callable[..., T], tuple[Any, ...], dict[str, Any]] | None = (
            func,
            args,
            kwargs,
        )

    def __call__(self) -> T:
        if self._call is None:
            raise RuntimeError("a _OneCall is called once")
        func, args, kwargs = self._call
        self._call = None
        return func(*args, **kwargs)

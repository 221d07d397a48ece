"""The request's envelope: its id, its metrics, and the last word on an unexpected error.

A plain ASGI middleware (not Starlette's BaseHTTPMiddleware, which costs a task per request):

- request id: the caller's `X-Request-ID`, else its `X-Correlation-ID`, when it is a plain
  identifier (letters, digits, `-_.:`, at most 128 characters: anything else could smuggle text
  into the log); otherwise a new one (`new_request_id`). A plain identifier is used as sent only
  when it looks random (`_OPAQUE_ID`: a UUID, a W3C trace id, a hex token of 16-64 digits with
  letters and digits); any other (an MRN, an encounter number, an SSN an EHR uses as its
  correlation id) is replaced by a keyed hash of it (`_hashed`), so no patient identifier reaches
  the log (review s25 RP L1). Every log line of the request carries it (logs.py) and the response
  echoes it in `X-Request-ID`, so an EHR's own id finds our lines and ours finds theirs;
- metrics: each response is counted and timed by route template (metrics.py);
- an exception no handler took: one `request.failed` line with the exception's type and code
  location (never its message, which may quote a patient), and a generic JSON 500 that carries
  the request id. It is not raised further: the server would log it a second time, without
  the request id.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import logging
import os
import re
import secrets
import time
from collections.abc import Mapping
from typing import Any

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cds_hooks.observability import logs, metrics
from cds_hooks.responses import JsonResponse

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
# Ids that look random, used as sent: a UUID, a W3C traceparent or trace id, a hex token of 16-64
# digits holding both letters and digits (an all-digit run may be a phone number or an MRN; an
# all-letter one a name). Nothing else is logged as sent (module docstring).
_OPAQUE_ID = re.compile(
    rb"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
    rb"|[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"
    rb"|(?=[0-9A-Fa-f]*[A-Fa-f])(?=[0-9A-Fa-f]*[0-9])[0-9A-Fa-f]{16,64}"
)
# The key of `_hashed`, new in every process: a hash of an SSN without a key is found by trying
# all 10^9 of them. The same caller id hashes alike within one worker (its retries group).
_HASH_KEY = secrets.token_bytes(32)
_INTERNAL_ERROR = {"error": "internal-error", "message": "the service failed to answer"}


def incoming_request_id(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The caller's request or correlation id, when it is safe to log and echo (ASGI header
    names are lower case)."""
    request_id: bytes | None = None
    correlation_id: bytes | None = None
    for name, value in headers:
        if name == b"x-request-id":
            request_id = value.strip()
        elif name == b"x-correlation-id":
            correlation_id = value.strip()
    for candidate in (request_id, correlation_id):
        if candidate is not None and _SANE_ID.fullmatch(candidate):
            return (
                candidate.decode("ascii") if _OPAQUE_ID.fullmatch(candidate) else _hashed(candidate)
            )
    return None


def _hashed(caller_id: bytes) -> str:
    """A caller's id that may name a patient, as "h-" and 20 hex digits of its keyed hash: the
    response echoes it, so the caller still finds our lines by the header it got back."""
    return "h-" + hmac.new(_HASH_KEY, caller_id, hashlib.sha256).hexdigest()[:20]


# Our own ids: a random prefix per process and a counter. Unique across processes and replicas
# (48 random bits), and cheap: uuid4 reads the kernel's random source on every call, which costs
# more than the rest of this middleware. They are labels, not secrets.
_PREFIX = secrets.token_hex(6)
_counter = itertools.count(1)


def _new_prefix() -> None:
    """A forked child (a server that preloads the app) gets its own prefix."""
    global _PREFIX, _counter
    _PREFIX = secrets.token_hex(6)
    _counter = itertools.count(1)


os.register_at_fork(after_in_child=_new_prefix)


def new_request_id() -> str:
    return f"{_PREFIX}-{next(_counter):x}"


class RequestContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = incoming_request_id(scope.get("headers", [])) or new_request_id()
        # Routing rewrites the scope (a mount moves the path into root_path): keep what matched.
        pristine = {k: scope.get(k) for k in ("type", "path", "root_path", "method", "app")}
        token = logs.request_id.set(rid)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = int(message["status"])
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"
                ]
                headers.append((b"x-request-id", rid.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:  # noqa: BLE001 - the last resort: logged by type and place
            logs.event(
                "request.failed",
                logging.ERROR,
                status=500,
                method=scope.get("method"),
                route=_route(scope, pristine),
                exception=type(exc).__name__,
                where=logs.where(exc.__traceback__),
                responseStarted=response_started,
            )
            if not response_started:
                await JsonResponse(_INTERNAL_ERROR, status_code=500)(scope, receive, send_with_id)
        finally:
            metrics.observe_request(
                _route(scope, pristine),
                str(scope.get("method", "")),
                status,
                time.perf_counter() - started,
                service_id=scope.get("path_params", {}).get("service_id"),
            )
            logs.request_id.reset(token)


def _route(scope: Scope, pristine: Mapping[str, Any]) -> str:
    """The matched route's template ("/cds-services/{service_id}"), never the raw path: paths
    hold timeline tokens and whatever a caller typed. Unmatched paths are "unmatched"."""
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    router = getattr(pristine.get("app"), "router", None)
    for candidate in getattr(router, "routes", ()):
        match, _child = candidate.matches(pristine)
        if match is not Match.NONE:  # PARTIAL: the path matched, the method did not (405)
            return str(getattr(candidate, "path", "unmatched"))
    return "unmatched"


# A first path segment logged as typed: lower-case words as URLs are spelled ("cds-service",
# "fhir"); anything else (digits, capitals) may be a patient's name or number.
_PLAIN_SEGMENT = re.compile(r"[a-z][a-z._-]{0,39}")


def refused_where(scope: Scope) -> dict[str, str]:
    """Where a 404/405 was asked, for its log line, never the caller's path (review s25 RP L2: a
    segment may hold a name or MRN, "/cds-services/Marisol"): the matched route's template
    ("route", the path matched but not the method), else "path", the first segment when it is
    a plain word ("/cds-service/*": the typo an engineer looks for), else "/{segment}"."""
    route = _route(scope, scope)
    if route != "unmatched":
        return {"route": route}
    segments = str(scope.get("path", "")).split("/")[1:]
    first = segments[0] if segments else ""
    shown = first if _PLAIN_SEGMENT.fullmatch(first) or not first else "{segment}"
    return {"path": f"/{shown}" + ("/*" if len(segments) > 1 else "")}

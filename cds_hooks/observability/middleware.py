"""The request's envelope: its id, its metrics, and the last word on an unexpected error.

A plain ASGI middleware (not Starlette's BaseHTTPMiddleware, which costs a task per request):

- request id: the caller's `X-Request-ID`, else its `X-Correlation-ID`, when it is a plain
  identifier (letters, digits, `-_.:`, at most 128 characters: anything else could smuggle text
  into the log); otherwise a new one (`new_request_id`). Every log line of the request carries it (logs.py) and the
  response echoes it in `X-Request-ID`, so an EHR's own id finds our lines and ours finds theirs;
- metrics: each response is counted and timed by route template (metrics.py);
- an exception no handler took: one `request.failed` line with the exception's type and code
  location (never its message, which may quote a patient), and a generic JSON 500 that carries
  the request id. It is not raised further: the server would log it a second time, without
  the request id.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import secrets
import time
from typing import Any

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cds_hooks.observability import logs, metrics
from cds_hooks.responses import JsonResponse

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
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
            return candidate.decode("ascii")
    return None


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


def _route(scope: Scope, pristine: dict[str, Any]) -> str:
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

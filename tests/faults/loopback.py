"""Threaded HTTP servers on 127.0.0.1 for tests: FHIR servers that misbehave on purpose, and a
recording reverse proxy in front of the real one.

A `LoopbackServer` routes each request by the first path segment ("/sleep/Condition?..." goes to
the behaviour registered as "sleep"), so one server plays many broken FHIR servers, each at its
own base URL (`server.url("sleep")`). Every request is recorded (method, path, headers) before the
behaviour runs, so a test can assert exactly what the service sent, and to whom.

Stopping is prompt and complete: behaviours wait on the server's `stopping` event instead of
sleeping, the server speaks HTTP/1.0 (one request per connection, no idle keep-alive threads), and
`stop()` joins every handler thread.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scripts.fhir_server import free_port

FHIR_JSON = "application/fhir+json"
# Hop-by-hop headers (RFC 9110 7.6.1) a proxy must not forward, plus the ones it recomputes.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)

# Headers the proxy's own response writer sets itself.
_NOT_PASSED_BACK = _HOP_BY_HOP | {"content-type", "date", "server"}


@dataclass(frozen=True, slots=True)
class Hit:
    """One request a loopback server received."""

    method: str
    path: str  # path and query string, exactly as received
    headers: Mapping[str, str]  # names lower-cased
    at: float  # time.monotonic() on arrival


@dataclass(slots=True)
class Exchange:
    """What a behaviour sees of one request, and how it answers."""

    handler: BaseHTTPRequestHandler
    server: LoopbackServer
    hit: Hit

    @property
    def path(self) -> str:
        return self.hit.path

    def send(
        self,
        status: int,
        body: bytes = b"",
        *,
        content_type: str = FHIR_JSON,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        h = self.handler
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()

    def send_json(self, status: int, obj: Any, *, headers: Mapping[str, str] | None = None) -> None:
        self.send(status, json.dumps(obj).encode(), headers=headers)

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when the server is stopping (the behaviour should end)."""
        return self.server.stopping.wait(seconds)


Behaviour = Callable[[Exchange], None]


class LoopbackServer:
    """A ThreadingHTTPServer on 127.0.0.1 (free port) with one behaviour per first path segment."""

    def __init__(self, routes: Mapping[str, Behaviour] | None = None) -> None:
        self.routes: dict[str, Behaviour] = dict(routes or {})
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._hits: list[Hit] = []
        self._disconnects: list[tuple[str, float]] = []
        self._httpd = _Httpd(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"loopback-{self.port}",
            daemon=True,
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, route: str) -> str:
        """The base URL of the FHIR server that `route` plays."""
        return f"{self.base_url}/{route}"

    # -- what was received ------------------------------------------------------------------

    @property
    def hits(self) -> list[Hit]:
        with self._lock:
            return list(self._hits)

    def hits_under(self, route: str) -> list[Hit]:
        prefix = f"/{route}/"
        return [h for h in self.hits if h.path.startswith(prefix) or h.path == f"/{route}"]

    def disconnects_under(self, route: str) -> list[float]:
        """When clients hung up on `route` while it was still answering (monotonic times)."""
        with self._lock:
            return [at for path, at in self._disconnects if path.startswith(f"/{route}/")]

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()
            self._disconnects.clear()

    def _record(self, hit: Hit) -> None:
        with self._lock:
            self._hits.append(hit)

    def _record_disconnect(self, path: str) -> None:
        with self._lock:
            self._disconnects.append((path, time.monotonic()))

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # wakes every behaviour that is waiting or dripping
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()  # joins the handler threads (block_on_close)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class _Httpd(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() joins the handler threads
    block_on_close = True
    owner: LoopbackServer


class _Handler(BaseHTTPRequestHandler):
    server: _Httpd
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive threads
    timeout = 10  # a client that connects and sends nothing cannot hold a thread for ever

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # keep test output clean

    def _dispatch(self) -> None:
        owner = self.server.owner
        hit = Hit(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            at=time.monotonic(),
        )
        owner._record(hit)
        route = self.path.lstrip("/").split("/", 1)[0].split("?", 1)[0]
        behaviour = owner.routes.get(route)
        exchange = Exchange(self, owner, hit)
        try:
            if behaviour is None:
                exchange.send_json(404, operation_outcome("not-found", f"no route {route!r}"))
            else:
                behaviour(exchange)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            owner._record_disconnect(self.path)

    do_GET = _dispatch
    do_POST = _dispatch
    do_PUT = _dispatch


# -- FHIR building blocks -------------------------------------------------------------------


def operation_outcome(code: str, diagnostics: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    }


def searchset(
    resources: list[dict[str, Any]], *, next_url: str | None = None, self_url: str | None = None
) -> dict[str, Any]:
    links = []
    if self_url:
        links.append({"relation": "self", "url": self_url})
    if next_url:
        links.append({"relation": "next", "url": next_url})
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
    }
    if links:
        bundle["link"] = links
    if resources:
        bundle["entry"] = [{"resource": r, "search": {"mode": "match"}} for r in resources]
    return bundle


# A loopback port nobody listens on (bound, then released): connecting to it is refused.
free_closed_port = free_port


# -- behaviours -----------------------------------------------------------------------------


def serve_resources(resources: list[dict[str, Any]]) -> Behaviour:
    """A well-behaved FHIR server over a fixed list: type searches and instance reads."""

    def behave(ex: Exchange) -> None:
        parts = urlsplit(ex.path).path.strip("/").split("/")[1:]  # drop the route segment
        kind = parts[0] if parts else ""
        matching = [r for r in resources if r.get("resourceType") == kind]
        if len(parts) == 2:  # read: Type/id
            found = [r for r in matching if r.get("id") == parts[1]]
            if found:
                ex.send_json(200, found[0])
            else:
                ex.send_json(404, operation_outcome("not-found", f"{kind}/{parts[1]} not found"))
            return
        # A `code` token list (system|code, comma = OR) is honoured, as a real server does: the
        # service asks for Observations under two keys with different code lists.
        tokens = {
            t for k, v in parse_qsl(urlsplit(ex.path).query) if k == "code" for t in v.split(",")
        }
        if tokens:
            matching = [r for r in matching if _codes_of(r) & tokens]
        ex.send_json(200, searchset(matching))

    return behave


def _codes_of(resource: Mapping[str, Any]) -> set[str]:
    code = resource.get("code")
    codings = code.get("coding") if isinstance(code, Mapping) else None
    return {f"{c.get('system')}|{c.get('code')}" for c in codings or () if isinstance(c, Mapping)}


def sleep_then_answer(seconds: float) -> Behaviour:
    """Accepts the request, then says nothing for `seconds` (past any sane read timeout)."""

    def behave(ex: Exchange) -> None:
        if ex.wait(seconds):
            return
        ex.send_json(200, searchset([]))

    return behave


def answer_status(status: int) -> Behaviour:
    def behave(ex: Exchange) -> None:
        ex.send_json(status, operation_outcome("exception", f"deliberate HTTP {status}"))

    return behave


def answer_bytes(body: bytes, content_type: str = FHIR_JSON, status: int = 200) -> Behaviour:
    def behave(ex: Exchange) -> None:
        ex.send(status, body, content_type=content_type)

    return behave


def endless_next_links(resource: dict[str, Any]) -> Behaviour:
    """Every page holds one resource and a `next` link to a page that does not exist yet."""

    def behave(ex: Exchange) -> None:
        parts = urlsplit(ex.path)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
        page = dict(parse_qsl(parts.query)).get("page", "0")
        query.append(("page", str(int(page) + 1)))
        next_url = ex.server.base_url + urlunsplit(("", "", parts.path, urlencode(query), ""))
        ex.send_json(
            200, searchset([dict(resource, id=f"{resource['id']}-{page}")], next_url=next_url)
        )

    return behave


def next_link_to(url: str, resource: dict[str, Any]) -> Behaviour:
    """A first page whose `next` link points at `url` (e.g. another host)."""

    def behave(ex: Exchange) -> None:
        ex.send_json(200, searchset([resource], next_url=url))

    return behave


def redirect_to(url: str, status: int = 302) -> Behaviour:
    def behave(ex: Exchange) -> None:
        ex.send(status, b"", headers={"Location": url})

    return behave


def huge_body(size: int) -> Behaviour:
    """A 200 announcing and sending `size` bytes: a Bundle padded with whitespace."""

    def behave(ex: Exchange) -> None:
        head = b'{"resourceType":"Bundle","type":"searchset","entry":['
        tail = b"]}"
        h = ex.handler
        h.send_response(200)
        h.send_header("Content-Type", FHIR_JSON)
        h.send_header("Content-Length", str(size))
        h.end_headers()
        h.wfile.write(head)
        remaining = size - len(head) - len(tail)
        block = b" " * 65536
        while remaining > 0 and not ex.server.stopping.is_set():
            n = min(remaining, len(block))
            h.wfile.write(block[:n])
            remaining -= n
        h.wfile.write(tail)

    return behave


def slow_drip(interval: float, size: int = 100_000) -> Behaviour:
    """A 200 announcing `size` bytes, then one byte every `interval` seconds: each byte comes in
    well under the read timeout, so only a wall-clock budget can end the download."""

    def behave(ex: Exchange) -> None:
        h = ex.handler
        h.send_response(200)
        h.send_header("Content-Type", FHIR_JSON)
        h.send_header("Content-Length", str(size))
        h.end_headers()
        h.wfile.write(b"{")
        h.wfile.flush()
        for _ in range(size - 1):
            if ex.wait(interval):
                return
            h.wfile.write(b" ")
            h.wfile.flush()

    return behave


@dataclass(slots=True)
class Forward:
    """A recording reverse proxy: forwards the request unchanged to `upstream` (scheme://host:port).

    `max_count`, when set, lowers any `_count` the client asked for to that value, as real servers
    do when they cap their page size; the upstream's `next` links then drive the paging.
    """

    upstream: str = ""
    max_count: int | None = None
    timeout: float = 60.0

    def __call__(self, ex: Exchange) -> None:
        target = urlsplit(self.upstream)
        path = self._clamp(ex.path)
        headers = {k: v for k, v in ex.handler.headers.items() if k.lower() not in _HOP_BY_HOP}
        length = int(ex.handler.headers.get("Content-Length") or 0)
        body = ex.handler.rfile.read(length) if length else None
        conn = http.client.HTTPConnection(
            target.hostname or "127.0.0.1", target.port, timeout=self.timeout
        )
        try:
            conn.request(ex.hit.method, path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            passed = {k: v for k, v in response.getheaders() if k.lower() not in _NOT_PASSED_BACK}
            ex.send(
                response.status,
                payload,
                content_type=response.getheader("Content-Type") or FHIR_JSON,
                headers=passed,
            )
        finally:
            conn.close()

    def _clamp(self, path: str) -> str:
        if self.max_count is None:
            return path
        parts = urlsplit(path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        asked = [int(v) for k, v in query if k == "_count" and v.isdigit()]
        count = min([*asked, self.max_count])
        query = [(k, v) for k, v in query if k != "_count"] + [("_count", str(count))]
        return urlunsplit(("", "", parts.path, urlencode(query), ""))

    @contextmanager
    def page_size(self, count: int) -> Iterator[None]:
        previous, self.max_count = self.max_count, count
        try:
            yield
        finally:
            self.max_count = previous


# -- the service itself over real HTTP --------------------------------------------------------


@contextmanager
def served(app: Any) -> Iterator[str]:
    """An ASGI app under uvicorn on a free loopback port; yields its base URL, stops on exit."""
    import uvicorn  # only the tests that serve over HTTP need it

    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)

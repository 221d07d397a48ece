"""Prometheus metrics, served at GET /metrics in the text exposition format.

prometheus-client (the Prometheus project's own Python client) rather than an exposition of our
own: it gets the format's escaping and histogram conventions right, and its multiprocess mode is
the documented answer for gunicorn's forked workers, which a home-made counter would have to
reinvent (a scrape reaches one worker; each worker only knows its own counts).

What is counted, and where it comes from:
- every HTTP request by route template, method and status, with its latency (middleware.py);
- hook calls by service and status, with their latency, the same way (route /cds-services/{id});
- cards returned by service and topic, resources left out of a chart by data domain and reason,
  resource types that could not be had or were incomplete: from the `hook.answered` log event,
  so that the metrics and the log line can never disagree (logs.event feeds `observe_event`);
- refusals by status and reason: 401 (the auth.refused reason), 412 (why the required data could
  not be had), 400/404/405/413/415 (the error code and what was wrong), from their log events;
- requests to EHR FHIR servers by outcome, with the time to the response headers (a transport
  wrapper on the FHIR client's session: `instrument_session`).

No label carries PHI: service ids and topics are the catalog's codes (an unknown service id in a
URL is counted as "unknown", so a caller cannot mint label values), routes are templates (never a
timeline token), reasons are the service's own fixed texts, FHIR outcomes are status classes.
Each reason-like label keeps at most MAX_LABEL_VALUES distinct values per metric ("other" after).

Several gunicorn workers: set PROMETHEUS_MULTIPROC_DIR to an empty, writable directory before the
server starts (the container image and the Kubernetes manifests do: /tmp/trd-cds-metrics);
deploy/gunicorn.conf.py empties it at start and marks exited workers dead. Where the variable names
no writable directory (any other command run from the image), the process counts on its own and
logs one warning (multiproc.py): a missing metrics folder never stops a command. Every worker then writes
its counts to memory-mapped files there and any worker's /metrics adds them all up. Without it,
each worker reports only its own requests (fine with one worker, which is what `trd-cds serve`
runs). In multiprocess mode the process_* and python_* collectors are not available.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

import requests
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client import (
    REGISTRY as DEFAULT_REGISTRY,
)
from requests.adapters import BaseAdapter

from cds_hooks.observability import multiproc
from cds_hooks.observability.version import VERSION
from services import catalog

MULTIPROC_ENV = multiproc.ENV
# Decided once, before the first metric below is created (each one picks its value class then).
MULTIPROCESS = multiproc.settle()
CONTENT_TYPE = CONTENT_TYPE_LATEST
MAX_LABEL_VALUES = 100
MAX_LABEL_CHARS = 120
HOOK_ROUTE = "/cds-services/{service_id}"

# No `*_created` series: one per label set, of no use on a dashboard.
disable_created_metrics()  # type: ignore[no-untyped-call]

# The default registry: in one process it also carries the process_* and python_* collectors.
REGISTRY: CollectorRegistry = DEFAULT_REGISTRY

# EHRs wait a few seconds for a CDS service: buckets from a cached answer (milliseconds) to past
# the default FHIR fetch budget (5 s, settings.py) and a site's raised one.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0)

HTTP_REQUESTS = Counter(
    "trd_cds_http_requests_total",
    "HTTP requests answered, by route template, method and status",
    ["route", "method", "status"],
)
HTTP_SECONDS = Histogram(
    "trd_cds_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by route template",
    ["route"],
    buckets=_LATENCY_BUCKETS,
)
HOOK_CALLS = Counter(
    "trd_cds_hook_calls_total",
    "Hook calls (POST /cds-services/{id}), by service and HTTP status",
    ["service", "status"],
)
HOOK_SECONDS = Histogram(
    "trd_cds_hook_duration_seconds",
    "Time to answer a hook call, from its arrival to the response, by service",
    ["service"],
    buckets=_LATENCY_BUCKETS,
)
CARDS = Counter(
    "trd_cds_cards_total",
    "Cards returned, by service and card topic (source.topic.code)",
    ["service", "topic"],
)
REFUSED = Counter(
    "trd_cds_requests_refused_total",
    "Requests refused, by HTTP status (400, 401, 404, 405, 412, 413, 415) and reason",
    ["status", "reason"],
)
LEFT_OUT = Counter(
    "trd_cds_resources_left_out_total",
    "Resources the mapping left out of a chart (and named on the cards), by domain and reason",
    ["domain", "reason"],
)
DATA_UNAVAILABLE = Counter(
    "trd_cds_data_unavailable_total",
    "Hook calls answered without a resource type (neither prefetched nor fetchable), by type",
    ["resource_type"],
)
DATA_INCOMPLETE = Counter(
    "trd_cds_data_incomplete_total",
    "Hook calls answered with a resource type possibly incomplete (pages unread), by type",
    ["resource_type"],
)
FHIR_REQUESTS = Counter(
    "trd_cds_fhir_requests_total",
    "HTTP requests to EHR FHIR servers, by outcome (status class, timeout, connection-error)",
    ["outcome"],
)
FHIR_SECONDS = Histogram(
    "trd_cds_fhir_request_duration_seconds",
    "Time from sending a FHIR request to the server's response headers",
    buckets=_LATENCY_BUCKETS,
)
BUILD_INFO = Gauge(
    "trd_cds_build_info",
    "Always 1; the service's version as a label",
    ["version"],
    multiprocess_mode="max",
)
BUILD_INFO.labels(version=VERSION).set(1)


# -- exposition --------------------------------------------------------------------------------


def exposition() -> bytes:
    """The text a scrape gets: every worker's counts in multiprocess mode, else this process's."""
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


# -- labels ---------------------------------------------------------------------------------------


class _Bounded:
    """At most MAX_LABEL_VALUES distinct values of one label; later newcomers become "other"."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, value: object) -> str:
        text = " ".join(str(value).split())[:MAX_LABEL_CHARS] or "unknown"
        if text in self._seen:
            return text
        with self._lock:
            if len(self._seen) >= MAX_LABEL_VALUES:
                return "other"
            self._seen.add(text)
        return text


_refusal_reason = _Bounded()
_left_out_reason = _Bounded()
_resource_type = _Bounded()
_topic = _Bounded()


def service_label(service_id: object) -> str:
    """A catalog service id, or "unknown": ids in URLs are the caller's to choose."""
    return service_id if isinstance(service_id, str) and catalog.by_id(service_id) else "unknown"


# -- HTTP (middleware.py) --------------------------------------------------------------------------


# Methods are the caller's to choose (any token goes on the request line): others are "other".
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# The labelled children, looked up once per label set: `labels()` takes a lock and builds a key
# on every call, a cost every request would pay (issue 6). Keys are bounded (route templates,
# methods above, status codes, catalog ids).
_children: dict[tuple[str, str, int, str | None], tuple[Any, ...]] = {}


def observe_request(
    route: str, method: str, status: int, seconds: float, service_id: object = None
) -> None:
    method = method if method in _METHODS else "other"
    hook = route == HOOK_ROUTE and method == "POST"
    service = service_label(service_id) if hook else None
    key = (route, method, status, service)
    children = _children.get(key)
    if children is None:
        children = (
            HTTP_REQUESTS.labels(route, method, str(status)),
            HTTP_SECONDS.labels(route),
        )
        if service is not None:
            children += (HOOK_CALLS.labels(service, str(status)), HOOK_SECONDS.labels(service))
        _children[key] = children
    children[0].inc()
    children[1].observe(seconds)
    if service is not None:
        children[2].inc()
        children[3].observe(seconds)


# -- log events (logs.event) -----------------------------------------------------------------------


def observe_event(name: str, fields: Mapping[str, Any]) -> None:
    """Count what a structured log event reports (called for every event, at any log level)."""
    handler = _EVENTS.get(name)
    if handler is not None:
        handler(fields)


def _answered(fields: Mapping[str, Any]) -> None:
    service = service_label(fields.get("service"))
    for topic in _strings(fields.get("cards")):
        CARDS.labels(service, _topic(topic)).inc()
    left_out = fields.get("leftOut")
    if isinstance(left_out, Mapping):
        for key, count in left_out.items():
            domain, _, reason = str(key).partition(": ")
            if isinstance(count, int) and count > 0:
                LEFT_OUT.labels(_left_out_reason(domain), _left_out_reason(reason)).inc(count)
    for kind in _strings(fields.get("dataUnavailable")):
        DATA_UNAVAILABLE.labels(_resource_type(kind)).inc()
    for kind in _strings(fields.get("dataIncomplete")):
        DATA_INCOMPLETE.labels(_resource_type(kind)).inc()


def _precondition_failed(fields: Mapping[str, Any]) -> None:
    reasons = fields.get("reasons")
    texts = sorted(set(_strings(reasons.values()))) if isinstance(reasons, Mapping) else []
    for text in texts or ["required data could not be obtained"]:
        REFUSED.labels("412", _refusal_reason(text)).inc()


def _refused(fields: Mapping[str, Any]) -> None:
    status = fields.get("status")
    reason = fields.get("reason") or fields.get("error") or "refused"
    REFUSED.labels(str(status), _refusal_reason(reason)).inc()


def _strings(values: object) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        return []
    return [v for v in values if isinstance(v, str) and v]


_EVENTS = {
    "hook.answered": _answered,
    "hook.precondition_failed": _precondition_failed,
    "auth.refused": _refused,
    "request.refused": _refused,
}


# -- FHIR fetches ----------------------------------------------------------------------------------


class _TimedAdapter(BaseAdapter):
    """Counts and times each request a `requests` session sends through the adapter it wraps
    (retries included: the wrapped adapter retries inside one `send`)."""

    def __init__(self, inner: BaseAdapter) -> None:
        super().__init__()
        self._inner = inner

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            response = self._inner.send(request, *args, **kwargs)
        except requests.Timeout:
            FHIR_REQUESTS.labels("timeout").inc()
            raise
        except requests.ConnectionError:
            FHIR_REQUESTS.labels("connection-error").inc()
            raise
        except requests.RequestException:
            FHIR_REQUESTS.labels("error").inc()
            raise
        FHIR_SECONDS.observe(time.perf_counter() - started)
        FHIR_REQUESTS.labels(f"{response.status_code // 100}xx").inc()
        return response

    def close(self) -> None:
        self._inner.close()


def instrument_session(session: requests.Session) -> requests.Session:
    """Count and time every request `session` sends (its http:// and https:// adapters wrapped)."""
    for prefix in ("https://", "http://"):
        adapter = session.get_adapter(prefix)
        if not isinstance(adapter, _TimedAdapter):
            session.mount(prefix, _TimedAdapter(adapter))
    return session

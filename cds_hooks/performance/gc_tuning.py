"""Garbage-collector settings for a serving process: start-up objects frozen, and collections held
between requests rather than run in the middle of one.

A hook call allocates tens of thousands of containers (the parsed prefetch) that reference counting
frees anyway; the service makes almost no cyclic garbage (every collection measured on the
benchmark's charts found none).
- Issue 6: with CPython's default young-generation threshold (700), collections ran many times per
  call, scanned the in-flight call's objects, found nothing and cost ~10 % of the CPU; full
  collections also walked everything start-up had built, which pushed p99 latency to ~70 ms. So
  start-up objects are frozen out of every later collection (`settle_gc`), and young objects are
  collected less often.
- Issue 14: a 10-year chart (2.6 MB, ~150,000 containers alive while it is mapped) still set off
  about four young and a third of a middle-generation collection per call, each scanning the chart
  in flight: about a fifth of its latency, for nothing collected. `CollectBetweenRequests` turns
  automatic collection off while a request is in flight and back on when none is, so a collection
  that falls due runs between requests, when the young generation holds only what outlived them
  (cached evaluations, a few thousand objects). A request stops counting as in flight when the
  app calls `scope[REQUEST_DONE]` (the hook route does once its answer, issued cards stored, is
  sent and the parsed chart let go: routes/hooks.py `_let_go`), else when it returns. Should
  requests overlap without a gap for long, the collector is let run anyway once `OVERLAP_LIMIT`
  young containers have piled up, so cyclic garbage stays bounded.
"""

from __future__ import annotations

import gc

from starlette.types import ASGIApp, Receive, Scope, Send

GC_THRESHOLD = (10_000, 10, 10)  # CPython's default: (700, 10, 10)
OVERLAP_LIMIT = 1_000_000  # young containers tolerated while requests overlap without a gap
# Scope key of a callable: "this request's own objects are let go; it no longer counts".
REQUEST_DONE = "trd_cds.request_done"


def settle_gc() -> None:
    """Collect once, freeze what survived start-up, raise the young-generation threshold."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


class CollectBetweenRequests:
    """ASGI middleware: no automatic collection while an HTTP request is in flight (see the
    module's docstring). It leaves the collector alone when something else turned it off."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._in_flight = 0
        self._owned = False  # the collector was on when requests began: this turns it back on

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._in_flight == 0:
            self._owned = gc.isenabled()
        self._in_flight += 1
        if self._owned:
            gc.disable()
        ended = False

        def done() -> None:
            nonlocal ended
            if ended:
                return
            ended = True
            self._in_flight -= 1
            if self._owned and (self._in_flight == 0 or gc.get_count()[0] > OVERLAP_LIMIT):
                # A collection now due runs at the next allocation: between requests, or (past
                # the overlap limit) once, before the next request turns the collector off.
                gc.enable()

        scope[REQUEST_DONE] = done
        try:
            await self.app(scope, receive, send)
        finally:
            done()

"""Waiting for an answer's issued cards to commit, for a bounded time (review s22 RR finding 6).

The answer leaves once its cards are committed (review 21 M1: feedback on cards lost in a crash
just after the answer was refused as naming unknown cards). That commit takes a fraction of a
millisecond on SQLite and a round trip on PostgreSQL, but nothing bounded it: a locked SQLite file
holds the writer thread for its 30 s busy timeout, and PostgreSQL has no statement or connect
timeout. The EHR waits a few seconds for cards, then shows the chart without them, so an unbounded
wait would cost every answer, a critical MAOI card included, for the sake of later feedback.

So the wait is `[database] issued_wait_seconds`: after it the answer leaves anyway, the batch is
written on behind it (never cancelled: it is shared with other calls, issued_recorder.py), and
`hook.record_late` is logged, then `hook.record_committed_late` once it is committed, or
`hook.record_failed` if the write fails. The lines carry the hook instance, the number of cards
and seconds: no patient data.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from cds_hooks.observability import logs


@dataclass(frozen=True, slots=True)
class _Call:
    """What the log lines name of one answer's write: ids and counts only."""

    hook_instance: str
    cards: int
    started: float

    def seconds(self) -> float:
        return round(time.monotonic() - self.started, 3)


class BoundedWait:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        # Batches still being written after their answers left (drained at shut-down).
        self._late: set[asyncio.Future[None]] = set()

    async def wait(self, batch: asyncio.Future[None], *, hook_instance: str, cards: int) -> None:
        """Wait for `batch` (the answer's cards' commit) at most `seconds`. Never raises: a failed
        write is logged. A timer, not a task per answer (a task costs the event loop two more
        turns per cached answer, issue 6)."""
        call = _Call(hook_instance, cards, time.monotonic())
        try:
            async with asyncio.timeout(self.seconds):
                # Shielded: neither the deadline nor a caller that goes away cancels the batch.
                await asyncio.shield(batch)
        except Exception as exc:  # noqa: BLE001 - the answer leaves whatever the write did
            if batch.done():  # the write failed (or ended just as the deadline passed)
                error = None if batch.cancelled() else batch.exception()
                if batch.cancelled() or error is not None:
                    failed(call.hook_instance, call.cards, error)
                return
            if not isinstance(exc, TimeoutError):  # pragma: no cover - only the deadline is left
                raise
            logs.event(
                "hook.record_late",
                logging.WARNING,
                hookInstance=call.hook_instance,
                cards=call.cards,
                waitedSeconds=call.seconds(),
            )
            self._late.add(batch)
            batch.add_done_callback(self._late.discard)
            batch.add_done_callback(lambda done: _ended_late(done, call))

    async def drain(self, timeout: float) -> None:
        """At shut-down: give the batches still being written up to `timeout` seconds to end."""
        if self._late:
            await asyncio.wait(set(self._late), timeout=timeout)


def failed(hook_instance: str, cards: int, exc: BaseException | None) -> None:
    """The cards of an answer could not be stored: only feedback and de-duplication for them are
    lost (the exception's type only: its message may quote a row)."""
    logs.event(
        "hook.record_failed",
        logging.ERROR,
        hookInstance=hook_instance,
        cards=cards,
        exception=type(exc).__name__,
    )


def _ended_late(batch: asyncio.Future[None], call: _Call) -> None:
    error = None if batch.cancelled() else batch.exception()  # retrieved here, once
    if batch.cancelled() or error is not None:
        failed(call.hook_instance, call.cards, error)
        return
    logs.event(
        "hook.record_committed_late",
        logging.INFO,
        hookInstance=call.hook_instance,
        cards=call.cards,
        seconds=call.seconds(),
    )

"""Waiting for an answer's issued cards to commit, for a bounded time (review s22 RR finding 6).

The answer leaves once its cards are committed (review 21 M1: feedback on cards lost in a crash
just after the answer was refused as naming unknown cards). That commit takes a fraction of a
millisecond on SQLite and a round trip on PostgreSQL, but nothing bounded it: a locked SQLite file
holds the writer thread for its 30 s busy timeout, and PostgreSQL has no statement or connect
timeout. The EHR waits a few seconds for cards, then shows the chart without them, so an unbounded
wait would cost every answer, a critical MAOI card included, for the sake of later feedback.

So the wait is `[database] issued_wait_seconds`: after it the answer leaves anyway, the write goes
on behind it (never cancelled: its batch is shared with other calls), and `hook.record_late` is
logged, then `hook.record_committed_late` once it is committed (`hook.record_failed` if it fails).
The lines carry the hook instance, the number of cards and seconds: no patient data.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from typing import Any

from cds_hooks.observability import logs


class BoundedWait:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        # Writes still running after their answer left: held here, since the event loop keeps
        # only a weak reference to a task (one dropped mid-write would lose its cards silently).
        self._late: set[asyncio.Task[bool]] = set()

    async def wait(
        self, write: Coroutine[Any, Any, bool], *, hook_instance: str, cards: int
    ) -> None:
        """Run `write` (True once committed; it logs its own failure and never raises) and wait
        for it at most `seconds`."""
        started = time.monotonic()
        task = asyncio.ensure_future(write)
        self._late.add(task)
        task.add_done_callback(self._late.discard)
        # asyncio.wait, not wait_for: the write is not cancelled at the deadline, nor when the
        # caller goes away.
        await asyncio.wait({task}, timeout=self.seconds)
        if task.done():
            return
        logs.event(
            "hook.record_late",
            logging.WARNING,
            hookInstance=hook_instance,
            cards=cards,
            waitedSeconds=round(time.monotonic() - started, 3),
        )
        task.add_done_callback(lambda done: _committed_late(done, hook_instance, cards, started))

    async def drain(self, timeout: float) -> None:
        """At shut-down: give the writes still running up to `timeout` seconds to end."""
        if self._late:
            await asyncio.wait(set(self._late), timeout=timeout)


def _committed_late(
    task: asyncio.Task[bool], hook_instance: str, cards: int, started: float
) -> None:
    if task.cancelled() or task.exception() is not None or not task.result():
        return  # the write logged its own failure (hook.record_failed)
    logs.event(
        "hook.record_committed_late",
        logging.INFO,
        hookInstance=hook_instance,
        cards=cards,
        seconds=round(time.monotonic() - started, 3),
    )

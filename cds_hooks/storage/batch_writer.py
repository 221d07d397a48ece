"""One thread that writes queued rows in batches, one transaction per batch.

Hook calls record the cards they issued. A commit costs more than the rows it writes, and each
wake-up of another thread costs the event loop latency and CPU (issue 6: a future per call made
recording cost a third of a cached answer), so callers only enqueue: `submit` returns the Future of
the batch their rows joined, which completes once the batch is committed (or fails with what the
write raised). Every caller of a batch shares that one Future. Whoever needs the rows on disk waits
on it (`Store.record_issued` does; the HTTP route before the answer is sent). Rows that arrive while
a batch is being written form the next one, written as soon as that commit ends (group commit), so
under load one wake-up of the thread serves many calls, and a lone call is written at once.
Batches can also be kept `min_interval` apart (0 by default: the answer waits for its commit,
issued_recorder.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

Row = dict[str, Any]


class BatchWriter:
    def __init__(
        self, write: Callable[[list[Row]], None], *, name: str, min_interval: float = 0.0
    ) -> None:
        self._write = write
        self._name = name
        self._min_interval = min_interval
        self._condition = threading.Condition()
        self._rows: list[Row] = []
        self._batch: Future[None] | None = None  # the Future of the batch now filling up
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, rows: list[Row]) -> Future[None]:
        with self._condition:
            if self._closed:
                raise RuntimeError(f"{self._name} is closed")
            self._rows.extend(rows)
            if self._batch is None:
                self._batch = Future()
                self._condition.notify()
            batch = self._batch
            if self._thread is None:  # started on first use: tools that never write get none
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
        return batch

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, then stop the thread."""
        with self._condition:
            self._closed = True
            thread = self._thread
            self._condition.notify()
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        next_write = 0.0
        while True:
            with self._condition:
                while self._batch is None and not self._closed:
                    self._condition.wait()
                if self._batch is None:
                    return  # closed and drained
                pause = next_write - time.monotonic()
            if pause > 0 and not self._closed:
                time.sleep(pause)  # let more rows join this batch
            with self._condition:
                rows, self._rows = self._rows, []
                batch, self._batch = self._batch, None
            next_write = time.monotonic() + self._min_interval
            if batch is None:  # pragma: no cover - only this thread takes batches
                continue
            # A cancelled Future (nobody waiting any more) still has its rows written.
            waited = batch.set_running_or_notify_cancel()
            try:
                self._write(rows)
            except BaseException as exc:  # every caller of the batch gets the failure
                if waited:
                    batch.set_exception(exc)
            else:
                if waited:
                    batch.set_result(None)

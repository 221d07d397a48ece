"""Short-lived, unguessable tokens for the treatment-timeline page.

A token refers to an evaluated record held in this process (bounded, expiring). No patient data goes
into the URL. This is `[timeline] store = "memory"`, the default with SQLite only: a link resolves
in the process that made it. With `[database] url` on PostgreSQL the default is the database
(timeline_store.py), where a link made by one replica opens on every other (README, "Scaling out").
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co")


@dataclass(frozen=True, slots=True)
class Entry(Generic[T]):
    value: T
    expires_at: float  # time.time()


class TimelineCache(Generic[T]):
    def __init__(self, ttl_seconds: float, max_entries: int) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._items: OrderedDict[str, Entry[T]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, value: T) -> tuple[str, float]:
        token = secrets.token_urlsafe(32)
        expires = time.time() + self._ttl
        with self._lock:
            self._items[token] = Entry(value, expires)
            while len(self._items) > self._max:
                self._items.popitem(last=False)
        return token, expires

    def get(self, token: str) -> Entry[T] | None:
        with self._lock:
            entry = self._items.get(token)
            if entry is None:
                return None
            if entry.expires_at <= time.time():
                del self._items[token]
                return None
            return entry


class TimelineStore(Protocol[T_co]):
    """Where card links' records live: in this process (TimelineCache) or in the database."""

    def put(self, value: T_co) -> tuple[str, float]: ...

    def get(self, token: str) -> Entry[T_co] | None: ...

"""The treatment-timeline records behind card links, shared by every replica through the database.

`[timeline] store = "database"` keeps each evaluated record (pickled: it is the service's own frozen
dataclasses, written and read only by this service) in table `trd_timeline` with its expiry, so a
link made by one replica resolves on any other. The default, `"memory"`, is `TimelineCache`.
Expired rows are deleted as new ones are written; a row is never served after its expiry.
"""

from __future__ import annotations

import pickle
import secrets
import time
from typing import Generic, TypeVar

from sqlalchemy import Column, Engine, Float, LargeBinary, String, Table, delete, select

from cds_hooks.store import metadata
from cds_hooks.timeline_cache import Entry

T = TypeVar("T")

timeline_table = Table(
    "trd_timeline",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("expires_at", Float, nullable=False, index=True),
    Column("payload", LargeBinary, nullable=False),
)


class DatabaseTimelineStore(Generic[T]):
    def __init__(self, engine: Engine, ttl_seconds: float) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        metadata.create_all(engine, tables=[timeline_table])

    def put(self, value: T) -> tuple[str, float]:
        token = secrets.token_urlsafe(32)
        now = time.time()
        expires = now + self._ttl
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._engine.begin() as conn:
            conn.execute(delete(timeline_table).where(timeline_table.c.expires_at <= now))
            conn.execute(
                timeline_table.insert().values(token=token, expires_at=expires, payload=payload)
            )
        return token, expires

    def get(self, token: str) -> Entry[T] | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(timeline_table.c.expires_at, timeline_table.c.payload).where(
                    timeline_table.c.token == token
                )
            ).first()
        if row is None or row.expires_at <= time.time():
            return None
        return Entry(pickle.loads(row.payload), row.expires_at)  # noqa: S301 - our own rows only

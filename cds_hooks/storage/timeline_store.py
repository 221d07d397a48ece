"""The treatment-timeline records behind card links, shared by every replica through the database.

With `[timeline] store = "database"` (the default whenever `[database] url` is not SQLite) each
evaluated record is kept in table `trd_stored_record` until its link expires, so a link made by one
replica opens on any other, and after a restart. A row holds:

- `token_key`: SHA-256 of the link's token, not the token: reading the table does not give working
  links (the token itself is only in the card the EHR received);
- `kind`: what the record is for ("timeline"; the table is shared with the records of other links);
- `expires_at`: when the link stops working (epoch seconds); expired rows are deleted as new ones
  are written, and a row is never served after its expiry;
- `record`: the record as JSON (record_codec.py), without the patient's id. Never a pickled
  object: decoding a row builds only the record's own dataclasses, so whoever can write the table
  cannot make the service run code.

`"memory"` (the default with SQLite) is `TimelineCache`: links resolve in the process that made
them.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import Column, Engine, Float, String, Table, Text, delete, select

from cds_hooks.observability import logs
from cds_hooks.storage import record_codec
from cds_hooks.storage.tables import metadata
from cds_hooks.storage.timeline_cache import Entry
from fhir_mapping.record import PatientRecord

T = TypeVar("T")

TIMELINE = "timeline"

stored_record_table = Table(
    "trd_stored_record",
    metadata,
    Column("token_key", String(64), primary_key=True),  # sha256(token), hex
    Column("kind", String(20), nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
    Column("record", Text, nullable=False),  # JSON: record_codec.py
)


def token_key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class DatabaseTimelineStore(Generic[T]):
    """Records of one `kind` in `trd_stored_record`, written and read as JSON text by `encode`
    and `decode` (which raises ValueError on a row it cannot read)."""

    def __init__(
        self,
        engine: Engine,
        ttl_seconds: float,
        *,
        encode: Callable[[T], bytes],
        decode: Callable[[bytes], T],
        kind: str = TIMELINE,
    ) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._encode = encode
        self._decode = decode
        self._kind = kind

    def put(self, value: T) -> tuple[str, float]:
        token = secrets.token_urlsafe(32)
        now = time.time()
        expires = now + self._ttl
        record = self._encode(value).decode("utf-8")
        with self._engine.begin() as conn:
            conn.execute(delete(stored_record_table).where(stored_record_table.c.expires_at <= now))
            conn.execute(
                stored_record_table.insert().values(
                    token_key=token_key(token), kind=self._kind, expires_at=expires, record=record
                )
            )
        return token, expires

    def get(self, token: str) -> Entry[T] | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(stored_record_table.c.expires_at, stored_record_table.c.record).where(
                    stored_record_table.c.token_key == token_key(token),
                    stored_record_table.c.kind == self._kind,
                )
            ).first()
        if row is None or row.expires_at <= time.time():
            return None
        try:
            value = self._decode(row.record.encode("utf-8"))
        except ValueError as exc:
            # Not a row this version wrote: the link answers "not available", the log says why.
            logs.event(
                "timeline.record_unreadable",
                logging.WARNING,
                kind=self._kind,
                exception=type(exc).__name__,
            )
            return None
        return Entry(value, row.expires_at)


def database_timelines(engine: Engine, ttl_seconds: float) -> DatabaseTimelineStore[PatientRecord]:
    """The timeline links' records in the database, as JSON without the patient's id."""
    return DatabaseTimelineStore(
        engine,
        ttl_seconds,
        encode=lambda record: record_codec.encode(record_codec.for_storage(record)),
        decode=record_codec.decode,
    )

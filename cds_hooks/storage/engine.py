"""The store's database engine: SQLite pragmas (WAL, busy timeout) and pool sizes, or a pooled
PostgreSQL engine. Separate from the Store because `trd-cds db` opens the same engine to migrate.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.url import make_url
from sqlalchemy.pool import StaticPool


def open_engine(url: str) -> Engine:
    """An engine for `url` set up as the store's own (SQLite pragmas, pool sizes); no schema
    check (`trd-cds db` uses it to migrate)."""
    return _engine(url)


def missing_sqlite_file(url: str) -> Path | None:
    """The file a SQLite `url` names when it does not exist (None: it exists, is in memory, or
    the database is not SQLite). `db current` reports it rather than open the engine, which
    would create the folder and an empty database only to call it behind (review RI finding 11):
    a status command must not write."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database)
    return None if path.exists() else path


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # A small pool of connections (each used by one thread at a time); WAL lets readers
        # proceed while a writer commits. In-memory databases get one shared connection.
        if database in (None, "", ":memory:"):
            engine = create_engine(
                url, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        else:
            engine = create_engine(
                url,
                pool_size=8,
                max_overflow=8,
                connect_args={"timeout": 30, "check_same_thread": False},
            )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            _journal_mode_wal(cursor)
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


_WAL_WAIT_SECONDS = 30.0  # as long as the connection's busy timeout


def _journal_mode_wal(cursor: Any) -> None:
    """Put the connection in WAL mode. On a new, still empty file another worker may be
    building the schema (schema._create holds a write lock for it): SQLite then answers the
    journal-mode change with "database is locked" at once, without its busy handler, so the
    change is retried here for as long as the busy timeout would have waited."""
    deadline = time.monotonic() + _WAL_WAIT_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)

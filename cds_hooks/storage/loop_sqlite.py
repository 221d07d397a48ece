"""The event loop's own SQLite connection: what a cached answer reads and writes, with no thread hop.

A cached answer costs well under a millisecond; a hop to the thread pool, or SQLAlchemy's
per-statement machinery, would cost about as much again (issue 6). So for an SQLite file the store
keeps one plain sqlite3 connection for the event loop:
- it never waits: the busy timeout is 0, so a write that finds the database locked by another
  connection fails at once (the caller hands the rows to the writer thread), and in WAL mode a read
  is never blocked by a writer;
- its commits never checkpoint (a checkpoint syncs the files to disk): the store checkpoints from a
  thread instead;
- the SQL is compiled once from the store's SQLAlchemy tables, and values go through the column
  types' own bind and result processors, so rows read and written here are exactly those
  SQLAlchemy reads and writes elsewhere.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Engine
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


class LoopBusy(Exception):
    """The database file was locked (a rare WAL recovery): ask again from the thread pool."""


class _Statement:
    """A statement compiled for the engine's dialect, with its positional parameter order and the
    bind processor of each parameter."""

    def __init__(self, statement: ClauseElement, engine: Engine) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=engine.dialect))
        self.sql = str(compiled)
        self.order: tuple[str, ...] = tuple(compiled.positiontup or ())
        dialect = engine.dialect
        self.processors: dict[str, Callable[[Any], Any] | None] = {
            name: compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in self.order
        }

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        out = []
        for name in self.order:
            value = values[name]
            process = self.processors[name]
            out.append(process(value) if process is not None and value is not None else value)
        return tuple(out)


class LoopSqlite:
    def __init__(
        self,
        database: str,
        engine: Engine,
        *,
        snoozes: ClauseElement,
        dedupe_keys: ClauseElement,
        insert_issued: ClauseElement,
        until_type: Any,
    ) -> None:
        self._database = database
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # the loop's thread only, but cheap insurance
        self._snoozes = _Statement(snoozes, engine)
        self._dedupe_keys = _Statement(dedupe_keys, engine)
        self._insert = _Statement(insert_issued, engine)
        self._until = until_type.dialect_impl(engine.dialect).result_processor(engine.dialect, None)

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(
                self._database, timeout=0, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA busy_timeout=0")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA wal_autocheckpoint=0")
            self._connection = connection
        return self._connection

    def snoozes(self, patient_key: str) -> list[tuple[str, datetime]]:
        """(topic, until) of the patient's snoozes."""
        parameters = self._snoozes.parameters({"patient_key": patient_key})
        rows = self._read(self._snoozes.sql, parameters)
        process = self._until
        return [(topic, process(until) if process else until) for topic, until in rows]

    def dedupe_keys(
        self, patient_key: str, since: datetime, exclude_hook_instance: str
    ) -> set[str]:
        parameters = self._dedupe_keys.parameters(
            {"patient_key": patient_key, "since": since, "exclude": exclude_hook_instance}
        )
        return {row[0] for row in self._read(self._dedupe_keys.sql, parameters)}

    def _read(self, sql: str, parameters: tuple[Any, ...]) -> list[Any]:
        with self._lock:
            try:
                return self._connect().execute(sql, parameters).fetchall()
            except sqlite3.OperationalError as exc:
                raise LoopBusy(str(exc)) from exc

    def insert_issued(self, rows: Sequence[Mapping[str, Any]]) -> bool:
        """Commit the rows, or return False at once (nothing written) when another connection
        holds the write lock."""
        parameters = [self._insert.parameters(row) for row in rows]
        with self._lock:
            connection = self._connect()
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # "database is locked"
                return False
            try:
                connection.executemany(self._insert.sql, parameters)
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
        return True

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

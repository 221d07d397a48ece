"""INSERT ... ON CONFLICT for both dialects the store supports (SQLite, PostgreSQL): idempotent
writes. Separate because the replay guard (security/replay.py) writes its own table with them.
"""

from __future__ import annotations

import importlib
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection


def dialect_insert(dialect: str, table: Table) -> Any:
    """The INSERT of `dialect` (sqlite or postgresql), which has ON CONFLICT. Its module is
    imported on first use, so an SQLite deployment never loads PostgreSQL's (start-up time,
    issue 14)."""
    if dialect not in ("sqlite", "postgresql"):  # pragma: no cover - only these are supported
        raise RuntimeError(f"unsupported database dialect {dialect}")
    return importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert(table)


def insert_ignore_statement(dialect: str, table: Table) -> Any:
    """INSERT ... ON CONFLICT (primary key) DO NOTHING, for executemany."""
    keys = [c.name for c in table.primary_key.columns]
    return dialect_insert(dialect, table).on_conflict_do_nothing(index_elements=keys)


def insert_ignore(
    conn: Connection, table: Table, rows: list[dict[str, Any]], keys: list[str]
) -> int:
    if not rows:
        return 0
    stmt = dialect_insert(conn.dialect.name, table).on_conflict_do_nothing(index_elements=keys)
    # Count what went in with RETURNING: with psycopg an ON CONFLICT insert reports rowcount -1.
    stmt = stmt.returning(*table.primary_key.columns)
    total = 0
    for row in rows:
        if conn.execute(stmt, row).first() is not None:
            total += 1
    return total

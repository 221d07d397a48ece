"""The schema check at start without Alembic (cds_hooks/storage/schema.py, issue 14).

- `HEAD_REVISION`, which start-up compares with, is the migrations' head.
- A new SQLite file is built, in one transaction, to exactly what the migrations build: every
  statement in the file (tables, indexes, the version row) the same; an interrupted build leaves
  the file empty, and the next start builds it.
- An SQLite file at an older revision is still migrated by Alembic, keeping its rows.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from cds_hooks.storage import schema
from cds_hooks.storage.engine import open_engine
from cds_hooks.storage.store import Store


def _statements(path: Path) -> list[str]:
    """Every statement that rebuilds the file (schema and rows), whitespace normalised: SQLite
    keeps a table's CREATE as written, and ALTER TABLE ADD COLUMN writes its column on the line
    before rather than on a line of its own."""
    with sqlite3.connect(path) as connection:
        return sorted(" ".join(line.split()) for line in connection.iterdump())


def test_the_head_revision_start_up_compares_with_is_the_migrations_head() -> None:
    assert schema.head() == schema.HEAD_REVISION, (
        "a new migration: set schema.HEAD_REVISION to its revision"
    )


def test_a_new_sqlite_file_is_built_to_exactly_what_the_migrations_build(tmp_path: Path) -> None:
    built, migrated = tmp_path / "built.db", tmp_path / "migrated.db"
    engine = open_engine(f"sqlite:///{built}")
    status = schema.ensure(engine)
    engine.dispose()
    assert status == schema.SchemaStatus(
        schema.HEAD_REVISION, schema.HEAD_REVISION, upgraded_from=None, upgraded=True
    )
    engine = open_engine(f"sqlite:///{migrated}")
    assert schema.upgrade(engine) == (None, schema.HEAD_REVISION)
    engine.dispose()

    statements = _statements(built)
    assert statements == _statements(migrated)
    assert any(s.startswith('INSERT INTO "trd_schema_version"') for s in statements)
    assert sum(s.startswith("CREATE TABLE") for s in statements) == 7  # six, and the version


def test_the_comparison_sees_a_difference(tmp_path: Path) -> None:
    """The check above can fail: one index less is a difference."""
    built, migrated = tmp_path / "built.db", tmp_path / "migrated.db"
    for path in (built, migrated):
        engine = open_engine(f"sqlite:///{path}")
        schema.ensure(engine)
        engine.dispose()
    with sqlite3.connect(migrated) as connection:
        connection.execute("DROP INDEX ix_trd_feedback_card_uuid")
    assert _statements(built) != _statements(migrated)


def test_an_interrupted_build_leaves_the_file_empty_and_the_next_start_builds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"

    class Interrupted(Exception):
        pass

    class FailingVersionTable:
        """Fails after the declared tables were created, before the revision is written."""

        def create(self, *_args: object, **_kwargs: object) -> None:
            raise Interrupted

    engine = open_engine(url)
    with monkeypatch.context() as patch:
        patch.setattr(schema, "_version_table", FailingVersionTable())
        with pytest.raises(Interrupted):
            schema.ensure(engine)
    assert inspect(engine).get_table_names() == []
    engine.dispose()

    store = Store(url)
    assert store.schema.upgraded and store.schema.revision == schema.HEAD_REVISION
    store.close()


def test_an_sqlite_file_at_an_older_revision_is_migrated_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = open_engine(f"sqlite:///{path}")
    schema.upgrade(engine, "0001")
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO trd_meta (key, value) VALUES ('patient_key_secret', 'ab')")
    engine.dispose()

    store = Store(f"sqlite:///{path}")
    assert store.schema.upgraded and store.schema.upgraded_from == "0001"
    assert store.schema.revision == schema.HEAD_REVISION
    assert store._secret == bytes.fromhex("ab")
    store.close()


def test_a_database_at_the_head_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "head.db"
    first = Store(f"sqlite:///{path}")
    first.close()
    before = _statements(path)
    second = Store(f"sqlite:///{path}")
    assert not second.schema.upgraded and second.schema.revision == schema.HEAD_REVISION
    assert second._secret == first._secret
    second.close()
    assert _statements(path) == before

"""The databases the store is tested on: a SQLite file always; PostgreSQL when
TRD_CDS_TEST_POSTGRES_URL names a server (scripts/start-postgres.sh starts a throwaway one).

Each PostgreSQL test gets a database of its own, created and dropped around it. `database_url` is
ready for the service, as a deployment's is: a PostgreSQL database migrated to the head revision
(`trd-cds db upgrade`, which the service itself never runs there), an SQLite file left empty (the
service upgrades SQLite itself). `empty_database_url` is empty on both, for the migrations' tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine.url import make_url
from sqlalchemy.pool import NullPool

POSTGRES_ENV = "TRD_CDS_TEST_POSTGRES_URL"


def postgres_base_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set (scripts/with-postgres.sh sets it)")
    return url


def _fresh_postgres_database(*, migrated: bool = True) -> Generator[str, None, None]:
    """A new PostgreSQL database, migrated to the head revision unless `migrated` is False."""
    base = postgres_base_url()
    name = f"trd_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
        if migrated:
            migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate(url: str) -> None:
    """What `trd-cds db upgrade` does: the schema at the head revision."""
    from cds_hooks.storage import schema
    from cds_hooks.storage.engine import open_engine

    engine = open_engine(url)
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()


_DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=_DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database the service can start on: a SQLite file, or a new PostgreSQL database
    migrated to the head revision."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'trd-cds.db'}"
    else:
        yield from _fresh_postgres_database()


@pytest.fixture(params=_DATABASES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database (no schema at all): a SQLite file or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'trd-cds.db'}"
    else:
        yield from _fresh_postgres_database(migrated=False)

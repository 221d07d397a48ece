"""The database schema's version: Alembic migrations (cds_hooks/storage/migrations/), applied by
`trd-cds db upgrade`, checked by the service at start.

Two database users, two jobs. The migrations create and alter tables, so they run as a user with
DDL rights, once per release, before the new version serves: `trd-cds db upgrade` (a Kubernetes
init container, compose's `migrate` service, or a DBA by hand). The service itself only reads and
writes rows: its user needs SELECT, INSERT, UPDATE and DELETE on the `trd_*` tables and USAGE on
their sequences, never CREATE, ALTER or DROP. At start it reads the revision in
`trd_schema_version` and:

- at the head revision: serves;
- behind it (or no revision at all): refuses to start with one line naming both revisions and the
  command to run (`SchemaOutOfDate`), except on SQLite, the embedded single-host database of the
  demo and of `make run`, where it upgrades the file itself (under a file lock, so several workers
  starting at once upgrade it once);
- at a revision this version does not know (a newer release migrated the database, this one was
  rolled back): serves, with a warning: migrations only add to the schema, so the previous
  release's queries still work.

Start-up never imports Alembic when it has nothing to migrate (issue 14: Alembic, with Mako and
Pygments behind it, cost 0.1 to 0.2 s of the cold start before any migration ran): the revision
is read with one SELECT and compared with `HEAD_REVISION`, which a test keeps equal to the
migrations' head. A new SQLite file (no table at all) is built as Alembic's "building an up to
date database from scratch" recipe does it: the declared tables created, then the head revision
written, here in one transaction (a test keeps what this builds identical, statement for
statement, to what the migrations build). Alembic runs only for `trd-cds db`, an SQLite file at
an older revision, and a revision to look up.

An upgrade is never a dropped table holding data: the first revision adopts a database the
service created before migrations existed (it creates only what is missing), and later ones add
columns and tables. PostgreSQL upgrades run in one transaction under an advisory lock, so two
`db upgrade` runs at once (two pods' init containers) apply each migration once.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import ArgumentError

if TYPE_CHECKING:
    from alembic.config import Config

VERSION_TABLE = "trd_schema_version"
# The newest migration's revision (migrations/versions/): a new migration changes it too, or
# tests/deploy/test_schema_start.py fails. Start-up compares with it without loading Alembic.
HEAD_REVISION = "0004"
MIGRATIONS = Path(__file__).resolve().with_name("migrations")
UPGRADE_COMMAND = "trd-cds db upgrade"
# pg_advisory_xact_lock key: any constant the service uses for nothing else ("trd-cds\0").
_PG_LOCK_KEY = 0x7472642D63647300


class SchemaOutOfDate(Exception):
    """The database's schema is behind this version's: run `trd-cds db upgrade`."""

    def __init__(self, current: str | None, head: str) -> None:
        self.current = current
        self.head = head
        found = f"revision {current}" if current else "no schema revision (an empty database)"
        super().__init__(
            f"the database schema is at {found}, this version needs {head}: "
            f"run `{UPGRADE_COMMAND}` with a user allowed to create tables"
        )


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """What `ensure` found: the revision now, and the one it upgraded from (SQLite only)."""

    revision: str | None
    head: str
    upgraded_from: str | None = None
    upgraded: bool = False

    @property
    def newer_than_this_version(self) -> bool:
        return self.revision is not None and self.revision != self.head


# Alembic's version table as Alembic creates it (alembic.runtime.migration), for a database built
# from scratch.
_version_table = Table(
    VERSION_TABLE,
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
)


def declared_metadata() -> MetaData:
    """The tables the code declares (every module that adds one to the store's metadata)."""
    from cds_hooks.security import replay  # noqa: F401 - their tables join the metadata
    from cds_hooks.storage import timeline_store  # noqa: F401
    from cds_hooks.storage.tables import metadata

    return metadata


def config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("version_table", VERSION_TABLE)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The head revision of the migration scripts (Alembic reads them; see HEAD_REVISION)."""
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(config()).get_current_head()
    if revision is None:  # pragma: no cover - the package ships its migrations
        raise RuntimeError(f"no migrations in {MIGRATIONS}")
    return revision


def known(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(config()).get_revision(revision) is not None
    except CommandError:
        return False


def current(connection: Connection) -> str | None:
    """The database's revision (None: no version table, or an empty one). Reads only."""
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def _revision(connection: Connection) -> str | None:
    """`current` without Alembic: the one row of the version table, or None. Anything else
    (several rows: branches, which this project's linear history never has) is Alembic's to
    read, and to refuse."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(select(_version_table.c.version_num)).scalars().all()
    if len(rows) > 1:
        return current(connection)
    return rows[0] if rows else None


def upgrade(engine: Engine, target: str = "head") -> tuple[str | None, str | None]:
    """Apply the migrations up to `target`; (revision before, revision after)."""
    from alembic import command

    with _exclusive(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        before = current(connection)
        command.upgrade(config(connection), target)
        return before, current(connection)


def downgrade(engine: Engine, target: str) -> tuple[str | None, str | None]:
    """Undo migrations down to `target` (development and tests; never needed for an upgrade)."""
    from alembic import command

    with _exclusive(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        before = current(connection)
        command.downgrade(config(connection), target)
        return before, current(connection)


def ensure(engine: Engine) -> SchemaStatus:
    """Check the schema at start (module docstring); upgrade an SQLite database. Raises
    SchemaOutOfDate when a PostgreSQL database is behind."""
    wanted = HEAD_REVISION
    with engine.connect() as connection:
        found = _revision(connection)
    if found == wanted:
        return SchemaStatus(found, wanted)
    if found is not None and not known(found):
        return SchemaStatus(found, wanted)  # newer than this version: additive, still readable
    if engine.dialect.name != "sqlite":
        raise SchemaOutOfDate(found, wanted)
    before, after = _upgrade_sqlite(engine)
    return SchemaStatus(after, wanted, upgraded_from=before, upgraded=before != after)


def _upgrade_sqlite(engine: Engine) -> tuple[str | None, str | None]:
    """`upgrade` for the service's own SQLite file, under its lock: a database with no table at
    all is built from the declared tables (module docstring), any other is migrated."""
    with _exclusive(engine), engine.connect() as connection:
        found = _revision(connection)
        if found == HEAD_REVISION:  # another worker did it while this one waited for the lock
            return found, found
        if found is None and not inspect(connection).get_table_names():
            _create(connection)
            return None, HEAD_REVISION
    return upgrade(engine)


def _create(connection: Connection) -> None:
    """Build an empty SQLite database at the head revision, all or nothing. The Python driver
    runs DDL outside any transaction unless one is open (only DML opens one), so BEGIN is
    explicit; an interrupted build is rolled back when the connection goes back to its pool,
    and the file, still empty, is built at the next start."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    declared_metadata().create_all(connection, checkfirst=False)
    _version_table.create(connection, checkfirst=False)
    connection.execute(_version_table.insert(), {"version_num": HEAD_REVISION})
    connection.commit()


def describe(url: str) -> str:
    """The database's kind and place for a message ("postgresql db.example:5432/trd", "sqlite
    var/trd-cds.db"), never its credentials."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "(unparseable URL)"
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite {parsed.database or ':memory:'}"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.get_backend_name()} {parsed.host or ''}{port}/{parsed.database or ''}"


def first_line(exc: BaseException, url: str) -> str:
    """The driver's first line of an error (what to fix), with the URL's password blanked."""
    cause: object = getattr(exc, "orig", None) or exc
    line = (str(cause).strip().splitlines() or [type(exc).__name__])[0][:300]
    try:
        password = make_url(url).password
    except ArgumentError:
        password = None
    return line.replace(str(password), "***") if password else line


@contextmanager
def _exclusive(engine: Engine) -> Iterator[None]:
    """For an SQLite file, a lock file beside it held while migrating: its DDL is not
    transactional under the Python driver, so two workers starting at once must take turns."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        yield
        return
    lock_path = Path(f"{database}.migrate-lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        with suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)

"""Alembic's environment: migrations run on the connection cds_hooks/storage/schema.py hands over (in its
transaction, under its lock), with the version kept in `trd_schema_version`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from cds_hooks.storage.schema import VERSION_TABLE, declared_metadata

config = context.config


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=declared_metadata(),
        version_table=VERSION_TABLE,
        # SQLite alters a table by copying it: batch mode does that where a migration asks.
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit(
        "trd-cds migrations run against a database: offline (--sql) mode is not supported"
    )

connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the alembic command line, with sqlalchemy.url set: a connection of its own
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "", poolclass=NullPool)
    with engine.begin() as own:
        _run(own)
    engine.dispose()

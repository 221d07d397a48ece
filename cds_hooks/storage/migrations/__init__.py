"""The database schema's Alembic migrations, shipped with the package (cds_hooks/storage/schema.py runs
them; `trd-cds db upgrade` is the command).

Adding one: declare the change in the code's tables (store.py, replay.py, timeline_store.py), then
write `versions/NNNN_what.py` by hand after the last one (`down_revision` = its `revision`), with
`op.add_column` / `op.create_table` / `op.create_index`. Rules: never drop or rewrite a table that
holds data; add columns as nullable (or with a server default) so the previous release, still
running during a rolling upgrade, keeps working; make SQLite changes with
`op.batch_alter_table`. tests/deploy/test_migrations.py checks that the migrations build exactly
the declared tables, from an empty database and from the schema the service created before
migrations existed.
"""

"""Schema migrations (cds_hooks/storage/schema.py, cds_hooks/storage/migrations/), on SQLite and PostgreSQL.

- They build exactly the tables the code declares, from an empty database and from the schema the
  service created before migrations existed (release 0.1.0, reconstructed below from the code of
  that release), and that upgrade loses no row.
- On PostgreSQL the service never migrates: it refuses to start on an old schema with one line
  naming the command; `trd-cds db upgrade` does it, once even when run twice at the same time; and
  the service then runs with a database user that cannot create or alter anything.
- On SQLite (the single-host demo) the service upgrades the file itself.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    inspect,
    select,
    text,
)
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.pool import NullPool

from cds_hooks.app import StartupError, create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.security.replay import DatabaseReplayStore
from cds_hooks.security.tenancy import Scope
from cds_hooks.storage import schema
from cds_hooks.storage.engine import open_engine
from cds_hooks.storage.feedback_records import CardNotIssued, FeedbackRecord
from cds_hooks.storage.store import Store
from tests.deploy.databases import _fresh_postgres_database, migrate, postgres_base_url
from tests.security import chart

ROOT = Path(__file__).resolve().parents[2]
WHEN = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)

# --- the schema of release 0.1.0, as its code declared it (cds_hooks/storage/store.py, replay.py and
# timeline_store.py at that release) and `metadata.create_all` built it -------------------------

LANDED = MetaData()
Table(
    "trd_meta",
    LANDED,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
Table(
    "trd_feedback",
    LANDED,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("service_id", String(200), nullable=False),
    Column("card_uuid", String(200), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("outcome_timestamp", DateTime(timezone=True), nullable=False),
    Column("accepted_suggestions", Text, nullable=True),
    Column("override_code", String(200), nullable=True),
    Column("override_system", String(500), nullable=True),
    Column("override_comment", Text, nullable=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint(
        "service_id", "card_uuid", "outcome", "outcome_timestamp", name="uq_feedback_item"
    ),
)
Table(
    "trd_issued_card",
    LANDED,
    Column("card_uuid", String(64), primary_key=True),
    Column("service_id", String(200), nullable=False),
    Column("hook_instance", String(200), nullable=False),
    Column("topic", String(100), nullable=False),
    Column("patient_key", String(64), nullable=True, index=True),
    Column("dedupe_key", String(300), nullable=True),
    Column("snoozable", Boolean, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
)
Table(
    "trd_snooze",
    LANDED,
    Column("patient_key", String(64), primary_key=True),
    Column("topic", String(100), primary_key=True),
    Column("until", DateTime(timezone=True), nullable=False),
)
Table(
    "trd_jwt_replay",
    LANDED,
    Column("token_key", String(64), primary_key=True),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)
Table(
    "trd_timeline",
    LANDED,
    Column("token", String(64), primary_key=True),
    Column("expires_at", Float, nullable=False, index=True),
    Column("payload", LargeBinary, nullable=False),
)

SECRET = "ab" * 32
OLD_KEY = "f" * 64  # an HMAC patient key as 0.1.0 wrote it
ROWS: dict[str, list[dict[str, Any]]] = {
    "trd_meta": [{"key": "patient_key_secret", "value": SECRET}],
    "trd_feedback": [
        {
            "id": 1,
            "service_id": "trd-patient-view",
            "card_uuid": "6f1c1a52-0d2b-4a8e-9d51-3b0f3c8f6c11",
            "outcome": "overridden",
            "outcome_timestamp": WHEN,
            "accepted_suggestions": None,
            "override_code": "patient-declined",
            "override_system": "urn:trd-cds:override-reason",
            "override_comment": "prefers to wait",
            "received_at": WHEN,
        }
    ],
    "trd_issued_card": [
        {
            "card_uuid": "6f1c1a52-0d2b-4a8e-9d51-3b0f3c8f6c11",
            "service_id": "trd-patient-view",
            "hook_instance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
            "topic": "tms-referral",
            "patient_key": OLD_KEY,
            "dedupe_key": None,
            "snoozable": True,
            "issued_at": WHEN,
        }
    ],
    "trd_snooze": [
        {"patient_key": OLD_KEY, "topic": "tms-referral", "until": WHEN + timedelta(days=90)}
    ],
    "trd_jwt_replay": [{"token_key": "e" * 64, "expires_at": datetime(2099, 1, 1, tzinfo=UTC)}],
    # What 0.1.0 kept: a pickled record. The migration drops it unread.
    "trd_timeline": [{"token": "t" * 43, "expires_at": 4102444800.0, "payload": b"\x80\x05N."}],
}


def create_landed(url: str) -> None:
    """A database as release 0.1.0 left it: its tables, no version table, one row in each."""
    engine = create_engine(url, poolclass=NullPool)
    LANDED.create_all(engine)
    with engine.begin() as conn:
        for name, rows in ROWS.items():
            conn.execute(LANDED.tables[name].insert(), rows)
    engine.dispose()


def _engine(url: str) -> Engine:
    return open_engine(url)


def schema_differences(engine: Engine) -> list[Any]:
    """What separates the database from the tables the code declares (Alembic's comparison)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": schema.VERSION_TABLE})
        return list(compare_metadata(context, schema.declared_metadata()))


def _rows(engine: Engine, table: str) -> list[dict[str, Any]]:
    """The rows of `table`, read through the declared column types (SQLite stores datetimes as
    text)."""
    declared = schema.declared_metadata().tables[table]
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(declared))]


@contextmanager
def postgres_database(*, migrated: bool) -> Iterator[str]:
    databases = _fresh_postgres_database(migrated=migrated)
    try:
        yield next(databases)
    finally:
        databases.close()


def _aware(row: dict[str, Any]) -> dict[str, Any]:
    """SQLite returns naive datetimes (UTC): compare them as UTC."""
    return {
        k: v.replace(tzinfo=UTC) if isinstance(v, datetime) and v.tzinfo is None else v
        for k, v in row.items()
    }


# --- from empty and from 0.1.0 -------------------------------------------------------------------


def test_an_empty_database_migrates_to_exactly_the_declared_schema(empty_database_url: str) -> None:
    engine = _engine(empty_database_url)
    assert schema.upgrade(engine) == (None, schema.head())
    assert schema_differences(engine) == []
    assert schema.upgrade(engine) == (schema.head(), schema.head())  # again: nothing to do
    engine.dispose()


def test_the_landed_schema_upgrades_to_head_without_losing_a_row(empty_database_url: str) -> None:
    create_landed(empty_database_url)
    engine = _engine(empty_database_url)
    with engine.connect() as conn:
        assert schema.current(conn) is None  # 0.1.0 had no version table
    assert schema.upgrade(engine) == (None, schema.head())
    assert schema_differences(engine) == []
    for table in ("trd_meta", "trd_feedback", "trd_snooze", "trd_jwt_replay"):
        assert [_aware(r) for r in _rows(engine, table)] == ROWS[table], table
    (issued,) = [_aware(r) for r in _rows(engine, "trd_issued_card")]
    # Rows from before 0003 have no suggestion ids: feedback on them is not checked against any.
    # Nor, before 0004, the override reasons they offered: any reason snoozes them, as before.
    expected = {"issuer": None, "tenant": None, "suggestion_ids": None, "override_reasons": None}
    assert issued == {**ROWS["trd_issued_card"][0], **expected}
    tables = set(inspect(engine).get_table_names())
    assert "trd_timeline" not in tables  # the pickles are gone, unread
    assert _rows(engine, "trd_stored_record") == []
    engine.dispose()

    # The service starts on it and keeps the deployment's secret (so its patient keys).
    store = Store(empty_database_url)
    assert store.schema.revision == schema.head() and not store.schema.upgraded
    assert store._secret == bytes.fromhex(SECRET)
    assert [r["override_comment"] for r in store.feedback_rows()] == ["prefers to wait"]
    # A card issued before the upgrade has no issuer: feedback on it is refused, not misfiled.
    with pytest.raises(CardNotIssued):
        store.add_feedback(
            [
                FeedbackRecord(
                    "trd-patient-view",
                    ROWS["trd_issued_card"][0]["card_uuid"],
                    "accepted",
                    WHEN + timedelta(hours=1),
                    (),
                    None,
                    None,
                    None,
                )
            ],
            snooze_days=90,
            now=WHEN,
            scope=Scope(),
        )
    store.close()


def test_a_landed_database_that_never_had_the_optional_tables_upgrades_too(
    empty_database_url: str,
) -> None:
    """0.1.0 created the replay and timeline tables only when their store was "database"."""
    engine = create_engine(empty_database_url, poolclass=NullPool)
    LANDED.create_all(
        engine,
        tables=[
            LANDED.tables[n] for n in ("trd_meta", "trd_feedback", "trd_issued_card", "trd_snooze")
        ],
    )
    engine.dispose()
    engine = _engine(empty_database_url)
    schema.upgrade(engine)
    assert schema_differences(engine) == []
    engine.dispose()


def test_downgrading_one_revision_and_upgrading_again_is_clean(empty_database_url: str) -> None:
    engine = _engine(empty_database_url)
    schema.upgrade(engine)
    assert schema.downgrade(engine, "0001") == (schema.head(), "0001")
    assert schema.upgrade(engine) == ("0001", schema.head())
    assert schema_differences(engine) == []
    engine.dispose()


# --- who migrates ----------------------------------------------------------------------------------


@pytest.mark.postgres
def test_on_postgresql_the_service_refuses_an_old_schema_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with postgres_database(migrated=False) as url:
        create_landed(url)
        settings = load_settings(None, database={"url": url})
        with pytest.raises(StartupError) as raised:
            create_app(settings)
        assert raised.value.code == 3
        err = capsys.readouterr().err
        (line,) = [json.loads(x) for x in err.splitlines() if x.startswith("{")]
        assert line["event"] == "service.database_schema_behind" and line["level"] == "error"
        assert line["schemaRevision"] is None and line["schemaNeeded"] == schema.head()
        assert "trd-cds db upgrade" in line["hint"] and "Traceback" not in err
        engine = create_engine(url, poolclass=NullPool)
        assert "trd_schema_version" not in inspect(engine).get_table_names()  # nothing touched
        engine.dispose()


def test_on_sqlite_the_service_upgrades_the_file_itself(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'landed.db'}"
    create_landed(url)
    store = Store(url)
    assert store.schema.upgraded and store.schema.revision == schema.head()
    assert [r["card_uuid"] for r in store.feedback_rows()] == [ROWS["trd_feedback"][0]["card_uuid"]]
    store.close()


def test_several_workers_starting_at_once_on_a_new_sqlite_file_upgrade_it_once(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    stores: list[Store] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        barrier.wait()
        try:
            stores.append(Store(url))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and len(stores) == 4
    assert sum(s.schema.upgraded for s in stores) == 1
    assert len({s._secret for s in stores}) == 1  # one deployment secret
    for s in stores:
        s.close()


@pytest.mark.postgres
def test_two_upgrades_at_once_apply_each_migration_once() -> None:
    """Two pods' init containers: the advisory lock makes the second wait, then find the head."""
    with postgres_database(migrated=False) as url:
        results: list[tuple[str | None, str | None]] = []
        errors: list[BaseException] = []
        barrier = threading.Barrier(2)

        def upgrade() -> None:
            engine = _engine(url)
            barrier.wait()
            try:
                results.append(schema.upgrade(engine))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                engine.dispose()

        threads = [threading.Thread(target=upgrade) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == []
        assert sorted(results, key=str) == sorted(
            [(None, schema.head()), (schema.head(), schema.head())], key=str
        )


def _cli(args: list[str], url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TRD_CDS_DATABASE__URL": url,
        "TRD_CDS_SECRETS_DIR": str(tmp_path),  # no /run/secrets of the machine
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    env.pop("TRD_CDS_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "cds_hooks.cli", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_trd_cds_db_upgrade_and_current(empty_database_url: str, tmp_path: Path) -> None:
    url = empty_database_url
    if url.startswith("postgresql"):  # a password in the URL is never printed
        url = make_url(url).set(password="pw-never-printed").render_as_string(hide_password=False)
    else:  # a SQLite file that does not exist yet is reported, not created (RI finding 11)
        missing = _cli(["db", "current"], url, tmp_path)
        assert missing.returncode == 3, missing.stderr
        assert missing.stderr.startswith("trd-cds: error: no database at ")
        assert not Path(make_url(url).database or "").exists()
        sqlite3.connect(make_url(url).database or "").close()  # an empty file: "schema none"
    before = _cli(["db", "current"], url, tmp_path)
    assert before.returncode == 1, before.stderr
    assert "schema none" in before.stdout and "run `trd-cds db upgrade`" in before.stdout
    upgraded = _cli(["db", "upgrade"], url, tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"schema empty -> {schema.head()} (head)" in upgraded.stdout
    again = _cli(["db", "upgrade"], url, tmp_path)
    assert f"schema already at {schema.head()} (head)" in again.stdout
    after = _cli(["db", "current"], url, tmp_path)
    assert after.returncode == 0 and "at the head" in after.stdout
    for result in (before, upgraded, again, after):
        assert "pw-never-printed" not in result.stdout + result.stderr


def test_trd_cds_db_current_under_a_missing_folder_creates_nothing(tmp_path: Path) -> None:
    """A status command must not write (review RI finding 11): before, the folder and an empty
    database file were created, then reported "behind" with exit 1."""
    folder = tmp_path / "not-there"
    result = _cli(["db", "current"], f"sqlite:///{folder / 'sub' / 'trd.db'}", tmp_path)
    assert result.returncode == 3, result.stderr
    assert result.stderr == (
        f"trd-cds: error: no database at {folder / 'sub' / 'trd.db'}: nothing was created; "
        "`trd-cds db upgrade` creates it\n"
    )
    assert not folder.exists()
    relative = _cli(["db", "current"], "sqlite:///./var/x.db", tmp_path)
    assert relative.returncode == 3 and "no database at var/x.db" in relative.stderr
    assert not (tmp_path / "var").exists()


def test_trd_cds_db_on_an_unreachable_database_is_one_line_and_exit_3(tmp_path: Path) -> None:
    result = _cli(["db", "upgrade"], "postgresql+psycopg://trd:pw-secret@127.0.0.1:1/trd", tmp_path)
    assert result.returncode == 3
    assert result.stderr.startswith("trd-cds: error: the database postgresql 127.0.0.1:1/trd")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "pw-secret" not in result.stderr and "Traceback" not in result.stderr


# --- the service's own user: no DDL rights -------------------------------------------------------


@pytest.fixture
def runtime_url() -> Iterator[str]:
    """The service's database user as README "Production" sets it up: a role that may read and
    write the rows of every table the migrations create (default privileges granted before
    migrating, so no grant is needed after an upgrade), and nothing else. The migrations run as
    the owner (here the test cluster's `postgres`)."""
    postgres_base_url()
    role = f"trd_app_{uuid.uuid4().hex[:10]}"
    with postgres_database(migrated=False) as url:
        owner = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        database = make_url(url).database
        owner_role = make_url(url).username
        with owner.connect() as conn:
            for statement in (
                f'CREATE ROLE "{role}" LOGIN',
                f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                f'GRANT USAGE ON SCHEMA public TO "{role}"',
                f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner_role}" IN SCHEMA public '
                f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{role}"',
                f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner_role}" IN SCHEMA public '
                f'GRANT USAGE, SELECT ON SEQUENCES TO "{role}"',
            ):
                conn.execute(text(statement))
        migrate(url)  # `trd-cds db upgrade`, as the owner
        try:
            yield make_url(url).set(username=role).render_as_string(hide_password=False)
        finally:
            with owner.connect() as conn:
                conn.execute(text(f'DROP OWNED BY "{role}"'))
            owner.dispose()
            admin = create_engine(
                postgres_base_url(), isolation_level="AUTOCOMMIT", poolclass=NullPool
            )
            with admin.connect() as conn:
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
            admin.dispose()


@pytest.mark.postgres
def test_the_service_runs_with_a_user_that_may_not_create_or_alter_tables(
    runtime_url: str,
) -> None:
    engine = create_engine(runtime_url, poolclass=NullPool)
    with pytest.raises(ProgrammingError, match="permission denied"), engine.begin() as conn:
        conn.execute(text("CREATE TABLE trd_probe (id integer)"))
    with pytest.raises(ProgrammingError), engine.begin() as conn:
        conn.execute(text("ALTER TABLE trd_snooze ADD COLUMN probe integer"))
    replay = DatabaseReplayStore(engine)
    assert replay.claim("iss", "jti-1", datetime.now(UTC).timestamp() + 60) is True
    assert replay.claim("iss", "jti-1", datetime.now(UTC).timestamp() + 60) is False
    engine.dispose()

    settings = load_settings(None, database={"url": runtime_url}, logging={"level": "WARNING"})
    assert settings.timeline_store == "database" and settings.replay_store == "database"
    with TestClient(create_app(settings)) as client:
        answer = client.post("/cds-services/trd-patient-view", json=chart.hook_request())
        assert answer.status_code == 200, answer.text
        # A snoozable card: the suicide-risk card (the chart's unassessed item 9 > 0 of months
        # ago, re-screened 0 since) takes override reasons but is never snoozed.
        card = next(
            c
            for c in answer.json()["cards"]
            if c.get("overrideReasons") and c["source"]["topic"]["code"] != "suicide-risk"
        )
        link = next(
            link["url"]
            for c in answer.json()["cards"]
            for link in c.get("links", ())
            if "/timeline/" in link["url"]
        )
        assert client.get(link.split("testserver", 1)[1]).status_code == 200
        item = {
            "card": card["uuid"],
            "outcome": "overridden",
            "outcomeTimestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            "overrideReason": {"reason": card["overrideReasons"][0]},
        }
        feedback = client.post("/cds-services/trd-patient-view/feedback", json={"feedback": [item]})
        assert feedback.status_code == 200, feedback.text
        again = client.post("/cds-services/trd-patient-view", json=chart.hook_request())
        topics = {c["source"]["topic"]["code"] for c in again.json()["cards"]}
        assert card["source"]["topic"]["code"] not in topics  # the snooze was written and read

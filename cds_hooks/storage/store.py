"""What the service keeps: feedback, the cards it issued, snoozes. SQLAlchemy Core over SQLite
(default, a file under ./var) or PostgreSQL (a `postgresql+psycopg://` URL).

Every write is one transaction; feedback is idempotent (the same item twice is one row, enforced by
a unique constraint, so concurrent duplicates cannot both land). Patients are keyed by an HMAC of
the calling EHR (issuer, tenant) and their id with a per-deployment secret kept in the database:
the store never holds a raw patient id, and one EHR's snoozes and de-duplication never reach
another EHR's patient of the same id (tenancy.py). Feedback is accepted only for cards this service
issued to the same EHR.

The tables are created and altered by the migrations (schema.py, `trd-cds db upgrade`), never at
run time, except that an SQLite database is upgraded by the service itself.

Issued cards, written on every hook call, go in batches (issue 6): from a writer thread
(batch_writer.py), or, for an SQLite file, from the event loop itself on a connection that never
waits for a lock (loop_sqlite.py), which also serves a cached answer's snooze and de-duplication
reads.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import secrets
import sqlite3
import time
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    create_engine,
    event,
    literal_column,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.engine.url import make_url
from sqlalchemy.pool import StaticPool

from cds_hooks.security.tenancy import LOCAL_ISSUER, Scope
from cds_hooks.storage.batch_writer import BatchWriter
from cds_hooks.storage.loop_sqlite import LoopSqlite

metadata = MetaData()

meta_table = Table(
    "trd_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

feedback_table = Table(
    "trd_feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("service_id", String(200), nullable=False),
    # Indexed: the de-duplication read joins issued cards to their feedback by card uuid.
    Column("card_uuid", String(200), nullable=False, index=True),
    Column("outcome", String(20), nullable=False),
    Column("outcome_timestamp", DateTime(timezone=True), nullable=False),
    Column("accepted_suggestions", Text, nullable=True),  # JSON array of suggestion uuids
    Column("override_code", String(200), nullable=True),
    Column("override_system", String(500), nullable=True),
    Column("override_comment", Text, nullable=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint(
        "service_id", "card_uuid", "outcome", "outcome_timestamp", name="uq_feedback_item"
    ),
)

issued_table = Table(
    "trd_issued_card",
    metadata,
    Column("card_uuid", String(64), primary_key=True),
    Column("service_id", String(200), nullable=False),
    Column("hook_instance", String(200), nullable=False),
    Column("topic", String(100), nullable=False),
    Column("patient_key", String(64), nullable=True, index=True),
    Column("dedupe_key", String(300), nullable=True),
    Column("snoozable", Boolean, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    # The EHR the card went to (tenancy.py): feedback is accepted from it only. NULL on rows
    # issued before migration 0002.
    Column("issuer", String(500), nullable=True),
    Column("tenant", String(200), nullable=True),
)

snooze_table = Table(
    "trd_snooze",
    metadata,
    Column("patient_key", String(64), primary_key=True),
    Column("topic", String(100), primary_key=True),
    Column("until", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True, slots=True)
class IssuedCard:
    card_uuid: str
    service_id: str
    hook_instance: str
    topic: str
    patient_key: str | None
    dedupe_key: str | None
    snoozable: bool
    issuer: str = LOCAL_ISSUER
    tenant: str | None = None


class CardNotIssued(Exception):
    """Feedback names cards this service did not issue to this caller (nothing was stored)."""

    def __init__(self, positions: list[int]) -> None:
        super().__init__(f"feedback items {positions} name cards not issued to this caller")
        self.positions = positions


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    service_id: str
    card_uuid: str
    outcome: str
    outcome_timestamp: datetime
    accepted_suggestions: tuple[str, ...]
    override_code: str | None
    override_system: str | None
    override_comment: str | None


def issued_rows(cards: Iterable[IssuedCard], now: datetime) -> list[dict[str, Any]]:
    """The trd_issued_card rows of the cards a hook call issued at `now`."""
    return [
        {
            "card_uuid": c.card_uuid,
            "service_id": c.service_id,
            "hook_instance": c.hook_instance,
            "topic": c.topic,
            "patient_key": c.patient_key,
            "dedupe_key": c.dedupe_key,
            "snoozable": c.snoozable,
            "issued_at": now,
            "issuer": c.issuer,
            "tenant": c.tenant,
        }
        for c in cards
    ]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Store:
    def __init__(self, url: str) -> None:
        from cds_hooks.storage import schema  # imports this module's tables

        self.url = url
        self.engine = _engine(url)
        try:
            # At the head revision, or SQLite upgraded here; else SchemaOutOfDate (schema.py).
            self.schema = schema.ensure(self.engine)
        except BaseException:
            self.engine.dispose()
            raise
        self._secret = self._deployment_secret()
        # Built once: constructing a statement costs more than SQLite takes to run it (issue 6).
        self._insert_issued = _insert_ignore_statement(self.engine.dialect.name, issued_table)
        self._issued_writer = BatchWriter(self._write_issued, name="issued-card-writer")
        # The event loop's own connection for a cached answer's reads and writes (SQLite files).
        self._loop = _loop_connection(url, self.engine, self._insert_issued)

    # -- patient keys ---------------------------------------------------------------------------
    def _deployment_secret(self) -> bytes:
        with self.engine.begin() as conn:
            row = conn.execute(
                select(meta_table.c.value).where(meta_table.c.key == "patient_key_secret")
            ).first()
            if row is not None:
                return bytes.fromhex(row[0])
            secret = secrets.token_hex(32)
            _insert_ignore(
                conn, meta_table, [{"key": "patient_key_secret", "value": secret}], ["key"]
            )
            row = conn.execute(
                select(meta_table.c.value).where(meta_table.c.key == "patient_key_secret")
            ).one()
            return bytes.fromhex(row[0])

    def patient_key(self, patient_id: str | None, scope: Scope) -> str | None:
        """The key of this EHR's (issuer, tenant) patient: the same id from another EHR is
        another patient."""
        if not patient_id:
            return None
        material = scope.key_material() + patient_id.encode("utf-8")
        return hmac.new(self._secret, material, hashlib.sha256).hexdigest()

    # -- issued cards ---------------------------------------------------------------------------
    def record_issued(self, cards: Iterable[IssuedCard], now: datetime) -> None:
        """Store the cards a hook call issued; returns once they are committed."""
        future = self.record_issued_later(cards, now)
        if future is not None:
            future.result()

    def record_issued_later(
        self, cards: Iterable[IssuedCard], now: datetime
    ) -> Future[None] | None:
        """Queue the cards for the writer thread, which commits concurrent calls' cards in one
        transaction; the Future completes once they are committed (None: nothing to write)."""
        rows = issued_rows(cards, now)
        return self.write_rows_later(rows) if rows else None

    def write_rows_later(self, rows: list[dict[str, Any]]) -> Future[None]:
        """Queue issued-card rows (`issued_rows`) for the writer thread."""
        return self._issued_writer.submit(rows)

    def write_rows_on_loop(self, rows: list[dict[str, Any]]) -> bool:
        """Commit issued-card rows from the event loop, if the database is free right now; False
        when another connection holds the write lock (nothing was written: hand the rows to
        `write_rows_later`). SQLite files only (`reads_never_wait`); see loop_sqlite.py."""
        return self._loop_only().insert_issued(rows)

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file (PASSIVE: waits for nobody). For a
        thread: it syncs the files to disk."""
        if self._loop is not None:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def _write_issued(self, rows: list[dict[str, Any]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(self._insert_issued, rows)

    def issued_card(self, card_uuid: str) -> IssuedCard | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(issued_table).where(issued_table.c.card_uuid == card_uuid)
            ).first()
        if row is None:
            return None
        return IssuedCard(
            card_uuid=row.card_uuid,
            service_id=row.service_id,
            hook_instance=row.hook_instance,
            topic=row.topic,
            patient_key=row.patient_key,
            dedupe_key=row.dedupe_key,
            snoozable=row.snoozable,
            issuer=row.issuer,
            tenant=row.tenant,
        )

    @property
    def reads_never_wait(self) -> bool:
        """True when the `on_loop=True` reads and `write_rows_on_loop` may run on the event loop:
        SQLite files only (loop_sqlite.py: they never wait for a lock). A PostgreSQL query is a
        network round trip and always goes through the thread pool."""
        return self._loop is not None

    def _loop_only(self) -> LoopSqlite:
        if self._loop is None:
            raise RuntimeError("this store's queries may wait: not from the event loop")
        return self._loop

    def acknowledged_dedupe_keys(
        self,
        patient_key: str | None,
        *,
        since: datetime,
        exclude_hook_instance: str,
        on_loop: bool = False,
    ) -> set[str]:
        """Dedupe keys of this patient's cards (issued since `since` by other hook calls) that the
        clinician already answered: feedback "accepted" or "overridden" on that very card.

        Issued alone is not enough to leave a card out (issue 11 item 15): an EHR re-calls
        order-select as the form changes (same draft, new hookInstance), may drop the earlier
        cards when it calls again (CDS Hooks 2.0.1 "Update stale guidance") and may time out
        before showing one; so a safety or dose card comes back until it was answered. The key
        holds the draft id, topic and dose, so a changed dose is a new key and shows again.
        """
        if patient_key is None:
            return set()
        if on_loop:
            return self._loop_only().dedupe_keys(patient_key, since, exclude_hook_instance)
        parameters = {"patient_key": patient_key, "since": since, "exclude": exclude_hook_instance}
        with self.engine.connect() as conn:
            return {row[0] for row in conn.execute(_DEDUPE_KEYS_OF_PATIENT, parameters)}

    # -- snoozes --------------------------------------------------------------------------------
    def snoozed_topics(
        self, patient_key: str | None, now: datetime, *, on_loop: bool = False
    ) -> set[str]:
        """The patient's current snoozes, as snooze keys (`snooze_key`): a card is snoozed when
        its own key is among them."""
        if patient_key is None:
            return set()
        if on_loop:
            snoozes = self._loop_only().snoozes(patient_key)
            return {topic for topic, until in snoozes if _aware(until) > now}
        with self.engine.connect() as conn:
            rows = conn.execute(_SNOOZES_OF_PATIENT, {"patient_key": patient_key})
            return {row.topic for row in rows if _aware(row.until) > now}

    # -- feedback -------------------------------------------------------------------------------
    def add_feedback(
        self,
        items: Iterable[FeedbackRecord],
        *,
        snooze_days: int,
        now: datetime,
        scope: Scope,
    ) -> int:
        """Store feedback items (idempotently) and apply snoozes, all in one transaction.

        Returns the number of new rows. Every item must name a card this service issued, under
        the item's service id, to the EHR sending the feedback (`scope`): otherwise nothing is
        stored and CardNotIssued names the items. So one EHR cannot answer, and snooze, another
        EHR's cards. An overridden card *with a reason* snoozes its topic for its patient; without
        a reason it does not (the safer reading: a bare dismissal is not a clinical decision about
        the patient). Cards marked not snoozable are never snoozed.
        """
        items = list(items)
        rows = [
            {
                "service_id": i.service_id,
                "card_uuid": i.card_uuid,
                "outcome": i.outcome,
                "outcome_timestamp": _aware(i.outcome_timestamp),
                "accepted_suggestions": json.dumps(list(i.accepted_suggestions))
                if i.accepted_suggestions
                else None,
                "override_code": i.override_code,
                "override_system": i.override_system,
                "override_comment": i.override_comment,
                "received_at": now,
            }
            for i in items
        ]
        with self.engine.begin() as conn:
            cards = _issued_cards(conn, [i.card_uuid for i in items])
            foreign = [
                n
                for n, item in enumerate(items)
                if not _issued_to(cards.get(item.card_uuid), item.service_id, scope)
            ]
            if foreign:
                raise CardNotIssued(foreign)
            inserted = _insert_ignore(
                conn,
                feedback_table,
                rows,
                ["service_id", "card_uuid", "outcome", "outcome_timestamp"],
            )
            if snooze_days > 0:
                for item in items:
                    if item.outcome != "overridden" or not item.override_code:
                        continue
                    card = cards[item.card_uuid]
                    if not card.snoozable or card.patient_key is None:
                        continue
                    # The snooze runs from the override, and an override cannot be later than
                    # its receipt: a future stamp (a wrong EHR clock, year 9999) must not
                    # silence the topic for longer than snooze_days (nor overflow the date).
                    start = min(_aware(item.outcome_timestamp), _aware(now))
                    until = start + timedelta(days=snooze_days)
                    _upsert_snooze(conn, card.patient_key, card.topic, until)
        return inserted

    def feedback_rows(self, card_uuid: str | None = None) -> list[dict[str, Any]]:
        query = select(feedback_table).order_by(feedback_table.c.id)
        if card_uuid is not None:
            query = query.where(feedback_table.c.card_uuid == card_uuid)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1))
            return True
        except Exception:  # noqa: BLE001 - health check: any failure means "not ready"
            return False

    def close(self) -> None:
        self._issued_writer.close()
        if self._loop is not None:
            self._loop.close()
        self.engine.dispose()


def open_engine(url: str) -> Engine:
    """An engine for `url` set up as the store's own (SQLite pragmas, pool sizes); no schema
    check (`trd-cds db` uses it to migrate)."""
    return _engine(url)


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


_SNOOZES_OF_PATIENT = select(snooze_table.c.topic, snooze_table.c.until).where(
    snooze_table.c.patient_key == bindparam("patient_key")
)


# CDS Hooks 2.0 feedback outcomes that answer a card (the spec has no other): written as literals so
# the statement has only the three named parameters (loop_sqlite.py compiles it once, positionally).
ACKNOWLEDGED_OUTCOMES = ("accepted", "overridden")

# The dedupe keys of a patient's answered cards: issued-card rows joined to their feedback rows by
# card uuid and service (Store.acknowledged_dedupe_keys). Both paths use it: SQLAlchemy and the
# loop connection. The patient key holds the calling EHR (tenancy.py) and feedback is stored only
# from the EHR a card went to, so one EHR's answers never leave out another EHR's cards.
_DEDUPE_KEYS_OF_PATIENT = (
    select(issued_table.c.dedupe_key)
    .join(
        feedback_table,
        (feedback_table.c.card_uuid == issued_table.c.card_uuid)
        & (feedback_table.c.service_id == issued_table.c.service_id),
    )
    .where(
        issued_table.c.patient_key == bindparam("patient_key"),
        issued_table.c.dedupe_key.is_not(None),
        issued_table.c.issued_at >= bindparam("since", type_=issued_table.c.issued_at.type),
        issued_table.c.hook_instance != bindparam("exclude"),
        feedback_table.c.outcome.in_(
            [literal_column(f"'{outcome}'") for outcome in ACKNOWLEDGED_OUTCOMES]
        ),
    )
    .distinct()
)


def _loop_connection(url: str, engine: Engine, insert_issued: Any) -> LoopSqlite | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return LoopSqlite(
        parsed.database,
        engine,
        snoozes=_SNOOZES_OF_PATIENT,
        dedupe_keys=_DEDUPE_KEYS_OF_PATIENT,
        insert_issued=insert_issued,
        until_type=snooze_table.c.until.type,
    )


def dialect_insert(dialect: str, table: Table) -> Any:
    """The INSERT of `dialect` (sqlite or postgresql), which has ON CONFLICT. Its module is
    imported on first use, so an SQLite deployment never loads PostgreSQL's (start-up time,
    issue 14)."""
    if dialect not in ("sqlite", "postgresql"):  # pragma: no cover - only these are supported
        raise RuntimeError(f"unsupported database dialect {dialect}")
    return importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert(table)


def _insert_ignore_statement(dialect: str, table: Table) -> Any:
    """INSERT ... ON CONFLICT (primary key) DO NOTHING, for executemany."""
    keys = [c.name for c in table.primary_key.columns]
    return dialect_insert(dialect, table).on_conflict_do_nothing(index_elements=keys)


def _insert_ignore(
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


def _issued_cards(conn: Connection, card_uuids: list[str]) -> dict[str, Any]:
    """The issued-card rows of these uuids, by uuid (one query, in the caller's transaction)."""
    if not card_uuids:
        return {}
    rows = conn.execute(select(issued_table).where(issued_table.c.card_uuid.in_(set(card_uuids))))
    return {row.card_uuid: row for row in rows}


def _issued_to(card: Any, service_id: str, scope: Scope) -> bool:
    """Whether `card` (an issued-card row, or None) was issued by `service_id` to `scope`. Rows
    issued before migration 0002 have no issuer: they match nobody."""
    return (
        card is not None
        and card.service_id == service_id
        and card.issuer == scope.issuer
        and card.tenant == scope.tenant
    )


def _upsert_snooze(conn: Connection, patient_key: str, topic: str, until: datetime) -> None:
    values = {"patient_key": patient_key, "topic": topic, "until": until}
    dialect = "sqlite" if conn.dialect.name == "sqlite" else "postgresql"
    stmt = dialect_insert(dialect, snooze_table).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["patient_key", "topic"], set_={"until": until}
    )
    conn.execute(stmt)


def snooze_key(topic: str, evidence_key: str | None) -> str:
    """What an issued card row's `topic` column and a snooze row hold for a card: its topic, or
    "topic@fingerprint" when the card carries an evidence fingerprint (issue 12:
    Recommendation.evidence_key, services/screen.py). An override snoozes that key, so the
    snooze matches only a card of the same topic resting on the same evidence: a new failed
    trial or a PHQ-9 in another band is a new key, and the card is back (the snooze ends early).
    No new column: a topic is at most 100 characters and a fingerprint 16."""
    return f"{topic}@{evidence_key}" if evidence_key else topic


def utcnow() -> datetime:
    return datetime.now(UTC)

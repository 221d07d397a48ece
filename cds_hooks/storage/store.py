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
reads. The tables are declared in tables.py, the engine set up in engine.py, and the reads both
paths share are queries.py. How a feedback item is judged against its card and the feedback
stored for it, inside the storing transaction, is feedback_checks.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from concurrent.futures import Future
from datetime import datetime
from typing import Any

from sqlalchemy import select

from cds_hooks.security.tenancy import Scope
from cds_hooks.storage.batch_writer import BatchWriter
from cds_hooks.storage.bounded_reads import bounded_read
from cds_hooks.storage.engine import open_engine
from cds_hooks.storage.feedback_checks import (
    answer_of,
    issued_card_rows,
    issued_to,
    lock_cards,
    refusal_of,
    stored_answers,
)
from cds_hooks.storage.feedback_records import (
    CardNotIssued,
    FeedbackRecord,
    FeedbackRefused,
    RefusedItem,
    StoredFeedback,
)
from cds_hooks.storage.inserts import insert_ignore, insert_ignore_statement
from cds_hooks.storage.issued_cards import (
    IssuedCard,
    issued_rows,
    override_reasons_of,
    why_not_snoozed,
)
from cds_hooks.storage.loop_sqlite import LoopSqlite
from cds_hooks.storage.queries import DEDUPE_KEYS_OF_PATIENT, SNOOZES_OF_PATIENT, loop_connection
from cds_hooks.storage.snooze_writes import snooze_card
from cds_hooks.storage.tables import feedback_table, issued_table, meta_table
from cds_hooks.storage.timestamps import aware


class Store:
    def __init__(self, url: str, *, read_timeout_seconds: float | None = None) -> None:
        from cds_hooks.storage import schema  # imports the tables (tables.py)

        self.url = url
        self._read_timeout = read_timeout_seconds  # the hook path's reads (bounded_reads.py)
        self.engine = open_engine(url)
        try:
            # At the head revision, or SQLite upgraded here; else SchemaOutOfDate (schema.py).
            self.schema = schema.ensure(self.engine)
        except BaseException:
            self.engine.dispose()
            raise
        self._secret = self._deployment_secret()
        # Built once: constructing a statement costs more than SQLite takes to run it (issue 6).
        self._insert_issued = insert_ignore_statement(self.engine.dialect.name, issued_table)
        self._issued_writer = BatchWriter(self._write_issued, name="issued-card-writer")
        # The event loop's own connection for a cached answer's reads and writes (SQLite files).
        self._loop = loop_connection(url, self.engine, self._insert_issued)

    # -- patient keys ---------------------------------------------------------------------------
    def _deployment_secret(self) -> bytes:
        with self.engine.begin() as conn:
            row = conn.execute(
                select(meta_table.c.value).where(meta_table.c.key == "patient_key_secret")
            ).first()
            if row is not None:
                return bytes.fromhex(row[0])
            secret = secrets.token_hex(32)
            insert_ignore(
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
            suggestion_ids=None
            if row.suggestion_ids is None
            else tuple(json.loads(row.suggestion_ids)),
            override_reasons=override_reasons_of(row.override_reasons),
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
        holds the draft id, drug, topic and dose and a fingerprint of what the card states
        (services/order_statement.py), so a changed dose, another drug or a new finding is a new
        key and shows again (review 18b U1, U2).
        """
        if patient_key is None:
            return set()
        if on_loop:
            return self._loop_only().dedupe_keys(patient_key, since, exclude_hook_instance)
        parameters = {"patient_key": patient_key, "since": since, "exclude": exclude_hook_instance}
        with bounded_read(self.engine, self._read_timeout) as conn:
            return {row[0] for row in conn.execute(DEDUPE_KEYS_OF_PATIENT, parameters)}

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
            return {topic for topic, until in snoozes if aware(until) > now}
        with bounded_read(self.engine, self._read_timeout) as conn:
            rows = conn.execute(SNOOZES_OF_PATIENT, {"patient_key": patient_key})
            return {row.topic for row in rows if aware(row.until) > now}

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
        EHR's cards. An overridden card *with a reason it offered* snoozes its topic for its
        patient; without a reason, or with one the client added (issued_cards.snoozes_with), it
        does not (the safer reading: a bare dismissal is not a clinical decision about the
        patient). Cards marked not snoozable are never snoozed.

        An item accepting a suggestion its card was not issued with, or contradicting the
        feedback stored for its card (`refusal_of`), is not stored and is named in the result's
        `refused`; the batch's other items are stored (review 8 finding 5, as for unknown cards).
        When no item can be stored, FeedbackRefused names them all and nothing is stored.
        """
        return self.add_feedback_batch(items, snooze_days=snooze_days, now=now, scope=scope).stored

    def add_feedback_batch(
        self,
        items: Iterable[FeedbackRecord],
        *,
        snooze_days: int,
        now: datetime,
        scope: Scope,
    ) -> StoredFeedback:
        """As `add_feedback`, with the items refused for what they say (`refused`)."""
        return self._add_feedback(
            list(items), snooze_days=snooze_days, now=now, scope=scope, keep_known=False
        )

    def add_known_feedback(
        self,
        items: Iterable[FeedbackRecord],
        *,
        snooze_days: int,
        now: datetime,
        scope: Scope,
    ) -> StoredFeedback:
        """As `add_feedback`, but the items naming a card issued to this caller are stored even
        when others in the batch do not (review 8 finding 5: EHRs batch feedback and do not
        resend after a 4xx, so one card the service no longer knows, from before a database
        reset or a lost batch of issued cards, would lose the valid overrides with it, and an
        override drives a snooze). The others are named in `unknown` and stored nowhere, and
        change nothing. A batch with no known card at all raises CardNotIssued (nothing
        stored): a caller posting to the wrong service or the wrong URL should hear it."""
        return self._add_feedback(
            list(items), snooze_days=snooze_days, now=now, scope=scope, keep_known=True
        )

    def _add_feedback(
        self,
        items: list[FeedbackRecord],
        *,
        snooze_days: int,
        now: datetime,
        scope: Scope,
        keep_known: bool,
    ) -> StoredFeedback:
        with self.engine.begin() as conn:
            # Judging an item against its card's stored feedback and storing it must be one step,
            # or two requests at once could store contradicting answers for one card: the cards
            # stay locked until the transaction ends (here, and FOR UPDATE in issued_card_rows).
            lock_cards(conn)
            cards = issued_card_rows(conn, [i.card_uuid for i in items])
            foreign = [
                n
                for n, item in enumerate(items)
                if not issued_to(cards.get(item.card_uuid), item.service_id, scope)
            ]
            if foreign and (not keep_known or len(foreign) == len(items)):
                raise CardNotIssued(foreign)
            skipped = set(foreign)
            answers = stored_answers(
                conn, {(i.service_id, i.card_uuid) for n, i in enumerate(items) if n not in skipped}
            )
            known: list[tuple[int, FeedbackRecord]] = []
            refused: list[RefusedItem] = []
            for n, item in enumerate(items):
                if n in skipped:
                    continue
                key = (item.service_id, item.card_uuid)
                refusal = refusal_of(n, item, cards[item.card_uuid], answers.get(key, []))
                if refusal is not None:
                    refused.append(refusal)
                    continue
                known.append((n, item))
                # A later item of this batch is judged against this one as against a stored row.
                answers.setdefault(key, []).append((answer_of(item), n))
            if not known:
                raise FeedbackRefused(tuple(refused), tuple(foreign))
            rows = [
                {
                    "service_id": i.service_id,
                    "card_uuid": i.card_uuid,
                    "outcome": i.outcome,
                    "outcome_timestamp": aware(i.outcome_timestamp),
                    "accepted_suggestions": json.dumps(list(i.accepted_suggestions))
                    if i.accepted_suggestions
                    else None,
                    "override_code": i.override_code,
                    "override_system": i.override_system,
                    "override_comment": i.override_comment,
                    "received_at": now,
                }
                for _n, i in known
            ]
            inserted = insert_ignore(
                conn,
                feedback_table,
                rows,
                ["service_id", "card_uuid", "outcome", "outcome_timestamp"],
            )
            snoozes: list[tuple[int, str | None]] = []
            for n, item in known:
                if item.outcome != "overridden":
                    continue
                card = cards[item.card_uuid]
                # Only a reason the card offered snoozes it (review 18b M1); stored whatever it is.
                why = why_not_snoozed(
                    card.snoozable,
                    card.patient_key,
                    override_reasons_of(card.override_reasons),
                    item.override_system,
                    item.override_code,
                    snooze_days=snooze_days,
                )
                snoozes.append((n, why))
                if why is None and card.patient_key is not None:
                    # From the card's first override, capped at receipt (snooze_writes.py).
                    snooze_card(
                        conn,
                        card.patient_key,
                        card.topic,
                        card_uuid=item.card_uuid,
                        stamp=item.outcome_timestamp,
                        now=now,
                        snooze_days=snooze_days,
                    )
        return StoredFeedback(inserted, tuple(foreign), tuple(refused), tuple(snoozes))

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

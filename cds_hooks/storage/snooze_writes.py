"""How long an override snoozes its card, and how the snooze is stored: `snooze_days` from the
card's first override, never renewed by the same answer sent again, never shortened.

Review 21 M3: the same override sent again with a later outcomeTimestamp (an EHR re-sending its
queue; CDS Hooks says nothing of resends, and the store keeps each stamp as a row) restarted the
days from the resend, so a card stayed hidden for as long as the client kept resending. Now the
snooze runs from the card's first override: the earliest of its stored overrides, each counted at
its stamp or at its receipt, whichever is earlier (an override cannot be later than its receipt:
a future stamp, a wrong EHR clock, must not lengthen it). A resend cannot move the end later;
nor earlier, below.

New evidence still ends a snooze early: the snooze is stored under the card's snooze key, which
carries its evidence fingerprint (issued_cards.py), and a card resting on other evidence matches
no snooze. A stored snooze is only ever extended: another card of the same key overridden later
(two chart openings before either answer) set a later end, which an older card's answer arriving
afterwards must not cut short. (So an earlier-stamped copy of an answer delivered after a later
one does not pull the end back: the end is then counted from the first copy received.)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from cds_hooks.storage.inserts import dialect_insert
from cds_hooks.storage.tables import feedback_table, snooze_table
from cds_hooks.storage.timestamps import aware


def first_override_at(conn: Connection, card_uuid: str) -> datetime | None:
    """When the card was first overridden, as stored: the earliest of its override rows' stamps
    and receipts (None: no override stored)."""
    rows = conn.execute(
        select(feedback_table.c.outcome_timestamp, feedback_table.c.received_at).where(
            feedback_table.c.card_uuid == card_uuid,
            feedback_table.c.outcome == "overridden",
        )
    )
    return min((min(aware(stamp), aware(received)) for stamp, received in rows), default=None)


def snooze_card(
    conn: Connection,
    patient_key: str,
    snooze_key: str,
    *,
    card_uuid: str,
    stamp: datetime,
    now: datetime,
    snooze_days: int,
) -> None:
    """Snooze `snooze_key` for the patient after an override of `card_uuid` stamped `stamp` and
    received `now` (in the storing transaction, after the override's row is written)."""
    start = min(aware(stamp), aware(now))
    first = first_override_at(conn, card_uuid)
    if first is not None:
        start = min(start, first)
    until = start + timedelta(days=snooze_days)
    dialect = "sqlite" if conn.dialect.name == "sqlite" else "postgresql"
    stmt = dialect_insert(dialect, snooze_table).values(
        patient_key=patient_key, topic=snooze_key, until=until
    )
    # The later end stands. SQLite keeps these as UTC text of one fixed format, so its max()
    # compares them in time order; PostgreSQL's is GREATEST.
    later = func.max if dialect == "sqlite" else func.greatest
    stmt = stmt.on_conflict_do_update(
        index_elements=["patient_key", "topic"],
        set_={"until": later(snooze_table.c.until, stmt.excluded.until)},
    )
    conn.execute(stmt)

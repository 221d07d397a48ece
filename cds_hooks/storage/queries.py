"""The store's snooze and de-duplication reads, built once and shared by both paths: SQLAlchemy
in the thread pool and the event loop's own SQLite connection (loop_sqlite.py), which is opened
here with them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, bindparam, literal_column, select
from sqlalchemy.engine.url import make_url

from cds_hooks.storage.loop_sqlite import LoopSqlite
from cds_hooks.storage.tables import feedback_table, issued_table, snooze_table

SNOOZES_OF_PATIENT = select(snooze_table.c.topic, snooze_table.c.until).where(
    snooze_table.c.patient_key == bindparam("patient_key")
)


# CDS Hooks 2.0 feedback outcomes that answer a card (the spec has no other): written as literals so
# the statement has only the three named parameters (loop_sqlite.py compiles it once, positionally).
ACKNOWLEDGED_OUTCOMES = ("accepted", "overridden")

# The dedupe keys of a patient's answered cards: issued-card rows joined to their feedback rows by
# card uuid and service (Store.acknowledged_dedupe_keys). Both paths use it: SQLAlchemy and the
# loop connection. The patient key holds the calling EHR (tenancy.py) and feedback is stored only
# from the EHR a card went to, so one EHR's answers never leave out another EHR's cards.
DEDUPE_KEYS_OF_PATIENT = (
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


def loop_connection(url: str, engine: Engine, insert_issued: Any) -> LoopSqlite | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return LoopSqlite(
        parsed.database,
        engine,
        snoozes=SNOOZES_OF_PATIENT,
        dedupe_keys=DEDUPE_KEYS_OF_PATIENT,
        insert_issued=insert_issued,
        until_type=snooze_table.c.until.type,
    )

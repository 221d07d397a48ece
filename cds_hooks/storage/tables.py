"""The store's tables, declared once (SQLAlchemy Core): feedback, issued cards, snoozes and the
deployment's own settings. Separate from the Store so the migrations (schema.py), the replay guard
and the timeline store can share the metadata without loading the store itself.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

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
    # JSON array of the uuids of the card's suggestions ("[]": none): feedback may accept only
    # these (integration review 16 M2). NULL on rows issued before migration 0003: not checked.
    Column("suggestion_ids", Text, nullable=True),
    # JSON array of the [system, code] pairs of the card's overrideReasons: only these snooze it
    # (review 18b M1). NULL on rows issued before migration 0004: any reason snoozes, as before.
    Column("override_reasons", Text, nullable=True),
)

snooze_table = Table(
    "trd_snooze",
    metadata,
    Column("patient_key", String(64), primary_key=True),
    Column("topic", String(100), primary_key=True),
    Column("until", DateTime(timezone=True), nullable=False),
)

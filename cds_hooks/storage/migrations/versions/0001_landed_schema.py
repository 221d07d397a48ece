"""The schema as the service created it before migrations existed (release 0.1.0).

Creates only the tables and indexes that are missing, so it both builds an empty database and
adopts one the service created itself with `create_all` (where the replay and timeline tables
exist only if their store was set to "database"). It never alters or drops anything.

Revision ID: 0001
Revises: -
Create Date: 2026-03-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "trd_meta" not in existing:
        op.create_table(
            "trd_meta",
            sa.Column("key", sa.String(64), primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
        )
    if "trd_feedback" not in existing:
        op.create_table(
            "trd_feedback",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("service_id", sa.String(200), nullable=False),
            sa.Column("card_uuid", sa.String(200), nullable=False),
            sa.Column("outcome", sa.String(20), nullable=False),
            sa.Column("outcome_timestamp", sa.DateTime(timezone=True), nullable=False),
            sa.Column("accepted_suggestions", sa.Text, nullable=True),
            sa.Column("override_code", sa.String(200), nullable=True),
            sa.Column("override_system", sa.String(500), nullable=True),
            sa.Column("override_comment", sa.Text, nullable=True),
            sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
            sa.UniqueConstraint(
                "service_id", "card_uuid", "outcome", "outcome_timestamp", name="uq_feedback_item"
            ),
        )
    if "trd_issued_card" not in existing:
        op.create_table(
            "trd_issued_card",
            sa.Column("card_uuid", sa.String(64), primary_key=True),
            sa.Column("service_id", sa.String(200), nullable=False),
            sa.Column("hook_instance", sa.String(200), nullable=False),
            sa.Column("topic", sa.String(100), nullable=False),
            sa.Column("patient_key", sa.String(64), nullable=True),
            sa.Column("dedupe_key", sa.String(300), nullable=True),
            sa.Column("snoozable", sa.Boolean, nullable=False),
            sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        )
        op.create_index("ix_trd_issued_card_patient_key", "trd_issued_card", ["patient_key"])
    if "trd_snooze" not in existing:
        op.create_table(
            "trd_snooze",
            sa.Column("patient_key", sa.String(64), primary_key=True),
            sa.Column("topic", sa.String(100), primary_key=True),
            sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        )
    if "trd_jwt_replay" not in existing:
        op.create_table(
            "trd_jwt_replay",
            sa.Column("token_key", sa.String(64), primary_key=True),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        )
        op.create_index("ix_trd_jwt_replay_expires_at", "trd_jwt_replay", ["expires_at"])
    if "trd_timeline" not in existing:
        op.create_table(
            "trd_timeline",
            sa.Column("token", sa.String(64), primary_key=True),
            sa.Column("expires_at", sa.Float, nullable=False),
            sa.Column("payload", sa.LargeBinary, nullable=False),
        )
        op.create_index("ix_trd_timeline_expires_at", "trd_timeline", ["expires_at"])


def downgrade() -> None:
    # The tables of 0.1.0 held its data: going below the first revision drops nothing.
    pass

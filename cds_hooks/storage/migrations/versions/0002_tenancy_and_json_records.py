"""Issued cards say which EHR they were issued to; evaluated records are stored as JSON.

- `trd_issued_card.issuer`, `.tenant`: the calling EHR (JWT `iss`, and `tenant` when the token
  carries one; a fixed local value with auth off), so feedback is accepted only from the EHR that
  received the card. Nullable: rows issued before this revision have neither, and feedback on them
  is refused (cards are answered within minutes; only feedback in flight during the upgrade is
  concerned). Patient keys now include the issuer and tenant (store.py), so snoozes and
  de-duplication recorded before the upgrade no longer apply: their cards show again, the safer
  direction, and the rows stay until they lapse.
- `trd_feedback.card_uuid` indexed (the de-duplication read joins feedback to issued cards).
- `trd_stored_record` replaces `trd_timeline`: records as JSON data keyed by a hash of their
  link token, instead of pickled objects keyed by the token itself (unpickling a row runs what the
  row says). The old table is dropped with its rows: they are links that lapse within minutes
  (`[timeline] ttl_minutes`), which open again from the patient's chart, and no code may read
  pickles any more.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    with op.batch_alter_table("trd_issued_card") as batch:
        batch.add_column(sa.Column("issuer", sa.String(500), nullable=True))
        batch.add_column(sa.Column("tenant", sa.String(200), nullable=True))
    feedback_indexes = {i["name"] for i in inspector.get_indexes("trd_feedback")}
    if "ix_trd_feedback_card_uuid" not in feedback_indexes:
        op.create_index("ix_trd_feedback_card_uuid", "trd_feedback", ["card_uuid"])
    if "trd_timeline" in inspector.get_table_names():
        op.drop_index("ix_trd_timeline_expires_at", table_name="trd_timeline")
        op.drop_table("trd_timeline")
    op.create_table(
        "trd_stored_record",
        sa.Column("token_key", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("record", sa.Text, nullable=False),
    )
    op.create_index("ix_trd_stored_record_expires_at", "trd_stored_record", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_trd_stored_record_expires_at", table_name="trd_stored_record")
    op.drop_table("trd_stored_record")
    op.create_table(
        "trd_timeline",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_trd_timeline_expires_at", "trd_timeline", ["expires_at"])
    op.drop_index("ix_trd_feedback_card_uuid", table_name="trd_feedback")
    with op.batch_alter_table("trd_issued_card") as batch:
        batch.drop_column("tenant")
        batch.drop_column("issuer")

"""Issued cards keep the override reasons they offered.

- `trd_issued_card.override_reasons`: a JSON array of the `[system, code]` pairs of the card's
  `overrideReasons` (`[]` for a card with none), so only a reason the card offered snoozes it
  (review 18b M1: an EHR's own "wrong-patient" code snoozed a card for 90 days). CDS Hooks lets
  the client add reasons of its own; such feedback is stored but does not snooze. Nullable: rows
  issued before this revision have none, and an override of one with any reason snoozes it, as
  before (cards are answered within minutes; only feedback in flight during the upgrade is
  concerned).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trd_issued_card") as batch:
        batch.add_column(sa.Column("override_reasons", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trd_issued_card") as batch:
        batch.drop_column("override_reasons")

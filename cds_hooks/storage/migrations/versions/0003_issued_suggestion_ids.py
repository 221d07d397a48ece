"""Issued cards keep the uuids of their suggestions.

- `trd_issued_card.suggestion_ids`: a JSON array of the uuids of the suggestions the card was
  issued with (`[]` for a card with none), so feedback accepting a suggestion the card never had
  is refused (integration review 16 M2). Nullable: rows issued before this revision have none,
  and feedback on them is not checked against suggestions (cards are answered within minutes;
  only feedback in flight during the upgrade is concerned, and refusing it would lose it).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trd_issued_card") as batch:
        batch.add_column(sa.Column("suggestion_ids", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trd_issued_card") as batch:
        batch.drop_column("suggestion_ids")

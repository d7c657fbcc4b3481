"""What each `charter sync` last took its snapshot from, per strategy repository (a digest of the
strategy, the facts, the day and Charter's code), so that an unchanged re-sync keeps its snapshot.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_records",
        sa.Column("repository", sa.String(1024), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("repository", name="pk_sync_records"),
    )


def downgrade() -> None:
    op.drop_table("sync_records")

"""Risk register and control history: the residual level and status of every risk per snapshot.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_states",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("risk", sa.String(400), nullable=False),
        sa.Column("level", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["snapshots.id"], name="fk_risk_states_snapshot_id_snapshots", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "risk", name="pk_risk_states"),
    )


def downgrade() -> None:
    op.drop_table("risk_states")

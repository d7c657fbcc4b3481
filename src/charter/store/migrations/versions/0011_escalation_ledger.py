"""Escalation ledger: every escalation `charter escalations` raised, with first and last seen,
acknowledgement, resolution and suppression.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "escalation_ledger",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(400), nullable=True),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("first_seen", utc_datetime, nullable=False),
        sa.Column("last_seen", utc_datetime, nullable=False),
        sa.Column("resolved_at", utc_datetime, nullable=True),
        sa.Column("acknowledged_at", utc_datetime, nullable=True),
        sa.Column("acknowledged_by", sa.String(200), nullable=True),
        sa.Column("acknowledgement", sa.Text(), nullable=True),
        sa.Column("suppressed_reason", sa.Text(), nullable=True),
        sa.Column("suppressed_until", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_escalation_ledger"),
    )


def downgrade() -> None:
    op.drop_table("escalation_ledger")

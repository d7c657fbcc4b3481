"""The last check result of each repository, with the inputs it was computed from.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "check_results",
        sa.Column("repository", sa.String(1024), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("diagnostics", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("repository", name="pk_check_results"),
    )


def downgrade() -> None:
    op.drop_table("check_results")

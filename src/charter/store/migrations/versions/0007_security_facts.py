"""Known-exploited vulnerabilities, EPSS scores and OpenSSF Scorecard results.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Written out rather than imported from charter.store.schema: a revision must keep creating the
# tables as they were at this revision, whatever the schema module says later.
utc_datetime = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "kev_entries",
        sa.Column("cve", sa.String(64), nullable=False),
        sa.Column("vendor", sa.String(400), nullable=False),
        sa.Column("product", sa.String(400), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("date_added", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("known_ransomware", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("cve", name="pk_kev_entries"),
    )
    op.create_table(
        "epss_scores",
        sa.Column("cve", sa.String(64), nullable=False),
        sa.Column("epss", sa.Float(), nullable=False),
        sa.Column("percentile", sa.Float(), nullable=True),
        sa.Column("score_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("cve", name="pk_epss_scores"),
    )
    op.create_table(
        "scorecard_checks",
        sa.Column("repository", sa.String(400), nullable=False),
        sa.Column("check_name", sa.String(200), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("scored_at", utc_datetime, nullable=False),
        sa.Column("repo_commit", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("repository", "check_name", name="pk_scorecard_checks"),
    )


def downgrade() -> None:
    op.drop_table("scorecard_checks")
    op.drop_table("epss_scores")
    op.drop_table("kev_entries")

"""SLI counts per SLO per minute, with hourly rollups: the foundation's placeholder tables (one row
per SLO per minute, too many rows for 1,000 SLOs) are replaced by one row per SLO per UTC day holding
the day's 1,440 minute counts, and one rollup row per SLO per day holding its 24 hourly sums.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.drop_table("sli_hourly")
    op.drop_table("sli_samples")
    op.create_table(
        "sli_samples",
        sa.Column("slo", sa.String(400), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("good", sa.LargeBinary(), nullable=False),
        sa.Column("total", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("slo", "day", name="pk_sli_samples"),
    )
    op.create_index("ix_sli_samples_day", "sli_samples", ["day"])
    op.create_table(
        "sli_hourly",
        sa.Column("slo", sa.String(400), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("good", sa.LargeBinary(), nullable=False),
        sa.Column("total", sa.LargeBinary(), nullable=False),
        sa.Column("minutes", sa.LargeBinary(), nullable=False),
        sa.Column("idle", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("slo", "day", name="pk_sli_hourly"),
    )
    op.create_index("ix_sli_hourly_day", "sli_hourly", ["day"])
    if op.get_bind().dialect.name == "postgresql":
        # A day's packed minutes (about 3 kB) are stored out of line; PostgreSQL would first try to
        # compress them, which costs more CPU than the import's own parsing and gains little.
        for column in ("good", "total"):
            op.execute(f"ALTER TABLE sli_samples ALTER COLUMN {column} SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_index("ix_sli_hourly_day", table_name="sli_hourly")
    op.drop_table("sli_hourly")
    op.drop_index("ix_sli_samples_day", table_name="sli_samples")
    op.drop_table("sli_samples")
    # The foundation's placeholder tables, as revision 0001 created them.
    for rollup, time_column in (("sli_samples", "ts"), ("sli_hourly", "hour")):
        op.create_table(
            rollup,
            sa.Column("slo", sa.String(400), nullable=False),
            sa.Column(time_column, utc_datetime, nullable=False),
            sa.Column("good", sa.Float(), nullable=False),
            sa.Column("total", sa.Float(), nullable=False),
            sa.PrimaryKeyConstraint("slo", time_column, name=f"pk_{rollup}"),
        )

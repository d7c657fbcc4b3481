"""Imported incidents (PagerDuty, Opsgenie, incident.io) merged with postmortems: the foundation's
placeholder `incidents` table is replaced by one keyed by source and the source's id, with action
items, aliases, postmortem and the tool's own severity and service ids.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.drop_index("ix_incidents_started", table_name="incidents")
    op.drop_table("incidents")
    op.create_table(
        "incidents",
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("source_id", sa.String(400), nullable=False),
        sa.Column("id", sa.String(400), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(32), nullable=False),
        sa.Column("source_severity", sa.String(200), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("service_ids", sa.JSON(), nullable=False),
        sa.Column("started", utc_datetime, nullable=False),
        sa.Column("detected", utc_datetime, nullable=True),
        sa.Column("acknowledged", utc_datetime, nullable=True),
        sa.Column("resolved", utc_datetime, nullable=True),
        sa.Column("cause", sa.String(200), nullable=True),
        sa.Column("caused_by_deployment", sa.String(400), nullable=True),
        sa.Column("caused_by_change", sa.String(400), nullable=True),
        sa.Column("postmortem_status", sa.String(64), nullable=True),
        sa.Column("postmortem_date", sa.Date(), nullable=True),
        sa.Column("postmortem_url", sa.Text(), nullable=True),
        sa.Column("action_items", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("imported_from", sa.Text(), nullable=False),
        sa.Column("imported_at", utc_datetime, nullable=False),
        sa.PrimaryKeyConstraint("source", "source_id", name="pk_incidents"),
    )
    op.create_index("ix_incidents_started", "incidents", ["started"])
    op.create_index("ix_incidents_id", "incidents", ["id"])


def downgrade() -> None:
    op.drop_index("ix_incidents_id", table_name="incidents")
    op.drop_index("ix_incidents_started", table_name="incidents")
    op.drop_table("incidents")
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(400), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(32), nullable=True),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("started", utc_datetime, nullable=False),
        sa.Column("detected", utc_datetime, nullable=True),
        sa.Column("acknowledged", utc_datetime, nullable=True),
        sa.Column("resolved", utc_datetime, nullable=True),
        sa.Column("cause", sa.String(200), nullable=True),
        sa.Column("caused_by_deployment", sa.String(400), nullable=True),
        sa.Column("caused_by_change", sa.String(400), nullable=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incidents"),
    )
    op.create_index("ix_incidents_started", "incidents", ["started"])

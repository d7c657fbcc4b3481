"""Lead times packed per deployment, filled from the shipped changes already stored.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_BATCH = 5000


def upgrade() -> None:
    packs = op.create_table(
        "deployment_lead_times",
        sa.Column("deployment_id", sa.String(400), nullable=False),
        sa.Column("lead_seconds", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("deployment_id", name="pk_deployment_lead_times"),
    )
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        connection.execute(
            sa.text(
                "INSERT INTO deployment_lead_times (deployment_id, lead_seconds) "
                "SELECT deployment_id, string_agg(float8send(lead_seconds), ''::bytea ORDER BY lead_start, sha) "
                "FROM deployment_changes GROUP BY deployment_id"
            )
        )
        return
    changes = connection.execute(
        sa.text("SELECT deployment_id, lead_seconds FROM deployment_changes ORDER BY deployment_id, lead_start, sha")
    )
    batch: list[dict[str, object]] = []
    for deployment_id, rows in groupby(changes, key=itemgetter(0)):
        seconds = np.fromiter((row[1] for row in rows), dtype=">f8")
        batch.append({"deployment_id": deployment_id, "lead_seconds": seconds.tobytes()})
        if len(batch) >= _BATCH:
            connection.execute(sa.insert(packs), batch)
            batch = []
    if batch:
        connection.execute(sa.insert(packs), batch)


def downgrade() -> None:
    op.drop_table("deployment_lead_times")

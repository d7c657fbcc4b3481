"""The facts' write generation: one row whose number triggers on every fact table move at each write
that changes a fact, so that `charter sync` learns whether any fact changed by reading it instead of
every fact (`store/schema_generation.py` says which writes move it on each dialect).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The triggers' DDL is the schema module's, which a store created at head runs too; the tables and
# their columns are this revision's, written out or read from the database as it is now.
from charter.store.schema_generation import (
    FactColumn,
    create_fact_triggers,
    drop_fact_triggers,
    fact_columns,
    start_generation,
)

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

WRITTEN = [
    "git_repositories",
    "git_refs",
    "git_tags",
    "component_links",
    "deployments",
    "pull_requests",
    "incidents",
    "sli_hourly",
    "findings",
    "finding_scans",
    "finding_sightings",
    "vex_statements",
    "kev_entries",
    "epss_scores",
    "scorecard_checks",
]
APPENDED = ["commits", "file_changes", "git_head_files", "deployment_changes", "deployment_lead_times", "sli_samples"]
# When a repository was last looked at: every sync sets it, and it is no fact.
NOT_FACTS = {"git_repositories": {"mined_at"}}


def upgrade() -> None:
    op.create_table(
        "fact_generation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("epoch", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fact_generation"),
    )
    op.create_table(
        "fact_write_marks",
        sa.Column("txid", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("txid", name="pk_fact_write_marks"),
    )
    connection = op.get_bind()
    inspector = sa.inspect(connection)

    def columns_of(table: str) -> list[FactColumn]:
        columns = ((column["name"], column["type"]) for column in inspector.get_columns(table))
        return fact_columns(columns, NOT_FACTS.get(table, set()))

    start_generation(connection)
    create_fact_triggers(
        connection,
        {table: columns_of(table) for table in WRITTEN},
        {table: columns_of(table) for table in APPENDED},
    )


def downgrade() -> None:
    drop_fact_triggers(op.get_bind(), WRITTEN, APPENDED)
    op.drop_table("fact_write_marks")
    op.drop_table("fact_generation")

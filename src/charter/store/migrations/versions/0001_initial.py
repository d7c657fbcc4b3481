"""Initial tables: parse cache, snapshots with metric values, and the event tables that sources fill.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Written out rather than imported from charter.store.schema: a revision must keep creating the
# tables as they were at this revision, whatever the schema module says later.
utc_datetime = sa.DateTime(timezone=True)
big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "parse_cache",
        sa.Column("digest", sa.String(128), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("created", utc_datetime, nullable=False),
        sa.PrimaryKeyConstraint("digest", name="pk_parse_cache"),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("taken_at", utc_datetime, nullable=False),
        sa.Column("repo_commit", sa.String(64), nullable=True),
        sa.Column("charter_version", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_snapshots"),
    )
    op.create_index("ix_snapshots_taken_at", "snapshots", ["taken_at"])
    op.create_table(
        "metric_values",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(200), nullable=False),
        sa.Column("scope_kind", sa.String(32), nullable=False),
        sa.Column("scope_ref", sa.String(400), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name="fk_metric_values_snapshot_id_snapshots",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "metric", "scope_kind", "scope_ref", name="pk_metric_values"),
    )
    op.create_index("ix_metric_values_metric_scope", "metric_values", ["metric", "scope_kind", "scope_ref"])
    op.create_table(
        "commits",
        sa.Column("id", big_id, autoincrement=True, nullable=False),
        sa.Column("repository", sa.String(400), nullable=False),
        sa.Column("sha", sa.String(64), nullable=False),
        sa.Column("author_name", sa.String(400), nullable=False),
        sa.Column("author_email", sa.String(400), nullable=False),
        sa.Column("authored_at", utc_datetime, nullable=False),
        sa.Column("committed_at", utc_datetime, nullable=False),
        sa.Column("is_merge", sa.Boolean(), nullable=False),
        sa.Column("additions", sa.Integer(), nullable=False),
        sa.Column("deletions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_commits"),
        sa.UniqueConstraint("repository", "sha", name="uq_commits_repository_sha"),
    )
    op.create_table(
        "deployments",
        sa.Column("id", sa.String(400), nullable=False),
        sa.Column("component", sa.String(400), nullable=False),
        sa.Column("environment", sa.String(200), nullable=False),
        sa.Column("commit_sha", sa.String(64), nullable=True),
        sa.Column("started", utc_datetime, nullable=True),
        sa.Column("finished", utc_datetime, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("rollback_of", sa.String(400), nullable=True),
        sa.Column("hotfix_for", sa.String(400), nullable=True),
        sa.Column("incident", sa.String(400), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_deployments"),
    )
    op.create_index(
        "ix_deployments_component_environment_finished",
        "deployments",
        ["component", "environment", "finished"],
    )
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
    for rollup, time_column in (("sli_samples", "ts"), ("sli_hourly", "hour")):
        op.create_table(
            rollup,
            sa.Column("slo", sa.String(400), nullable=False),
            sa.Column(time_column, utc_datetime, nullable=False),
            sa.Column("good", sa.Float(), nullable=False),
            sa.Column("total", sa.Float(), nullable=False),
            sa.PrimaryKeyConstraint("slo", time_column, name=f"pk_{rollup}"),
        )
    op.create_table(
        "findings",
        sa.Column("id", big_id, autoincrement=True, nullable=False),
        sa.Column("scanner", sa.String(200), nullable=False),
        sa.Column("target", sa.String(400), nullable=False),
        sa.Column("vulnerability_id", sa.String(200), nullable=True),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("package", sa.String(400), nullable=True),
        sa.Column("component", sa.String(400), nullable=True),
        sa.Column("severity", sa.String(32), nullable=False),
        sa.Column("first_seen", utc_datetime, nullable=False),
        sa.Column("last_seen", utc_datetime, nullable=False),
        sa.Column("closed_at", utc_datetime, nullable=True),
        sa.Column("fingerprint", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
        sa.UniqueConstraint("scanner", "target", "fingerprint", name="uq_findings_scanner_target_fingerprint"),
    )
    op.create_index("ix_findings_vulnerability_id", "findings", ["vulnerability_id"])


def downgrade() -> None:
    op.drop_index("ix_findings_vulnerability_id", table_name="findings")
    op.drop_table("findings")
    op.drop_table("sli_hourly")
    op.drop_table("sli_samples")
    op.drop_index("ix_incidents_started", table_name="incidents")
    op.drop_table("incidents")
    op.drop_index("ix_deployments_component_environment_finished", table_name="deployments")
    op.drop_table("deployments")
    op.drop_table("commits")
    op.drop_index("ix_metric_values_metric_scope", table_name="metric_values")
    op.drop_table("metric_values")
    op.drop_index("ix_snapshots_taken_at", table_name="snapshots")
    op.drop_table("snapshots")
    op.drop_table("parse_cache")

"""Security findings, their scans and VEX statements: the foundation's placeholder `findings` table
is replaced by deduplicated findings, one sighting per finding per scanned target (first seen, last
seen, closed), the scans themselves, and VEX statements.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime(timezone=True)
big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.drop_index("ix_findings_vulnerability_id", table_name="findings")
    op.drop_table("findings")
    op.create_table(
        "findings",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("scanner", sa.String(200), nullable=False),
        sa.Column("target", sa.String(1000), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("vulnerability_id", sa.String(200), nullable=True),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("rule_id", sa.String(400), nullable=True),
        sa.Column("package", sa.String(400), nullable=True),
        sa.Column("package_version", sa.String(200), nullable=True),
        sa.Column("purl", sa.Text(), nullable=True),
        sa.Column("fixed_versions", sa.Text(), nullable=False),
        sa.Column("cvss_vector", sa.String(200), nullable=True),
        sa.Column("cvss_score", sa.Float(), nullable=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("component", sa.String(400), nullable=True),
        sa.Column("first_seen", utc_datetime, nullable=False),
        sa.Column("last_seen", utc_datetime, nullable=False),
        sa.Column("closed_at", utc_datetime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
    )
    op.create_index("ix_findings_vulnerability_id", "findings", ["vulnerability_id"])
    op.create_index("ix_findings_component", "findings", ["component"])
    op.create_table(
        "finding_scans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scanner", sa.String(200), nullable=False),
        sa.Column("target", sa.String(1000), nullable=False),
        sa.Column("first_scanned_at", utc_datetime, nullable=False),
        sa.Column("last_scanned_at", utc_datetime, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_finding_scans"),
        sa.UniqueConstraint("scanner", "target", name="uq_finding_scans_scanner_target"),
    )
    op.create_table(
        "finding_sightings",
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.String(32), nullable=False),
        sa.Column("first_seen", utc_datetime, nullable=False),
        sa.Column("last_seen", utc_datetime, nullable=False),
        sa.Column("closed_at", utc_datetime, nullable=True),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["finding_scans.id"], name="fk_finding_sightings_scan_id_finding_scans", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["findings.id"], name="fk_finding_sightings_finding_id_findings", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("scan_id", "finding_id", name="pk_finding_sightings"),
    )
    op.create_index("ix_finding_sightings_finding_id", "finding_sightings", ["finding_id"])
    op.create_table(
        "vex_statements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("vulnerability_id", sa.String(200), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("justification", sa.String(200), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("product", sa.Text(), nullable=True),
        sa.Column("issued_at", utc_datetime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_vex_statements"),
    )
    op.create_index("ix_vex_statements_source", "vex_statements", ["source"])
    op.create_index("ix_vex_statements_vulnerability_id", "vex_statements", ["vulnerability_id"])


def downgrade() -> None:
    op.drop_index("ix_vex_statements_vulnerability_id", table_name="vex_statements")
    op.drop_index("ix_vex_statements_source", table_name="vex_statements")
    op.drop_table("vex_statements")
    op.drop_index("ix_finding_sightings_finding_id", table_name="finding_sightings")
    op.drop_table("finding_sightings")
    op.drop_table("finding_scans")
    op.drop_index("ix_findings_component", table_name="findings")
    op.drop_index("ix_findings_vulnerability_id", table_name="findings")
    op.drop_table("findings")
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

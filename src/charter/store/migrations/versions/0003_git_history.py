"""Git history, tags, refs, pull requests and what each deployment shipped (issue: delivery and code
health from git). The foundation's placeholder `commits` table is replaced by one with parents.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime(timezone=True)
big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.drop_table("commits")
    op.create_table(
        "commits",
        sa.Column("id", big_id, autoincrement=True, nullable=False),
        sa.Column("repository", sa.String(400), nullable=False),
        sa.Column("sha", sa.String(64), nullable=False),
        sa.Column("parents", sa.Text(), nullable=False),
        sa.Column("author_name", sa.String(400), nullable=False),
        sa.Column("author_email", sa.String(400), nullable=False),
        sa.Column("authored_at", utc_datetime, nullable=False),
        sa.Column("committed_at", utc_datetime, nullable=False),
        sa.Column("is_merge", sa.Boolean(), nullable=False),
        sa.Column("additions", sa.Integer(), nullable=False),
        sa.Column("deletions", sa.Integer(), nullable=False),
        sa.Column("files_changed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_commits"),
        sa.UniqueConstraint("repository", "sha", name="uq_commits_repository_sha"),
    )
    op.create_table(
        "git_repositories",
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("mined_at", utc_datetime, nullable=False),
        sa.Column("commit_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_git_repositories"),
    )
    op.create_table(
        "git_refs",
        sa.Column("repository", sa.String(400), nullable=False),
        sa.Column("ref", sa.String(1024), nullable=False),
        sa.Column("sha", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("repository", "ref", name="pk_git_refs"),
    )
    op.create_table(
        "git_tags",
        sa.Column("repository", sa.String(400), nullable=False),
        sa.Column("name", sa.String(1024), nullable=False),
        sa.Column("sha", sa.String(64), nullable=False),
        sa.Column("tagged_at", utc_datetime, nullable=False),
        sa.Column("annotated", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("repository", "name", name="pk_git_tags"),
    )
    op.create_table(
        "file_changes",
        sa.Column("id", big_id, autoincrement=True, nullable=False),
        sa.Column("repository", sa.String(400), nullable=False),
        sa.Column("sha", sa.String(64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("old_path", sa.Text(), nullable=True),
        sa.Column("additions", sa.Integer(), nullable=True),
        sa.Column("deletions", sa.Integer(), nullable=True),
        sa.Column("author_email", sa.String(400), nullable=False),
        sa.Column("authored_at", utc_datetime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_file_changes"),
    )
    op.create_index("ix_file_changes_repository_authored_at", "file_changes", ["repository", "authored_at"])
    op.create_table(
        "pull_requests",
        sa.Column("repository", sa.String(400), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("merge_commit_sha", sa.String(64), nullable=True),
        sa.Column("created", utc_datetime, nullable=False),
        sa.Column("merged", utc_datetime, nullable=True),
        sa.Column("first_commit_at", utc_datetime, nullable=True),
        sa.PrimaryKeyConstraint("repository", "number", name="pk_pull_requests"),
    )
    op.create_index("ix_pull_requests_repository_merge_commit_sha", "pull_requests", ["repository", "merge_commit_sha"])
    op.create_table(
        "deployment_changes",
        sa.Column("deployment_id", sa.String(400), nullable=False),
        sa.Column("sha", sa.String(64), nullable=False),
        sa.Column("lead_start", utc_datetime, nullable=False),
        sa.Column("lead_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("deployment_id", "sha", name="pk_deployment_changes"),
    )
    op.create_table(
        "component_links",
        sa.Column("component", sa.String(400), nullable=False),
        sa.Column("fingerprint", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("component", name="pk_component_links"),
    )
    op.create_index("ix_deployments_finished", "deployments", ["finished"])


def downgrade() -> None:
    op.drop_index("ix_deployments_finished", table_name="deployments")
    op.drop_table("component_links")
    op.drop_table("deployment_changes")
    op.drop_index("ix_pull_requests_repository_merge_commit_sha", table_name="pull_requests")
    op.drop_table("pull_requests")
    op.drop_index("ix_file_changes_repository_authored_at", table_name="file_changes")
    op.drop_table("file_changes")
    op.drop_table("git_tags")
    op.drop_table("git_refs")
    op.drop_table("git_repositories")
    op.drop_table("commits")
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

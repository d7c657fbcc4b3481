"""Code health on the default branch: which branch each repository's default is, its files at the head
with their lines, and each commit's `Co-authored-by` trailers (for the share of changes made by AI
coding agents). Repositories mined before have no head until the next `charter sync` reads it; their
commits keep no trailers (NULL, not empty) until they are mined again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("git_repositories", sa.Column("default_branch", sa.String(1024), nullable=True))
    op.add_column("git_repositories", sa.Column("head_sha", sa.String(64), nullable=True))
    op.add_column("commits", sa.Column("co_authors", sa.Text(), nullable=True))
    op.create_table(
        "git_head_files",
        sa.Column("repository", sa.String(400), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("repository", "path", name="pk_git_head_files"),
    )


def downgrade() -> None:
    op.drop_table("git_head_files")
    with op.batch_alter_table("commits") as commits:
        commits.drop_column("co_authors")
    with op.batch_alter_table("git_repositories") as repositories:
        repositories.drop_column("head_sha")
        repositories.drop_column("default_branch")

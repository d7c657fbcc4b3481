"""The store's tables, as SQLAlchemy Core metadata. Alembic revisions create them; the two are kept
in lockstep by a test that compares this metadata with a migrated database."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from charter.store.types import UtcDateTime

# Constraint names fixed by convention, so later revisions can name what they alter on both dialects.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# SQLite gives rowids only to INTEGER PRIMARY KEY; PostgreSQL gets 64-bit keys for large tables.
BigId = BigInteger().with_variant(Integer(), "sqlite")

parse_cache = Table(
    "parse_cache",
    metadata,
    Column("digest", String(128), primary_key=True),
    # Stdlib JSON text, not a JSON column: YAML's .nan and .inf are not valid PostgreSQL json.
    Column("documents", Text, nullable=False),
    Column("created", UtcDateTime, nullable=False),
)

# The last `charter check` of each repository, with the inputs it read, so an unchanged repository
# is answered without loading it (revision 0002).
check_results = Table(
    "check_results",
    metadata,
    Column("repository", String(1024), primary_key=True),
    Column("inputs", Text, nullable=False),
    Column("diagnostics", Text, nullable=False),
    Column("created", UtcDateTime, nullable=False),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("taken_at", UtcDateTime, nullable=False, index=True),
    Column("repo_commit", String(64)),
    Column("charter_version", String(64), nullable=False),
)

metric_values = Table(
    "metric_values",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("metric", String(200), primary_key=True),
    Column("scope_kind", String(32), primary_key=True),
    Column("scope_ref", String(400), primary_key=True),
    Column("value", Float),
    Column("unit", String(32), nullable=False),
    Index("ix_metric_values_metric_scope", "metric", "scope_kind", "scope_ref"),
)

# Git history (revision 0003). One row per commit per repository; `parents` is space-separated shas,
# which is all the ancestry walk needs. File changes carry their commit's author and time so code
# health reads them without a join.
git_repositories = Table(
    "git_repositories",
    metadata,
    Column("name", String(400), primary_key=True),
    Column("location", Text, nullable=False),
    Column("mined_at", UtcDateTime, nullable=False),
    Column("commit_count", Integer, nullable=False),
)

git_refs = Table(
    "git_refs",
    metadata,
    Column("repository", String(400), primary_key=True),
    Column("ref", String(1024), primary_key=True),
    Column("sha", String(64), nullable=False),
)

git_tags = Table(
    "git_tags",
    metadata,
    Column("repository", String(400), primary_key=True),
    Column("name", String(1024), primary_key=True),
    Column("sha", String(64), nullable=False),
    Column("tagged_at", UtcDateTime, nullable=False),
    Column("annotated", Boolean, nullable=False),
)

commits = Table(
    "commits",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("repository", String(400), nullable=False),
    Column("sha", String(64), nullable=False),
    Column("parents", Text, nullable=False),
    Column("author_name", String(400), nullable=False),
    Column("author_email", String(400), nullable=False),
    Column("authored_at", UtcDateTime, nullable=False),
    Column("committed_at", UtcDateTime, nullable=False),
    Column("is_merge", Boolean, nullable=False),
    Column("additions", Integer, nullable=False),
    Column("deletions", Integer, nullable=False),
    Column("files_changed", Integer, nullable=False),
    UniqueConstraint("repository", "sha"),
)

file_changes = Table(
    "file_changes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("repository", String(400), nullable=False),
    Column("sha", String(64), nullable=False),
    Column("path", Text, nullable=False),
    Column("old_path", Text),
    Column("additions", Integer),
    Column("deletions", Integer),
    Column("author_email", String(400), nullable=False),
    Column("authored_at", UtcDateTime, nullable=False),
    Index("ix_file_changes_repository_authored_at", "repository", "authored_at"),
)

pull_requests = Table(
    "pull_requests",
    metadata,
    Column("repository", String(400), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("merge_commit_sha", String(64)),
    Column("created", UtcDateTime, nullable=False),
    Column("merged", UtcDateTime),
    Column("first_commit_at", UtcDateTime),
    Index("ix_pull_requests_repository_merge_commit_sha", "repository", "merge_commit_sha"),
)

# What each deployment shipped (its non-merge commits reachable from it and from no earlier
# deployment of its component), computed by `charter sync` from the commit graph.
deployment_changes = Table(
    "deployment_changes",
    metadata,
    Column("deployment_id", String(400), primary_key=True),
    Column("sha", String(64), primary_key=True),
    Column("lead_start", UtcDateTime, nullable=False),
    Column("lead_seconds", Float, nullable=False),
)

# The inputs each component's links were computed from, so an unchanged component is not walked again.
component_links = Table(
    "component_links",
    metadata,
    Column("component", String(400), primary_key=True),
    Column("fingerprint", String(128), nullable=False),
)

deployments = Table(
    "deployments",
    metadata,
    Column("id", String(400), primary_key=True),
    Column("component", String(400), nullable=False),
    Column("environment", String(200), nullable=False),
    Column("commit_sha", String(64)),
    Column("started", UtcDateTime),
    Column("finished", UtcDateTime, nullable=False),
    Column("status", String(32), nullable=False),
    Column("source", String(200), nullable=False),
    Column("rollback_of", String(400)),
    Column("hotfix_for", String(400)),
    Column("incident", String(400)),
    Index("ix_deployments_component_environment_finished", "component", "environment", "finished"),
    Index("ix_deployments_finished", "finished"),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", String(400), primary_key=True),
    Column("title", Text, nullable=False),
    Column("severity", String(32)),
    Column("services", JSON, nullable=False),
    Column("started", UtcDateTime, nullable=False),
    Column("detected", UtcDateTime),
    Column("acknowledged", UtcDateTime),
    Column("resolved", UtcDateTime),
    Column("cause", String(200)),
    Column("caused_by_deployment", String(400)),
    Column("caused_by_change", String(400)),
    Column("source", String(200), nullable=False),
    Index("ix_incidents_started", "started"),
)

sli_samples = Table(
    "sli_samples",
    metadata,
    Column("slo", String(400), primary_key=True),
    Column("ts", UtcDateTime, primary_key=True),
    Column("good", Float, nullable=False),
    Column("total", Float, nullable=False),
)

sli_hourly = Table(
    "sli_hourly",
    metadata,
    Column("slo", String(400), primary_key=True),
    Column("hour", UtcDateTime, primary_key=True),
    Column("good", Float, nullable=False),
    Column("total", Float, nullable=False),
)

findings = Table(
    "findings",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("scanner", String(200), nullable=False),
    Column("target", String(400), nullable=False),
    Column("vulnerability_id", String(200)),
    Column("aliases", JSON, nullable=False),
    Column("package", String(400)),
    Column("component", String(400)),
    Column("severity", String(32), nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("last_seen", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime),
    Column("fingerprint", String(200), nullable=False),
    UniqueConstraint("scanner", "target", "fingerprint"),
    Index("ix_findings_vulnerability_id", "vulnerability_id"),
)

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

commits = Table(
    "commits",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("repository", String(400), nullable=False),
    Column("sha", String(64), nullable=False),
    Column("author_name", String(400), nullable=False),
    Column("author_email", String(400), nullable=False),
    Column("authored_at", UtcDateTime, nullable=False),
    Column("committed_at", UtcDateTime, nullable=False),
    Column("is_merge", Boolean, nullable=False),
    Column("additions", Integer, nullable=False),
    Column("deletions", Integer, nullable=False),
    UniqueConstraint("repository", "sha"),
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

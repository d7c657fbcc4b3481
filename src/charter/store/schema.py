"""The store's tables, as SQLAlchemy Core metadata. Alembic revisions create them; the two are kept
in lockstep by a test that compares this metadata with a migrated database."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from charter.store.schema_base import NAMING_CONVENTION as NAMING_CONVENTION
from charter.store.schema_base import BigId as BigId
from charter.store.schema_base import metadata as metadata
from charter.store.schema_generation import fact_generation as fact_generation
from charter.store.schema_generation import fact_write_marks as fact_write_marks
from charter.store.schema_server import server_secrets as server_secrets
from charter.store.schema_sync import sync_records as sync_records
from charter.store.types import UtcDateTime

# parse_cache and check_results (revisions 0001 and 0002) are no longer written: the caches moved
# to the repository's own `.charter/cache.sqlite` (`local_cache.py`), so that `charter check` needs
# no store. The tables stay until a migration drops them; what they hold is never read.
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
    # The branch code health describes and the commit its head files were read at (None: not yet read).
    Column("default_branch", String(1024)),
    Column("head_sha", String(64)),
)

# The files at the head of each repository's default branch, with their lines (None: binary).
git_head_files = Table(
    "git_head_files",
    metadata,
    Column("repository", String(400), primary_key=True),
    Column("path", Text, primary_key=True),
    Column("lines", Integer),
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
    # The message's `Co-authored-by` trailers, one a line; None for commits mined before they were read.
    Column("co_authors", Text),
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

# The same lead times packed per deployment (big-endian float64, the order of its changes), so that
# `charter delivery` over years reads one row per deployment, not one per change.
deployment_lead_times = Table(
    "deployment_lead_times",
    metadata,
    Column("deployment_id", String(400), primary_key=True),
    Column("lead_seconds", LargeBinary, nullable=False),
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

# Imported incidents (revision 0005): one row per incident of an export, keyed by the tool and the
# tool's own id, so that importing the same export again updates rather than duplicates. `id` is
# the id people write in postmortems' `aliases` (PagerDuty's id, Opsgenie's tinyId, incident.io's
# reference); `aliases` holds the tool's other names for it. Services are component keys where the
# catalog matched them, else the tool's service names; `service_ids` keeps the tool's service ids.
incidents = Table(
    "incidents",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("source_id", String(400), primary_key=True),
    Column("id", String(400), nullable=False),
    Column("title", Text, nullable=False),
    Column("severity", String(32), nullable=False),
    Column("source_severity", String(200)),
    Column("status", String(32), nullable=False),
    Column("services", JSON, nullable=False),
    Column("service_ids", JSON, nullable=False),
    Column("started", UtcDateTime, nullable=False),
    Column("detected", UtcDateTime),
    Column("acknowledged", UtcDateTime),
    Column("resolved", UtcDateTime),
    Column("cause", String(200)),
    Column("caused_by_deployment", String(400)),
    Column("caused_by_change", String(400)),
    Column("postmortem_status", String(64)),
    Column("postmortem_date", Date),
    Column("postmortem_url", Text),
    Column("action_items", JSON, nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("url", Text),
    Column("imported_from", Text, nullable=False),
    Column("imported_at", UtcDateTime, nullable=False),
    Index("ix_incidents_started", "started"),
    Index("ix_incidents_id", "id"),
)

# SLI counts (revision 0004): one row per SLO per UTC day. `good` and `total` hold the day's 1,440
# per-minute event counts as little-endian float64 (NaN: no sample for that minute, a gap; a total
# of 0: a minute without traffic). `sli_hourly` is their rollup written at import: 24 sums of good
# and total, how many minutes of each hour had a sample and how many of those had no traffic (uint8
# each), so reports read 24 numbers per day instead of 1,440. See store/sli.py.
sli_samples = Table(
    "sli_samples",
    metadata,
    Column("slo", String(400), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("good", LargeBinary, nullable=False),
    Column("total", LargeBinary, nullable=False),
    Index("ix_sli_samples_day", "day"),
)

sli_hourly = Table(
    "sli_hourly",
    metadata,
    Column("slo", String(400), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("good", LargeBinary, nullable=False),
    Column("total", LargeBinary, nullable=False),
    Column("minutes", LargeBinary, nullable=False),
    Column("idle", LargeBinary, nullable=False),
    Index("ix_sli_hourly_day", "day"),
)

# Security findings (revision 0006). One row per deduplicated finding (`id`: digests of its component
# or target, then of its key, so one scan's findings sit together in the index);
# when and by which scan it was seen is in `finding_sightings`, one row per finding per scan target, so
# a finding is open while any scanner still reports it. VEX statements are kept apart and applied on read.
findings = Table(
    "findings",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("key", Text, nullable=False),
    Column("scanner", String(200), nullable=False),
    Column("target", String(1000), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("vulnerability_id", String(200)),
    Column("aliases", Text, nullable=False),  # JSON array of text
    Column("rule_id", String(400)),
    Column("package", String(400)),
    Column("package_version", String(200)),
    Column("purl", Text),
    Column("fixed_versions", Text, nullable=False),  # JSON array of text
    Column("cvss_vector", String(200)),
    Column("cvss_score", Float),
    Column("path", Text),
    Column("line", Integer),
    Column("component", String(400)),
    # Over every target it was seen on (kept from finding_sightings at each import, so reads are one scan).
    Column("first_seen", UtcDateTime, nullable=False),
    Column("last_seen", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime),
    Index("ix_findings_vulnerability_id", "vulnerability_id"),
    Index("ix_findings_component", "component"),
)

finding_scans = Table(
    "finding_scans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scanner", String(200), nullable=False),
    Column("target", String(1000), nullable=False),
    Column("first_scanned_at", UtcDateTime, nullable=False),
    Column("last_scanned_at", UtcDateTime, nullable=False),
    Column("source", Text, nullable=False),
    UniqueConstraint("scanner", "target"),
)

finding_sightings = Table(
    "finding_sightings",
    metadata,
    Column("scan_id", Integer, ForeignKey("finding_scans.id", ondelete="CASCADE"), primary_key=True),
    Column("finding_id", String(32), ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("last_seen", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime),
    Index("ix_finding_sightings_finding_id", "finding_id"),
)

vex_statements = Table(
    "vex_statements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(1000), nullable=False),
    Column("vulnerability_id", String(200), nullable=False),
    Column("state", String(32), nullable=False),
    Column("justification", String(200)),
    Column("detail", Text),
    Column("product", Text),
    Column("issued_at", UtcDateTime, nullable=False),
    Index("ix_vex_statements_source", "source"),
    Index("ix_vex_statements_vulnerability_id", "vulnerability_id"),
)

# Security facts (revision 0007): CISA's known-exploited vulnerabilities, FIRST's EPSS scores, and
# OpenSSF Scorecard check results per repository. Each import replaces what it covers: the KEV
# catalog and the EPSS scores as a whole, a Scorecard result the checks of its repository.
kev_entries = Table(
    "kev_entries",
    metadata,
    Column("cve", String(64), primary_key=True),
    Column("vendor", String(400), nullable=False),
    Column("product", String(400), nullable=False),
    Column("name", Text, nullable=False),
    Column("date_added", Date, nullable=False),
    Column("due_date", Date),
    Column("known_ransomware", Boolean, nullable=False),
)

epss_scores = Table(
    "epss_scores",
    metadata,
    Column("cve", String(64), primary_key=True),
    Column("epss", Float, nullable=False),
    Column("percentile", Float),
    Column("score_date", Date),
)

scorecard_checks = Table(
    "scorecard_checks",
    metadata,
    Column("repository", String(400), primary_key=True),
    Column("check_name", String(200), primary_key=True),
    Column("score", Integer),
    Column("reason", Text, nullable=False),
    Column("details", JSON, nullable=False),
    Column("scored_at", UtcDateTime, nullable=False),
    Column("repo_commit", String(64)),
)

# The risk register as each snapshot saw it (revision 0008): `charter risks` tells new risks,
# closures and level changes since the last snapshot from it.
risk_states = Table(
    "risk_states",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("risk", String(400), primary_key=True),
    Column("level", String(64), nullable=False),
    Column("status", String(32), nullable=False),
)

# The escalation ledger (revision 0011): each escalation `charter escalations` raised, by its id (the
# code and a digest of its fingerprint), with first and last seen, acknowledgement, resolution and
# the suppression that hides it.
escalation_ledger = Table(
    "escalation_ledger",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("fingerprint", Text, nullable=False),
    Column("code", String(8), nullable=False),
    Column("subject", Text, nullable=False),
    Column("owner", String(400)),
    Column("severity", String(16), nullable=False),
    Column("message", Text, nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("last_seen", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime),
    Column("acknowledged_at", UtcDateTime),
    Column("acknowledged_by", String(200)),
    Column("acknowledgement", Text),
    Column("suppressed_reason", Text),
    Column("suppressed_until", Date),
)

# The server's bearer tokens (revision 0012): only a SHA-256 digest of each token is kept; `prefix`
# is the token's first characters, for telling tokens apart in `charter token list`.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("digest", String(64), nullable=False, unique=True),
    Column("prefix", String(32), nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("expires", UtcDateTime),
    Column("last_used", UtcDateTime),
    Column("revoked", UtcDateTime),
)

# What was written through the server or the token commands, and which token was used (revision 0012).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    Column("action", String(100), nullable=False),
    Column("target", String(400), nullable=False),
    Column("detail", Text, nullable=False),
)

# Webhooks in (revision 0013): each event id received (a repeat changes nothing), and each signed
# message's id and timestamp (the same signature again is a replay, refused).
event_receipts = Table(
    "event_receipts",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("event_id", String(400), primary_key=True),
    # Indexed (revision 0014): receipts older than the retention are pruned by it.
    Column("received_at", UtcDateTime, nullable=False, index=True),
)
webhook_messages = Table(
    "webhook_messages",
    metadata,
    Column("message_id", String(200), primary_key=True),
    Column("signed_at", BigInteger, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)

# Webhooks out (revision 0013): subscriptions (admin) and the outbox a worker delivers from.
webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(2000), nullable=False),
    Column("events", JSON, nullable=False),
    Column("secret", String(200), nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("disabled", UtcDateTime),
    Column("disabled_reason", String(400)),
)
webhook_outbox = Table(
    "webhook_outbox",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("subscription_id", Integer, nullable=False, index=True),
    Column("event_type", String(64), nullable=False),
    Column("message_id", String(64), nullable=False, unique=True),
    Column("payload", Text, nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt", UtcDateTime, nullable=False, index=True),
    Column("delivered", UtcDateTime),
    Column("failed", UtcDateTime),
    Column("last_error", String(400)),
)

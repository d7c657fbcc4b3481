"""Every revision upgrades and downgrades on SQLite and PostgreSQL, and the head revision matches the
table metadata the queries use."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from charter.store.database import create_store_engine, downgrade_schema, upgrade_schema
from charter.store.schema import metadata

# The tables revision 0001 created (some replaced since, under the same names).
INITIAL_TABLES = {
    "parse_cache",
    "snapshots",
    "metric_values",
    "commits",
    "deployments",
    "incidents",
    "sli_samples",
    "sli_hourly",
    "findings",
}
GIT_TABLES = {
    "git_repositories",
    "git_refs",
    "git_tags",
    "file_changes",
    "pull_requests",
    "deployment_changes",
    "component_links",
}
# Revisions 0004-0010: imported incidents, SLI counts, findings, security facts, the register's
# history, packed lead times, the default branch's files at the head.
LATER_TABLES = {
    "finding_scans",
    "finding_sightings",
    "vex_statements",
    "kev_entries",
    "epss_scores",
    "scorecard_checks",
    "risk_states",
    "deployment_lead_times",
    "git_head_files",
    "escalation_ledger",
}
# Revision 0012: the server's tokens and its audit log.
SERVER_TABLES = {"api_tokens", "audit_log"}
# Revision 0013: webhooks in (receipts, signed messages) and out (subscriptions, outbox).
WEBHOOK_TABLES = {"event_receipts", "webhook_messages", "webhook_subscriptions", "webhook_outbox"}
# Revision 0014: the server's secrets (the session cookies' signing key).
SECRET_TABLES = {"server_secrets"}
# Revision 0015: what each sync last took its snapshot from.
SYNC_TABLES = {"sync_records"}
# Revision 0016: the facts' write generation.
GENERATION_TABLES = {"fact_generation", "fact_write_marks"}
STORE_TABLES = (
    INITIAL_TABLES
    | {"check_results"}
    | GIT_TABLES
    | LATER_TABLES
    | SERVER_TABLES
    | WEBHOOK_TABLES
    | SECRET_TABLES
    | SYNC_TABLES
    | GENERATION_TABLES
)


def test_store_tables_are_the_metadata_tables():
    assert set(metadata.tables) == STORE_TABLES


def test_upgrade_downgrade_upgrade_creates_and_drops_every_table(database_url):
    engine = create_store_engine(database_url)
    try:
        with engine.begin() as connection:
            upgrade_schema(connection)
        assert set(inspect(engine).get_table_names()) >= STORE_TABLES

        with engine.begin() as connection:
            downgrade_schema(connection)
        assert not STORE_TABLES & set(inspect(engine).get_table_names())

        with engine.begin() as connection:
            upgrade_schema(connection)
        assert set(inspect(engine).get_table_names()) >= STORE_TABLES
    finally:
        engine.dispose()


def test_head_revision_matches_the_schema_metadata(database_url):
    engine = create_store_engine(database_url)
    try:
        with engine.begin() as connection:
            upgrade_schema(connection)
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


def test_a_failed_upgrade_leaves_no_table(database_url):
    engine = create_store_engine(database_url)
    try:
        try:
            with engine.begin() as connection:
                upgrade_schema(connection)
                raise RuntimeError("interrupted")
        except RuntimeError:
            pass
        assert not STORE_TABLES & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_head_revision_constant_is_alembics_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from charter.store.database import HEAD_REVISION, MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_downgrade_to_0002_drops_the_git_tables_and_restores_the_old_commits(database_url):
    engine = create_store_engine(database_url)
    try:
        with engine.begin() as connection:
            upgrade_schema(connection)
        with engine.begin() as connection:
            downgrade_schema(connection, "0002")
        inspector = inspect(engine)
        assert not GIT_TABLES & set(inspector.get_table_names())
        assert "parents" not in {column["name"] for column in inspector.get_columns("commits")}
        with engine.begin() as connection:
            upgrade_schema(connection)
        assert "parents" in {column["name"] for column in inspect(engine).get_columns("commits")}
    finally:
        engine.dispose()


def test_downgrade_to_0001_drops_only_what_0002_added(database_url):
    engine = create_store_engine(database_url)
    try:
        with engine.begin() as connection:
            upgrade_schema(connection)
        with engine.begin() as connection:
            downgrade_schema(connection, "0001")
        tables = set(inspect(engine).get_table_names())
        assert "check_results" not in tables
        assert tables >= INITIAL_TABLES
    finally:
        engine.dispose()


def test_upgrade_to_0009_packs_the_lead_times_already_stored(database_url):
    """A store synced before revision 0009 gets each deployment's lead times packed from its shipped
    changes, so `charter delivery` reads them without a new sync."""
    import numpy as np

    engine = create_store_engine(database_url)
    changes = [
        ("d1", "a" * 40, "2026-01-01 10:00:00", 3600.0),
        ("d1", "b" * 40, "2026-01-01 11:00:00", 60.0),
        ("d2", "c" * 40, "2026-01-02 09:00:00", 86400.5),
    ]
    try:
        with engine.begin() as connection:
            upgrade_schema(connection, "0008")
            for deployment_id, sha, lead_start, seconds in changes:
                connection.execute(
                    text(
                        "INSERT INTO deployment_changes (deployment_id, sha, lead_start, lead_seconds) "
                        "VALUES (:deployment_id, :sha, :lead_start, :seconds)"
                    ),
                    {"deployment_id": deployment_id, "sha": sha, "lead_start": lead_start, "seconds": seconds},
                )
        with engine.begin() as connection:
            upgrade_schema(connection)
            stored = connection.execute(text("SELECT deployment_id, lead_seconds FROM deployment_lead_times"))
            packs = dict(stored.all())
        unpacked = {key: np.frombuffer(bytes(blob), dtype=">f8").tolist() for key, blob in packs.items()}
        assert unpacked == {"d1": [3600.0, 60.0], "d2": [86400.5]}
    finally:
        engine.dispose()

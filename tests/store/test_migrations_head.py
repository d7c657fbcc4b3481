"""A new store is created at the head revision in one step (`create_at_head`): its schema is the one
replaying every migration gives — tables, columns, keys, indexes and constraints, and Alembic's own
version table — on SQLite and PostgreSQL, and migrations still run on it afterwards."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from charter.store.database import (
    HEAD_REVISION,
    MIGRATIONS,
    create_at_head,
    create_store_engine,
    downgrade_schema,
    open_store,
    upgrade_schema,
)
from charter.store.schema import metadata
from tests.store.conftest import migrate_to


@pytest.fixture
def second_database_url(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty database on the same dialect as `database_url`."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = server.create_database()
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


def schema_of(engine: Engine) -> dict[str, dict[str, Any]]:
    """Everything the inspector reflects of every table, in a form that compares equal when the
    schemas are the same."""
    inspector = inspect(engine)
    triggers = triggers_of(engine)
    schema: dict[str, dict[str, Any]] = {}
    for table in sorted(inspector.get_table_names()):
        schema[table] = {
            "columns": [
                (column["name"], str(column["type"]), column["nullable"], column.get("default"))
                for column in inspector.get_columns(table)
            ],
            "primary key": inspector.get_pk_constraint(table),
            "foreign keys": sorted(
                (
                    key["name"],
                    tuple(key["constrained_columns"]),
                    key["referred_table"],
                    tuple(key["referred_columns"]),
                    tuple(sorted(key.get("options", {}).items())),
                )
                for key in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (index["name"], tuple(index["column_names"]), bool(index["unique"]))
                for index in inspector.get_indexes(table)
            ),
            "unique constraints": sorted(
                (constraint["name"], tuple(constraint["column_names"]))
                for constraint in inspector.get_unique_constraints(table)
            ),
            "check constraints": sorted(
                (constraint["name"], constraint["sqltext"]) for constraint in inspector.get_check_constraints(table)
            ),
            "triggers": triggers.get(table, []),
        }
    return schema


def triggers_of(engine: Engine) -> dict[str, list[tuple[str, str]]]:
    """Each table's triggers, (name, definition), which the inspector does not reflect."""
    if engine.dialect.name == "postgresql":
        query = (
            "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
        )
    else:
        query = "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger'"
    found: dict[str, list[tuple[str, str]]] = {}
    with engine.connect() as connection:
        for table, name, definition in connection.exec_driver_sql(query):
            found.setdefault(table, []).append((name, definition))
    return {table: sorted(pairs) for table, pairs in found.items()}


def test_a_store_created_at_head_has_the_schema_the_migrations_give(database_url, second_database_url):
    migrated, created = create_store_engine(database_url), create_store_engine(second_database_url)
    try:
        with migrated.begin() as connection:
            upgrade_schema(connection)
        with created.begin() as connection:
            create_at_head(connection)
        assert schema_of(created) == schema_of(migrated)
        with created.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert context.get_current_revision() == HEAD_REVISION
            assert compare_metadata(context, metadata) == []
    finally:
        migrated.dispose()
        created.dispose()


def test_opening_an_empty_database_creates_it_at_head_without_migrating(database_url, tmp_path, monkeypatch):
    def no_migrations(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("an empty database is created at head, not migrated")

    monkeypatch.setattr("charter.store.database.upgrade_schema", no_migrations)
    with open_store(tmp_path, database_url) as store, store.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
        assert set(inspect(connection).get_table_names()) == {*metadata.tables, "alembic_version"}


def test_opening_an_older_store_still_migrates_it(database_url, tmp_path):
    migrate_to(database_url, "0008")
    with open_store(tmp_path, database_url) as store, store.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
        assert inspect(connection).has_table("deployment_lead_times")


def test_a_store_created_at_head_downgrades_and_upgrades_again(database_url, tmp_path):
    engine = create_store_engine(database_url)
    try:
        with engine.begin() as connection:
            create_at_head(connection)
        with engine.begin() as connection:
            downgrade_schema(connection)
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        with engine.begin() as connection:
            upgrade_schema(connection)
        assert set(inspect(engine).get_table_names()) == {*metadata.tables, "alembic_version"}
    finally:
        engine.dispose()


# A revision after the head that alters what later revisions alter: a column added, an index and a
# foreign key replaced by name, a unique constraint dropped (batch mode on SQLite copies the table).
LATER_REVISION = '''
"""A later revision, for the test only."""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"


def upgrade() -> None:
    with op.batch_alter_table("metric_values") as batch:
        batch.add_column(sa.Column("note", sa.Text()))
        batch.drop_index("ix_metric_values_metric_scope")
        batch.create_index("ix_metric_values_metric", ["metric"])
    with op.batch_alter_table("risk_states") as batch:
        batch.drop_constraint("fk_risk_states_snapshot_id_snapshots", type_="foreignkey")
        batch.create_foreign_key("fk_risk_states_snapshot_id_snapshots", "snapshots", ["snapshot_id"], ["id"])
    with op.batch_alter_table("commits") as batch:
        batch.drop_constraint("uq_commits_repository_sha", type_="unique")


def downgrade() -> None:
    with op.batch_alter_table("commits") as batch:
        batch.create_unique_constraint("uq_commits_repository_sha", ["repository", "sha"])
    with op.batch_alter_table("risk_states") as batch:
        batch.drop_constraint("fk_risk_states_snapshot_id_snapshots", type_="foreignkey")
        batch.create_foreign_key(
            "fk_risk_states_snapshot_id_snapshots", "snapshots", ["snapshot_id"], ["id"], ondelete="CASCADE"
        )
    with op.batch_alter_table("metric_values") as batch:
        batch.drop_index("ix_metric_values_metric")
        batch.create_index("ix_metric_values_metric_scope", ["metric", "scope_kind", "scope_ref"])
        batch.drop_column("note")
'''


def test_a_later_revision_applies_to_a_store_created_at_head_as_to_a_migrated_one(
    database_url, second_database_url, tmp_path
):
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_later.py").write_text(LATER_REVISION.format(head=HEAD_REVISION))

    def run(connection: Any, action: Any, revision: str) -> None:
        config = Config()
        config.set_main_option("script_location", str(scripts))
        config.attributes["connection"] = connection
        action(config, revision)

    migrated, created = create_store_engine(database_url), create_store_engine(second_database_url)
    try:
        with migrated.begin() as connection:
            run(connection, command.upgrade, "head")
        with created.begin() as connection:
            create_at_head(connection)
        with created.begin() as connection:
            run(connection, command.upgrade, "head")
        assert schema_of(created) == schema_of(migrated)
        assert "note" in {column["name"] for column in inspect(created).get_columns("metric_values")}
        with migrated.begin() as connection:
            run(connection, command.downgrade, HEAD_REVISION)
        with created.begin() as connection:
            run(connection, command.downgrade, HEAD_REVISION)
        assert schema_of(created) == schema_of(migrated)
    finally:
        migrated.dispose()
        created.dispose()


def test_an_interrupted_creation_leaves_no_table(database_url):
    engine = create_store_engine(database_url)
    try:
        with pytest.raises(RuntimeError), engine.begin() as connection:
            create_at_head(connection)
            raise RuntimeError("interrupted")
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_two_openers_of_one_empty_postgresql_store_take_turns(postgres_url, tmp_path):
    """The second waits for the first's creation and finds the store at head."""
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def open_once() -> None:
        barrier.wait()
        try:
            open_store(tmp_path, postgres_url).close()
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=open_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with open_store(tmp_path, postgres_url) as store, store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1

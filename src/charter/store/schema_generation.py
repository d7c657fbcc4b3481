"""The facts' write generation (revision 0016): one row holding a number that the database itself
moves, by triggers, whenever a committed transaction changed a fact table, so that `charter sync`
learns whether any fact changed since its last snapshot by reading one row (`snapshot_inputs.py`),
whatever the size of the store, and no writer can forget to say so.

Two kinds of fact tables. A WRITTEN table's inserts, deletes and updates that change a value move the
generation; an update that writes the values already there does not (a sync upserts its release-tag
deployments every time), nor one of only a column that is no fact (when a repository was last looked
at). On PostgreSQL these are row triggers, as on SQLite, since a statement trigger also runs for a
statement that changed no row and would move the generation at every sync. An APPENDED table
(commits, their files, shipped changes: millions of rows, written only by mining, linking and SLI
imports) is followed more cheaply: on PostgreSQL by statement triggers (a COPY runs one); on SQLite,
whose triggers run once per row, its updates and deletes by triggers and its inserts by its highest
rowid (a new row takes one above the highest unless given one), so that mining pays no trigger per
commit.

The triggers are created with the tables (`metadata.create_all`, through the listener below) and by
revision 0016. SQLite drops a table's triggers with it, and its triggers name the columns they
compare: a later revision that alters a fact table must create that table's triggers again."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import JSON, BigInteger, Column, Integer, MetaData, String, Table, event, text
from sqlalchemy.engine import Connection

from charter.store.schema_base import metadata

fact_generation = Table(
    "fact_generation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("generation", BigInteger, nullable=False),
    # Random, drawn when the row is made: a generation counted again from 0 (the table dropped by a
    # downgrade and made again) never equals one a sync recorded before.
    Column("epoch", String(32), nullable=False),
)
# The transactions that changed a fact and have not committed yet, on PostgreSQL (see below; unused
# on SQLite, whose writers take turns at the whole database).
fact_write_marks = Table(
    "fact_write_marks", metadata, Column("txid", BigInteger, primary_key=True, autoincrement=False)
)

# The written fact tables, each with the columns whose update alone is no fact: when a repository
# was last looked at changes with every sync, and when an incident was last imported with every
# import of it (nothing reads it; revision 0017).
WRITTEN_TABLES: Mapping[str, tuple[str, ...]] = {
    "git_repositories": ("mined_at",),
    "git_refs": (),
    "git_tags": (),
    "component_links": (),
    "deployments": (),
    "pull_requests": (),
    "incidents": ("imported_at",),
    "sli_hourly": (),
    "findings": (),
    "finding_scans": (),
    "finding_sightings": (),
    "vex_statements": (),
    "kev_entries": (),
    "epss_scores": (),
    "scorecard_checks": (),
}
APPENDED_TABLES: tuple[str, ...] = (
    "commits",
    "file_changes",
    "git_head_files",
    "deployment_changes",
    "deployment_lead_times",
    "sli_samples",
)

# PostgreSQL moves the generation once per transaction, and only as the transaction commits: the
# first change of a transaction remembers it in a setting local to the transaction (undone with a
# rolled-back savepoint, as everything the change did) and marks it in `fact_write_marks`, whose
# deferred constraint trigger moves the generation when the transaction commits. Taking the
# generation's row lock at commit, when the transaction waits for nothing else, keeps two writers
# of the same rows from deadlocking over it (taken at the first change, a writer held it while it
# waited for the other's rows, and the other waited for it). The insert, delete and statement
# triggers ask the setting in their WHEN before queueing a call, so that after a transaction's
# first change a write costs no function call (a batch of single-row statements would pay one each).
_POSTGRESQL_FUNCTIONS = (
    """\
CREATE OR REPLACE FUNCTION charter_fact_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('charter.fact_written_in', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('charter.fact_written_in', txid_current()::text, true);
        INSERT INTO fact_write_marks (txid) VALUES (txid_current());
    END IF;
    RETURN NULL;
END
$$""",
    """\
CREATE OR REPLACE FUNCTION charter_fact_committing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE fact_generation SET generation = generation + 1 WHERE id = 1;
    DELETE FROM fact_write_marks WHERE txid = NEW.txid;
    RETURN NULL;
END
$$""",
    "CREATE CONSTRAINT TRIGGER fact_write_marks_commit AFTER INSERT ON fact_write_marks "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION charter_fact_committing()",
)
_NOT_MOVED_YET = "current_setting('charter.fact_written_in', true) IS DISTINCT FROM txid_current()::text"
_POSTGRESQL_EXECUTE = "EXECUTE FUNCTION charter_fact_written()"
_SQLITE_MOVE = "BEGIN UPDATE fact_generation SET generation = generation + 1 WHERE id = 1; END"
# The triggers of each kind of table, by dialect: (dialect, written) -> their names' endings.
_TRIGGERS = {
    ("postgresql", True): ("rows", "update", "truncate"),
    ("postgresql", False): ("statement",),
    ("sqlite", True): ("insert", "delete", "update"),
    ("sqlite", False): ("delete", "update"),
}


class FactColumn(NamedTuple):
    """A column of a fact table: whether an update of it alone is a fact, and whether it is JSON
    (which PostgreSQL compares as its text: json has no equality)."""

    name: str
    fact: bool = True
    json: bool = False


def fact_columns(columns: Iterable[tuple[str, Any]], ignored: Collection[str] = ()) -> list[FactColumn]:
    """The (name, SQLAlchemy type) `columns` of a table, those `ignored` not facts."""
    return [FactColumn(name, name not in ignored, isinstance(kind, JSON)) for name, kind in columns]


def fact_triggers(
    dialect: str, written: Mapping[str, Sequence[FactColumn]], appended: Mapping[str, Sequence[FactColumn]]
) -> list[str]:
    """The DDL of the triggers that move the generation on `dialect`, for the `written` and
    `appended` tables and their columns (an update of only those that are no facts moves nothing)."""
    statements = list(_POSTGRESQL_FUNCTIONS) if dialect == "postgresql" else []
    for trigger, table in fact_trigger_names(dialect, written, appended):
        columns = written.get(table) or appended[table]
        statements.append(
            f"CREATE TRIGGER {trigger} {_trigger_body(dialect, trigger.rsplit('_', 1)[1], table, columns)}"
        )
    return statements


def _trigger_body(dialect: str, kind: str, table: str, columns: Sequence[FactColumn]) -> str:
    """What follows `CREATE TRIGGER name` for one kind of trigger."""
    if dialect != "postgresql":
        if kind == "update":
            changed = f"{_row_of('OLD', columns)} IS NOT {_row_of('NEW', columns)}"
            return f"AFTER UPDATE ON {table} WHEN {changed} {_SQLITE_MOVE}"
        return f"AFTER {kind.upper()} ON {table} {_SQLITE_MOVE}"
    if kind == "rows":
        return f"AFTER INSERT OR DELETE ON {table} FOR EACH ROW WHEN ({_NOT_MOVED_YET}) {_POSTGRESQL_EXECUTE}"
    if kind == "update":
        # The whole row when it can: PostgreSQL prepares the condition again for every statement, and
        # a long one costs a batch of single-row upserts several microseconds a row.
        changed = "OLD IS DISTINCT FROM NEW"
        if not all(column.fact and not column.json for column in columns):
            changed = (
                f"{_row_of('OLD', columns, json_text=True)} IS DISTINCT FROM {_row_of('NEW', columns, json_text=True)}"
            )
        return f"AFTER UPDATE ON {table} FOR EACH ROW WHEN ({changed}) {_POSTGRESQL_EXECUTE}"
    if kind == "truncate":
        return f"AFTER TRUNCATE ON {table} FOR EACH STATEMENT {_POSTGRESQL_EXECUTE}"
    return (
        f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT "
        f"WHEN ({_NOT_MOVED_YET}) {_POSTGRESQL_EXECUTE}"
    )


def _row_of(row: str, columns: Sequence[FactColumn], *, json_text: bool = False) -> str:
    """The fact columns of OLD or NEW as one row value; `json_text`: JSON as its text."""
    named = (f"{row}.{column.name}{'::text' if json_text and column.json else ''}" for column in columns if column.fact)
    return "(" + ", ".join(named) + ")"


def fact_trigger_names(dialect: str, written: Iterable[str], appended: Iterable[str]) -> list[tuple[str, str]]:
    """(trigger, table) of every trigger `fact_triggers` creates on these tables."""
    family = "postgresql" if dialect == "postgresql" else "sqlite"
    return [
        (f"{table}_fact_{kind}", table)
        for tables, is_written in ((written, True), (appended, False))
        for table in tables
        for kind in _TRIGGERS[family, is_written]
    ]


def start_generation(connection: Connection) -> None:
    """Make the generation's one row, at 0 with a new epoch."""
    connection.execute(
        text("INSERT INTO fact_generation (id, generation, epoch) VALUES (1, 0, :epoch)"),
        {"epoch": secrets.token_hex(16)},
    )


def create_fact_triggers(
    connection: Connection, written: Mapping[str, Sequence[FactColumn]], appended: Mapping[str, Sequence[FactColumn]]
) -> None:
    """Create the triggers of `fact_triggers` on the connection's database."""
    for statement in fact_triggers(connection.dialect.name, written, appended):
        connection.exec_driver_sql(statement)


def replace_update_trigger(connection: Connection, table: str, columns: Sequence[FactColumn]) -> None:
    """Create a written table's update trigger again for `columns`: for a revision that changes
    which of the table's columns are facts (its insert and delete triggers do not depend on them)."""
    dialect = connection.dialect.name
    trigger = f"{table}_fact_update"
    connection.exec_driver_sql(f"DROP TRIGGER {trigger}" + (f" ON {table}" if dialect == "postgresql" else ""))
    connection.exec_driver_sql(f"CREATE TRIGGER {trigger} {_trigger_body(dialect, 'update', table, columns)}")


def drop_fact_triggers(connection: Connection, written: Iterable[str], appended: Iterable[str]) -> None:
    """Drop what `create_fact_triggers` created on these tables."""
    postgresql = connection.dialect.name == "postgresql"
    for trigger, table in fact_trigger_names(connection.dialect.name, written, appended):
        connection.exec_driver_sql(f"DROP TRIGGER {trigger} ON {table}" if postgresql else f"DROP TRIGGER {trigger}")
    if postgresql:
        connection.exec_driver_sql("DROP TRIGGER fact_write_marks_commit ON fact_write_marks")
        connection.exec_driver_sql("DROP FUNCTION charter_fact_committing()")
        connection.exec_driver_sql("DROP FUNCTION charter_fact_written()")


def _create_with_tables(target: MetaData, connection: Connection, **keywords: Any) -> None:
    """After `metadata.create_all` made the generation's table: its row, and the triggers as revision
    0016 makes them, on the tables as they are declared now."""
    if fact_generation not in keywords.get("tables", ()):
        return

    def columns_of(name: str, ignored: Collection[str] = ()) -> list[FactColumn]:
        return fact_columns(((column.name, column.type) for column in target.tables[name].columns), ignored)

    start_generation(connection)
    written = {name: columns_of(name, ignored) for name, ignored in WRITTEN_TABLES.items()}
    appended = {name: columns_of(name) for name in APPENDED_TABLES}
    create_fact_triggers(connection, written, appended)


event.listen(metadata, "after_create", _create_with_tables)

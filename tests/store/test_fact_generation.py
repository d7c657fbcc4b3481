"""The facts' write generation is kept by the database: on every digested table an insert, an update of
any fact column and a delete each move it, and a rolled-back transaction, an update that writes the
values already there and an update of only when a repository was last looked at do not; every write
to a counted table moves the facts' digest. In a store created at head and in one upgraded from
revision 0015, on SQLite and PostgreSQL. The tables are walked from the lists, so a fact table added
later without its triggers fails here."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Column, Table, TypeDecorator, delete, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.engine import Connection

from charter.store import Store, open_store
from charter.store.schema import deployments, fact_generation
from charter.store.schema_generation import WRITTEN_TABLES
from charter.store.snapshot_inputs import COUNTED, DIGESTED, facts_digest
from tests.store.conftest import migrate_to

Write = Callable[[Connection], object]


@pytest.fixture(params=["created at head", "upgraded from 0015"])
def fact_store(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[Store]:
    if request.param == "upgraded from 0015":
        migrate_to(database_url, "0015")
    with open_store(tmp_path, database_url) as store:
        yield store


def value_of(column: Column[Any], variant: int) -> Any:
    """A value for `column`, different for each variant; equal variants make foreign keys meet."""
    stored = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
    kind = list if isinstance(stored, JSON) else stored.python_type
    values: dict[type, Any] = {
        bool: variant == 1,
        int: variant + 1,
        float: variant + 0.5,
        str: f"v{variant}",
        bytes: bytes([variant]),
        datetime: datetime(2026, 10, 1 + variant, tzinfo=UTC),
        date: date(2026, 10, 1 + variant),
        list: [variant],
    }
    return values[kind]


def row_of(table: Table, variant: int) -> dict[str, Any]:
    return {column.name: value_of(column, variant) for column in table.columns}


def parents_of(table: Table) -> list[Table]:
    """The tables `table`'s foreign keys point to, theirs first."""
    found: list[Table] = []
    for key in table.foreign_keys:
        for parent in (*parents_of(key.column.table), key.column.table):
            if parent not in found:
                found.append(parent)
    return found


def writes(table: Table) -> Iterator[tuple[str, Write, bool | None]]:
    """(what, the write, whether it must move the digest: None when it does not matter), in order."""
    parents = parents_of(table)
    yield "parents", lambda c: [c.execute(insert(p), [row_of(p, 0), row_of(p, 1)]) for p in parents], None
    yield "insert", lambda c: c.execute(insert(table).values(row_of(table, 0))), True
    same = {column.name: column for column in table.columns}
    yield "update writing the same values", lambda c: c.execute(update(table).values(same)), False
    ignored = WRITTEN_TABLES.get(table.name, ())
    for column in table.columns:
        changed = {column.name: value_of(column, 1)}
        yield (
            f"update of {column.name}",
            (lambda c, v=changed: c.execute(update(table).values(v))),
            column.name not in ignored,
        )
    yield "delete", lambda c: c.execute(delete(table)), True
    yield "parents removed", lambda c: [c.execute(delete(p)) for p in reversed(parents)], None


def generation(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(fact_generation.c.generation)).scalar_one())


def digest(store: Store) -> str:
    with store.engine.connect() as connection:
        return facts_digest(connection)


def wrong_moves(store: Store, tables: tuple[Table, ...], mark: Callable[[Store], object], *, no_op: bool) -> list[str]:
    """Every write to `tables` whose effect on `mark` is not the one expected."""
    wrong = []
    for table in tables:
        for what, write, moves in writes(table):
            if what.startswith("update writing") and not no_op:
                continue
            before = mark(store)
            with store.transaction() as connection:
                write(connection)
            if moves is not None and (mark(store) != before) != moves:
                wrong.append(f"{table.name}: {what} {'did not move' if moves else 'moved'} it")
        before = mark(store)
        with pytest.raises(RuntimeError), store.transaction() as connection:
            for _what, write, _moves in list(writes(table))[:2]:
                write(connection)
            raise RuntimeError("rolled back")
        if mark(store) != before:
            wrong.append(f"{table.name}: a rolled-back insert moved it")
    return wrong


def test_every_write_to_a_digested_table_moves_the_generation(fact_store: Store) -> None:
    assert wrong_moves(fact_store, DIGESTED, generation, no_op=True) == []


def test_every_write_to_a_counted_table_moves_the_digest(fact_store: Store) -> None:
    assert wrong_moves(fact_store, COUNTED, digest, no_op=False) == []


def test_a_digested_write_moves_the_digest_and_nothing_else_does(fact_store: Store) -> None:
    empty = digest(fact_store)
    assert digest(fact_store) == empty
    with fact_store.transaction() as connection:
        connection.execute(insert(deployments).values(row_of(deployments, 0)))
    assert digest(fact_store) != empty


def test_postgresql_moves_it_for_a_truncate_and_after_a_savepoint_rolled_back(
    postgres_url: str, tmp_path: Path
) -> None:
    with open_store(tmp_path, postgres_url) as store:
        with store.transaction() as connection:
            connection.execute(insert(deployments).values(row_of(deployments, 0)))
        before = generation(store)
        with store.transaction() as connection:
            connection.execute(text("TRUNCATE deployments"))
        assert generation(store) == before + 1
        with store.transaction() as connection:
            savepoint = connection.begin_nested()
            connection.execute(insert(deployments).values(row_of(deployments, 0)))
            savepoint.rollback()
            connection.execute(insert(deployments).values(row_of(deployments, 1)))
        assert generation(store) == before + 2


def test_postgresql_writers_of_the_same_rows_wait_for_each_other_and_do_not_deadlock(
    postgres_url: str, tmp_path: Path
) -> None:
    """First writer A changes one deployment; B inserts another and has not committed when A, in
    the same transaction, inserts that one too (A waits for B's row). Had A taken the generation's
    row at its first change, B would wait for it while holding the row A waits for: a deadlock, one
    of the two aborted. Taken at commit, B commits and then A does, and each moved it once."""
    with open_store(tmp_path, postgres_url) as store:
        before = generation(store)
        first, second = row_of(deployments, 0), row_of(deployments, 1)
        statement = insert(deployments).values(second)
        b_inserted, outcome = threading.Event(), {}

        def writer_b() -> None:
            try:
                with store.engine.connect() as connection, connection.begin():
                    connection.exec_driver_sql("SET lock_timeout = '20s'")
                    connection.execute(statement)
                    b_inserted.set()
                    waiting_for_a_lock(store)  # A now waits for this transaction's row
                outcome["b"] = "committed"
            except Exception as error:  # noqa: BLE001 - what went wrong is the test's answer
                outcome["b"] = repr(error)
                b_inserted.set()

        thread = threading.Thread(target=writer_b)
        with store.engine.connect() as connection:
            transaction = connection.begin()
            connection.exec_driver_sql("SET lock_timeout = '20s'")
            connection.execute(insert(deployments).values(first))
            thread.start()
            b_inserted.wait(20)
            try:
                connection.execute(postgresql_insert(deployments).values(second).on_conflict_do_nothing())
                transaction.commit()
                outcome["a"] = "committed"
            except Exception as error:  # noqa: BLE001
                transaction.rollback()
                outcome["a"] = repr(error)
        thread.join(30)

        assert outcome == {"a": "committed", "b": "committed"}
        assert generation(store) == before + 2


def waiting_for_a_lock(store: Store) -> None:
    """Return once another session waits for a lock (at most 20 s)."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    for _ in range(2000):
        with store.engine.connect() as connection:
            if connection.execute(query).scalar_one() > 0:
                return
        time.sleep(0.01)

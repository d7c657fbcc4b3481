"""The register per snapshot on both dialects: written with its snapshot, read back as the latest
register (at or before a time), removed with its snapshot, and recorded from a workspace."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, func, select

from charter.model.risk_states import RiskState
from charter.services.context import load_context
from charter.services.risks import record_register
from charter.store import Store
from charter.store.risk_register import read_previous_register, write_risk_states
from charter.store.schema import risk_states, snapshots
from charter.store.snapshots import insert_snapshot
from tests.strategy import write_repo

OCTOBER = datetime(2026, 10, 1, 12, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 1, 12, tzinfo=UTC)


def test_the_latest_register_is_read_back(store: Store) -> None:
    with store.transaction() as connection:
        first = insert_snapshot(connection, OCTOBER, None, [])
        write_risk_states(connection, first, [RiskState("risk:a", "high", "open"), RiskState("risk:b", "low", "open")])
        second = insert_snapshot(connection, NOVEMBER, None, [])
        write_risk_states(connection, second, [RiskState("risk:a", "medium", "mitigating")])
        insert_snapshot(connection, datetime(2026, 11, 2, tzinfo=UTC), None, [])  # no register recorded

    with store.engine.connect() as connection:
        latest = read_previous_register(connection)
        before = read_previous_register(connection, datetime(2026, 10, 31, tzinfo=UTC))
        none = read_previous_register(connection, datetime(2026, 9, 1, tzinfo=UTC))

    assert latest is not None and latest.snapshot_id == second
    assert latest.taken_at == NOVEMBER
    assert dict(latest.states) == {"risk:a": RiskState("risk:a", "medium", "mitigating")}
    assert before is not None and before.snapshot_id == first
    assert sorted(before.states) == ["risk:a", "risk:b"]
    assert none is None


def test_a_register_goes_with_its_snapshot(store: Store) -> None:
    with store.transaction() as connection:
        snapshot = insert_snapshot(connection, OCTOBER, None, [])
        write_risk_states(connection, snapshot, [RiskState("risk:a", "high", "open")])
    with store.transaction() as connection:
        connection.execute(delete(snapshots).where(snapshots.c.id == snapshot))

    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(risk_states)).scalar_one() == 0
        assert read_previous_register(connection) is None


def test_a_failed_sync_transaction_leaves_no_register(store: Store) -> None:
    try:
        with store.transaction() as connection:
            snapshot = insert_snapshot(connection, OCTOBER, None, [])
            write_risk_states(connection, snapshot, [RiskState("risk:a", "high", "open")])
            raise RuntimeError("sync failed after the register was written")
    except RuntimeError:
        pass

    with store.engine.connect() as connection:
        assert read_previous_register(connection) is None


def test_record_register_stores_the_workspace_risks(store: Store, tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    root = write_repo(
        tmp_path / "repo",
        {
            "risks/r.yaml": """\
                apiVersion: charter.dev/v1
                kind: Risk
                metadata: {name: one-region}
                spec: {title: One region, category: reliability, likelihood: 4, impact: 5, status: mitigating}
                """
        },
    )
    workspace = load_context(root, None)
    with store.transaction() as connection:
        snapshot = insert_snapshot(connection, NOVEMBER, None, [])
        assert record_register(connection, snapshot, workspace.estate, NOVEMBER.date()) == 1

    with store.engine.connect() as connection:
        found = read_previous_register(connection)

    # likelihood 4, impact 5 in the default matrix: critical.
    assert found is not None
    assert dict(found.states) == {"risk:one-region": RiskState("risk:one-region", "critical", "mitigating")}


def test_downgrade_to_0007_drops_only_the_register(database_url: str) -> None:
    from sqlalchemy import inspect

    from charter.store.database import create_store_engine, downgrade_schema, upgrade_schema

    engine = create_store_engine(database_url)
    try:
        with engine.begin() as connection:
            upgrade_schema(connection)
            downgrade_schema(connection, "0008")
        before = set(inspect(engine).get_table_names())
        with engine.begin() as connection:
            downgrade_schema(connection, "0007")
        after = set(inspect(engine).get_table_names())
        assert before - after == {"risk_states"}
        with engine.begin() as connection:
            upgrade_schema(connection)
        assert "risk_states" in set(inspect(engine).get_table_names())
    finally:
        engine.dispose()

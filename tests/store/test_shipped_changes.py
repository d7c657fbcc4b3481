"""Shipped changes written by plain executemany, on SQLite and PostgreSQL: the stored rows are the ones
SQLAlchemy's own insert writes (SQLite keeps a time as SQLAlchemy's text), and read back as written,
whatever the time zone a lead start came in and however many microseconds it has."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert, select

from charter.model.delivery import Deployment, DeploymentStatus, ShippedChange
from charter.store import open_store
from charter.store.deployments import write_deployments
from charter.store.schema import deployment_changes
from charter.store.shipped import replace_shipped_changes

FINISHED = datetime(2026, 10, 1, 10, tzinfo=UTC)
STARTS = [
    datetime(2026, 9, 30, 8, 0, 1, tzinfo=UTC),
    datetime(2026, 9, 30, 8, 0, 1, 250_000, tzinfo=UTC),
    datetime(2026, 9, 30, 12, 30, tzinfo=timezone(timedelta(hours=2))),
    datetime(1999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
]


def changes(deployment_id: str) -> list[ShippedChange]:
    return [
        ShippedChange(deployment_id, f"{index:040x}", start, (FINISHED - start).total_seconds())
        for index, start in enumerate(STARTS)
    ]


def test_shipped_changes_are_stored_as_sqlalchemy_stores_them(tmp_path: Path, database_url: str) -> None:
    with open_store(tmp_path, database_url) as store:
        with store.transaction() as connection:
            write_deployments(
                connection,
                [
                    Deployment("fast", "payments", "production", "a" * 40, FINISHED, DeploymentStatus.SUCCESS),
                    Deployment("slow", "ledger", "production", "a" * 40, FINISHED, DeploymentStatus.SUCCESS),
                ],
            )
            written = replace_shipped_changes(connection, "payments", "fingerprint", changes("fast"))
            connection.execute(
                insert(deployment_changes),
                [
                    {"deployment_id": "slow", "sha": c.sha, "lead_start": c.lead_start, "lead_seconds": c.lead_seconds}
                    for c in changes("slow")
                ],
            )
        with store.engine.connect() as connection:
            columns = (deployment_changes.c.sha, deployment_changes.c.lead_start, deployment_changes.c.lead_seconds)
            fast, slow = (
                list(
                    connection.execute(
                        select(*columns).where(deployment_changes.c.deployment_id == name).order_by("sha")
                    )
                )
                for name in ("fast", "slow")
            )
            raw = connection.exec_driver_sql("SELECT deployment_id, sha, lead_start FROM deployment_changes").all()

    assert written == len(STARTS)
    assert fast == slow
    assert [row.lead_start for row in fast] == [start.astimezone(UTC) for start in STARTS]
    by_id: dict[str, set[tuple[str, object]]] = {"fast": set(), "slow": set()}
    for deployment_id, sha, lead_start in raw:
        by_id[deployment_id].add((sha, lead_start))
    assert by_id["fast"] == by_id["slow"]  # the very values the database holds

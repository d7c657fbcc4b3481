"""A store synced by a Charter of revision 0015 and upgraded to the write generation (0016): facts an
older Charter wrote without the generation's triggers are measured at the first sync after the
upgrade, an unchanged sync then keeps the snapshot, and a change after it is measured again. On
SQLite and PostgreSQL."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from charter.model.delivery import Deployment
from charter.store.database import create_store_engine, downgrade_schema, resolve_database_url
from charter.store.deployments import write_deployments
from tests.integration.test_sync_delivery import database, history
from tests.integration.test_sync_unchanged_inputs import KEPT, Measured, add_commit, measured, sync

__all__ = ["database", "history", "measured"]  # fixtures


def test_a_store_upgraded_from_0015_measures_what_was_written_before_and_follows_changes_after(
    tmp_path: Path, history: dict[str, str], database: str, measured: Measured
) -> None:
    repo = tmp_path / "org"
    assert "snapshot 1\n" in sync(repo)
    engine = create_store_engine(resolve_database_url(repo, os.environ["CHARTER_DATABASE_URL"] or None))
    try:
        with engine.begin() as connection:
            downgrade_schema(connection, "0015")
        with engine.begin() as connection:  # an older Charter imports a deployment: no trigger sees it
            hotfix = Deployment(
                "hotfix-1", "payments", "production", history["c5"], datetime(2026, 10, 12, 10, tzinfo=UTC)
            )
            write_deployments(connection, [hotfix])
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0015"
    finally:
        engine.dispose()

    assert "snapshot 2\n" in sync(repo)  # upgraded to 0016 on opening; the deployment is measured
    assert measured.both() == (2, 2)
    assert KEPT in sync(repo)
    assert measured.both() == (2, 2)
    add_commit(tmp_path, history)
    assert "snapshot 3\n" in sync(repo)
    assert measured.both() == (3, 3)

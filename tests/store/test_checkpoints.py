"""Checkpoints set aside while a sync writes (`store/checkpoints.py`): on SQLite a commit that leaves
the log past SQLite's threshold does not copy it into the database file; the checkpoint started
aside does, on a thread that is waited for; afterwards connections checkpoint on commit again.
Elsewhere nothing changes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from charter.store import open_store
from charter.store.checkpoints import checkpoints_aside

# Rows enough to log well past 1,000 pages (SQLite's threshold for a checkpoint on commit).
ROWS = 6000
PAD = "x" * 1000


def write_many(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS filler (pad TEXT)"))
        connection.execute(text("INSERT INTO filler (pad) VALUES (:pad)"), [{"pad": PAD}] * ROWS)


def test_a_commit_aside_leaves_the_log_and_the_checkpoint_aside_copies_it(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        database = tmp_path / ".charter" / "charter.db"
        with checkpoints_aside(store.engine) as checkpoint:
            before = database.stat().st_size
            write_many(store.engine)
            assert database.stat().st_size == before  # committed, still in the log only
            checkpoint.start()
            checkpoint.wait()
            assert database.stat().st_size > before + ROWS * len(PAD)  # copied into the database file
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
            assert connection.execute(text("SELECT count(*) FROM filler")).scalar() == ROWS


def test_without_the_aside_a_commit_past_the_threshold_checkpoints(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        database = tmp_path / ".charter" / "charter.db"
        before = database.stat().st_size
        write_many(store.engine)
        assert database.stat().st_size > before + ROWS * len(PAD)


def test_nothing_is_set_aside_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    with open_store(tmp_path, postgres_url) as store, checkpoints_aside(store.engine) as checkpoint:
        checkpoint.start()  # nothing to start
        checkpoint.wait()
        write_many(store.engine)
        with store.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM filler")).scalar() == ROWS


def test_two_asides_at_once_each_end_on_their_own(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        with checkpoints_aside(store.engine), checkpoints_aside(store.engine) as inner:
            write_many(store.engine)
            inner.start()
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000

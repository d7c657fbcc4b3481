"""The risk register at a past moment, read from the strategy repository's git history (a real git
repository with dated commits): the last commit at or before the moment, the files as they are
after the last commit and outside git, the first commit's before it; and a backfill records each
day's register, so the review of a past period sees risks opened, raised and closed."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from charter.analysis.review import risk_moves
from charter.services.backfill import BackfillQuery, backfill_snapshots
from charter.services.context import load_context
from charter.services.risk_history import RegistersOverTime
from charter.store.database import open_store
from charter.store.metric_series import read_snapshot_times
from charter.store.risk_register import read_risk_states
from tests.strategy import write_repo


def _risk(name: str, residual: int, status: str = "open") -> str:
    return f"""\
apiVersion: charter.dev/v1
kind: Risk
metadata: {{name: {name}}}
spec: {{title: {name}, category: reliability, owner: group:platform, likelihood: 5, impact: 5, treatment: mitigate,
  residual: {{likelihood: {residual}, impact: {residual}}}, status: {status}, reviewBy: 2027-06-30}}
"""


def _commit(repo: Path, message: str, when: str) -> None:
    environment = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    for arguments in (["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message]):
        subprocess.run(["git", "-C", str(repo), *arguments], check=True, capture_output=True, env=environment)


def _history(tmp_path: Path) -> Path:
    """June: risk `a` low. August: `a` raised to critical, `b` opened. October: `a` closed. Not
    committed yet: `b` closed."""
    risks = _folder(tmp_path) / "risks" / "risks.yaml"
    repo = write_repo(risks.parents[1], {"risks/risks.yaml": _risk("a", 1)})
    subprocess.run(["git", "-C", str(repo), "init", "-q", "-b", "main"], check=True, capture_output=True)
    _commit(repo, "register", "2026-06-01T12:00:00Z")
    risks.write_text(_risk("a", 5) + "---\n" + _risk("b", 3), encoding="utf-8")
    _commit(repo, "raise a, open b", "2026-08-01T12:00:00Z")
    risks.write_text(_risk("a", 5, "closed") + "---\n" + _risk("b", 3), encoding="utf-8")
    _commit(repo, "close a", "2026-10-01T12:00:00Z")
    risks.write_text(_risk("a", 5, "closed") + "---\n" + _risk("b", 3, "closed"), encoding="utf-8")
    return repo


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "org").mkdir()
    return tmp_path / "org"


def _at(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.max, UTC)


def test_each_moment_reads_the_register_its_commit_held(tmp_path: Path) -> None:
    registers = RegistersOverTime(load_context(_history(tmp_path), None))

    def states(day: str) -> dict[str, tuple[str, str]]:
        return {state.risk: (state.level, state.status) for state in registers.states_at(_at(day))}

    july = states("2026-07-01")
    assert july == {"risk:a": ("low", "open")}
    assert states("2026-09-30") == {"risk:a": ("critical", "open"), "risk:b": ("medium", "open")}
    assert states("2026-10-02") == {"risk:a": ("critical", "closed"), "risk:b": ("medium", "closed")}  # the files
    assert states("2026-01-01") == july  # before the first commit: the earliest register known


def test_outside_git_every_moment_reads_the_files_as_they_are(tmp_path: Path) -> None:
    repo = write_repo(_folder(tmp_path), {"risks/risks.yaml": _risk("a", 1)})
    registers = RegistersOverTime(load_context(repo, None))
    assert [(state.risk, state.level) for state in registers.states_at(_at("2020-01-01"))] == [("risk:a", "low")]


def test_a_backfill_records_each_days_register(tmp_path: Path, database_url: str) -> None:
    repo = _history(tmp_path)
    with open_store(repo, database_url) as store:
        context = load_context(repo, store)
        backfill_snapshots(context, BackfillQuery(date(2026, 7, 1), date(2026, 9, 2), timedelta(weeks=9)))
        with store.engine.connect() as connection:
            snapshots = read_snapshot_times(connection)
            first, last = (read_risk_states(connection, item.id) for item in (snapshots[0], snapshots[-1]))
    assert [item.taken_at.date() for item in snapshots] == [date(2026, 7, 1), date(2026, 9, 2)]
    moves = risk_moves(first, last)
    assert (moves.opened, moves.closed, moves.level_changes) == (("risk:b",), (), (("risk:a", "low", "critical"),))


def test_a_folder_another_repository_does_not_track_has_no_history(tmp_path: Path) -> None:
    subprocess.run(["git", "-C", str(tmp_path), "init", "-q", "-b", "main"], check=True, capture_output=True)
    (tmp_path / "notes.txt").write_text("another project\n", encoding="utf-8")
    _commit(tmp_path, "unrelated", "2026-06-01T12:00:00Z")
    (tmp_path / "notes.txt").write_text("more\n", encoding="utf-8")
    _commit(tmp_path, "more", "2026-08-01T12:00:00Z")
    (tmp_path / ".gitignore").write_text("/org/\n", encoding="utf-8")
    repo = write_repo(_folder(tmp_path), {"risks/risks.yaml": _risk("a", 1)})  # never committed
    registers = RegistersOverTime(load_context(repo, None))
    assert [(state.risk, state.level) for state in registers.states_at(_at("2026-07-01"))] == [("risk:a", "low")]


def test_a_sync_as_of_a_past_day_records_that_days_register(tmp_path: Path, database_url: str) -> None:
    from charter.services.sync import SyncOptions, run_sync

    repo = _history(tmp_path)
    with open_store(repo, database_url) as store:
        summary = run_sync(load_context(repo, store), SyncOptions(as_of=date(2026, 7, 1)))
        with store.engine.connect() as connection:
            states = read_risk_states(connection, summary.snapshot_id)
    assert [(state.risk, state.level, state.status) for state in states.values()] == [("risk:a", "low", "open")]

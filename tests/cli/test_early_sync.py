"""A plain `charter sync` starts its git logs before the command line is parsed (`cli/early_sync.py`):
which arguments count as plain, that the command takes the logs started for its repository, and
that logs nobody took are ended and deleted, through the real entry point too."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.cli import early_sync
from charter.cli.early_sync import SyncArguments, close_untaken, plain_sync, start_before_parsing, take_started
from tests.sources.git.gitrepos import T0, Repo
from tests.strategy import write_repo

ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  sources: {git: {roots: [../clones]}}
"""


@pytest.mark.parametrize(
    ("arguments", "asked"),
    [
        (["sync"], SyncArguments(None)),
        (["sync", "--quiet"], SyncArguments(None)),
        (["--no-color", "sync", "-q", "--no-color"], SyncArguments(None)),
        (["sync", "--repo", "org"], SyncArguments(Path("org"))),
        (["sync", "--repo=org", "--fail-on", "warning", "--as-of=2026-01-01"], SyncArguments(Path("org"))),
        (["sync", "--fail-on=info", "--repo", "a/b"], SyncArguments(Path("a/b"))),
    ],
)
def test_a_plain_sync_is_recognised(arguments: list[str], asked: SyncArguments) -> None:
    assert plain_sync(arguments) == asked


@pytest.mark.parametrize(
    "arguments",
    [
        [],
        ["check"],
        ["--version", "sync"],
        ["sync", "--help"],
        ["sync", "-h"],
        ["sync", "--fetch"],
        ["sync", "--executor", "tcp://scheduler:8786"],
        ["sync", "--repo"],  # its value is missing: the command says so
        ["sync", "--repo="],
        ["sync", "--as-of"],
        ["sync", "--unknown"],
        ["sync", "extra"],
        ["import", "sync"],
    ],
)
def test_anything_else_is_left_to_the_command(arguments: list[str]) -> None:
    assert plain_sync(arguments) is None


@pytest.fixture
def strategy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.delenv("CHARTER_DATABASE_URL", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    repo = Repo(tmp_path / "clones" / "payments")
    repo.write("a.txt", "a\n")
    repo.commit("a", T0)
    (tmp_path / "org").mkdir()
    yield write_repo(tmp_path / "org", {}, ORGANIZATION)
    close_untaken()


def _early_files(strategy: Path) -> list[str]:
    return sorted(path.name for path in (strategy.parent / "tmp").iterdir() if path.name.startswith("charter-early"))


def test_the_command_takes_the_logs_started_for_its_repository(strategy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", None)  # TMPDIR is read again
    start_before_parsing(["sync", "--repo", str(strategy)])
    assert _early_files(strategy)
    attempted, logs = take_started(strategy)
    assert attempted and logs is not None
    assert [Path(location).name for location in logs.logs] == ["payments"]
    assert take_started(strategy) == (False, None)  # taken once
    logs.close()
    assert _early_files(strategy) == []


def test_logs_started_for_another_repository_are_ended(strategy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", None)
    start_before_parsing(["sync", "--repo", str(strategy)])
    assert _early_files(strategy)
    assert take_started(strategy.parent / "elsewhere") == (False, None)
    assert _early_files(strategy) == []


def test_a_sync_that_would_start_nothing_is_taken_as_attempted(strategy: Path) -> None:
    (strategy / ".charter").mkdir()
    (strategy / ".charter" / "charter.db").write_bytes(b"")  # a store that may hold history
    start_before_parsing(["sync", "--repo", str(strategy)])
    assert early_sync._Slot.started is not None
    assert take_started(strategy) == (True, None)


def test_untaken_logs_are_ended(strategy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", None)
    start_before_parsing(["sync", "--repo", str(strategy)])
    assert _early_files(strategy)
    close_untaken()
    assert _early_files(strategy) == []
    assert take_started(strategy) == (False, None)


@pytest.mark.parametrize(
    ("arguments", "status"),
    [
        (["--quiet"], 0),  # the sync takes the logs
        (["--fail-on", "nowhere"], 2),  # a usage error: the command never runs, the logs are ended
    ],
)
def test_through_the_entry_point_no_log_is_left_behind(strategy: Path, arguments: list[str], status: int) -> None:
    environment = {**os.environ, "TMPDIR": str(strategy.parent / "tmp"), "CHARTER_DATABASE_URL": ""}
    done = subprocess.run(  # noqa: S603 - the test's own interpreter
        [sys.executable, "-c", "from charter.cli.app import main; main()", "sync", "--repo", str(strategy), *arguments],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert done.returncode == status, done.stderr
    assert _early_files(strategy) == []
    if status == 0:
        assert "1 repositories: 1 commits added" in done.stdout

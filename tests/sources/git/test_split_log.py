"""One repository's first mining written by two gits: the first commits of the log from one, the
rest (listed by `git rev-list`, logged with `--no-walk`) from the other, read one after the other, is
the same log, and writes the same rows
in the same order as one git does (SQLite and PostgreSQL); the first git is ended once its part is
read; a git failing in either part fails the repository with GIT003 and writes nothing."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from threading import Event
from typing import Any

import pytest
from sqlalchemy import select

from charter.services import imports_git
from charter.services.imports_git import sync_repositories
from charter.sources.git import early, split_log
from charter.sources.git.early import start_early_logs
from charter.sources.git.executors import LocalExecutor
from charter.sources.git.log import CommitList, GitError, read_refs, spare_core, start_log
from charter.sources.git.log_records import LogParser
from charter.sources.git.mine import MinedRepository, RepositoryJob
from charter.store import Store, open_store
from charter.store.schema import commits, file_changes
from tests.sources.git import mining
from tests.sources.git.gitrepos import T0, Repo, build_history, git
from tests.sources.git.test_sync import stored_counts

MINED_AT = datetime(2024, 5, 1, tzinfo=UTC)


def log_bytes(repo: Path, skip: int = 0) -> bytes:
    """The log over every mined ref; with `skip`, of the commits after its first `skip`, as the
    second git of a split logs them (the listed commits, no walk)."""
    refs = sorted(set(read_refs(repo).values()))
    listed = CommitList(repo, refs, []).result().after(skip) if skip else None
    if listed == b"":
        return b""  # nothing after the skipped commits (a split is never made there)
    with tempfile.TemporaryFile() as output:
        start_log(repo, refs, [], output, listed).finish()
        output.seek(0)
        return output.read()


def test_the_commits_are_listed_in_the_order_of_the_log(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "shapes")
    build_history(repo)
    refs = sorted(set(read_refs(repo.path).values()))

    listed = CommitList(repo.path, refs, []).result()

    assert listed.names() == [row[1] for row in parsed(log_bytes(repo.path)) if len(row) == 12] != []
    assert len(listed) == len(listed.names()) and listed.after(len(listed)) == b""


def test_output_that_is_not_a_list_of_commits_is_an_error(tmp_path: Path) -> None:
    listed = CommitList(tmp_path, ["HEAD"], [])
    listed.process.wait()  # git's own answer (not a repository) is set aside for this one
    listed.process = subprocess.Popen(["printf", "not a sha\\n"], stdout=listed.output)

    with pytest.raises(ValueError, match="not a list of object names"):
        listed.result()


def test_git_failing_to_list_the_commits_is_a_git_error(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not a git repository"):
        CommitList(tmp_path, ["HEAD"], []).result()


def parsed(data: bytes, limit: int | None = None) -> list[Any]:
    parser = LogParser("shapes", limit=limit)
    batches = [parser.feed(data[index : index + 97]) for index in range(0, len(data), 97)]
    batches.append(parser.close())
    return [row for batch in batches for row in batch.commits + batch.files]


def linear_history(path: Path, count: int) -> Path:
    """A bare repository of `count` commits, each changing two of 30 files, one second apart."""
    git(path.parent, "init", "-q", "--bare", str(path))
    stream = b"".join(
        b"commit refs/heads/main\nmark :%d\nauthor A <a@example.com> %d +0000\ncommitter A <a@example.com> %d +0000\n"
        b"data 2\nc\n%sM 100644 inline f%d.txt\ndata 3\n%d\n\nM 100644 inline g%d.txt\ndata 3\n%d\n\n"
        % (n, T0 + n, T0 + n, b"from :%d\n" % (n - 1) if n > 1 else b"", n % 30, n % 7, n % 11, n % 5)
        for n in range(1, count + 1)
    )
    git(path, "fast-import", "--quiet", stdin=stream)
    return path


@pytest.fixture
def split_small(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """Logs of 20 commits or more are split, on one core or many and however far the first git has
    gone (these small logs may be written whole before they are counted); records (the
    split, the repository) of each split."""
    monkeypatch.setattr(split_log, "SPLIT_FROM", 20)
    monkeypatch.setattr(split_log, "_records_written", lambda path: 0)
    monkeypatch.setattr(imports_git, "spare_core", lambda: True)
    monkeypatch.setattr(early, "spare_core", lambda: True)
    splits: list[tuple[int, str]] = []
    real = split_log.SplitLog.finish

    def finish(self: split_log.SplitLog, stop: Any = None) -> None:
        if self.split_at is not None:
            splits.append((self.split_at, str(self.head.repo)))
        real(self, stop)

    monkeypatch.setattr(split_log.SplitLog, "finish", finish)
    return splits


def test_a_second_git_needs_a_second_core_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1})
    assert spare_core()
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {1})  # taskset -c 1
    assert not spare_core()


@pytest.mark.parametrize("skip", [1, 5, 9, 13])
def test_the_first_commits_of_the_log_and_the_log_after_them_are_the_whole_log(tmp_path: Path, skip: int) -> None:
    repo = Repo(tmp_path / "shapes")
    build_history(repo)
    whole = log_bytes(repo.path)

    assert parsed(whole, limit=skip) + parsed(log_bytes(repo.path, skip)) == parsed(whole) != []


def rows(store: Store) -> dict[str, list[Any]]:
    with store.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table).order_by(table.c.id))]
            for table in (commits, file_changes)
        }


def test_a_split_log_writes_the_rows_one_git_writes_in_the_same_order(
    tmp_path: Path, database_url: str, split_small: list[tuple[int, str]]
) -> None:
    clone = linear_history(tmp_path / "linear.git", 3000)
    with open_store(tmp_path / "one", f"sqlite:///{tmp_path / 'one.db'}") as one:
        mining.mine_and_write(one, "linear", clone, MINED_AT)
        expected = rows(one)
    assert not split_small  # a mining nobody follows is written by one git
    with open_store(tmp_path, database_url) as store:
        report = sync_repositories(store, [RepositoryJob("linear", str(clone))], LocalExecutor())

        assert [(r.ok, r.commits_added) for r in report.repositories] == [(True, 3000)]
        assert [split for split, _ in split_small] == [1500]
        found = rows(store)
    assert found["commits"] == expected["commits"]
    assert found["file_changes"] == expected["file_changes"]
    assert not list(Path(tempfile.gettempdir()).glob("charter-logs-*/*.tail"))


def test_a_log_begun_early_is_split_too(tmp_path: Path, split_small: list[tuple[int, str]]) -> None:
    clone = linear_history(tmp_path / "linear.git", 400)
    logs = start_early_logs([clone])
    assert [log.commits is not None for log in logs.logs.values()] == [True]  # listed while it logs
    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        job = RepositoryJob("linear", str(clone), early_logs=logs)
        report = sync_repositories(store, [job], LocalExecutor())
        logs.close()

        assert [(r.ok, r.commits_added) for r in report.repositories] == [(True, 400)]
        assert stored_counts(store) == {"linear": 400}
    assert [split for split, _ in split_small] == [200]


@pytest.fixture
def corrupt_tail(tmp_path: Path) -> Iterator[Path]:
    """A clone of 60 commits whose oldest file contents are lost: git fails late in its log."""
    repo = Repo(tmp_path / "corrupt")
    repo.write("old.txt", "first\n")
    repo.commit("first", T0)
    blob = git(repo.path, "rev-parse", "HEAD:old.txt").strip()
    repo.write("old.txt", "second\n")
    repo.commit("second", T0 + 60)
    for n in range(58):
        repo.write("new.txt", f"{n}\n")
        repo.commit(f"c{n}", T0 + 120 + n)
    git(repo.path, "repack", "-a", "-d", "-q")
    packs = list((repo.path / ".git" / "objects" / "pack").glob("*.pack"))
    for pack in packs:  # loose objects again, so one can be deleted
        data = pack.read_bytes()
        pack.unlink()
        pack.with_suffix(".idx").unlink()
        git(repo.path, "unpack-objects", "-q", stdin=data)
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    yield repo.path


def test_git_failing_in_the_second_part_writes_nothing(
    corrupt_tail: Path, tmp_path: Path, split_small: list[tuple[int, str]]
) -> None:
    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        report = sync_repositories(store, [RepositoryJob("corrupt", str(corrupt_tail))], LocalExecutor())

        [result] = report.repositories
        assert (result.ok, result.commits_added) == (False, 0)
        assert [problem.code for problem in result.problems] == ["GIT003"]
        assert stored_counts(store) == {}
    assert split_small


class _Git:
    """Stands for a running git: says when it is ended and when it is waited for."""

    def __init__(self, name: str, events: list[str]) -> None:
        self.name, self.events, self.running = name, events, True

    def ended(self) -> bool:
        return not self.running

    def end(self) -> None:
        if self.running:
            self.events.append(f"{self.name} ended")
        self.running = False

    def finish(self, stop: Any = None) -> None:
        self.events.append(f"{self.name} waited for")
        self.running = False


def test_the_first_git_is_ended_once_its_part_is_written_not_when_the_second_ends(tmp_path: Path) -> None:
    """The first git writes on past its part (the log goes on after `split_at`): once the next record
    has begun in its file, it is ended at once, before the second git is waited for, so it does not
    spend a core on commits the second git writes."""
    head_file = tmp_path / "head.log"
    head_file.write_bytes(b"".join(b"\x1e%040x\0fields\0" % number for number in range(3)))  # split_at 2, and one more
    events: list[str] = []
    head, tail = _Git("first", events), _Git("second", events)
    split = split_log.SplitLog(head, tail, split_at=2, tail_path=str(tmp_path / "tail.log"), head_path=str(head_file))  # type: ignore[arg-type]

    split.finish()

    assert events == ["first ended", "second waited for"]


def test_the_first_part_is_read_at_once_when_its_git_has_ended_while_the_second_still_writes(tmp_path: Path) -> None:
    """Once the first git has ended, its part of the log is whole: the reader takes it without
    waiting on the mining (the second git still writing) for bytes that will never come to that
    file. Before, it waited up to a quarter of a second per chunk, with a core idle."""
    clone = linear_history(tmp_path / "linear.git", 60)
    head_log, tail_log = tmp_path / "head.log", tmp_path / "tail.log"
    head_log.write_bytes(log_bytes(clone))  # the first git wrote on past its part, then was ended
    tail_log.write_bytes(log_bytes(clone, 25))
    mined = MinedRepository("linear", str(clone), log_path=str(head_log), split_at=25, tail_path=str(tail_log))
    mined.head_read, mined.head_written = Event(), Event()
    mined.head_written.set()
    waits_for_the_first_part: list[float] = []

    def still_running(timeout: float) -> bool:  # the mining runs on until the first part is read
        if not mined.head_read.is_set():
            waits_for_the_first_part.append(timeout)
        return not mined.head_read.is_set()

    mined.still_running = still_running

    batches = list(mined.batches())

    assert sum(len(batch.commits) for batch in batches) == 60 == mined.commit_count
    assert [timeout for timeout in waits_for_the_first_part if timeout > 0] == []


@pytest.fixture
def corrupt_head(tmp_path: Path) -> Iterator[Path]:
    """A clone of 60 commits whose newest file contents are lost: git fails at the start of its log."""
    repo = Repo(tmp_path / "corrupt-head")
    for n in range(59):
        repo.write("old.txt", f"{n}\n")
        repo.commit(f"c{n}", T0 + n)
    repo.write("new.txt", "newest\n")
    repo.commit("newest", T0 + 600)
    blob = git(repo.path, "rev-parse", "HEAD:new.txt").strip()
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()  # loose: never packed
    yield repo.path


def test_git_failing_in_the_first_part_is_reported_with_gits_own_error(
    corrupt_head: Path, tmp_path: Path, split_small: list[tuple[int, str]]
) -> None:
    """The first git fails before its part is written: the reader follows the mining to its end,
    and the repository fails with git's error, not with a log cut short."""
    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        report = sync_repositories(store, [RepositoryJob("corrupt", str(corrupt_head))], LocalExecutor())

        [result] = report.repositories
        assert (result.ok, result.commits_added) == (False, 0)
        assert [problem.code for problem in result.problems] == ["GIT003"]
        assert "fatal: unable to read" in result.problems[0].message  # git's own words
        assert stored_counts(store) == {}
    assert split_small


def test_commits_of_a_sha256_repository_are_listed(tmp_path: Path) -> None:
    repo = tmp_path / "sha256"
    git(tmp_path, "init", "-q", "--object-format=sha256", str(repo))
    for n in range(3):
        (repo / "a.txt").write_text(f"{n}\n")
        git(repo, "add", "a.txt")
        git(repo, "-c", "user.name=A", "-c", "user.email=a@example.com", "commit", "-q", "-m", f"c{n}")

    listed = CommitList(repo, ["HEAD"], []).result()

    assert (len(listed), listed.width) == (3, 65)
    assert [len(name) for name in listed.names()] == [64, 64, 64]
    assert listed.after(1) == "".join(f"{name}\n" for name in listed.names()[1:]).encode()


@pytest.mark.parametrize(
    ("git_seconds_per_commit", "share"),
    [
        (100e-6, 0.4444),  # cheap diffs (requests' history): the reader's 20 µs is a fifth of git's
        (400e-6, 0.4872),  # costly diffs: nearly half
        (20e-6, 0.4),  # git as quick as the reader: the least share
        (5e-6, 0.4),
    ],
)
def test_the_second_git_is_given_more_the_cheaper_gits_commits_are(git_seconds_per_commit: float, share: float) -> None:
    written = 5000
    assert split_log.head_share(written, written * git_seconds_per_commit) == pytest.approx(share, abs=1e-4)


def test_before_git_has_written_anything_the_log_is_split_in_half() -> None:
    assert split_log.head_share(0, 0.0) == split_log.head_share(0, 1.0) == split_log.head_share(10, 0.0) == 0.5


def test_the_split_follows_the_share_of_what_is_left(
    tmp_path: Path, split_small: list[tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = linear_history(tmp_path / "linear.git", 1000)
    monkeypatch.setattr(split_log, "_records_written", lambda path: 200)
    monkeypatch.setattr(split_log, "head_share", lambda written, elapsed: 0.25 if written == 200 else 0.5)
    with open_store(tmp_path, f"sqlite:///{tmp_path / 'store.db'}") as store:
        report = sync_repositories(store, [RepositoryJob("linear", str(clone))], LocalExecutor())
    assert [(r.ok, r.commits_added) for r in report.repositories] == [(True, 1000)]
    assert [split for split, _ in split_small] == [200 + 800 // 4]

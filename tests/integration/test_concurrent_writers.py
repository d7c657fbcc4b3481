"""Writers that wait for each other: two and four `charter` processes of every kind of write (each
import, sync) run at once on one store, on SQLite and PostgreSQL; every one succeeds and the store
holds what the same commands one after the other leave. A writer kept waiting too long says so in
one line; a store a newer Charter wrote is refused with what to do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, table, text
from typer.testing import CliRunner

import charter
from charter.cli.app import app
from charter.services.imports_git import SyncEvent, sync_repositories
from charter.sources.git.executors import LocalExecutor
from charter.sources.git.mine import MinedRepository, RepositoryJob
from charter.store.database import Store, open_store
from charter.store.git_history import known_head, known_refs
from charter.store.schema import commits
from charter.store.writers import WRITE_TIMEOUT_VARIABLE
from tests.integration.conftest import AS_OF
from tests.pg_server import PostgresServer
from tests.sources.git.gitrepos import T0, Repo

# The tables that hold a cache, written only when no other writer holds the store: their rows may
# differ between runs at once and runs one after the other, by design.
CACHES = {"parse_cache", "check_results", "alembic_version"}
SOURCE = Path(charter.__file__).resolve().parents[1]
CHARTER = [sys.executable, "-c", "import sys; from charter.cli.app import main; sys.argv[0] = 'charter'; main()"]


@dataclass(frozen=True)
class Organisation:
    """The demo organisation, and inputs for four writers of each kind (different files where the
    kind takes several)."""

    root: Path
    inputs: Path

    def writers(self, kind: str, count: int) -> list[list[str]]:
        """The argument lists of `count` writers of `kind`."""
        return [[*WRITES[kind](self, index), "--repo", str(self.root)] for index in range(count)]


def _part(folder: Path, name: str, index: int) -> str:
    return str(folder / f"{name}-{index}")


WRITES: dict[str, Callable[[Organisation, int], list[str]]] = {
    "deployments": lambda org, i: ["import", "deployments", _part(org.inputs, "deployments", i) + ".jsonl"],
    "pulls": lambda org, i: ["import", "pulls", _part(org.inputs, "pulls", i) + ".json"],
    "incidents": lambda org, i: [
        "import",
        "incidents",
        str(sorted((org.root / "facts").glob("incidents-*"))[i % 2]),
    ],
    "sli": lambda org, i: ["import", "sli", _part(org.inputs, "sli", i) + ".csv"],
    "findings": lambda org, i: ["import", "findings", str(sorted((org.root / "facts" / "scans").iterdir())[i])],
    "kev": lambda org, i: ["import", "kev", str(org.root / "facts" / "kev.json")],
    "epss": lambda org, i: ["import", "epss", str(org.root / "facts" / "epss.csv")],
    "scorecard": lambda org, i: [
        "import",
        "scorecard",
        str(sorted((org.root / "facts" / "scorecard").glob("*.json"))[i]),
    ],
    "sync": lambda org, i: ["sync", "--as-of", AS_OF, "--quiet"],
}


def _split_lines(source: Path, parts: int, folder: Path, name: str, suffix: str, header: bool, limit: int) -> None:
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    head, body = (lines[:1], lines[1 : limit + 1]) if header else ([], lines[:limit])
    for index in range(parts):
        (folder / f"{name}-{index}{suffix}").write_text("".join(head + body[index::parts]), encoding="utf-8")


def _pulls(index: int) -> list[dict[str, object]]:
    """A GitHub pulls export of one repository, as `GET /repos/{o}/{r}/pulls?state=closed` gives it."""
    return [
        {
            "number": number,
            "state": "closed",
            "created_at": "2026-09-01T09:00:00Z",
            "merged_at": "2026-09-02T09:00:00Z",
            "merge_commit_sha": f"{index:x}{number:039x}",
            "base": {"ref": "main", "repo": {"name": f"repository-{index}"}},
            "first_commit_at": "2026-08-31T09:00:00Z",
        }
        for number in range(1, 31)
    ]


@pytest.fixture(scope="module")
def organisation(tmp_path_factory: pytest.TempPathFactory) -> Organisation:
    root = tmp_path_factory.mktemp("writers") / "org"
    result = CliRunner().invoke(app, ["demo", str(root), "--size", "small"], env={"CHARTER_DATABASE_URL": ""})
    assert result.exit_code == 0, result.output
    inputs = tmp_path_factory.mktemp("inputs")
    facts = root / "facts"
    _split_lines(facts / "deployments.jsonl", 4, inputs, "deployments", ".jsonl", header=False, limit=10**9)
    _split_lines(facts / "sli.csv", 4, inputs, "sli", ".csv", header=True, limit=20_000)
    for index in range(4):
        (inputs / f"pulls-{index}.json").write_text(json.dumps(_pulls(index)), encoding="utf-8")
    return Organisation(root, inputs)


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Empty stores on one backend, as many as the test asks for."""
    if request.param == "sqlite":
        files = iter(range(100))
        yield lambda: f"sqlite:///{tmp_path / f'store-{next(files)}.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    names: list[str] = []

    def create() -> str:
        names.append(server.create_database())
        return server.url(names[-1])

    try:
        yield create
    finally:
        for name in names:
            server.drop_database(name)


def _environment(url: str, **extra: str) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(SOURCE), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "CHARTER_DATABASE_URL": url, **extra}


def run_at_once(commands: Sequence[Sequence[str]], url: str, **extra: str) -> list[subprocess.CompletedProcess[str]]:
    """Start every command as its own `charter` process at once; wait for them all."""
    environment = _environment(url, **extra)
    processes = [
        subprocess.Popen(
            [*CHARTER, *command], env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for command in commands
    ]
    finished = []
    for command, process in zip(commands, processes, strict=True):
        stdout, stderr = process.communicate(timeout=600)
        finished.append(subprocess.CompletedProcess([*CHARTER, *command], process.returncode, stdout, stderr))
    return finished


def run_in_turn(commands: Sequence[Sequence[str]], url: str) -> list[dict[str, int]]:
    """Run the commands in this process one after the other; the row counts after each."""
    counts = []
    for command in commands:
        result = CliRunner().invoke(app, list(command), env={"CHARTER_DATABASE_URL": url})
        assert result.exit_code == 0, (command, result.output)
        counts.append(row_counts(url))
    return counts


def row_counts(url: str) -> dict[str, int]:
    """Rows per table, caches left out."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = sorted(set(inspect(connection).get_table_names()) - CACHES)
            return {name: connection.scalar(select(func.count()).select_from(table(name))) or 0 for name in names}
    finally:
        engine.dispose()


def assert_all_succeeded(results: Sequence[subprocess.CompletedProcess[str]]) -> None:
    for result in results:
        assert result.returncode == 0, (result.args[3:], result.stderr[-3000:])
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", sorted(WRITES))
def test_two_and_four_writers_of_one_kind_at_once_leave_what_they_leave_one_after_the_other(
    kind: str, organisation: Organisation, stores: Callable[[], str]
) -> None:
    commands = organisation.writers(kind, 4)
    in_turn = run_in_turn(commands, stores())

    for writers in (2, 4):
        at_once = stores()
        assert_all_succeeded(run_at_once(commands[:writers], at_once))
        assert row_counts(at_once) == in_turn[writers - 1], f"{writers} writers"
    assert sum(in_turn[-1].values()) > 0


def test_one_writer_of_every_import_at_once_leaves_what_they_leave_one_after_the_other(
    organisation: Organisation, stores: Callable[[], str]
) -> None:
    # `sync` reads what the imports wrote, so its result depends on their order: it has its own test.
    commands = [organisation.writers(kind, 1)[0] for kind in sorted(WRITES) if kind != "sync"]
    at_once = stores()

    assert_all_succeeded(run_at_once(commands, at_once))

    assert row_counts(at_once) == run_in_turn(commands, stores())[-1]


def test_imports_beside_a_sync_all_succeed(organisation: Organisation, stores: Callable[[], str]) -> None:
    commands = [organisation.writers(kind, 1)[0] for kind in ("sync", "deployments", "sli")]

    assert_all_succeeded(run_at_once(commands, stores()))


def test_a_writer_kept_waiting_too_long_says_who_holds_the_store_in_one_line(
    organisation: Organisation, stores: Callable[[], str]
) -> None:
    url = stores()
    with open_store(organisation.root, url) as store, store.transaction():
        (result,) = run_at_once(organisation.writers("kev", 1), url, **{WRITE_TIMEOUT_VARIABLE: "0.2"})

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: the store is busy: another writer (")
    assert "has held it for more than 0.2 s" in lines[0]
    if url.startswith("sqlite"):
        assert f"pid {os.getpid()}:" in lines[0]
    assert "INSERT" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["import", "kev", "facts/kev.json"], ["risks"]])
def test_a_store_written_by_a_newer_charter_is_refused_saying_to_upgrade(
    command: list[str], organisation: Organisation, stores: Callable[[], str]
) -> None:
    url = stores()
    open_store(organisation.root, url).close()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()
    arguments = [str(organisation.root / part) if part.startswith("facts/") else part for part in command]

    (result,) = run_at_once([[*arguments, "--repo", str(organisation.root)]], url)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "schema revision 0999" in lines[0] and "upgrade Charter" in lines[0]


class OtherSyncFirst:
    """Local mining, but before each result is handed over another sync of the same repositories
    (from the same stored refs) writes them: as two `charter sync` processes would race."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.raced = False

    def map_jobs(self, jobs: Sequence[RepositoryJob]) -> Iterator[MinedRepository]:
        for mined in LocalExecutor(1).map_jobs(jobs):
            if not self.raced:
                self.raced = True
                sync_repositories(self.store, jobs, LocalExecutor(1))
            yield mined


def test_a_repository_another_sync_wrote_meanwhile_is_mined_again_not_written_twice(
    database_url: str, tmp_path: Path
) -> None:
    repository = Repo(tmp_path / "app")
    repository.write("a.txt", "a\n")
    repository.commit("a", T0)
    with open_store(tmp_path, database_url) as store:
        sync_repositories(store, [RepositoryJob("app", str(repository.path))], LocalExecutor(1))
        repository.write("a.txt", "a\nb\n")
        repository.commit("b", T0 + 60)
        with store.engine.connect() as connection:
            job = RepositoryJob(
                "app",
                str(repository.path),
                known_refs=known_refs(connection, "app"),
                known_head=known_head(connection, "app"),
            )
        events: list[SyncEvent] = []

        report = sync_repositories(store, [job], OtherSyncFirst(store), events.append)

        with store.engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(commits)) == 2
            assert known_refs(connection, "app") == {"refs/heads/main": repository.sha("HEAD")}
    (synced,) = report.repositories
    assert (synced.ok, synced.changed, synced.commits_added) == (True, False, 0)
    assert [(event.kind, event.repository) for event in events] == [("started", "app"), ("finished", "app")]

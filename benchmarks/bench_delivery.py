"""`charter delivery` over a big store: 1,000,000 successful production deployments over three years
across the large demo organisation's 5,000 components, the 10,000,000 changes they shipped (with
lead times) and as many commits, on SQLite and on PostgreSQL (target: every case under 30 s). Besides
the demo's 1,000 incidents (some naming the deployment that caused them), `--change-incidents` more
(50) name the commit that caused them, as a postmortem does, so the command also looks up who
shipped those commits.

The store is filled with SQL (a recursive CTE on SQLite, `generate_series` on PostgreSQL), not
Python objects, and ends "now", so the default period (the last 90 days) holds about 1/12 of it.
PostgreSQL is a throwaway cluster (initdb into the work directory, a free port, a unix socket),
stopped at the end. Each `charter delivery ... --format json` runs in its own process, so its wall
time includes start-up and loading the organisation, and its peak memory is its own (wait4's rusage).

    .venv/bin/python benchmarks/bench_delivery.py [--backend sqlite|postgresql|both]
        [--deployments 1000000] [--commits 10000000] [--change-incidents 50] [--keep DIR]

With `--keep DIR` the organisation and the filled stores stay in DIR and are reused by the next run
with the same sizes (their data then ends when they were filled).
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import itertools
import json
import multiprocessing
import operator
import os
import pwd
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from child_process import run_child

if TYPE_CHECKING:
    import psycopg

TARGET_SECONDS = 30.0
SPAN_DAYS = 3 * 365
# One deployment in this many of a component rolls back the one before it, and one hotfixes it.
REWORK_EVERY = 50
# delivery_inputs reads deployments from 30 days before the period (charter.services.delivery._CONTEXT_BEFORE).
CONTEXT_BEFORE = timedelta(days=30)
MAX_LEAD_SECONDS = 14 * 86400
# Incidents added to the demo organisation whose cause is a commit the store holds.
CHANGE_INCIDENTS = 50
SERVER_USER = "postgres"
DATABASE = "charter"
_T = TypeVar("_T")


# The data ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """What the store holds. Deployment i (time order) is of component i % C, its k = i // C-th,
    tagged `tag:<component>/v1.<k>.0`, finishing at start + i * span / N (plus up to ten minutes).
    It shipped commits g = i * per .. i * per + per - 1, per = commits // deployments; commits past
    N * per are in their repositories (one per component, named like it) but shipped by none."""

    deployments: int
    commits: int
    components: int
    end: int  # epoch seconds of the newest deployment

    @property
    def per_deployment(self) -> int:
        return self.commits // self.deployments

    @property
    def start(self) -> int:
        return self.end - SPAN_DAYS * 86400

    @property
    def step(self) -> int:
        return SPAN_DAYS * 86400 // self.deployments


class Dialect:
    """The few SQL expressions that differ between SQLite and PostgreSQL."""

    def __init__(self, name: str) -> None:
        self.name = name

    def hex8(self, expression: str) -> str:
        if self.name == "sqlite":
            return f"printf('%08x', {expression})"
        return f"lpad(to_hex({expression}), 8, '0')"

    def timestamp(self, epoch: str) -> str:
        """Epoch seconds as the column stores them (SQLAlchemy's text format on SQLite)."""
        if self.name == "sqlite":
            return f"(strftime('%Y-%m-%d %H:%M:%S', {epoch}, 'unixepoch') || '.000000')"
        return f"to_timestamp({epoch})"

    def text(self, expression: str) -> str:
        return expression if self.name == "sqlite" else f"({expression})::text"

    def boolean(self, condition: str) -> str:
        return f"({condition})"

    @property
    def join(self) -> str:
        """SQLite's CROSS JOIN keeps the numbers outermost; PostgreSQL plans a hash join by itself."""
        return "CROSS JOIN" if self.name == "sqlite" else "JOIN"


# A commit's sha: five 32-bit products of its index g, in hex; odd multipliers make it unique per g.
SHA_MULTIPLIERS = (2654435761, 2246822519, 3266489917, 668265263, 374761393)


def sha(dialect: Dialect, g: str) -> str:
    """SQL for the 40-hex-digit sha of commit index g: it looks random, so the unique index on
    (repository, sha) is filled out of order, as a real one is."""
    return " || ".join(dialect.hex8(f"(({g}) * {m}) % 4294967296") for m in SHA_MULTIPLIERS)


def sha_of(g: int) -> str:
    return "".join(f"{(g * m) % 4294967296:08x}" for m in SHA_MULTIPLIERS)


def finished(layout: Layout, i: str) -> str:
    return f"({layout.start} + ({i}) * {layout.step} + (({i}) * 7919) % 600)"


def lead(g: str) -> str:
    return f"(300 + (({g}) * 40503) % {MAX_LEAD_SECONDS})"


def deployment_id(dialect: Dialect, name: str, k: str) -> str:
    return f"'tag:' || {name} || '/v1.' || {dialect.text(k)} || '.0'"


def fill_statements(dialect: Dialect, layout: Layout, numbers: str) -> list[str]:
    """INSERT ... SELECT statements filling deployments, deployment_changes and commits, given
    `numbers`: a row source of n from 0 to a bound in `{bound}`, and the table `bench_components(idx,
    name)`."""
    c, per = layout.components, layout.per_deployment
    shipped = layout.deployments * per
    i_of_g = f"(n / {per})"
    deployments_sql = f"""
        INSERT INTO deployments (id, component, environment, commit_sha, started, finished, status, source,
                                 rollback_of, hotfix_for, incident)
        SELECT {deployment_id(dialect, "b.name", f"(n / {c})")}, b.name, 'production',
               {sha(dialect, f"n * {per} + {per} - 1")},
               {dialect.timestamp(f"{finished(layout, 'n')} - 900")}, {dialect.timestamp(finished(layout, "n"))},
               'success', 'tag',
               CASE WHEN (n / {c}) % {REWORK_EVERY} = {REWORK_EVERY - 1}
                    THEN {deployment_id(dialect, "b.name", f"(n / {c} - 1)")} END,
               CASE WHEN (n / {c}) % {REWORK_EVERY} = {REWORK_EVERY // 2}
                    THEN {deployment_id(dialect, "b.name", f"(n / {c} - 1)")} END,
               NULL
        FROM {numbers.format(bound=layout.deployments)} {dialect.join} bench_components b ON b.idx = n % {c}
    """
    changes_sql = f"""
        INSERT INTO deployment_changes (deployment_id, sha, lead_start, lead_seconds)
        SELECT {deployment_id(dialect, "b.name", f"({i_of_g} / {c})")}, {sha(dialect, "n")},
               {dialect.timestamp(f"{finished(layout, i_of_g)} - {lead('n')}")}, {lead("n")}
        FROM {numbers.format(bound=shipped)} {dialect.join} bench_components b ON b.idx = {i_of_g} % {c}
    """
    component_of_g = f"CASE WHEN n < {shipped} THEN {i_of_g} % {c} ELSE n % {c} END"
    authored = (
        f"CASE WHEN n < {shipped} THEN {finished(layout, i_of_g)} - {lead('n')} "
        f"ELSE {layout.end} - n % {MAX_LEAD_SECONDS} END"
    )
    commits_sql = f"""
        INSERT INTO commits (repository, sha, parents, author_name, author_email, authored_at, committed_at,
                             is_merge, additions, deletions, files_changed)
        SELECT b.name, {sha(dialect, "n")}, CASE WHEN n > 0 THEN {sha(dialect, "n - 1")} ELSE '' END,
               'Developer ' || {dialect.text("n % 1500")}, 'dev' || {dialect.text("n % 1500")} || '@example.com',
               {dialect.timestamp(authored)}, {dialect.timestamp(authored)}, {dialect.boolean("n % 20 = 0")},
               n % 200, n % 50, 1 + n % 7
        FROM {numbers.format(bound=layout.commits)} {dialect.join} bench_components b ON b.idx = {component_of_g}
    """
    return [deployments_sql, changes_sql, commits_sql]


def write_change_incidents(org: Path, layout: Layout, names: list[str], count: int = CHANGE_INCIDENTS) -> None:
    """Incidents whose `causedBy.change` names a shipped commit (half by full sha, half abbreviated), so
    the command also finds which deployments shipped them; spread over the three years."""
    folder = org / "incidents"
    shipped = layout.deployments * layout.per_deployment
    for number in range(1, count + 1):
        g = (number - 1) * shipped // count + 3
        i = g // layout.per_deployment
        started = datetime.fromtimestamp(layout.start + i * layout.step + 7200, UTC)
        full = sha_of(g)
        record = {
            "id": f"BENCH-{number:04d}",
            "title": f"Errors after change {full[:12]}",
            "severity": "SEV3",
            "services": [names[i % layout.components]],
            "started": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "resolved": (started + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "cause": "change",
            "causedBy": {"change": full if number % 2 else full[:12]},
        }
        text = "---\n" + json.dumps(record, indent=2) + "\n---\n\nA change shipped to production broke it.\n"
        (folder / f"{started.date()}-bench-{number:04d}.md").write_text(text, encoding="utf-8")


def component_names(org: Path) -> tuple[list[str], float]:
    """The organisation's component keys (as deployments name them), and its hotfix window in hours."""
    from charter.analysis.component_sources import component_scopes
    from charter.model.organization import Policies
    from charter.services.context import load_context

    context = load_context(org, None)
    organization = context.estate.organization
    policies = organization.spec.policies if organization else Policies()
    return sorted(component_scopes(context.estate)), policies.hotfix_window_hours


def migrate(org: Path, url: str) -> None:
    from charter.store.database import open_store

    open_store(org, url).close()


def fill_sqlite(path: Path, layout: Layout, names: list[str]) -> None:
    numbers = (
        "(WITH RECURSIVE numbers(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM numbers WHERE n < {bound} - 1) "
        "SELECT n FROM numbers)"
    )
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-4000000")  # 4 GB: the unique indexes are filled out of order
        connection.execute("PRAGMA temp_store=MEMORY")
        connection.execute("CREATE TEMP TABLE bench_components (idx INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        connection.executemany("INSERT INTO bench_components VALUES (?, ?)", enumerate(names[: layout.components]))
        for statement in fill_statements(Dialect("sqlite"), layout, numbers):
            _timed(connection.execute, statement)
        _timed(lambda _: pack_lead_times_sqlite(connection), "pack lead times per deployment")
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


# What `charter sync` writes beside the shipped changes: each deployment's lead times in one row.
PACK_LEAD_TIMES_POSTGRESQL = (
    "INSERT INTO deployment_lead_times (deployment_id, lead_seconds) "
    "SELECT deployment_id, string_agg(float8send(lead_seconds), ''::bytea) FROM deployment_changes "
    "GROUP BY deployment_id"
)


def pack_lead_times_sqlite(connection: sqlite3.Connection) -> None:
    import numpy as np

    changes = connection.execute("SELECT deployment_id, lead_seconds FROM deployment_changes ORDER BY deployment_id")
    packs = (
        (deployment_id, np.fromiter((row[1] for row in rows), dtype=">f8").tobytes())
        for deployment_id, rows in itertools.groupby(changes, key=operator.itemgetter(0))
    )
    connection.executemany("INSERT INTO deployment_lead_times (deployment_id, lead_seconds) VALUES (?, ?)", packs)


def fill_postgresql(server: PostgresCluster, layout: Layout, names: list[str]) -> None:
    # bigint numbers, so products do not overflow
    numbers = "generate_series(0::bigint, {bound} - 1) AS numbers(n)"
    with server.connect(DATABASE) as connection:
        connection.execute("SET maintenance_work_mem = '1GB'")
        connection.execute("CREATE TEMP TABLE bench_components (idx bigint PRIMARY KEY, name text NOT NULL)")
        connection.execute(
            "INSERT INTO bench_components SELECT ordinality - 1, name FROM unnest(%s::text[]) WITH ORDINALITY name",
            [names[: layout.components]],
        )
        tables = ("deployments", "deployment_changes", "commits")
        indexes = _drop_indexes(connection, tables)
        for statement in [*fill_statements(Dialect("postgresql"), layout, numbers), PACK_LEAD_TIMES_POSTGRESQL]:
            _timed(connection.execute, statement)
        for definition in indexes:
            _timed(connection.execute, definition)
        _timed(connection.execute, "VACUUM ANALYZE")


def _drop_indexes(connection: psycopg.Connection[Any], tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' constraints and indexes for a bulk load; returns the statements that make them
    again (built from sorted data after the load, much faster than row by row)."""
    cursor = connection.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('p', 'u')",
        [list(tables)],
    )
    constraints = cursor.fetchall()
    cursor = connection.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
        [list(tables)],
    )
    indexes = cursor.fetchall()
    for table, name, _definition in constraints:
        connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    remake = [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in constraints]
    return remake + [definition for _name, definition in indexes]


def _timed(execute: Callable[[str], object], statement: str) -> None:
    started = time.perf_counter()
    execute(statement)
    summary = " ".join(statement.split())[:70]
    print(f"  {time.perf_counter() - started:7.1f} s  {summary}", flush=True)


# PostgreSQL --------------------------------------------------------------------------------------


def _postgres_binaries() -> Path:
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(Path(path).parent.name or 0))
    if not folders:
        sys.exit("no PostgreSQL binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin")
    return Path(folders[-1])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class PostgresCluster:
    """A throwaway cluster in `root` (kept there for reuse), reached on a unix socket in `root`."""

    root: Path
    binaries: Path
    port: int = 0

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, command: list[str]) -> subprocess.CompletedProcess[str]:
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = (
                ["runuser", "-u", SERVER_USER, "--", *command]
                if shutil.which("runuser")
                else (["su", SERVER_USER, "-s", "/bin/sh", "-c", shlex.join(command)])
            )
        return subprocess.run(command, cwd=self.root, capture_output=True, text=True, check=False)

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            owner = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        if not self.data.exists():
            initdb = [str(self.binaries / "initdb"), "-D", str(self.data), "-U", SERVER_USER, "--auth=trust"]
            done = self._run([*initdb, "--no-locale", "-E", "UTF8", "--no-sync"])
            if done.returncode != 0:
                sys.exit(f"initdb failed:\n{done.stdout}\n{done.stderr}")
        self.port = _free_port()
        options = (
            f"-c port={self.port} -c listen_addresses='' -c unix_socket_directories={self.root} "
            "-c shared_buffers=1GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_wal_size=8GB"
        )
        log = self.root / "server.log"
        done = self._run(
            [str(self.binaries / "pg_ctl"), "start", "-D", str(self.data), "-w", "-l", str(log), "-o", options]
        )
        if done.returncode != 0:
            sys.exit(f"pg_ctl start failed:\n{done.stdout}\n{done.stderr}\n{log.read_text() if log.exists() else ''}")

    def stop(self) -> None:
        self._run([str(self.binaries / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast", "-w"])

    def connect(self, database: str) -> psycopg.Connection[tuple[Any, ...]]:
        import psycopg

        return psycopg.connect(host=str(self.root), port=self.port, user=SERVER_USER, dbname=database, autocommit=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SERVER_USER}@/{database}?host={self.root}&port={self.port}"

    def ensure_database(self, database: str) -> None:
        with self.connect("postgres") as connection:
            found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
            if found is None:
                connection.execute(f'CREATE DATABASE "{database}"')


@contextlib.contextmanager
def postgres_cluster(root: Path) -> Iterator[PostgresCluster]:
    cluster = PostgresCluster(root, _postgres_binaries())
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


# Measuring ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    period: str
    by: str
    arguments: tuple[str, ...]
    since: datetime
    until: datetime


@dataclass(frozen=True)
class Measurement:
    backend: str
    case: Case
    deployments_read: int
    changes_read: int
    seconds: float
    peak_mb: float


def isolated(function: Callable[..., _T], *arguments: Any) -> _T:
    """`function(*arguments)` in a fresh interpreter. Linux starts a child's peak memory at its
    parent's (exec keeps the old high-water mark), so the benchmark's own process must stay small:
    loading the organisation and filling the store happen elsewhere."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *arguments).result()


def rows_read(url: str, case: Case, hotfix_window_hours: float) -> tuple[int, int]:
    """How many deployments and shipped changes `charter delivery` reads for the case."""
    from sqlalchemy import func, select

    from charter.store.database import create_store_engine
    from charter.store.schema import deployment_changes, deployments

    engine = create_store_engine(url)
    try:
        with engine.connect() as connection:
            context = select(func.count()).where(
                deployments.c.finished >= case.since - CONTEXT_BEFORE,
                deployments.c.finished < case.until + timedelta(hours=hotfix_window_hours),
            )
            changes = (
                select(func.count())
                .select_from(
                    deployment_changes.join(deployments, deployments.c.id == deployment_changes.c.deployment_id)
                )
                .where(deployments.c.finished >= case.since, deployments.c.finished < case.until)
            )
            return int(connection.execute(context).scalar_one()), int(connection.execute(changes).scalar_one())
    finally:
        engine.dispose()


def cases(layout: Layout) -> list[Case]:
    now = datetime.now(UTC)
    first_day = datetime.fromtimestamp(layout.start, UTC).date()
    since = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
    found = [Case("last 90 days", by, ("--by", by), now - timedelta(days=90), now) for by in ("org", "team")]
    for by in ("org", "team"):
        arguments = ("--by", by, "--since", since.date().isoformat())
        found.append(Case(f"3 years from {since.date()}", by, arguments, since, now))
    return found


def measure(backend: str, org: Path, url: str, layout: Layout, hotfix_window_hours: float) -> list[Measurement]:
    charter = str(Path(sys.executable).with_name("charter"))
    env = {**os.environ, "CHARTER_DATABASE_URL": url}
    base = [charter, "delivery", "--repo", str(org), "--format", "json", "-o", os.devnull]
    run_child([*base, "--since", datetime.now(UTC).date().isoformat()], env)  # warm: fills the store's parse cache
    measured = []
    for case in cases(layout):
        deployments_read, changes_read = isolated(rows_read, url, case, hotfix_window_hours)
        seconds, _, peak = run_child([*base, *case.arguments], env)
        measured.append(Measurement(backend, case, deployments_read, changes_read, seconds, peak))
        print(f"  {backend} {case.period} --by {case.by}: {seconds:.1f} s, {peak:.0f} MB", flush=True)
    return measured


def print_table(measured: list[Measurement]) -> None:
    columns = f"{'backend':<11} {'period':<24} {'by':<5} {'deployments':>11} {'changes':>11}"
    header = f"{columns} {'wall s':>7} {'peak MB':>8}  target"
    print(header)
    print("-" * len(header))
    for item in measured:
        verdict = "ok (< 30 s)" if item.seconds < TARGET_SECONDS else "OVER 30 s"
        print(
            f"{item.backend:<11} {item.case.period:<24} {item.case.by:<5} {item.deployments_read:>11,} "
            f"{item.changes_read:>11,} {item.seconds:>7.1f} {item.peak_mb:>8.0f}  {verdict}"
        )


# Preparing ---------------------------------------------------------------------------------------


def prepared(marker: Path, layout: Layout) -> Layout | None:
    """The layout a kept store was filled with, when it has the sizes asked for."""
    if not marker.exists():
        return None
    kept = Layout(**json.loads(marker.read_text()))
    same = (kept.deployments, kept.commits, kept.components) == (layout.deployments, layout.commits, layout.components)
    return kept if same else None


def prepare_sqlite(workdir: Path, org: Path, layout: Layout, names: list[str]) -> tuple[str, Layout]:
    path = workdir / "delivery.db"
    marker = workdir / "sqlite.json"
    kept = prepared(marker, layout)
    if kept is None:
        print(f"filling SQLite {path}", flush=True)
        marker.unlink(missing_ok=True)
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        migrate(org, f"sqlite:///{path}")
        fill_sqlite(path, layout, names)
        marker.write_text(json.dumps(asdict(layout)))
        kept = layout
    print(f"SQLite store: {path.stat().st_size / 1e9:.1f} GB", flush=True)
    return f"sqlite:///{path}", kept


def prepare_postgresql(cluster: PostgresCluster, org: Path, layout: Layout, names: list[str]) -> Layout:
    marker = cluster.root / "postgresql.json"
    kept = prepared(marker, layout)
    if kept is None:
        print(f"filling PostgreSQL in {cluster.root}", flush=True)
        marker.unlink(missing_ok=True)
        with cluster.connect("postgres") as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        cluster.ensure_database(DATABASE)
        migrate(org, cluster.url(DATABASE))
        fill_postgresql(cluster, layout, names)
        marker.write_text(json.dumps(asdict(layout)))
        kept = layout
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--deployments", type=int, default=1_000_000)
    parser.add_argument("--commits", type=int, default=10_000_000)
    parser.add_argument(
        "--change-incidents",
        type=int,
        default=CHANGE_INCIDENTS,
        help="incidents added to the organisation whose cause is a commit in the store",
    )
    parser.add_argument("--keep", type=Path, help="build into this directory, keep it, and reuse what it holds")
    args = parser.parse_args()
    if args.deployments < 1 or args.commits < args.deployments:
        sys.exit("--deployments must be at least 1 and --commits at least --deployments")
    workdir = (args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-delivery-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    workdir.chmod(0o755)  # the PostgreSQL server user keeps its cluster in here
    org = workdir / "org"
    charter = str(Path(sys.executable).with_name("charter"))
    if not (org / "charter.yaml").exists():
        subprocess.run([charter, "demo", str(org), "--size", "large", "--no-git", "--force"], check=True)
    names, hotfix_window_hours = isolated(component_names, org)
    now = int(datetime.now(UTC).timestamp()) // 60 * 60 - 3600
    layout = Layout(args.deployments, args.commits, min(len(names), args.deployments), now)
    for stale in (org / "incidents").glob("*-bench-*.md"):
        stale.unlink()
    write_change_incidents(org, layout, names, args.change_incidents)
    print(
        f"store: {layout.deployments:,} deployments over {SPAN_DAYS} days across {layout.components:,} components, "
        f"{layout.deployments * layout.per_deployment:,} shipped changes, {layout.commits:,} commits; "
        f"{args.change_incidents} incidents caused by a commit"
    )
    measured: list[Measurement] = []
    try:
        if args.backend in ("sqlite", "both"):
            url, kept = isolated(prepare_sqlite, workdir, org, layout, names)
            measured += measure("SQLite", org, url, kept, hotfix_window_hours)
        if args.backend in ("postgresql", "both"):
            with postgres_cluster(workdir / "postgresql") as cluster:
                kept = isolated(prepare_postgresql, cluster, org, layout, names)
                measured += measure("PostgreSQL", org, cluster.url(DATABASE), kept, hotfix_window_hours)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print_table(measured)


if __name__ == "__main__":
    main()

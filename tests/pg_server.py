"""A throwaway PostgreSQL server for tests: one cluster per test session (initdb into a temporary
folder, a free loopback port, fsync off), a fresh database per test.

Use from any test folder's conftest.py:

    from tests.pg_server import postgres_server, postgres_url  # noqa: F401  (fixtures)

`postgres_url` gives a SQLAlchemy URL (`postgresql+psycopg://postgres@127.0.0.1:PORT/test_...`) of
an empty database that is dropped after the test. Tests that use it are skipped when no PostgreSQL
binaries are installed. Set CHARTER_TEST_POSTGRES_URL (a superuser URL, e.g.
`postgresql://postgres@db:5432/postgres`) to use a running server instead of starting one.
"""

from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import make_url

EXTERNAL_SERVER_VARIABLE = "CHARTER_TEST_POSTGRES_URL"
SERVER_USER = "postgres"


class PostgresUnavailable(Exception):
    """No PostgreSQL server can be started here; the reason says why."""


def find_postgres_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(Path(path).parent.name or 0))
    for folder in reversed(versions):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run the binaries as the `postgres` user."""
    if os.geteuid() != 0:
        return command
    if shutil.which("runuser"):
        return ["runuser", "-u", SERVER_USER, "--", *command]
    return ["su", SERVER_USER, "-s", "/bin/sh", "-c", shlex.join(command)]


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # The server user may not be able to enter the current directory; run from the cluster's folder.
    return subprocess.run(_as_server_user(command), cwd=cwd, capture_output=True, text=True, check=False)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class PostgresServer:
    """A reachable server on which tests may create and drop databases as a superuser."""

    host: str
    port: int
    user: str
    password: str | None = None
    data_root: Path | None = None
    binaries: Path | None = None

    def _admin_connection(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname="postgres",
            autocommit=True,
        )

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of `database` on this server."""
        auth = self.user if self.password is None else f"{self.user}:{self.password}"
        return f"postgresql+psycopg://{auth}@{self.host}:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its name."""
        name = f"test_{uuid.uuid4().hex}"
        with self._admin_connection() as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        with self._admin_connection() as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        """Stop a cluster this session started and delete its files; a borrowed server is left alone."""
        if self.data_root is None or self.binaries is None:
            return
        _run(
            [
                str(self.binaries / "pg_ctl"),
                "stop",
                "-D",
                str(self.data_root / "data"),
                "-m",
                "immediate",
                "-w",
            ],
            self.data_root,
        )
        shutil.rmtree(self.data_root, ignore_errors=True)


def start_postgres_server() -> PostgresServer:
    """Start a throwaway cluster, or raise PostgresUnavailable."""
    binaries = find_postgres_binaries()
    if binaries is None:
        raise PostgresUnavailable("no PostgreSQL binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql")
    as_root = os.geteuid() == 0
    if as_root:
        try:
            owner = pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise PostgresUnavailable("running as root and there is no `postgres` user to run the server") from None
    # Not pytest's tmp_path: its folders are private to root, and the server runs as `postgres`.
    # In memory when possible: CREATE DATABASE per test is ten times faster than on disk.
    in_memory = Path("/dev/shm")
    parent = in_memory if in_memory.is_dir() and os.access(in_memory, os.W_OK) else None
    root = Path(tempfile.mkdtemp(prefix="charter-pg-", dir=parent))
    if as_root:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    data = root / "data"
    initdb = _run(
        [
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-U",
            SERVER_USER,
            "--auth=trust",
            "--no-locale",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        root,
    )
    if initdb.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed:\n{initdb.stdout}\n{initdb.stderr}")
    last_error = ""
    for _attempt in range(3):
        port = _free_port()
        options = (
            f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        started = _run(
            [
                str(binaries / "pg_ctl"),
                "start",
                "-D",
                str(data),
                "-w",
                "-t",
                "60",
                "-l",
                str(root / "server.log"),
                "-o",
                options,
            ],
            root,
        )
        if started.returncode == 0:
            return PostgresServer("127.0.0.1", port, SERVER_USER, data_root=root, binaries=binaries)
        log = root / "server.log"
        last_error = f"{started.stdout}\n{started.stderr}\n{log.read_text() if log.exists() else ''}"
    shutil.rmtree(root, ignore_errors=True)
    raise RuntimeError(f"pg_ctl could not start PostgreSQL:\n{last_error}")


def _external_server(url: str) -> PostgresServer:
    parsed = make_url(url)
    return PostgresServer(
        parsed.host or "127.0.0.1", parsed.port or 5432, parsed.username or SERVER_USER, parsed.password
    )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole session; skips the test when none can be had."""
    external = os.environ.get(EXTERNAL_SERVER_VARIABLE)
    if external:
        yield _external_server(external)
        return
    try:
        server = start_postgres_server()
    except PostgresUnavailable as reason:
        pytest.skip(f"PostgreSQL is not available: {reason}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh, empty database, dropped after the test."""
    name = postgres_server.create_database()
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.drop_database(name)

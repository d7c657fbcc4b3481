"""The `charter` process's own settings (`cli/process.py`): a command that has ended ends the
process with its exit status and all of its output, after every exit function, without the
interpreter's teardown; BLAS on one thread unless the user says otherwise. Each runs the real entry
point in a process of its own."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import weakref
from pathlib import Path

import pytest

from charter.cli import process
from charter.cli import sync as cli_sync
from charter.services.parsed_history import ParsedHistories
from tests.conftest import charter_output
from tests.integration.test_sync_delivery import history

__all__ = ["history"]  # a fixture: a clone beside the strategy in tmp_path/org

# A module global whose finalizer only the interpreter's teardown runs, and an exit function
# registered after start-up (as a library would): the first must not run, the second must.
PROBE = """
import atexit, sys
from charter.cli import app

class Finalized:
    def __del__(self):
        sys.stdout.write("torn down\\n")

app.finalized = Finalized()
sys.argv = ["charter", *sys.argv[1:]]
original = app.tune_process

def tune_then_register():
    original()
    atexit.register(lambda: sys.stderr.write("exit function ran\\n"))

app.tune_process = tune_then_register
app.main()
"""


def _charter(
    *arguments: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CHARTER_DATABASE_URL": "", **(env or {})}
    return subprocess.run(  # noqa: S603 - the test's own interpreter
        [sys.executable, "-c", PROBE, *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        check=False,
    )


def test_an_ended_command_skips_the_teardown_but_runs_every_exit_function() -> None:
    done = _charter("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("charter ")
    assert done.stderr == "exit function ran\n"
    assert "torn down" not in done.stdout


@pytest.mark.parametrize(
    ("arguments", "status"),
    [
        (("--version",), 0),
        (("no-such-command",), 2),  # a usage error
        (("check", "--fail-on", "nowhere"), 2),
    ],
)
def test_the_exit_status_is_the_commands(arguments: tuple[str, ...], status: int) -> None:
    assert _charter(*arguments).returncode == status


def test_a_gate_that_fails_exits_1_with_all_of_its_output(tmp_path: Path) -> None:
    (tmp_path / "charter.yaml").write_text(
        "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\nspec: {}\n"
    )
    risks = tmp_path / "risks"
    risks.mkdir()
    for number in range(300):  # more output than a pipe's buffer and Python's own
        (risks / f"r{number}.yaml").write_text("apiVersion: charter.dev/v1\nkind: Risk\nmetadata: {name: bad}\n")
    done = _charter("check", "--format", "json", "--repo", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["errors"] == 300  # the whole document, read to its end
    assert done.stderr.endswith("exit function ran\n")


def test_output_to_a_closed_pipe_still_ends_with_the_commands_status() -> None:
    process = subprocess.Popen(  # noqa: S603 - the test's own interpreter
        [sys.executable, "-c", PROBE, "rules", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "CHARTER_DATABASE_URL": ""},
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()  # as `charter rules --format json | head -c 10` does
    errors = process.stderr.read().decode()
    assert process.wait() in (0, 1), errors
    assert "Traceback" not in errors and "Exception ignored" not in errors
    assert errors.endswith("exit function ran\n")


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (3, 3), ("a message", 1)])
def test_a_commands_status_is_the_one_the_interpreter_would_give(code: object, status: int) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from charter.cli import process
        process.tune_process()
        process.command_ended({code!r})
        raise SystemExit({code!r})
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == status, done.stderr


def test_an_unexpected_exception_ends_the_process_the_usual_way() -> None:
    script = "from charter.cli import process\nprocess.tune_process()\nraise RuntimeError('boom')\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 1
    assert "RuntimeError: boom" in done.stderr


@pytest.mark.parametrize(("given", "kept"), [(None, "1"), ("4", "4")])
def test_blas_runs_on_one_thread_unless_the_user_says_otherwise(given: str | None, kept: str) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        environment["OPENBLAS_NUM_THREADS"] = given
    script = (
        "import os\nfrom charter.cli import process\nprocess.tune_process()\n"
        "print(os.environ['OPENBLAS_NUM_THREADS'])\n"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, check=False
    )
    assert done.stdout.strip() == kept, done.stderr


def test_what_a_command_leaves_to_the_process_end_outlives_it() -> None:
    thing = Finalizable()
    alive = weakref.ref(thing)
    process.outlive(thing)
    del thing
    assert alive() is not None


class Finalizable:
    """An object a weak reference can follow."""


def test_a_sync_leaves_the_histories_it_parsed_to_the_process_end(
    tmp_path: Path, history: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Freed when the sync returns, a long history's objects cost tens of milliseconds one by one.
    left: list[object] = []
    monkeypatch.setattr(cli_sync, "outlive", left.append)
    charter_output("sync", "--repo", str(tmp_path / "org"), "--quiet")
    [histories] = left
    assert isinstance(histories, ParsedHistories)
    assert [parsed.repository for parsed in histories] == ["payments"]


def test_a_fresh_sync_leaves_its_whole_store_in_the_database_file(tmp_path: Path, history: dict[str, str]) -> None:
    # Its log was checkpointed aside during the sync (`store/checkpoints.py`), the rest at the close.
    charter_output("sync", "--repo", str(tmp_path / "org"), "--quiet")
    store = tmp_path / "org" / ".charter"
    assert not (store / "charter.db-wal").exists()
    with sqlite3.connect(store / "charter.db") as database:
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert database.execute("SELECT count(*) FROM commits").fetchone() == (7,)

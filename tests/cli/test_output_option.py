"""`--output` a command cannot write (a folder that does not exist, a file it may not replace) is
one line naming the option and the reason, exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter.cli.app import app
from tests.analysis.test_risk_register import FILES
from tests.conftest import run_charter
from tests.strategy import write_repo


@pytest.mark.parametrize("command", [["metrics"], ["rules"], ["risks", "--as-of", "2026-11-01"]])
def test_an_output_in_a_folder_that_does_not_exist_is_a_clear_error(command: list[str], tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    target = tmp_path / "nonexistent" / "dir" / "out.txt"
    arguments = [*command, "-o", str(target)] + (["--repo", str(root)] if command[0] == "risks" else [])

    result = CliRunner().invoke(app, arguments, env={"CHARTER_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"})

    assert result.exit_code == 2
    assert result.stderr == f"error: --output {target}: cannot write it (No such file or directory)\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_an_output_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "report").write_text("kept\n", encoding="utf-8")
    target = tmp_path / "report" / "out.txt"

    result = CliRunner().invoke(app, ["metrics", "-o", str(target)])

    assert result.exit_code == 2
    assert result.stderr == f"error: --output {target}: cannot write it (Not a directory)\n"
    assert (tmp_path / "report").read_text(encoding="utf-8") == "kept\n"


REPORT_COMMANDS = [
    ["check"],
    ["scorecard"],
    ["risks", "--as-of", "2026-11-01"],
    ["delivery"],
    ["incidents"],
    ["codehealth"],
    ["security"],
    ["controls"],
    ["plan"],
    ["slo", "status"],
    ["slo", "rules"],
]


@pytest.mark.parametrize("command", REPORT_COMMANDS, ids=lambda command: " ".join(command[:2]))
def test_every_report_command_refuses_an_output_folder_that_does_not_exist(command: list[str], tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    target = tmp_path / "nonexistent" / "dir" / "out.txt"
    environment = {"CHARTER_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}

    result = run_charter(*command, "--repo", str(root), "-o", str(target), env=environment)

    assert result.exit_code == 2, result.output
    assert result.stderr.endswith(f"error: --output {target}: cannot write it (No such file or directory)\n")


def test_a_baseline_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    target = tmp_path / "nonexistent" / "baseline.json"

    result = run_charter("check", "--repo", str(root), "--no-cache", "--write-baseline", str(target))

    assert result.exit_code == 2
    assert result.stderr == f"error: --write-baseline {target}: cannot write it (No such file or directory)\n"

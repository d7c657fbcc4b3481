"""Every report command on the demo organisation as a user sees it in a terminal (a real
pseudo-terminal 100 columns wide): every table fits it, `--wide` shows every column; no colour
with NO_COLOR or --no-color, colour in a terminal (the risk heat map's cells) and none in a pipe.
The commands are found by walking the app, so a report added later is held too."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.text import Text

from charter.cli.app import app
from charter.cli.walk import CommandEntry, every_command
from tests.conftest import run_charter
from tests.integration.conftest import AS_OF
from tests.terminal import ESCAPE, run_in_terminal


def is_report(entry: CommandEntry) -> bool:
    """A command that renders a report in a table: it offers `--format table` and needs nothing
    more than the repository."""
    option = entry.option("--format")
    if option is None or "table" not in [str(choice) for choice in option.type_descriptor.choices or ()]:
        return False
    return not any(param.required for param in entry.command.params)


REPORTS = [entry for entry in every_command(app) if is_report(entry)]


def report_arguments(entry: CommandEntry, repo: Path) -> list[str]:
    """The command on the demo organisation, on the day the demo was synced, writing nothing."""
    arguments = [*entry.words]
    if entry.option("--repo") is not None:
        arguments += ["--repo", str(repo)]
    for day_option in ("--as-of", "--until"):
        if entry.option(day_option) is not None:
            arguments += [day_option, AS_OF]
    if entry.option("--dry-run") is not None:  # the demo is shared: a report that records must not
        arguments.append("--dry-run")
    return arguments


def test_the_walk_finds_the_reports() -> None:
    names = {entry.name for entry in REPORTS}
    assert {"delivery", "risks", "slo status", "metrics", "rules"} <= names


def widest_line(text: str) -> int:
    return max((cell_len(line) for line in Text.from_ansi(text).plain.splitlines()), default=0)


@pytest.mark.parametrize("entry", REPORTS, ids=[entry.name for entry in REPORTS])
def test_fits_a_100_column_terminal_and_no_colour_with_no_color(entry: CommandEntry, demo: Path) -> None:
    result = run_in_terminal(*report_arguments(entry, demo), columns=100, env={"NO_COLOR": "1"})
    assert result.exit_code in (0, 1), result.output
    assert result.stdout.strip()
    assert widest_line(result.stdout) <= 100, result.stdout
    assert ESCAPE not in result.output


def test_a_narrow_terminal_leaves_out_the_least_important_columns_and_wide_shows_them(demo: Path) -> None:
    arguments = ["delivery", "--repo", str(demo), "--until", AS_OF, "--by", "team"]
    plain = {"NO_COLOR": "1"}
    narrow = run_in_terminal(*arguments, columns=100, env=plain).stdout
    header = next(line for line in narrow.splitlines() if "scope" in line and "deploys" in line)
    assert "rework rate" not in header and "lead time p50" in header and "change failure rate" in header
    assert "(left out at this width: per day, lead time p90, recovery p50, rework rate; --wide" in narrow
    wide = run_in_terminal(*arguments, "--wide", columns=100, env=plain).stdout
    assert "rework" in next(line for line in wide.splitlines() if "scope" in line and "deploys" in line)
    assert "left out at this width" not in wide


def test_the_risk_heat_map_is_coloured_by_level_in_a_colour_terminal(demo: Path) -> None:
    coloured = run_in_terminal("risks", "--repo", str(demo), "--as-of", AS_OF, columns=100).stdout
    heat_map = coloured.split("levels:")[0]
    assert "\x1b[37;41m" in heat_map  # white on red: the highest level
    assert "\x1b[30;42m" in heat_map  # black on green: the lowest
    assert widest_line(coloured) <= 100


@pytest.mark.parametrize("arguments", [["check", "--no-color"], ["--no-color", "check"], ["risks", "--no-color"]])
def test_no_colour_with_no_color_given_before_or_after_the_command(arguments: list[str], demo: Path) -> None:
    result = run_in_terminal(*arguments, "--repo", str(demo), "--as-of", AS_OF)
    assert result.stdout.strip()
    assert ESCAPE not in result.output


def test_colour_in_a_terminal_and_none_in_a_pipe(demo: Path) -> None:
    in_terminal = run_in_terminal("check", "--repo", str(demo), "--as-of", AS_OF, "--fail-on", "never")
    assert ESCAPE in in_terminal.stdout
    in_pipe = run_charter("check", "--repo", str(demo), "--as-of", AS_OF, "--fail-on", "never")
    assert in_pipe.stdout.strip() and ESCAPE not in in_pipe.output


def test_an_error_is_red_in_a_terminal_unless_colour_is_off(tmp_path: Path) -> None:
    assert ESCAPE in run_in_terminal("check", "--repo", str(tmp_path)).stderr
    for result in (
        run_in_terminal("check", "--repo", str(tmp_path), env={"NO_COLOR": "1"}),
        run_in_terminal("check", "--repo", str(tmp_path), "--no-color"),
    ):
        assert result.exit_code == 2
        assert result.stderr.startswith("error: ") and ESCAPE not in result.stderr


def test_scorecard_reads_metric_rules_over_a_period_when_given_one(demo: Path) -> None:
    import json

    def unknown_reasons(*period: str) -> list[str]:
        result = run_charter("scorecard", "--repo", str(demo), *period, "--format", "json")
        assert result.exit_code == 0, result.output
        cards = json.loads(result.stdout)["scorecards"]
        return [why for card in cards for entity in card["entities"] for why in entity["unknownBecause"].values()]

    from_snapshot = unknown_reasons()
    before_any_fact = unknown_reasons("--since", "2020-01-01", "--until", "2020-03-31")
    assert "no deployment from 2020-01-01 to 2020-03-31" in before_any_fact
    assert len(before_any_fact) > len(from_snapshot)
    assert not any("2020-01-01" in why for why in from_snapshot)

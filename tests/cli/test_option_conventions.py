"""The command line's conventions, held by walking every command of the app (so a command added
later is held without being named here): the same option name means the same thing everywhere."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest

from charter.cli.app import app
from charter.cli.options import DEPRECATED_OPTIONS, FailOn, supported_day
from charter.cli.walk import CommandEntry, every_command
from tests.cli.test_slo_rules_command import PYRRA
from tests.conftest import run_charter
from tests.strategy import write_repo

COMMANDS = list(every_command(app))
IDS = [entry.name for entry in COMMANDS]

# Commands that read no strategy repository, so take no --repo (each with its reason).
WITHOUT_REPO = {
    "init": "creates a repository in its DIRECTORY argument",
    "demo": "creates the demo organisation in its DIRECTORY argument",
    "schema": "the JSON Schemas of the kinds, the same for every repository",
    "rules": "the catalogue of diagnostic codes, from the code",
    "metrics": "the metric registry, from the code",
}
# Commands with --format and no --output.
WITHOUT_OUTPUT = {
    "token create": "prints a secret once; a file would keep it",
    "webhook add": "prints a signing secret once; a file would keep it",
}
# Reports that are neither as of a day nor over a period.
TIMELESS_REPORTS = {
    "rules": "the catalogue of codes",
    "metrics": "the metric registry",
    "token create": "a new token",
    "token list": "the tokens as they are",
    "webhook add": "a new subscription",
    "webhook list": "the subscriptions as they are",
}
# Day options that also take other text, each parsed and refused (exit 2) by its service.
TEXT_DAYS = {
    ("report", "--as-of"): "a day or a snapshot id",
    ("report", "--since"): "a quarter (2026Q3) or a day",
    ("report", "--until"): "a quarter or a day",
    ("review", "--since"): "a quarter (2026Q3) or a day",
    ("review", "--until"): "a quarter or a day",
}
# Names that would say again what a conventional option says.
SYNONYMS = {
    "--output-format": "--format",
    "--repo-name": "--repository",
    "--repo-dir": "--repo",
    "--out": "--output",
    "--fmt": "--format",
    "--at": "--as-of",
    "--date": "--as-of",
    "--from": "--since",
    "--to": "--until",
    "--start": "--since",
    "--end": "--until",
}
DATE_OPTIONS = ("--as-of", "--since", "--until")
# Point-in-time reports whose --since starts a period that ends at their --as-of.
REVIEWED_UP_TO_A_DAY = {"report": "the document as of a snapshot, with the review since --since up to it"}


def visible_names(entry: CommandEntry) -> set[str]:
    return {name for option in entry.options() if not option.hidden for name in option.opts}


@pytest.mark.parametrize("entry", COMMANDS, ids=IDS)
def test_repo_is_the_strategy_repository_on_every_command_that_reads_one(entry: CommandEntry) -> None:
    option = entry.option("--repo")
    if entry.name in WITHOUT_REPO:
        assert option is None
        return
    assert option is not None, f"charter {entry.name} has no --repo"
    assert option.opts == ["--repo"]
    assert option.type_descriptor.annotation is Path
    assert option.help is not None and option.help.startswith("The strategy repository")


@pytest.mark.parametrize("entry", COMMANDS, ids=IDS)
def test_format_and_output_have_their_short_names_and_go_together(entry: CommandEntry) -> None:
    format_option, output_option = entry.option("--format"), entry.option("--output")
    if format_option is not None:
        assert sorted(format_option.opts) == ["--format", "-f"]
        assert format_option.type_descriptor.is_choice or entry.name == "check"  # check's formats are plugins
        if entry.name not in WITHOUT_OUTPUT:
            assert output_option is not None, f"charter {entry.name} has --format but no --output"
    if output_option is not None:
        assert sorted(output_option.opts) == ["--output", "-o"]
        assert output_option.type_descriptor.annotation is Path


@pytest.mark.parametrize("entry", COMMANDS, ids=IDS)
def test_days_are_read_alike_and_a_period_has_both_ends(entry: CommandEntry) -> None:
    for name in DATE_OPTIONS:
        option = entry.option(name)
        if option is None:
            continue
        assert option.opts == [name]
        if (entry.name, name) in TEXT_DAYS:
            assert option.type_descriptor.annotation is str
            continue
        assert option.type_descriptor.annotation is datetime
        assert "%Y-%m-%d" in (option.type_descriptor.parameter_info.formats or [])
        assert option.type_descriptor.parameter_info.callback is supported_day, (
            f"charter {entry.name} {name} does not check the day"
        )
    if entry.option("--since") is not None and entry.name not in REVIEWED_UP_TO_A_DAY:
        assert entry.option("--until") is not None
        assert entry.option("--as-of") is None, "a period report is not also as of a day"


@pytest.mark.parametrize("entry", COMMANDS, ids=IDS)
def test_every_report_is_as_of_a_day_or_over_a_period(entry: CommandEntry) -> None:
    format_option = entry.option("--format")
    if format_option is None or entry.name in TIMELESS_REPORTS:
        return
    if "table" not in [str(choice) for choice in format_option.type_descriptor.choices or ()]:
        return  # not a report (check's diagnostics, slo rules' rule files)
    assert entry.option("--as-of") or entry.option("--since"), f"charter {entry.name} has neither --as-of nor --since"


@pytest.mark.parametrize("entry", COMMANDS, ids=IDS)
def test_every_command_with_tables_offers_wide(entry: CommandEntry) -> None:
    format_option = entry.option("--format")
    if format_option is None or "table" not in [str(choice) for choice in format_option.type_descriptor.choices or ()]:
        return
    if entry.name in WITHOUT_OUTPUT:
        return
    option = entry.option("--wide")
    assert option is not None and option.opts == ["--wide"], f"charter {entry.name} has tables but no --wide"


@pytest.mark.parametrize("entry", COMMANDS, ids=IDS)
def test_fail_on_is_the_shared_severity_gate(entry: CommandEntry) -> None:
    option = entry.option("--fail-on")
    if option is not None:
        assert option.opts == ["--fail-on"]
        assert option.type_descriptor.annotation is FailOn


@pytest.mark.parametrize("entry", COMMANDS, ids=IDS)
def test_no_option_is_named_as_a_synonym_of_a_conventional_one(entry: CommandEntry) -> None:
    assert not visible_names(entry) & SYNONYMS.keys()


@pytest.mark.parametrize("entry", COMMANDS, ids=IDS)
def test_a_hidden_option_is_a_deprecated_name_beside_its_replacement(entry: CommandEntry) -> None:
    for option in entry.options():
        if option.hidden:
            (old,) = option.opts
            assert old in DEPRECATED_OPTIONS
            assert entry.option(DEPRECATED_OPTIONS[old]) is not None


def test_an_option_name_has_the_same_forms_and_kind_of_value_everywhere() -> None:
    forms: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    kinds: dict[str, set[str]] = defaultdict(set)
    for entry in COMMANDS:
        for option in entry.options():
            long_name = max(option.opts, key=len)
            forms[long_name].add(tuple(sorted(option.opts)))
            descriptor = option.type_descriptor
            # check's --format is text checked against the formats plugins register, not a fixed choice
            kind = "choice" if descriptor.is_choice or (entry.name, long_name) == ("check", "--format") else None
            if (entry.name, long_name) in TEXT_DAYS:
                kind = str(datetime)  # a day, or the text TEXT_DAYS allows beside it
            kinds[long_name].add(kind or str(descriptor.annotation))
    assert {name: found for name, found in forms.items() if len(found) > 1} == {}
    assert {name: found for name, found in kinds.items() if len(found) > 1} == {}


def test_a_deprecated_name_still_works_and_warns(tmp_path: Path) -> None:
    write_repo(tmp_path, {"slos/probe.yaml": PYRRA})
    result = run_charter("slo", "rules", "--repo", str(tmp_path), "--output-format", "prometheus-operator")
    assert result.exit_code == 0, result.output
    assert "warning: --output-format is deprecated and will be removed: use --format" in result.stderr
    assert "PrometheusRule" in result.stdout


def test_the_repository_a_findings_file_came_from_keeps_its_old_name(tmp_path: Path) -> None:
    write_repo(tmp_path, {})
    result = run_charter(
        "import", "findings", "--repo", str(tmp_path), "--repo-name", "shop", str(tmp_path / "none.json")
    )
    assert "warning: --repo-name is deprecated and will be removed: use --repository" in result.stderr

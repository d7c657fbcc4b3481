"""`charter import sli` and `charter slo status` end to end: a strategy repository with two SLOs and
an incident (tests/reliability_strategy.py), CSV counts imported, and the status in every format,
with the policy's verdicts."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from charter.cli.app import app
from tests.reliability_strategy import DAY, FILES, ORGANIZATION, SLOS, sli_day
from tests.strategy import write_repo

AS_OF = "2026-10-02T00:00:00"


def counts_csv(path: Path) -> Path:
    """DAY's counts of tests/reliability_strategy.py as CSV, one line per SLO and minute."""
    good, total = sli_day()
    lines = ["slo,timestamp,good,total"]
    for minute in range(good.shape[1]):
        moment = (DAY + timedelta(minutes=minute)).isoformat()
        lines += [f"{slo},{moment},{good[row, minute]:.0f},{total[row, minute]:.0f}" for row, slo in enumerate(SLOS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def imported_repo(tmp_path: Path) -> Path:
    (tmp_path / "repo").mkdir()
    root = write_repo(tmp_path / "repo", FILES, ORGANIZATION)
    result = CliRunner().invoke(app, ["import", "sli", str(counts_csv(tmp_path / "sli.csv")), "--repo", str(root)])
    assert result.exit_code == 0, result.output
    assert "imported 2880 samples, 2880 minutes of 2 SLOs" in result.output
    return root


def test_status_as_json_has_every_number_and_the_verdicts(tmp_path: Path) -> None:
    root = imported_repo(tmp_path)
    result = CliRunner().invoke(app, ["slo", "status", "--repo", str(root), "--as-of", AS_OF, "--format", "json"])

    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    availability, latency = data["slos"]
    assert availability["slo"] == "checkout-availability" and availability["component"] == "checkout"
    assert availability["attainment"] == 1 - 1800 / 144_000
    assert abs(availability["errorBudget"]["remaining"] - (1 - 1.25)) < 1e-12
    assert availability["errorBudget"]["minutes"] == 14.4 and availability["errorBudget"]["exhaustedInSeconds"] == 0
    assert abs(availability["currentBurnRate"] - 30.0) < 1e-9
    assert [(item["code"], item["incident"]) for item in availability["verdicts"]] == [
        ("REL020", None),
        ("REL024", None),
        ("REL021", "INC-1"),
    ]
    assert availability["verdicts"][0]["message"] == "error budget exhausted: change freeze recommended for checkout"
    assert "incident INC-1 used 125% of the error budget" in availability["verdicts"][2]["message"]
    assert abs(latency["errorBudget"]["remaining"] - 0.975) < 1e-12
    assert latency["verdicts"] == []


def test_status_as_table_csv_and_markdown(tmp_path: Path) -> None:
    root = imported_repo(tmp_path)
    runner = CliRunner()
    base = ["slo", "status", "--repo", str(root), "--as-of", AS_OF]

    table = runner.invoke(app, base)
    assert table.exit_code == 0, table.output
    assert "checkout-availability" in table.output and "exhausted" in table.output
    assert "REL020 error budget exhausted: change freeze recommended for checkout" in table.output

    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*base, "--format", "csv"]).output)))
    assert [row["slo"] for row in rows] == ["checkout-availability", "checkout-latency"]
    assert abs(float(rows[1]["budget_remaining_minutes"]) - 0.975 * 144.0) < 1e-9

    markdown = runner.invoke(app, [*base, "--format", "markdown", "--slo", "checkout-latency"]).output
    assert markdown.startswith("# Error budgets at 2026-10-02 00:00 UTC")
    assert (
        "| checkout-latency | checkout | 90.000% | 1.0d | 99.750% | 97.5% | 140.4 | 0.02 | none | 39.0d | 0 |"
        in markdown
    )
    assert "checkout-availability" not in markdown


def test_an_unknown_slo_is_a_usage_error_and_a_bad_file_exits_1(tmp_path: Path) -> None:
    root = imported_repo(tmp_path)
    runner = CliRunner()
    unknown = runner.invoke(app, ["slo", "status", "--repo", str(root), "--slo", "nope"])
    assert unknown.exit_code == 2 and "no SLO named nope" in unknown.output  # as in `slo rules --slo nope`

    bad = tmp_path / "bad.csv"
    bad.write_text("slo,timestamp,good,total\ncheckout-latency,2026-10-01T00:00:00,1,1\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "sli", str(bad), "--repo", str(root)])
    assert result.exit_code == 1
    assert "IMP013" in result.output and "nothing imported (1 error)" in result.output

"""`charter import sli` and `charter slo status` end to end: a strategy repository with two SLOs and
an incident, CSV counts imported, and the status in every format, with the policy's verdicts."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from charter.cli.app import app
from tests.strategy import write_repo

DAY = datetime(2026, 10, 1, tzinfo=UTC)
AS_OF = "2026-10-02T00:00:00"
FILES = {
    "catalog/all.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: team-a}
        spec: {type: team, children: []}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: checkout}
        spec: {type: service, lifecycle: production, owner: team-a}
        """,
    "slos/checkout.yaml": """\
        version: "prometheus/v1"
        service: checkout
        slos:
          - name: availability
            objective: 99
            sli:
              events:
                error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
                total_query: sum(rate(http_requests_total[{{.window}}]))
          - name: latency
            objective: 90
            sli:
              events:
                error_query: sum(rate(slow_requests_total[{{.window}}]))
                total_query: sum(rate(http_requests_total[{{.window}}]))
        """,
    "incidents/inc-1.md": """\
        ---
        id: INC-1
        title: Checkout errors
        severity: SEV2
        services: [checkout]
        started: 2026-10-01T23:00:00Z
        resolved: 2026-10-02T00:00:00Z
        ---
        # Checkout errors
        """,
}
ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  policies:
    sloPeriod: 1d
    errorBudget: {exhausted: freeze-changes, incidentShare: 0.2}
"""


def counts_csv(path: Path) -> Path:
    """A day of 100 requests a minute. availability: the last hour has 30 errors a minute (1,800 bad
    of 144,000: 125% of a 1% budget); latency: 1 slow request every 4 minutes (2.5% of its 10% budget)."""
    lines = ["slo,timestamp,good,total"]
    for minute in range(1440):
        moment = (DAY + timedelta(minutes=minute)).isoformat()
        lines.append(f"checkout-availability,{moment},{70 if minute >= 1380 else 100},100")
        lines.append(f"checkout-latency,{moment},{99 if minute % 4 == 0 else 100},100")
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


def test_an_unknown_slo_and_a_bad_file_exit_1(tmp_path: Path) -> None:
    root = imported_repo(tmp_path)
    runner = CliRunner()
    unknown = runner.invoke(app, ["slo", "status", "--repo", str(root), "--slo", "nope"])
    assert unknown.exit_code == 1 and "no SLO named nope" in unknown.output

    bad = tmp_path / "bad.csv"
    bad.write_text("slo,timestamp,good,total\ncheckout-latency,2026-10-01T00:00:00,1,1\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "sli", str(bad), "--repo", str(root)])
    assert result.exit_code == 1
    assert "IMP013" in result.output and "nothing imported (1 error)" in result.output

"""`charter delivery` end to end from imported deployment records and Markdown incidents: the five
metrics, the rule that linked each failure, the weekly trend, and `--explain`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_charter
from tests.delivery_strategy import FILES
from tests.strategy import write_repo

SHA = "b" * 40
RECORDS = [
    {"id": "d1", "component": "payments", "environment": "production", "sha": SHA,
     "finished": "2026-10-01T10:00:00Z"},
    {"id": "d2", "component": "payments", "environment": "production", "sha": SHA,
     "finished": "2026-10-02T10:00:00Z"},
    {"id": "d3", "component": "payments", "environment": "production", "sha": SHA,
     "finished": "2026-10-08T10:00:00Z", "rollbackOf": "d2"},
    {"id": "d4", "component": "payments", "environment": "staging", "sha": SHA,
     "finished": "2026-10-03T10:00:00Z"},
    {"id": "d5", "component": "payments", "environment": "production", "sha": SHA,
     "finished": "2026-10-09T10:00:00Z", "status": "failure"},
]  # fmt: skip


def test_delivery_from_imported_deployments_and_incidents(tmp_path: Path) -> None:
    (tmp_path / "org").mkdir()
    repo = write_repo(tmp_path / "org", FILES)
    code, output, *_ = run_charter("delivery", "--repo", str(repo))
    assert code == 0 and "no deployments" in output and "charter import deployments" in output
    records = tmp_path / "deployments.jsonl"
    records.write_text("".join(json.dumps(record) + "\n" for record in RECORDS), encoding="utf-8")
    assert run_charter("import", "deployments", "--repo", str(repo), str(records)).exit_code == 0

    code, output, *_ = run_charter(
        "delivery", "--repo", str(repo), "--since", "2026-09-28", "--until", "2026-10-11", "--format", "json"
    )
    assert code == 0, output
    report = json.loads(output)
    [org] = report["scopes"]
    assert org["deployments"] == 3  # d4 is staging, d5 failed: shown, not counted
    assert org["deploymentFrequencyPerDay"] == 3 / 14
    assert org["deploymentDaysPerWeek"] == 1.5  # week of Sep 28: 2 days; week of Oct 5: 1 day
    assert org["changeFailureRate"] == 2 / 3
    assert org["deploymentReworkRate"] == 1 / 3  # d3 rolled d2 back
    # d1 recovered when INC-1 was resolved (3 h); d2 when d3 rolled it back (6 days)
    assert org["recoveryTimeP50Seconds"] == (3 * 3600 + 6 * 86400) / 2
    assert org["leadTimeP50Seconds"] is None  # no git history mined: nothing shipped is known
    assert report["failures"] == {
        "d1": [{"rule": "caused-by-deployment", "incident": "INC-1", "byDeployment": None}],
        "d2": [{"rule": "rolled-back", "incident": None, "byDeployment": "d3"}],
    }
    environments = {item["environment"]: item for item in report["environments"]}
    assert (environments["staging"]["successful"], environments["production"]["unsuccessful"]) == (1, 1)
    assert [week["deployments"] for week in org["weeks"]] == [2, 1]

    code, output, *_ = run_charter("delivery", "--repo", str(repo), "--since", "2026-09-28", "--until", "2026-10-11")
    assert code == 0 and "caused" not in output and "(unassigned)" not in output
    assert "Weekly trend" in output and "2026-W40" in output

    code, output, *_ = run_charter("delivery", "--repo", str(repo), "--explain", "d1", "--format", "json")
    assert code == 0, output
    explained = json.loads(output)
    assert explained["failure"] == [
        {"rule": "caused-by-deployment", "incident": "INC-1", "incidentTitle": "Payments fail", "byDeployment": None}
    ]
    assert explained["recovery"]["byIncident"] == "INC-1"

    code, output, *_ = run_charter("delivery", "--repo", str(repo), "--explain", "d1")
    assert code == 0 and "Counted as failed" in output and "Recovered after 3.0h by INC-1" in output

    code, output, *_ = run_charter("delivery", "--repo", str(repo), "--explain", "nope")
    assert code == 2 and "no deployment `nope`" in output

    code, output, *_ = run_charter("delivery", "--repo", str(repo), "--since", "2026-10-11", "--until", "2026-10-01")
    assert code == 2 and "--since 2026-10-11 is not before --until 2026-10-01" in output


def import_records(repo: Path, records: list[dict[str, str]], name: str = "deployments.jsonl") -> None:
    path = repo.parent / name
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    code, output, *_ = run_charter("import", "deployments", "--repo", str(repo), str(path))
    assert code == 0, output


def test_a_band_below_one_deployment_day_a_week_is_shown_with_the_month_figure_it_comes_from(tmp_path: Path) -> None:
    (tmp_path / "org").mkdir()
    repo = write_repo(tmp_path / "org", FILES)
    days = ["2026-09-01", "2026-09-15", "2026-10-06", "2026-10-20"]  # two days a month, never two a week
    import_records(
        repo,
        [
            {"component": "payments", "environment": "production", "sha": SHA, "finished": f"{day}T10:00:00Z"}
            for day in days
        ],
    )

    code, output, *_ = run_charter(
        "delivery", "--repo", str(repo), "--since", "2026-09-01", "--until", "2026-10-31", "--format", "markdown"
    )

    assert code == 0, output
    assert "| 0.0, 2.0/month (medium) |" in output  # not "0.0 (medium)": the band is the month figure's
    code, output, *_ = run_charter(
        "delivery", "--repo", str(repo), "--since", "2026-09-01", "--until", "2026-10-31", "--format", "csv"
    )
    assert "acme,delivery.deployment_days_per_week,0.0,\n" in output.replace("\r\n", "\n")
    assert "acme,delivery.deployment_days_per_month,2.0,medium" in output


def test_a_component_without_incident_records_shows_no_data_and_the_sources_are_named(tmp_path: Path) -> None:
    (tmp_path / "org").mkdir()
    repo = write_repo(tmp_path / "org", FILES)
    search = {"component": "search", "environment": "production", "sha": SHA, "finished": "2026-10-02T10:00:00Z"}
    import_records(repo, [*RECORDS, search])

    arguments = ["delivery", "--repo", str(repo), "--by", "component", "--since", "2026-09-28", "--until", "2026-10-11"]
    code, output, *_ = run_charter(*arguments, "--format", "markdown")

    assert code == 0, output
    [search_row] = [line for line in output.splitlines() if line.startswith("| search |")]
    assert "| no data |" in search_row and "elite" not in search_row
    assert "| 66.7% (2) (low) |" in output  # payments: INC-1 names it
    assert "incident records from: postmortems (1 in the period; records from 2026-10-01 to 2026-10-01)." in output
    assert "No incident record covers search: their change failure rate is no data." in output
    code, output, *_ = run_charter(*arguments, "--format", "json")
    scopes = {scope["scope"]: scope for scope in json.loads(output)["scopes"]}
    assert scopes["search"]["changeFailureRate"] is None
    assert scopes["search"]["bands"]["delivery.change_failure_rate"] is None
    assert json.loads(output)["withoutIncidentRecords"] == ["search"]

"""`charter import incidents` and `charter incidents` end to end: exports imported next to Markdown
postmortems, merged through `aliases`, reported per service, and linked to deployments in
`charter delivery`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_charter
from tests.strategy import MINIMAL_ORGANIZATION, write_repo

FILES = {
    "catalog/all.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: team-a}
        spec: {type: team, children: []}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: payments
          annotations: {pagerduty.com/service-id: PPAY}
        spec: {type: service, lifecycle: production, owner: team-a}
        """,
    # The postmortem names the deployment and the PagerDuty incident, but not when it was resolved.
    "incidents/inc-1.md": """\
        ---
        id: INC-1
        title: Payments fail
        severity: SEV2
        services: [payments]
        started: 2026-10-01T11:00:00Z
        cause: change
        causedBy: {deployment: d1}
        aliases: [pagerduty:Q1]
        postmortem: {status: published, date: 2026-10-02}
        ---
        # Payments fail
        """,
    "incidents/README.md": "# How we write postmortems\n\nCopy the template.\n",
}
PAGERDUTY = {
    "incidents": [
        {"id": "Q1", "incident_number": 1, "title": "Payments 5xx", "created_at": "2026-10-01T11:02:00Z",
         "status": "resolved", "urgency": "high", "service": {"id": "PPAY", "summary": "Payments API"},
         "acknowledgements": [{"at": "2026-10-01T11:10:00Z"}], "resolved_at": "2026-10-01T14:00:00Z"},
        {"id": "Q2", "incident_number": 2, "title": "Payments slow", "created_at": "2026-10-05T09:00:00Z",
         "status": "resolved", "urgency": "low", "service": {"id": "PPAY", "summary": "Payments API"},
         "acknowledgements": [{"at": "2026-10-05T09:30:00Z"}], "resolved_at": "2026-10-05T10:00:00Z"},
    ]
}  # fmt: skip
DEPLOYMENTS = [
    {"id": "d1", "component": "payments", "environment": "production", "sha": "b" * 40,
     "finished": "2026-10-01T10:00:00Z"},
    {"id": "d2", "component": "payments", "environment": "production", "sha": "c" * 40,
     "finished": "2026-10-03T10:00:00Z"},
]  # fmt: skip


def _repo(tmp_path: Path) -> Path:
    (tmp_path / "org").mkdir()
    return write_repo(tmp_path / "org", FILES)


def test_imported_incidents_merge_with_postmortems_and_report(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    export = tmp_path / "pagerduty.json"
    export.write_text(json.dumps(PAGERDUTY), encoding="utf-8")
    code, output = run_charter("import", "incidents", "--repo", str(repo), str(export))[:2]
    assert code == 0, output
    assert "imported 2 incidents" in output
    assert (
        run_charter("import", "incidents", "--repo", str(repo), str(export)).exit_code == 0
    )  # again: updated, not added

    period = ("--since", "2026-09-28", "--until", "2026-10-11")
    code, output = run_charter("incidents", "--repo", str(repo), *period, "--by", "service", "--format", "json")[:2]
    assert code == 0, output
    report = json.loads(output)
    [payments] = report["groups"]
    assert payments["scope"] == "payments"
    assert payments["incidents"] == 2  # INC-1 (merged with Q1) and Q2
    assert payments["bySeverity"]["SEV2"] == 1 and payments["bySeverity"]["SEV4"] == 1
    # MTTA: INC-1 started 11:00, acknowledged 11:10 (from PagerDuty): 600 s; Q2: 1800 s.
    assert payments["mttaP50Seconds"] == 1200
    # MTTR: INC-1 11:00 -> 14:00 = 10800 s; Q2: 3600 s.
    assert payments["mttrP50Seconds"] == 7200
    assert payments["postmortemCompletion"] == 1.0
    merged = next(item for item in report["incidents"] if item["id"] == "INC-1")
    assert merged["resolved"] == "2026-10-01T14:00:00+00:00" and "Q1" in merged["aliases"]

    code, output = run_charter("incidents", "--repo", str(repo), "--since", "2026-09-28", "--until", "2026-10-11")[:2]
    assert code == 0 and "payments" not in output.split("\n")[0]
    assert "MTTA: started -> acknowledged" in output

    code, output = run_charter("incidents", "--repo", str(repo), "--since", "2026-09-28", "--format", "csv")[:2]
    assert code == 0 and "reliability.mttr.p50" in output


def test_an_exported_incident_aliased_by_a_postmortem_links_its_deployment(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    records = tmp_path / "deployments.jsonl"
    records.write_text("".join(json.dumps(record) + "\n" for record in DEPLOYMENTS), encoding="utf-8")
    assert run_charter("import", "deployments", "--repo", str(repo), str(records)).exit_code == 0
    arguments = ("delivery", "--repo", str(repo), "--since", "2026-09-28", "--until", "2026-10-11", "--format", "json")

    code, output = run_charter(*arguments)[:2]
    [before] = json.loads(output)["scopes"]
    assert before["failedDeployments"] == 1 and before["recoveryTimeP50Seconds"] is None  # the postmortem has no end

    export = tmp_path / "pagerduty.json"
    export.write_text(json.dumps(PAGERDUTY), encoding="utf-8")
    assert run_charter("import", "incidents", "--repo", str(repo), str(export)).exit_code == 0
    code, output = run_charter(*arguments)[:2]
    assert code == 0, output
    report = json.loads(output)
    assert report["failures"] == {"d1": [{"rule": "caused-by-deployment", "incident": "INC-1", "byDeployment": None}]}
    [after] = report["scopes"]
    assert after["recoveryTimeP50Seconds"] == 4 * 3600  # d1 finished 10:00, PagerDuty resolved INC-1 at 14:00


def test_a_bad_file_imports_nothing_while_the_others_import(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"incidents": [{**PAGERDUTY["incidents"][0], "urgency": "extreme"}]}), encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(PAGERDUTY), encoding="utf-8")
    code, output = run_charter("import", "incidents", "--repo", str(repo), str(bad), str(good))[:2]
    assert code == 1
    assert "IMP021" in output and "nothing imported (1 error)" in output and "imported 2 incidents" in output


def test_a_markdown_file_without_front_matter_is_not_an_incident_record(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    code, output = run_charter("check", "--repo", str(repo), "--format", "json")[:2]
    found = [item for item in json.loads(output)["diagnostics"] if item["code"] == "SCH011"]
    assert [(item["severity"], item["path"], item["message"][:24]) for item in found] == [
        ("info", "incidents/README.md", "not an incident record: ")
    ]


SLO = """\
    apiVersion: openslo/v1
    kind: SLO
    metadata: {name: payments-availability}
    spec:
      service: payments
      indicator:
        metadata: {name: payments-requests}
        spec:
          ratioMetric:
            counter: true
            good: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(ok[{{.window}}]))'}}}
            total: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(all[{{.window}}]))'}}}
      timeWindow: [{duration: 30d, isRolling: true}]
      budgetingMethod: Occurrences
      objectives: [{target: 0.99}]
    """


def test_error_budget_used_per_incident(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from charter.services.imports_sli import import_sli_file
    from charter.store.database import open_store

    (tmp_path / "org").mkdir()
    repo = write_repo(tmp_path / "org", {**FILES, "slos/payments.yaml": SLO})
    # 10:00 to 15:00 at 100 requests a minute; 10 of them fail every minute from 11:00 to 14:00.
    start = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
    lines = ["slo,timestamp,good,total"]
    for minute in range(300):
        moment = start + timedelta(minutes=minute)
        good = 90 if 60 <= minute < 240 else 100
        lines.append(f"payments-availability,{moment.isoformat().replace('+00:00', 'Z')},{good},100")
    samples = tmp_path / "sli.csv"
    samples.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open_store(repo) as store:
        assert not import_sli_file(store, samples).failed
    export = tmp_path / "pagerduty.json"
    export.write_text(json.dumps(PAGERDUTY), encoding="utf-8")
    assert run_charter("import", "incidents", "--repo", str(repo), str(export)).exit_code == 0

    period = ("--since", "2026-09-28", "--until", "2026-10-11")
    code, output = run_charter("incidents", "--repo", str(repo), *period, "--format", "json")[:2]
    assert code == 0, output
    shares = {item["id"]: item["errorBudgetShares"] for item in json.loads(output)["incidents"]}
    # INC-1 runs 11:00 to 14:00 (resolved from PagerDuty): 180 minutes x 10 bad = 1800 bad events. Its
    # SLO window ends at the resolution, holding 240 minutes x 100 valid events: the budget is 1% of
    # 24000 = 240 events, and INC-1 used 7.5 of them.
    assert shares["INC-1"] == {"payments-availability": pytest.approx(7.5)}
    # Q2 (Oct 5, 09:00 to 10:00) had no traffic at all: its window holds all 30000 events, none bad in it.
    assert shares["Q2"] == {"payments-availability": 0.0}


def test_the_severity_map_of_charter_yaml_applies(tmp_path: Path) -> None:
    organization = MINIMAL_ORGANIZATION + "  sources:\n    incidents:\n      severityMap: {pagerduty:extreme: SEV1}\n"
    (tmp_path / "org").mkdir()
    repo = write_repo(tmp_path / "org", FILES, organization)
    export = tmp_path / "pagerduty.json"
    export.write_text(json.dumps([{**PAGERDUTY["incidents"][1], "urgency": "extreme"}]), encoding="utf-8")
    assert run_charter("import", "incidents", "--repo", str(repo), str(export)).exit_code == 0
    code, output = run_charter(
        "incidents", "--repo", str(repo), "--since", "2026-10-01", "--by", "severity", "-f", "json"
    )[:2]
    assert [(group["scope"], group["incidents"]) for group in json.loads(output)["groups"]] == [
        ("SEV1", 1),
        ("SEV2", 1),
    ]

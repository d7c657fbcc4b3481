"""The import services and `charter sync` over a Context, on SQLite and PostgreSQL: each file is one
transaction, a file that fails writes nothing while the others are imported, the result holds what
the command prints, and a database that refuses a write is a StoreFailure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from charter.model.errors import StoreFailure, UsageError
from charter.services.context import Context, load_context
from charter.services.findings import read_findings
from charter.services.imports_delivery import (
    DeploymentImportRequest,
    PullImportRequest,
    import_deployment_files,
    import_pull_files,
)
from charter.services.imports_findings import FindingImportRequest, import_finding_files
from charter.services.imports_incidents import IncidentImportRequest, import_incident_files
from charter.services.imports_security import import_epss_files, import_kev_files, import_scorecard_files
from charter.services.imports_sli import SliImportRequest, import_sli, pull_sli
from charter.services.sync import SyncOptions, run_sync
from charter.store.database import Store, open_store
from charter.store.deployments import read_deployments, read_pull_requests
from charter.store.incidents import read_imported_incidents
from charter.store.schema import sli_samples
from charter.store.security_facts import read_epss_scores, read_kev_entries, read_scorecard_checks
from charter.store.sli import read_sli_counts
from tests.integration.test_sync_delivery import Clone
from tests.sources.findings.documents import IMAGE, trivy_report, trivy_vulnerability, write_json
from tests.strategy import write_repo

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
SHA = "a" * 40
CATALOG = {
    "catalog/teams.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: payments-team}
        spec: {type: team, children: []}
        """,
    "catalog/checkout.yaml": f"""\
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: checkout
          annotations:
            charter.dev/repo: checkout
            charter.dev/images: "{IMAGE.split(":")[0]}:*"
            charter.dev/release-tags: 'v\\d+\\.\\d+\\.\\d+'
        spec: {{type: service, lifecycle: production, owner: payments-team}}
        """,
}
POLICY = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  policies: {productionEnvironments: ["prod(uction)?", "live"]}
  sources: {git: {roots: [../clones]}}
"""


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path, database_url) as opened:
        yield opened


@pytest.fixture
def context(store: Store, tmp_path: Path) -> Context:
    root = write_repo(tmp_path / "strategy", {**CATALOG, "charter.yaml": POLICY})
    return load_context(root, store, clock=lambda: NOW)


def write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def json_lines(path: Path, *records: dict[str, object]) -> Path:
    return write(path, "".join(json.dumps(record) + "\n" for record in records))


def deployment(environment: str, finished: str, sha: str = SHA) -> dict[str, object]:
    return {"component": "checkout", "environment": environment, "sha": sha, "finished": finished}


def test_deployments_a_bad_file_writes_nothing_and_the_others_are_imported(
    context: Context, store: Store, tmp_path: Path
) -> None:
    good = json_lines(
        tmp_path / "good.jsonl",
        deployment("live", "2026-05-01T10:00:00Z"),
        deployment("staging", "2026-05-01T11:00:00Z"),
    )
    bad = json_lines(
        tmp_path / "bad.jsonl",
        deployment("production", "2026-05-02T10:00:00Z"),
        deployment("production", "2026-05-02T11:00:00Z", sha="abc"),
    )

    outcome = import_deployment_files(context, DeploymentImportRequest((good, bad)))

    assert [file.summary for file in outcome.files] == [
        f"{good}: imported 2 deployments (1 production), 0 skipped",
        f"{bad}: nothing imported (1 error)",
    ]
    assert outcome.failed and [item.code for item in outcome.diagnostics] == ["IMP002"]
    with store.engine.connect() as connection:
        assert sorted(item.environment for item in read_deployments(connection)) == ["live", "staging"]


def test_pulls_merged_ones_are_imported_and_the_others_skipped(context: Context, store: Store, tmp_path: Path) -> None:
    merged = {"number": 7, "created_at": "2026-05-01T09:00:00Z", "merged_at": "2026-05-01T10:00:00Z",
              "merge_commit_sha": SHA, "base": {"repo": {"name": "checkout"}}}  # fmt: skip
    closed = {**merged, "number": 8, "merged_at": None, "merge_commit_sha": None}
    path = write(tmp_path / "pulls.json", json.dumps([merged, closed]))

    outcome = import_pull_files(context, PullImportRequest((path,)))

    assert [file.summary for file in outcome.files] == [f"{path}: imported 1 pull requests, 1 skipped"]
    assert not outcome.failed
    with store.engine.connect() as connection:
        assert [pull.number for pull in read_pull_requests(connection, "checkout")] == [7]


def test_incidents_map_their_service_to_the_catalogs_component(context: Context, store: Store, tmp_path: Path) -> None:
    incident = {"id": "Q1", "type": "incident", "incident_number": 1, "title": "Checkout errors",
                "created_at": "2026-03-01T10:00:00Z", "status": "resolved", "urgency": "high",
                "service": {"id": "PABC", "type": "service_reference", "summary": "checkout"},
                "resolved_at": "2026-03-01T11:00:00Z"}  # fmt: skip
    path = write(tmp_path / "pagerduty.json", json.dumps({"incidents": [incident]}))

    outcome = import_incident_files(context, IncidentImportRequest((path,)))

    assert [file.summary for file in outcome.files] == [f"{path}: imported 1 incidents, 0 skipped"]
    with store.engine.connect() as connection:
        [stored] = read_imported_incidents(connection)
    assert (stored.id, stored.services) == ("Q1", ("checkout",))


def kev_entry(cve: str) -> dict[str, object]:
    return {"cveID": cve, "vendorProject": "Acme", "product": "Shop", "vulnerabilityName": "a flaw",
            "dateAdded": "2026-01-02"}  # fmt: skip


def test_a_bad_kev_catalog_leaves_the_stored_one(context: Context, store: Store, tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", json.dumps([kev_entry("CVE-2026-0001"), kev_entry("CVE-2026-0002")]))
    bad = write(tmp_path / "bad.json", json.dumps([kev_entry("CVE-2026-0003"), {"cveID": "CVE-2026-0004"}]))

    outcome = import_kev_files(context, [good, bad])

    assert outcome.failed
    assert outcome.files[0].summary == f"{good}: imported 2 KEV entries, 0 skipped"
    assert outcome.files[1].summary.startswith(f"{bad}: nothing imported (")
    with store.engine.connect() as connection:
        assert sorted(read_kev_entries(connection)) == ["CVE-2026-0001", "CVE-2026-0002"]


def test_epss_scores_replace_the_stored_ones(context: Context, store: Store, tmp_path: Path) -> None:
    header = "#model_version:v2023.03.01,score_date:2026-10-31T00:00:00+0000\ncve,epss,percentile\n"
    first = write(tmp_path / "first.csv", header + "CVE-2026-0001,0.5,0.9\nCVE-2026-0002,0.1,0.2\n")
    second = write(tmp_path / "second.csv", header + "CVE-2026-0003,0.7,0.95\n")

    outcome = import_epss_files(context, [first, second])

    assert [file.summary for file in outcome.files] == [
        f"{first}: imported 2 EPSS scores, 0 skipped",
        f"{second}: imported 1 EPSS scores, 0 skipped",
    ]
    with store.engine.connect() as connection:
        assert sorted(read_epss_scores(connection)) == ["CVE-2026-0003"]


def test_a_scorecard_result_of_a_repository_no_component_names_is_imported_with_a_warning(
    context: Context, store: Store, tmp_path: Path
) -> None:
    def result(repository: str) -> str:
        check = {"name": "Code-Review", "score": 4, "reason": "some", "details": None, "documentation": {}}
        return json.dumps({"date": "2026-11-01T09:00:00Z", "repo": {"name": repository}, "checks": [check]})

    known = write(tmp_path / "checkout.json", result("github.com/acme/checkout"))
    other = write(tmp_path / "other.json", result("github.com/acme/other"))

    outcome = import_scorecard_files(context, [known, other])

    assert not outcome.failed and [item.code for item in outcome.diagnostics] == ["IMP043"]
    with store.engine.connect() as connection:
        assert sorted(check.repository for check in read_scorecard_checks(connection)) == [
            "github.com/acme/checkout",
            "github.com/acme/other",
        ]


def test_findings_are_mapped_to_the_catalogs_component(context: Context, store: Store, tmp_path: Path) -> None:
    path = write_json(tmp_path / "trivy.json", trivy_report([trivy_vulnerability("CVE-2026-1000", "openssl", "3.1")]))

    outcome = import_finding_files(context, FindingImportRequest((path,)))

    assert [file.summary for file in outcome.files] == [f"{path}: imported 1 findings (1 new, 0 closed), 0 skipped"]
    with store.engine.connect() as connection:
        assert [finding.component for finding in read_findings(connection)] == ["component:default/checkout"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"component": "group:payments-team"}, "--component: 'group:payments-team' names a group, not a component"),
        ({"component": "ledger"}, "--component: 'ledger' is not a component of the catalog"),
        ({"scanned_at": "yesterday"}, "--scanned-at 'yesterday' is not an ISO 8601 time"),
    ],
)
def test_findings_options_that_cannot_be_used_are_a_usage_error(
    context: Context, store: Store, tmp_path: Path, changes: dict[str, str], message: str
) -> None:
    path = write_json(tmp_path / "trivy.json", trivy_report([trivy_vulnerability("CVE-2026-1000", "openssl", "3.1")]))
    with pytest.raises(UsageError, match=message):
        import_finding_files(context, FindingImportRequest((path,), **changes))  # type: ignore[arg-type]
    with store.engine.connect() as connection:
        assert read_findings(connection) == []


def test_sli_files_are_imported_and_an_unknown_slo_is_a_warning(context: Context, store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "sli.csv",
        "slo,timestamp,good,total\ncheckout-availability,2026-10-01T00:00:10Z,9,10\n"
        "checkout-availability,2026-10-01T00:01:10Z,10,10\n",
    )

    outcome = import_sli(context, SliImportRequest((path,)))

    assert [report.summary for report in outcome.files] == [f"{path}: imported 2 samples, 2 minutes of 1 SLOs"]
    assert outcome.pull is None and not outcome.failed
    assert [item.code for item in outcome.files[0].diagnostics] == ["IMP011"]
    day = (date(2026, 10, 1) - date(1970, 1, 1)).days
    with store.engine.connect() as connection:
        counts = read_sli_counts(connection, ["checkout-availability"], day, day)["checkout-availability"]
    assert (counts.hourly_good.sum(), counts.hourly_total.sum()) == (19, 20)


def test_sli_needs_files_or_a_pull(context: Context) -> None:
    with pytest.raises(UsageError, match="name CSV files to import, or pass --from-prometheus"):
        import_sli(context, SliImportRequest())


def test_a_pull_without_a_prometheus_source_fails_and_writes_nothing(context: Context) -> None:
    outcome = import_sli(context, SliImportRequest(from_prometheus=True))

    assert outcome.failed and outcome.pull is not None
    assert outcome.pull.summary == "(not configured): nothing imported"
    assert [item.code for item in outcome.pull.diagnostics] == ["IMP017"]


SLOTH = """\
version: "prometheus/v1"
service: checkout
slos:
  - name: requests-availability
    objective: 99.5
    sli:
      events:
        error_query: 'sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))'
        total_query: 'sum(rate(http_requests_total[{{.window}}]))'
"""
PROMETHEUS = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  sources: {prometheus: {url: "http://prometheus.example"}}
"""


def prometheus(refuse: str | None = None) -> httpx.Client:
    """A Prometheus that answers every range query with one series of 1 per step, or 400 to a query
    holding `refuse`."""

    def answer(request: httpx.Request) -> httpx.Response:
        form = httpx.QueryParams(request.content.decode())
        if refuse is not None and refuse in form["query"]:
            return httpx.Response(400, json={"status": "error", "errorType": "bad_data", "error": "refused"})
        steps = range(int(form["start"]), int(form["end"]) + 1, int(form["step"]))
        series = {"metric": {}, "values": [[step, "1"] for step in steps]}
        return httpx.Response(200, json={"status": "success", "data": {"resultType": "matrix", "result": [series]}})

    return httpx.Client(transport=httpx.MockTransport(answer))


def sli_rows(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(sli_samples)).scalar_one())


@pytest.mark.parametrize("refuse", [None, "5.."])
def test_a_pull_writes_every_minute_of_the_window_or_nothing(store: Store, tmp_path: Path, refuse: str | None) -> None:
    root = write_repo(tmp_path / "strategy", {"charter.yaml": PROMETHEUS, "slos/checkout.yaml": SLOTH})
    with prometheus(refuse) as client:
        report = pull_sli(load_context(root, store), NOW, client)

    if refuse is None:
        assert not report.failed and report.slos == ["checkout-requests-availability"]
        assert report.summary == "http://prometheus.example: imported 43200 minutes of 1 SLOs"
        assert sli_rows(store) == 31  # the 30 days of the window touch 31 UTC days
    else:
        assert report.failed and report.summary == "http://prometheus.example: nothing imported"
        assert [item.code for item in report.diagnostics] == ["IMP015"] and sli_rows(store) == 0


def test_a_database_that_refuses_the_write_is_a_store_failure(context: Context, store: Store, tmp_path: Path) -> None:
    with store.engine.begin() as connection:
        connection.execute(text("DROP TABLE kev_entries"))
    path = write(tmp_path / "kev.json", json.dumps([kev_entry("CVE-2026-0001")]))

    with pytest.raises(StoreFailure, match="^the store refused the import: "):
        import_kev_files(context, [path])


def test_sync_mines_the_clones_turns_release_tags_into_deployments_and_takes_a_snapshot(
    context: Context, store: Store, tmp_path: Path
) -> None:
    clone = Clone(tmp_path / "clones" / "checkout")
    clone.commit("first", 1)
    clone.git("tag", "v1.0.0", day=2)
    clone.commit("second", 3)

    summary = run_sync(context, SyncOptions(as_of=date(2026, 10, 31)))

    assert summary.git is not None and (summary.git.commits_added, summary.git.failed) == (2, [])
    assert (summary.tag_deployments, summary.components_linked) == (1, 1)
    assert summary.snapshot_id is not None
    assert [item.code for item in summary.diagnostics if item.severity == "error"] == []
    with store.engine.connect() as connection:
        assert [item.id for item in read_deployments(connection)] == ["tag:checkout/v1.0.0"]


def test_sync_takes_only_a_dask_scheduler_address(context: Context) -> None:
    with pytest.raises(UsageError, match="--executor takes a Dask scheduler address like tcp://HOST:8786"):
        run_sync(context, SyncOptions(executor="localhost:8786"))

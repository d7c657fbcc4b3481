"""A small organisation with a fact of every metric domain, imported and mined as a user would: the
deployments and postmortem of `tests/cli/test_delivery_command.py` (three counted deployments over
the two weeks from 2026-09-28, one incident that d1 caused, resolved in two hours), one day of SLI
counts before 2026-10-12 losing one request in 400, one open critical finding, and a git history of
two commits by one author. The organisation is `Acme`, capitalised: its snapshot scope keeps the case."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from charter.cli.app import app
from tests.strategy import write_repo

SINCE = datetime(2026, 9, 28, tzinfo=UTC)
UNTIL = datetime(2026, 10, 12, tzinfo=UTC)
SHA = "b" * 40
DEPLOYMENTS = [
    {"id": "d1", "component": "payments", "environment": "production", "sha": SHA,
     "finished": "2026-10-01T10:00:00Z"},
    {"id": "d2", "component": "payments", "environment": "production", "sha": SHA,
     "finished": "2026-10-02T10:00:00Z"},
    {"id": "d3", "component": "payments", "environment": "production", "sha": SHA,
     "finished": "2026-10-08T10:00:00Z", "rollbackOf": "d2"},
    {"id": "d4", "component": "payments", "environment": "staging", "sha": SHA,
     "finished": "2026-10-03T10:00:00Z"},
]  # fmt: skip
ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: Acme}
spec:
  sources: {git: {roots: [../clones]}}
  policies: {sloPeriod: 1d}
"""
FILES = {
    "catalog/all.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: team-a}
        spec: {type: team, children: []}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: System
        metadata: {name: shop}
        spec: {owner: team-a}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: payments
          annotations: {charter.dev/repo: payments}
        spec: {type: service, lifecycle: production, owner: team-a, system: shop}
        """,
    "incidents/inc-1.md": """\
        ---
        id: INC-1
        title: Payments fail
        severity: SEV2
        services: [payments]
        started: 2026-10-01T11:00:00Z
        resolved: 2026-10-01T13:00:00Z
        cause: change
        causedBy: {deployment: d1}
        postmortem: {status: published, date: 2026-10-02}
        ---
        # Payments fail
        """,
    "slos/payments.yaml": """\
        version: "prometheus/v1"
        service: payments
        slos:
          - name: availability
            objective: 99
            sli:
              events:
                error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
                total_query: sum(rate(http_requests_total[{{.window}}]))
        """,
}


def build_organization(root: Path, database_url: str) -> Path:
    """The strategy repository at `root/org` with every fact imported into the store at `database_url`,
    and the git history of `root/clones/payments` mined by `charter sync`."""
    (root / "org").mkdir(parents=True)
    repo = write_repo(root / "org", FILES, ORGANIZATION)
    _commit_twice(root / "clones" / "payments")
    facts = root / "facts"
    facts.mkdir()
    deployments = facts / "deployments.jsonl"
    deployments.write_text("".join(json.dumps(record) + "\n" for record in DEPLOYMENTS), encoding="utf-8")
    environment = {"CHARTER_DATABASE_URL": database_url}
    for arguments in (
        ["import", "deployments", str(deployments)],
        ["import", "sli", str(_sli_counts(facts / "sli.csv"))],
        ["import", "findings", str(_trivy_scan(facts / "payments.json")), "--component", "payments"],
        ["sync", "--as-of", UNTIL.date().isoformat(), "--quiet"],
    ):
        result = CliRunner().invoke(app, [*arguments, "--repo", str(repo)], env=environment)
        assert result.exit_code == 0, result.output
    return repo


def _sli_counts(path: Path) -> Path:
    """100 requests a minute over the day before UNTIL, one in 400 of them bad."""
    lines = ["slo,timestamp,good,total"]
    for minute in range(1440):
        moment = (UNTIL - timedelta(days=1) + timedelta(minutes=minute)).isoformat()
        lines.append(f"payments-availability,{moment},{99 if minute % 4 == 0 else 100},100")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _trivy_scan(path: Path) -> Path:
    vulnerability = {
        "VulnerabilityID": "CVE-2024-0001",
        "PkgName": "libexample",
        "InstalledVersion": "1.0.0",
        "FixedVersion": "1.0.1",
        "Severity": "CRITICAL",
    }
    report = {
        "SchemaVersion": 2,
        "CreatedAt": "2026-10-01T08:00:00Z",
        "ArtifactName": "acme/payments:1.0",
        "ArtifactType": "container_image",
        "Results": [{"Target": "payments (debian 12)", "Class": "os-pkgs", "Vulnerabilities": [vulnerability]}],
    }
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def _commit_twice(clone: Path) -> None:
    """Two commits by Ada, on October 1 and 5."""
    clone.mkdir(parents=True)
    _git(clone, "init", "-q", "-b", "main")
    for day, name in ((1, "ledger.py"), (5, "api.py")):
        (clone / name).write_text("print('hello')\n" * 10, encoding="utf-8")
        _git(clone, "add", name, day=day)
        _git(clone, "commit", "-q", "-m", f"add {name}", day=day)


def _git(clone: Path, *arguments: str, day: int = 1) -> None:
    moment = f"@{int(datetime(2026, 10, day, tzinfo=UTC).timestamp())} +0000"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Ada",
        GIT_AUTHOR_EMAIL="ada@example.com",
        GIT_COMMITTER_NAME="Ada",
        GIT_COMMITTER_EMAIL="ada@example.com",
        GIT_AUTHOR_DATE=moment,
        GIT_COMMITTER_DATE=moment,
    )
    done = subprocess.run(["git", "-C", str(clone), *arguments], capture_output=True, env=environment)
    assert done.returncode == 0, done.stderr.decode()

"""A small strategy repository for the escalation tests: a team `payments` with a member, a tier-1
`checkout` and a tier-2 `ledger` owned by the team, and helpers to run `charter escalations` and
read which escalations it raised."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import run_charter
from tests.strategy import write_repo

ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  riskAppetite: {reliability: medium, security: low}
  policies: {repeatIncidentWindowDays: 90}
"""

CATALOG = """\
    apiVersion: backstage.io/v1alpha1
    kind: Group
    metadata: {name: payments}
    spec: {type: team, children: []}
    ---
    apiVersion: backstage.io/v1alpha1
    kind: User
    metadata: {name: jane}
    spec: {memberOf: [payments]}
    ---
    apiVersion: backstage.io/v1alpha1
    kind: System
    metadata: {name: shop}
    spec: {owner: group:payments}
    ---
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: checkout
      annotations: {charter.dev/tier: "1"}
    spec: {type: service, lifecycle: production, owner: group:payments, system: shop}
    ---
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: ledger
      annotations: {charter.dev/tier: "2"}
    spec: {type: service, lifecycle: production, owner: group:payments}
    """


def incident(identifier: str, started: str, service: str = "ledger") -> str:
    return f"""\
        ---
        id: {identifier}
        severity: SEV2
        services: [{service}]
        started: {started}
        cause: change
        ---
        # {identifier}
        """


def write_escalations_repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    return write_repo(root, {"charter.yaml": ORGANIZATION, "catalog/all.yaml": CATALOG, **files})


def escalations_json(root: Path, *options: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """`charter escalations --format json` on the repository; it must exit 0."""
    code, stdout, stderr = run_charter(
        "escalations", "--repo", str(root), "--format", "json", *options, env=env or {"CHARTER_DATABASE_URL": ""}
    ).streams
    assert code == 0, stdout + stderr
    data: dict[str, Any] = json.loads(stdout)
    return data


def raised(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(code, subject) of every open escalation of a report, in code and subject order."""
    return sorted((item["code"], item["subject"]) for digest in data["digests"] for item in digest["escalations"])


def open_items(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every open escalation of a report by id."""
    return {item["id"]: item for digest in data["digests"] for item in digest["escalations"]}

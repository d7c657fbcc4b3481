"""A small strategy repository for the security tests: three components (an internet-facing tier-1
shop, a tier-3 batch job, a tier-2 ledger annotated as small exposure), two teams, a decision that
names a finding and has expired, and an accepted risk that names another."""

from __future__ import annotations

from pathlib import Path

from tests.strategy import write_repo

ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  policies:
    epssThreshold: 0.1
    scorecardMinimum: {Branch-Protection: 8, SAST: 5}
"""


def _component(name: str, owner: str, annotations: dict[str, str]) -> str:
    lines = "".join(f'    {key}: "{value}"\n' for key, value in annotations.items())
    return (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
        f"  name: {name}\n  annotations:\n{lines}"
        f"spec:\n  type: service\n  lifecycle: production\n  owner: {owner}\n"
    )


FILES = {
    "catalog/teams.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: team-a}
        spec: {type: team, children: []}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: team-b}
        spec: {type: team, children: []}
        """,
    "catalog/shop.yaml": _component(
        "shop",
        "group:team-a",
        {"charter.dev/tier": "1", "charter.dev/internet-facing": "true", "charter.dev/repo": "acme/shop"},
    ),
    "catalog/batch.yaml": _component("batch", "group:team-b", {"charter.dev/tier": "3", "charter.dev/repo": "batch"}),
    "catalog/ledger.yaml": _component(
        "ledger", "group:team-a", {"charter.dev/tier": "2", "charter.dev/exposure": "small"}
    ),
    "decisions/0005-accept-ledger-cve.md": """\
        ---
        status: accepted
        date: 2025-12-15
        expires: 2026-02-01
        findings: [CVE-2024-0003]
        ---
        # Accept CVE-2024-0003 on the ledger until the February release

        ## Context and Problem Statement

        The fix needs the new ledger schema.
        """,
    "risks/batch-cve.yaml": """\
        apiVersion: charter.dev/v1
        kind: Risk
        metadata: {name: batch-old-parser}
        spec:
          title: The batch job keeps the old parser until the rewrite
          category: security
          owner: group:team-b
          likelihood: 2
          impact: 2
          treatment: accept
          status: accepted
          reviewBy: 2026-06-30
          findings: [CVE-2024-0004]
        """,
}


def write_security_repo(root: Path) -> Path:
    return write_repo(root, {"charter.yaml": ORGANIZATION, **FILES})

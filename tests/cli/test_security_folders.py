"""`charter security` reads risks and decisions for the exceptions they grant to findings alone, so of
those it reads only the files that mention a finding: real files written here, the files chosen
checked by hand, and the strategy loaded through that choice."""

from __future__ import annotations

from pathlib import Path

from charter.load.repository import load_strategy_repo
from charter.services.security import SECURITY_FOLDERS, SecurityFiles
from tests.security_strategy import write_security_repo
from tests.strategy import write_repo

RISK = """\
    apiVersion: charter.dev/v1
    kind: Risk
    metadata: {name: legacy-tls}
    spec:
      title: Legacy TLS on the partner gateway
      category: security
      owner: group:team-a
      likelihood: 2
      impact: 3
      treatment: mitigate
    """
DECISION = """\
    ---
    status: accepted
    date: 2025-12-15
    ---
    # Use PostgreSQL for the ledger
    """


def named(root: Path) -> set[str]:
    return {path.relative_to(root.resolve()).as_posix() for path in SecurityFiles.of(root).naming_findings}


def test_only_the_risks_and_decisions_naming_findings_are_read(tmp_path: Path) -> None:
    # The security strategy's decision 0005 (`findings: [CVE-2024-0003]`) and risk (`findings:
    # [CVE-2024-0004]`), and two more files that name none.
    root = write_security_repo(tmp_path)
    write_repo(root, {"risks/tls.yaml": RISK, "decisions/0001-ledger-database.md": DECISION}, organization=None)
    assert named(root) == {"decisions/0005-accept-ledger-cve.md", "risks/batch-cve.yaml"}

    estate = load_strategy_repo(root, None, SECURITY_FOLDERS, SecurityFiles.of(root).read)
    assert list(estate.decisions) == ["0005"]
    assert [risk.ref.short for risk in estate.risks] == ["risk:batch-old-parser"]
    assert {ref.short for ref in estate.entities if ref.kind == "component"} == {
        "component:shop",
        "component:batch",
        "component:ledger",
    }


def test_risks_and_decisions_that_name_no_finding_are_left_unread(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"risks/tls.yaml": RISK, "decisions/0001-ledger-database.md": DECISION})
    assert named(root) == set()
    estate = load_strategy_repo(root, None, SECURITY_FOLDERS, SecurityFiles.of(root).read)
    assert (estate.decisions, estate.risks) == ({}, [])


def test_a_finding_mentioned_in_any_case_in_a_decision_body_is_read(tmp_path: Path) -> None:
    mention = DECISION + "\n    Accepted for FINDING:cve-2024-0004 until the rewrite.\n"
    root = write_repo(tmp_path, {"risks/tls.yaml": RISK, "decisions/0001-ledger-database.md": mention})
    assert named(root) == {"decisions/0001-ledger-database.md"}


def test_a_risk_in_a_subfolder_naming_findings_is_read(tmp_path: Path) -> None:
    accepted = RISK.replace("treatment: mitigate", "treatment: accept\n      findings: [GHSA-aaaa-bbbb-cccc]")
    root = write_repo(tmp_path, {"risks/security/tls.yml": accepted, "decisions/0001-ledger-database.md": DECISION})
    assert named(root) == {"risks/security/tls.yml"}


def test_an_organisation_without_risks_or_decisions_reads_the_catalog(tmp_path: Path) -> None:
    assert named(write_repo(tmp_path, {})) == set()

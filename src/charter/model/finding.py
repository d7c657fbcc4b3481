"""A security finding as every scanner format is read into it (SARIF, Trivy, Grype, pip-audit, npm
audit, OSV, CycloneDX), and the VEX statement that may suppress it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

FindingSeverity = Literal["critical", "high", "medium", "low", "none", "unknown"]
SEVERITY_ORDER: tuple[FindingSeverity, ...] = ("critical", "high", "medium", "low", "none", "unknown")
VexState = Literal["not_affected", "false_positive", "resolved", "affected", "under_investigation"]
SUPPRESSING_VEX_STATES = frozenset({"not_affected", "false_positive", "resolved"})


@dataclass(frozen=True, slots=True)
class VexStatement:
    """What a VEX document (CycloneDX `analysis`, OpenVEX `status`) says about one vulnerability in
    one product: the states in SUPPRESSING_VEX_STATES suppress the finding, with their reason shown."""

    vulnerability_id: str
    state: VexState
    justification: str | None = None  # e.g. `code_not_reachable`, `vulnerable_code_not_in_execute_path`
    detail: str | None = None  # free text: CycloneDX `analysis.detail`, OpenVEX `impact_statement`
    product: str | None = None  # purl or name of the product the statement covers; None: every product
    source: str | None = None  # the file it came from


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding of one scanner on one target, after import.

    `key` is the deduplication key across scanners and imports: for a vulnerability, its canonical
    id (the CVE among the id and aliases, else the first of GHSA, OSV, others) with the package and
    the component; for a finding with no vulnerability id (a SARIF code finding), the rule, the
    location and SARIF's partial fingerprints. `target` is what was scanned (image, repository, SBOM
    subject): a later import from the same `scanner` and `target` that no longer contains the
    finding closes it.
    """

    key: str
    scanner: str  # tool name as the file gives it: "Trivy", "Grype", "pip-audit", "CodeQL", ...
    target: str
    severity: FindingSeverity
    title: str = ""
    vulnerability_id: str | None = None  # canonical id, e.g. CVE-2021-44228
    aliases: tuple[str, ...] = ()  # every other id it is known by (GHSA-..., PYSEC-..., ...)
    rule_id: str | None = None  # SARIF rule id for code findings
    package: str | None = None  # package name
    package_version: str | None = None
    purl: str | None = None
    fixed_versions: tuple[str, ...] = ()
    cvss_vector: str | None = None  # highest-version CVSS vector the scanner gave, as written
    cvss_score: float | None = None
    path: str | None = None  # file path for code findings, or the lockfile/manifest for packages
    line: int | None = None
    component: str | None = None  # entity reference (component:default/name) it maps to; None: unmapped
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    closed_at: datetime | None = None  # set when a later import of the same scanner and target lacks it
    suppressed_by: VexStatement | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and self.suppressed_by is None

    @property
    def ids(self) -> tuple[str, ...]:
        """The vulnerability id and its aliases, for joins with KEV and EPSS (which use CVE ids)."""
        return ((self.vulnerability_id,) if self.vulnerability_id else ()) + self.aliases

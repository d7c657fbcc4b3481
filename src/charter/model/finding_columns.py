"""Findings as columns, for reports over hundreds of thousands of them: one list (or array) per
field instead of one object per finding, so the security assessment is vectorised and only the few
findings a report lists become `Finding` objects."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from charter.model.finding import Finding, FindingSeverity


@dataclass(frozen=True, slots=True)
class FindingColumns:
    """Open findings, row i of every column being finding i. `aliases` holds each finding's aliases
    as JSON text (`[]` for none: most findings), `first_seen` seconds since the epoch (NaN unknown)."""

    keys: list[str]
    scanners: list[str]
    targets: list[str]
    severities: list[str]
    vulnerability_ids: list[str | None]
    aliases: list[str]
    packages: list[str | None]
    package_versions: list[str | None]
    purls: list[str | None]
    cvss_vectors: list[str | None]
    components: list[str | None]
    first_seen: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.keys)

    def finding(self, row: int) -> Finding:
        """Row `row` as a Finding."""
        seen = float(self.first_seen[row])
        severity: FindingSeverity = self.severities[row]  # type: ignore[assignment]
        return Finding(
            key=self.keys[row],
            scanner=self.scanners[row],
            target=self.targets[row],
            severity=severity,
            vulnerability_id=self.vulnerability_ids[row],
            aliases=tuple(json.loads(self.aliases[row])) if self.aliases[row] != "[]" else (),
            package=self.packages[row],
            package_version=self.package_versions[row],
            purl=self.purls[row],
            cvss_vector=self.cvss_vectors[row],
            component=self.components[row],
            first_seen=None if np.isnan(seen) else datetime.fromtimestamp(seen, UTC),
        )

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> FindingColumns:
        """The open findings among these, as columns."""
        rows = [finding for finding in findings if finding.is_open]
        return cls(
            keys=[finding.key for finding in rows],
            scanners=[finding.scanner for finding in rows],
            targets=[finding.target for finding in rows],
            severities=[finding.severity for finding in rows],
            vulnerability_ids=[finding.vulnerability_id for finding in rows],
            aliases=[json.dumps(list(finding.aliases)) for finding in rows],
            packages=[finding.package for finding in rows],
            package_versions=[finding.package_version for finding in rows],
            purls=[finding.purl for finding in rows],
            cvss_vectors=[finding.cvss_vector for finding in rows],
            components=[finding.component for finding in rows],
            first_seen=np.array(
                [finding.first_seen.timestamp() if finding.first_seen else np.nan for finding in rows],
                dtype=np.float64,
            ),
        )

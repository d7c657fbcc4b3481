"""Findings as columns, for reports over hundreds of thousands of them: one list (or array) per
field the assessment reads instead of one object per finding, so the security assessment is
vectorised. What only a listed finding shows (scanner, target, package, version, purl) is read for
the few findings a report lists, in one batch, through the `DetailsLoader` the store gives."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from charter.model.finding import Finding, FindingSeverity


@dataclass(frozen=True, slots=True)
class FindingDetails:
    """What a report shows of a finding beyond what its assessment reads."""

    scanner: str
    target: str
    package: str | None
    package_version: str | None
    purl: str | None


# The details of the findings with these ids (every id asked for that still exists).
DetailsLoader = Callable[[Sequence[str]], Mapping[str, FindingDetails]]


def _no_loader(ids: Sequence[str]) -> Mapping[str, FindingDetails]:
    return {}


@dataclass(frozen=True, slots=True)
class FindingColumns:
    """Open findings, row i of every column being finding i. `ids` are the store's ids of the
    findings (what `load_details` is asked with); `aliases` holds each finding's aliases as JSON text
    (None for none: most findings); `first_seen` seconds since the epoch (NaN unknown)."""

    ids: list[str]
    keys: list[str]
    severities: list[str]
    vulnerability_ids: list[str | None]
    aliases: list[str | None]
    cvss_vectors: list[str | None]
    components: list[str | None]
    first_seen: npt.NDArray[np.float64]
    load_details: DetailsLoader = _no_loader
    details: dict[str, FindingDetails] = field(default_factory=dict)  # read so far, by id
    findings: dict[int, Finding] = field(default_factory=dict, repr=False)  # made so far, by row

    def __len__(self) -> int:
        return len(self.ids)

    def alias_names(self, row: int) -> tuple[str, ...]:
        text = self.aliases[row]
        return tuple(str(name) for name in json.loads(text)) if text else ()

    def fetch_details(self, rows: Iterable[int]) -> None:
        """Read the details of these rows that are not read yet, in one batch."""
        known = self.details
        missing = sorted({self.ids[row] for row in rows if self.ids[row] not in known})
        if missing:
            self.details.update(self.load_details(missing))

    def finding(self, row: int) -> Finding:
        """Row `row` as a Finding (its details read now, if `fetch_details` did not read them)."""
        made = self.findings.get(row)
        if made is None:
            made = self.findings[row] = self._finding(row)
        return made

    def _finding(self, row: int) -> Finding:
        self.fetch_details((row,))
        details = self.details.get(self.ids[row])
        seen = float(self.first_seen[row])
        severity: FindingSeverity = self.severities[row]  # type: ignore[assignment]
        return Finding(
            key=self.keys[row],
            scanner=details.scanner if details else "",
            target=details.target if details else "",
            severity=severity,
            vulnerability_id=self.vulnerability_ids[row],
            aliases=self.alias_names(row),
            package=details.package if details else None,
            package_version=details.package_version if details else None,
            purl=details.purl if details else None,
            cvss_vector=self.cvss_vectors[row],
            component=self.components[row],
            first_seen=None if np.isnan(seen) else datetime.fromtimestamp(seen, UTC),
        )

    def take(self, rows: Sequence[int]) -> FindingColumns:
        """These rows only, in this order (with the same loader and the details read so far)."""
        return FindingColumns(
            [self.ids[row] for row in rows],
            [self.keys[row] for row in rows],
            [self.severities[row] for row in rows],
            [self.vulnerability_ids[row] for row in rows],
            [self.aliases[row] for row in rows],
            [self.cvss_vectors[row] for row in rows],
            [self.components[row] for row in rows],
            self.first_seen[np.asarray(rows, dtype=np.int64)],
            self.load_details,
            self.details,
        )

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> FindingColumns:
        """The open findings among these, as columns (their details all known)."""
        rows = [finding for finding in findings if finding.is_open]
        ids = [str(index) for index in range(len(rows))]
        return cls(
            ids=ids,
            keys=[finding.key for finding in rows],
            severities=[finding.severity for finding in rows],
            vulnerability_ids=[finding.vulnerability_id for finding in rows],
            aliases=[json.dumps(list(finding.aliases)) if finding.aliases else None for finding in rows],
            cvss_vectors=[finding.cvss_vector for finding in rows],
            components=[finding.component for finding in rows],
            first_seen=np.array(
                [finding.first_seen.timestamp() if finding.first_seen else np.nan for finding in rows],
                dtype=np.float64,
            ),
            details={
                ids[index]: FindingDetails(
                    finding.scanner, finding.target, finding.package, finding.package_version, finding.purl
                )
                for index, finding in enumerate(rows)
            },
        )

"""The security facts Charter joins findings with: CISA's Known Exploited Vulnerabilities catalog,
FIRST's EPSS scores, and OpenSSF Scorecard check results per repository."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

# A CVE id as CISA and FIRST write it (upper case): KEV and EPSS are joined with findings by it.
CVE_ID = re.compile(r"CVE-\d{4}-\d{4,}")


@dataclass(frozen=True, slots=True)
class KevEntry:
    """One entry of the KEV catalog: a CVE known to be exploited in the wild, since `date_added`.
    `due_date` is the date CISA sets for federal agencies (BOD 22-01)."""

    cve: str
    vendor: str
    product: str
    name: str
    date_added: date
    due_date: date | None = None
    known_ransomware: bool = False


@dataclass(frozen=True, slots=True)
class EpssScore:
    """FIRST's Exploit Prediction Scoring System: the probability (0..1) that the CVE is exploited in
    the next 30 days, and its percentile among all scored CVEs, as of `score_date`."""

    cve: str
    epss: float
    percentile: float | None = None
    score_date: date | None = None


@dataclass(frozen=True, slots=True)
class ScorecardCheck:
    """One check of an OpenSSF Scorecard result. `score` is 0..10, or None when Scorecard could not
    decide (it writes -1: inconclusive). `repository` is the name as Scorecard gives it
    (`github.com/org/name`)."""

    repository: str
    check: str
    score: int | None
    reason: str
    scored_at: datetime
    details: tuple[str, ...] = ()
    repo_commit: str | None = None

    @property
    def repository_name(self) -> str:
        """The last segment, as components name their repository (`charter.dev/repo`)."""
        return self.repository.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")

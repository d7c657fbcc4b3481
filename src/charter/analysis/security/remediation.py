"""Remediation SLAs of findings: the due date by severity (`policies.remediationSlaDays`, counted
from the day the finding was first seen), the shorter `kev` deadline for known-exploited ones, the
days past due, and the exceptions that excuse a finding.

- Due date: first seen (its UTC day) + the days of its severity (critical, high, medium, low); a
  finding of severity none or unknown has no SLA.
- Known exploited (its CVE is in the KEV catalog): also due `kev` days after the later of the day it
  was first seen and the day CISA added the CVE to the catalog; the earlier of the two due dates
  holds. (A finding seen long before its CVE was listed is not counted late for the time before.)
- Days over: the as-of day − the due day, when positive; a finding is overdue when it has days over
  and no exception.
- Exception: an `accepted` decision record whose front matter `findings:` (or a `finding:ID` in its
  text) names the finding, unexpired (`expires` empty or on/after the as-of day); or a Risk with
  treatment `accept`, not closed, whose `spec.findings` names it, with `reviewBy` empty or not past.
  A finding is named by its vulnerability id, any alias, or its finding key, case-insensitively.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from charter.model.decision import Decision
from charter.model.finding import Finding
from charter.model.kinds import Risk
from charter.model.organization import RemediationSla

FINDING_PREFIX = "finding:"


@dataclass(frozen=True, slots=True)
class FindingException:
    """Who excused a finding (`decision:0012`, `risk:default/legacy-tls`) and until when."""

    source: str
    expires: date | None

    def active(self, today: date) -> bool:
        return self.expires is None or self.expires >= today


@dataclass(frozen=True, slots=True)
class FindingExceptions:
    """Every exception the strategy grants, by the lower-cased name it gives the finding."""

    by_name: dict[str, tuple[FindingException, ...]]

    def of(self, finding: Finding) -> tuple[FindingException, ...]:
        return self.named((*finding.ids, finding.key))

    def named(self, names: Iterable[str]) -> tuple[FindingException, ...]:
        """The exceptions of a finding known by these names (its ids, aliases and key)."""
        if not self.by_name:
            return ()
        found = [item for name in sorted({name.lower() for name in names}) for item in self.by_name.get(name, ())]
        return tuple(dict.fromkeys(found))


def finding_exceptions(decisions: Iterable[Decision], risks: Iterable[Risk]) -> FindingExceptions:
    """Index the accepted decisions and accepted risks that name findings."""
    by_name: dict[str, list[FindingException]] = defaultdict(list)
    for decision in decisions:
        if decision.status != "accepted":
            continue
        for mention in decision.mentions:
            if mention.lower().startswith(FINDING_PREFIX):
                name = mention[len(FINDING_PREFIX) :].strip().lower()
                by_name[name].append(FindingException(f"decision:{decision.id}", decision.expires))
    for risk in risks:
        spec = risk.spec
        if spec.treatment != "accept" or spec.status == "closed":
            continue
        for name in spec.findings:
            by_name[name.strip().lower()].append(FindingException(risk.ref.short, spec.review_by))
    return FindingExceptions({name: tuple(items) for name, items in by_name.items()})


@dataclass(frozen=True, slots=True)
class Remediation:
    """A finding's SLA as of a day. `rule` says which deadline holds: the severity or `kev`."""

    sla_days: int | None
    due: date | None
    rule: str | None
    days_over: int
    exception: FindingException | None = None
    expired_exception: FindingException | None = None

    @property
    def overdue(self) -> bool:
        return self.days_over > 0 and self.exception is None


def _severity_days(sla: RemediationSla, severity: str) -> int | None:
    days = {"critical": sla.critical, "high": sla.high, "medium": sla.medium, "low": sla.low}
    return days.get(severity)


def remediation(
    finding: Finding,
    sla: RemediationSla,
    as_of: datetime,
    kev_added: date | None = None,
    exceptions: tuple[FindingException, ...] = (),
) -> Remediation:
    """The finding's due date and days over as of `as_of`; `kev_added` is the day its CVE entered
    the KEV catalog (None: not known exploited)."""
    today = as_of.date()
    if finding.first_seen is None:
        return Remediation(None, None, None, 0)
    seen = finding.first_seen.date()
    candidates: list[tuple[date, int, str]] = []
    severity_days = _severity_days(sla, finding.severity)
    if severity_days is not None:
        candidates.append((seen + timedelta(days=severity_days), severity_days, finding.severity))
    if kev_added is not None:
        candidates.append((max(seen, kev_added) + timedelta(days=sla.kev), sla.kev, "kev"))
    if not candidates:
        return Remediation(None, None, None, 0)
    due, days, rule = min(candidates)
    active = next((item for item in exceptions if item.active(today)), None)
    expired = None if active else next(iter(exceptions), None)
    return Remediation(days, due, rule, max(0, (today - due).days), active, expired)

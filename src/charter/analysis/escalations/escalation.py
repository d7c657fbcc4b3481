"""What an escalation is: a stable code, a severity, the subject it is about, the owner who must act,
the evidence behind it and the suggested action; and the facts the rules read. Its fingerprint (code
and subject) is its identity across runs, so a re-run with nothing changed raises nothing new."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from charter.analysis.reliability.slo_status import SloStatus
from charter.analysis.security.posture import SecurityAssessment
from charter.analysis.targets.funding import TargetStatus
from charter.model.delivery import Deployment
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.incident import Incident

ID_DIGITS = 10  # hexadecimal digits of the fingerprint's digest in an escalation's id


def escalation_id(code: str, subject: str) -> str:
    """`ESC001-1f2e3d4c5b`: the code and the start of the fingerprint's SHA-256, stable across runs
    and stores, short enough to type after `charter escalations ack`."""
    digest = hashlib.sha256(fingerprint_of(code, subject).encode("utf-8")).hexdigest()
    return f"{code}-{digest[:ID_DIGITS]}"


def fingerprint_of(code: str, subject: str) -> str:
    return f"{code}|{subject}"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact behind an escalation: an incident, a finding, a plan line, an SLO's budget..."""

    kind: str  # incident | finding | kev | scorecard | control | slo | deployment | risk | initiative | entity
    ref: str  # what it is, as the user names it (an incident id, a CVE, a deployment id)
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Escalation:
    """One raised escalation. `entity` is what a suppression names (`charter.dev/ignore` on it, or a
    `spec.ignore` entry with `entity:`); `owner` the Group that must act (None: nobody resolves)."""

    code: str
    severity: Severity
    subject: str
    message: str
    owner: str | None
    evidence: tuple[Evidence, ...]
    action: str
    entity: str | None = None
    location: Location | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.code, self.subject)

    @property
    def id(self) -> str:
        return escalation_id(self.code, self.subject)

    def diagnostic(self) -> Diagnostic:
        """The escalation as the one Diagnostic type, for suppressions, settings, SARIF and JUnit."""
        properties = (
            ("id", self.id),
            ("fingerprint", self.fingerprint),
            ("owner", self.owner or ""),
            ("subject", self.subject),
            *((f"evidence.{index}", _evidence_text(item)) for index, item in enumerate(self.evidence)),
        )
        return Diagnostic(self.code, self.severity, self.message, self.location, self.entity, self.action, properties)


def _evidence_text(item: Evidence) -> str:
    return f"{item.kind} {item.ref}" + (f": {item.detail}" if item.detail else "")


# How far back production deployments count as "continuing" while an error budget is exhausted.
DEPLOYMENTS_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class EscalationFacts:
    """What the rules read besides the Estate, gathered by the services. A fact that is missing
    (None, or empty) raises nothing: missing or disabled data never counts as a breach."""

    as_of: datetime
    incidents: tuple[Incident, ...] = ()
    security: SecurityAssessment | None = None  # None: no findings, KEV or Scorecard facts in the store
    # The error budgets of the SLOs whose component was deployed to production in the lookback
    # (the only ones ESC004 can raise), and whether the store holds SLI counts at all.
    slo_statuses: tuple[SloStatus, ...] = ()
    sli_data: bool = False
    # Successful production deployments in DEPLOYMENTS_LOOKBACK before `as_of`, by component key.
    production_deployments: Mapping[str, tuple[Deployment, ...]] = field(default_factory=dict)
    # Every target evaluated against the snapshots taken by `as_of`; None: none could be (no snapshot).
    targets: tuple[TargetStatus, ...] | None = None


@dataclass(frozen=True, slots=True)
class NotEvaluated:
    """A rule (or a part of one) that had no data to read, and why: said, never counted as a breach."""

    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class EscalationRun:
    """Every escalation the rules raised, by code then subject, and what could not be evaluated."""

    escalations: tuple[Escalation, ...]
    not_evaluated: tuple[NotEvaluated, ...] = ()

"""An escalation settled by charter.yaml: its severity after `spec.diagnostics` (`off` drops it)
and the suppression that hides it (`charter.dev/ignore` on its entity, or a `spec.ignore` entry),
found as `charter check` finds them: with a reason and not expired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from charter.analysis.checks.suppression import collect_suppressions, suppression_of
from charter.analysis.escalations.escalation import Escalation
from charter.model.diagnostics import Diagnostic, Severity
from charter.model.escalation_ledger import RaisedEscalation
from charter.model.estate import Estate


@dataclass(frozen=True, slots=True)
class SettledEscalation:
    """A raised escalation after `spec.diagnostics` and suppressions: its severity now, and the
    suppression (reason, expiry) that hides it, if any."""

    escalation: Escalation
    severity: Severity
    suppressed_reason: str | None = None
    suppressed_until: date | None = None

    @property
    def raised(self) -> RaisedEscalation:
        item = self.escalation
        return RaisedEscalation(
            item.id,
            item.fingerprint,
            item.code,
            item.subject,
            item.owner,
            self.severity.value,
            item.message,
            self.suppressed_reason,
            self.suppressed_until,
        )

    def diagnostic(self) -> Diagnostic:
        found = self.escalation.diagnostic()
        return Diagnostic(
            found.code, self.severity, found.message, found.location, found.entity, found.hint, found.properties
        )


def settle(estate: Estate, escalations: tuple[Escalation, ...], today: date) -> list[SettledEscalation]:
    """`spec.diagnostics` severities (`off` drops the code) and the suppressions `charter check`
    honours (an entity's `charter.dev/ignore`, `spec.ignore`), with a reason and unexpired on `today`."""
    overrides = {code.upper(): severity for code, severity in (_settings(estate)).items()}
    suppressions, _problems = collect_suppressions(estate)  # their problems are `charter check`'s
    settled = []
    for escalation in escalations:
        severity = overrides.get(escalation.code, escalation.severity)
        if severity is Severity.OFF:
            continue
        suppression = suppression_of(suppressions, escalation.diagnostic(), today)
        settled.append(
            SettledEscalation(
                escalation,
                severity,
                suppression.reason if suppression else None,
                suppression.until if suppression else None,
            )
        )
    return settled


def _settings(estate: Estate) -> dict[str, Severity]:
    return dict(estate.organization.spec.diagnostics) if estate.organization else {}

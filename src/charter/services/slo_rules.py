"""`slo rules`: Prometheus recording and alerting rules for every SLO with a Prometheus SLI (or for
those named), and the diagnostics of the SLOs and SLO files that could not be turned into rules."""

from __future__ import annotations

from dataclasses import dataclass

from charter.analysis.reliability.slo_rules import slo_rules as rules_of_slos
from charter.load.repository import pinpoint
from charter.model.diagnostics import Diagnostic, Severity
from charter.model.errors import NotFound
from charter.model.prometheus_rules import RuleGroup
from charter.services.context import Context

SLO_FOLDER = "slos/"


@dataclass(frozen=True, slots=True)
class SloRulesQuery:
    """The SLOs to write rules for, by name (default: every SLO)."""

    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SloRuleGroups:
    """The rule groups of every SLO that has them, and why the others have none (at their lines)."""

    groups: tuple[RuleGroup, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def failed(self) -> bool:
        """An SLO file or an SLO could not be turned into rules."""
        return any(item.severity is Severity.ERROR for item in self.diagnostics)


def slo_rules(context: Context, query: SloRulesQuery) -> SloRuleGroups:
    """The rule groups of the SLOs asked for, in order; with every SLO, the SLO files that could not
    be read are reported too. NotFound when a name is no SLO's."""
    slos = context.estate.slos
    unknown = [name for name in query.names if name not in slos]
    if unknown:
        raise NotFound(f"no SLO named {', '.join(unknown)} (SLOs: {', '.join(slos) or 'none'})")
    selected = [slos[name] for name in dict.fromkeys(query.names)] if query.names else list(slos.values())
    result = rules_of_slos(selected, context.policies)
    unreadable = [
        item
        for item in context.estate.load_diagnostics
        if not query.names and item.location is not None and item.location.path.startswith(SLO_FOLDER)
    ]
    return SloRuleGroups(result.groups, tuple(pinpoint([*unreadable, *result.diagnostics], context.root)))

"""`security`: every open finding of the store assessed with the KEV, EPSS and Scorecard facts
against the catalog and the policies (`analysis.security`), the SEC diagnostics settled by
charter.yaml, and the organisation's trend from snapshots; and which strategy files it reads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from charter.analysis.checks.governance_security import security_diagnostics
from charter.analysis.checks.suppression import apply_settings
from charter.analysis.metrics import Scope
from charter.analysis.security.components import component_contexts
from charter.analysis.security.posture import SecurityAssessment, SecurityFacts, SecurityPolicy, assess_security
from charter.analysis.security.remediation import finding_exceptions
from charter.load.files import STRATEGY_FOLDERS, walk_files
from charter.model.diagnostics import Severity
from charter.model.errors import UsageError
from charter.model.estate import Estate
from charter.model.metric_values import MetricPoint, organization_ref
from charter.model.organization import Policies
from charter.services.context import Context, StoreNeed, load_context, opened_store, repository_root
from charter.services.findings import read_open_finding_columns
from charter.services.gate import GatedReport, gate_met
from charter.services.store_reads import reading_store
from charter.store.security_facts import read_finding_cve_facts, read_scorecard_checks
from charter.store.snapshots import read_metric_history

if TYPE_CHECKING:
    from charter.outputs.views import security as view

# What `charter security` reads of the strategy: owners, tiers, exposure and repositories from the
# catalog, and the exceptions that name findings in risks and decisions.
SECURITY_FOLDERS = ("catalog", "risks", "decisions")
EXCEPTION_FOLDERS = ("risks", "decisions")  # read for their exceptions alone
_FINDING = re.compile(rb"finding", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SecurityFiles:
    """Which strategy files `charter security` reads: the catalog, and of the risks and decisions
    only the files that say "finding". An exception names its findings in a `findings:` list or as
    `finding:ID`, so a file without the word grants none, and its documents (thousands in a large
    organisation) need not be parsed."""

    naming_findings: frozenset[Path]  # risk and decision files, under the resolved root

    @classmethod
    def of(cls, root: Path) -> SecurityFiles:
        resolved = root.resolve()
        return cls(
            frozenset(
                path
                for folder in EXCEPTION_FOLDERS
                for path in walk_files(resolved / folder, STRATEGY_FOLDERS[folder])
                if isinstance(path, Path) and _names_findings(path)
            )
        )

    def read(self, folder: str, path: Path) -> bool:
        return folder not in EXCEPTION_FOLDERS or path in self.naming_findings


def _names_findings(path: Path) -> bool:
    try:
        return _FINDING.search(path.read_bytes()) is not None
    except OSError:
        return True  # the loader reports it


@contextmanager
def open_security_context(repo: Path | None) -> Iterator[Context]:
    """The Context `security_report` needs, with the store open for the block: only charter.yaml,
    the catalog, and the risks and decisions that may grant exceptions (less than half the
    documents of a large organisation)."""
    root = repository_root(repo)
    with opened_store(root, StoreNeed.REQUIRED) as store:
        yield load_context(root, store, SECURITY_FOLDERS, SecurityFiles.of(root).read)


# The scopes the report counts open findings by.
SECURITY_SCOPES = {"component": Scope.COMPONENT, "team": Scope.TEAM, "org": Scope.ORG}


@dataclass(frozen=True, slots=True)
class SecurityQuery:
    as_of: date | None = None  # judge SLAs at the end of this day (UTC); None: now
    by: str = "component"  # one of SECURITY_SCOPES
    limit: int | None = 20  # findings each list holds; None: all
    fail_on: Severity | None = None  # the gate: a SEC diagnostic at or above this severity


def end_of_day(day: date) -> datetime:
    """The last moment of `day` in UTC: a finding due that day is not yet late."""
    return datetime.combine(day, time.min, UTC) + timedelta(days=1) - timedelta(microseconds=1)


def security_policy(policies: Policies) -> SecurityPolicy:
    return SecurityPolicy(
        sla=policies.remediation_sla_days,
        epss_threshold=policies.epss_threshold,
        scorecard_minimum=policies.scorecard_minimum,
        critical_tiers=tuple(policies.critical_tiers),
    )


def assess(
    estate: Estate, connection: Connection, as_of: datetime, only_components: frozenset[str] | None = None
) -> SecurityAssessment:
    """Every open finding of the store assessed as of `as_of`, with KEV, EPSS and Scorecard facts.
    The findings' details are read through `connection` as the assessment lists them: keep it open
    while the assessment is used. With `only_components`, only those components' findings."""
    organization = estate.organization
    policy = security_policy(organization.spec.policies if organization else Policies())
    columns = read_open_finding_columns(connection, as_of)
    if only_components is not None:
        columns = columns.take([row for row, key in enumerate(columns.components) if key in only_components])
    kev, epss = read_finding_cve_facts(connection)
    facts = SecurityFacts(kev, epss, read_scorecard_checks(connection))
    contexts = component_contexts(estate, policy.critical_tiers)
    exceptions = finding_exceptions(estate.decisions.values(), estate.risks)
    return assess_security(columns, facts, contexts, policy, exceptions, as_of)


def security_report(context: Context, query: SecurityQuery) -> GatedReport[view.SecurityReport]:
    """The security posture as of the query's day, counted by its scope, and whether a SEC
    diagnostic meets its gate. StoreFailure when the store cannot be read."""
    from charter.services.security_views import security_view

    store = context.required_store()
    as_of = end_of_day(query.as_of) if query.as_of is not None else context.clock()
    by = SECURITY_SCOPES.get(query.by)
    if by is None:
        raise UsageError(f"no scope {query.by!r} to count findings by (known: {', '.join(SECURITY_SCOPES)})")
    with reading_store(), store.engine.connect() as connection:
        assessment = assess(context.estate, connection, as_of, context.only_components)
        # `spec.diagnostics` and `charter.dev/ignore` apply as in `charter check`; problems with
        # the suppressions themselves are `charter check`'s to report.
        settled = apply_settings(context.estate, security_diagnostics(assessment), as_of.date())
        diagnostics = tuple(item for item in settled if item.code.startswith("SEC"))
        trend = security_trend(connection, context.organization_name)
        report = security_view(assessment, by, diagnostics, trend, query.limit)
    return GatedReport(report, diagnostics, gate_met(diagnostics, query.fail_on))


def security_trend(connection: Connection, organization: str) -> list[view.TrendPoint]:
    """The organisation's security metrics at every snapshot that recorded any of them, oldest first."""
    from charter.outputs.views import security as view

    histories: dict[str, list[MetricPoint]] = {
        metric: read_metric_history(connection, metric, organization_ref(organization)) for metric in view.TREND_METRICS
    }
    taken: dict[int, datetime] = {}
    values: dict[int, dict[str, float | None]] = {}
    for metric, history in histories.items():
        for point in history:
            taken.setdefault(point.snapshot_id, point.taken_at)
            values.setdefault(point.snapshot_id, {})[metric] = point.value
    order = sorted(taken, key=lambda snapshot: (taken[snapshot], snapshot))
    return [view.TrendPoint(taken_at=taken[snapshot], values=values[snapshot]) for snapshot in order]

"""The dashboard's use cases: each page's reports, computed by the same services as the command
line's reports over the part of the organisation the filters name, as of a day; and the overview,
read from the snapshot (`charter sync`) in force that day rather than recomputed."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from charter.model.errors import UsageError
from charter.model.metric_values import organization_ref, stored_scope
from charter.model.refs import EntityRef
from charter.outputs.views import overview as view
from charter.outputs.views.base import ReportView
from charter.outputs.views.overview import Acknowledged
from charter.services.context import Context
from charter.services.overview_cache import OverviewCache, OverviewEntry
from charter.services.scope import Scope, components_in_scope, scoped_context
from charter.services.store_reads import reading_store

if TYPE_CHECKING:
    from charter.store.snapshot_scopes import SnapshotHead

DEFAULT_PERIOD = timedelta(days=90)
MAX_OVERVIEW_METRICS = 500
SCOPED_CONTEXTS_KEPT = 32
# The page that holds the evidence of each domain's metrics.
EVIDENCE_PAGE = {
    "delivery": "delivery",
    "code_health": "delivery",
    "incidents": "reliability",
    "slos": "reliability",
    "security": "security",
    "governance": "standards",
    "risk": "risks",
    "standards": "standards",
    "assessment": "assessment",
}


@dataclass(frozen=True, slots=True)
class DashboardQuery:
    """A page's filters: the scope, the day it shows (None: now), and for period reports the first
    and last day (default: the 90 days up to the day shown)."""

    scope: Scope = field(default_factory=Scope)
    as_of: date | None = None
    since: date | None = None
    until: date | None = None

    def moment(self, context: Context) -> datetime:
        """The end of the day shown, or now."""
        if self.as_of is None:
            return context.clock()
        return datetime.combine(self.as_of, time.min, UTC) + timedelta(days=1) - timedelta(microseconds=1)

    def period(self, context: Context) -> tuple[datetime, datetime]:
        """[since, until) in UTC, `until` inclusive of its day."""
        last = self.until or self.as_of
        end = datetime.combine(last, time.min, UTC) + timedelta(days=1) if last else context.clock()
        start = datetime.combine(self.since, time.min, UTC) if self.since else end - DEFAULT_PERIOD
        if end <= start:
            raise UsageError(f"since={self.since} is not before until={last}")
        return start, end


class ScopedContexts:
    """The server's context narrowed to each scope asked for, the most recently used kept: a
    large organisation takes a moment to narrow, and a dashboard asks for the same few scopes."""

    def __init__(self, context: Context, kept: int = SCOPED_CONTEXTS_KEPT, snapshot_check_seconds: float = 0.0) -> None:
        self.context = context
        self.kept = kept
        self.snapshot_check_seconds = snapshot_check_seconds
        self.overviews = OverviewCache(head_seconds=snapshot_check_seconds)
        self._cache: OrderedDict[Scope, Context] = OrderedDict()
        self._lock = threading.Lock()

    def cached(self, scope: Scope) -> Context | None:
        """The context of a scope narrowed before (or of the whole), else None."""
        if scope.whole:
            return self.context
        with self._lock:
            return self._cache.get(scope)

    def of(self, scope: Scope) -> Context:
        if scope.whole:
            return self.context
        with self._lock:
            found = self._cache.get(scope)
            if found is not None:
                self._cache.move_to_end(scope)
                return found
        narrowed = scoped_context(self.context, scope)
        with self._lock:
            self._cache[scope] = narrowed
            while len(self._cache) > self.kept:
                self._cache.popitem(last=False)
        return narrowed


def overview_report(context: Context, query: DashboardQuery, cache: OverviewCache | None = None) -> view.OverviewReport:
    """What the scope holds, and the metric values the snapshot in force on the day recorded for it:
    the team's or system's own values when the filter is one of them alone, the organisation's with
    no filter, else those of each component in scope. With a cache, an overview already made from
    the same snapshot is given again (the Estate is the server's for its life; a sync makes a new
    snapshot, and so a new overview)."""
    return overview_entry(context, query, cache or OverviewCache(kept=0)).report


def _overview_key(
    context: Context, query: DashboardQuery, cache: OverviewCache
) -> tuple[tuple[object, ...], SnapshotHead | None]:
    from charter.store.snapshot_scopes import snapshot_at

    def read() -> SnapshotHead | None:
        with reading_store(), context.required_store().engine.connect() as connection:
            return snapshot_at(connection, query.moment(context) if query.as_of else None)

    head = cache.head(query.as_of, read)
    return (query.scope, query.as_of, head.id if head else None), head


def cached_overview(context: Context, query: DashboardQuery, cache: OverviewCache) -> OverviewEntry | None:
    """The overview when the cache has it for the snapshot in force (at most one indexed query), else None."""
    key, _ = _overview_key(context, query, cache)
    return cache.get(key)


def overview_entry(context: Context, query: DashboardQuery, cache: OverviewCache) -> OverviewEntry:
    """The overview from the cache, or made now and kept."""
    key, head = _overview_key(context, query, cache)
    found = cache.get(key)
    if found is None:
        found = OverviewEntry(_overview(context, query, head))
        cache.put(key, found)
    return found


def _overview(context: Context, query: DashboardQuery, head: SnapshotHead | None) -> view.OverviewReport:
    from charter.analysis.metrics import METRICS
    from charter.store.snapshot_scopes import scope_values

    estate = context.estate
    scope = query.scope
    components = components_in_scope(estate, scope)
    scopes = _snapshot_scopes(context, scope, components)
    values = []
    if head is not None:
        by_kind: dict[str, list[str]] = {}
        for ref in scopes:
            kind, stored = stored_scope(ref)
            by_kind.setdefault(kind, []).append(stored)
        with reading_store(), context.required_store().engine.connect() as connection:
            for kind, refs in by_kind.items():
                values.extend(scope_values(connection, head.id, kind, sorted(refs)))
    metrics = []
    for value in values[:MAX_OVERVIEW_METRICS]:
        metric = METRICS.get(value.metric)
        metrics.append(
            view.OverviewMetric(
                metric=value.metric,
                scope=value.scope_ref,
                value=value.value,
                unit=value.unit,
                description=metric.description if metric else "",
                evidence=EVIDENCE_PAGE.get(metric.domain.value, "overview") if metric else "overview",
            )
        )
    return view.OverviewReport(
        organization=context.organization_name,
        filter=view.ScopeFilter(team=scope.team, system=scope.system, tier=scope.tier, description=scope.describe()),
        as_of=query.as_of.isoformat() if query.as_of else None,
        snapshot=None
        if head is None
        else view.SnapshotInfo(id=head.id, taken_at=head.taken_at, repo_commit=head.repo_commit),
        counts=_counts(context, scope, components),
        metrics=metrics,
        metrics_total=len(values),
        metrics_shown=len(metrics),
    )


def _snapshot_scopes(context: Context, scope: Scope, components: set[EntityRef]) -> list[EntityRef]:
    estate = context.estate
    if scope.whole:
        return [organization_ref(context.organization_name)]
    if scope.team and scope.system is None and scope.tier is None:
        team = estate.resolve(scope.team, default_kind="group")
        return [team] if team else []
    if scope.system and scope.team is None and scope.tier is None:
        system = estate.resolve(scope.system, default_kind="system")
        return [system] if system else []
    return sorted(components, key=str)


def _counts(context: Context, scope: Scope, components: set[EntityRef]) -> list[view.Count]:
    narrowed = scoped_context(context, scope).estate
    teams = {owner for ref in components if (owner := narrowed.owner_of(ref)) is not None and owner.kind == "group"}
    systems = {system for ref in components for system in narrowed.related(ref, "partOf") if system.kind == "system"}
    return [
        view.Count(name="components", value=len(components), evidence="standards"),
        view.Count(name="teams", value=len(teams), evidence="standards"),
        view.Count(name="systems", value=len(systems), evidence="standards"),
        view.Count(name="slos", value=len(narrowed.slos), evidence="reliability"),
        view.Count(name="incidents", value=len(narrowed.incidents), evidence="reliability"),
        view.Count(name="risks", value=len(narrowed.risks), evidence="risks"),
        view.Count(name="initiatives", value=len(narrowed.initiatives), evidence="roadmap"),
    ]


# The reports of each page, by the name of their JSON twin under /api/v1 --------------------------


def delivery(context: Context, query: DashboardQuery, by: str = "team") -> ReportView:
    from charter.services.delivery import DeliveryQuery, delivery_report

    return delivery_report(context, DeliveryQuery(*query.period(context), by=by))


def slo_status(context: Context, query: DashboardQuery) -> ReportView:
    from charter.services.slo_status import SloStatusQuery, slo_status_report

    return slo_status_report(context, SloStatusQuery(query.moment(context) if query.as_of else None))


def incidents(context: Context, query: DashboardQuery, by: str = "service") -> ReportView:
    from charter.services.incidents import IncidentsQuery, incidents_report

    return incidents_report(context, IncidentsQuery(*query.period(context), by))


def security(context: Context, query: DashboardQuery, by: str = "component") -> ReportView:
    from charter.services.security import SecurityQuery, security_report

    return security_report(context, SecurityQuery(as_of=query.as_of, by=by)).view


def controls(context: Context, query: DashboardQuery) -> ReportView:
    from charter.services.controls import ControlsQuery, controls_report

    return controls_report(context, ControlsQuery(as_of=query.as_of)).view


def risks(context: Context, query: DashboardQuery) -> ReportView:
    from charter.services.risks import RisksQuery, risk_register_report

    return risk_register_report(context, RisksQuery(query.as_of))


def scorecard(context: Context, query: DashboardQuery) -> ReportView:
    from charter.services.scorecard import scorecard_report

    return scorecard_report(context)


def plan(context: Context, query: DashboardQuery) -> ReportView:
    """The roadmap planned for the whole organisation (a narrowed estate keeps every initiative and
    capacity, so the plan is the same), showing the lines about the filter's part of it."""
    from charter.services.plan import PlanQuery, plan_report
    from charter.services.plan_scope import plan_in_scope

    return plan_in_scope(plan_report(context, PlanQuery()), context.estate, query.scope)


def escalations(context: Context, query: DashboardQuery) -> ReportView:
    """The escalations as of the day, read against the ledger and leaving it as it is: looking at
    a page records nothing (`charter escalations` runs record them)."""
    from charter.services.escalations import EscalationsQuery, escalations_report

    return escalations_report(context, EscalationsQuery(as_of=query.as_of, record=False)).view


def assessment(context: Context, query: DashboardQuery) -> ReportView:
    from charter.services.assess import AssessQuery, assess_report

    return assess_report(context, AssessQuery(as_of=query.moment(context), by="team"))


def targets(context: Context, query: DashboardQuery) -> ReportView:
    from charter.services.targets import TargetsQuery, targets_report

    return targets_report(context, TargetsQuery(as_of=query.as_of)).view


def overview(context: Context, query: DashboardQuery) -> ReportView:
    return overview_report(context, query)


ReportBuilder = Callable[[Context, DashboardQuery], ReportView]


@dataclass(frozen=True, slots=True)
class Page:
    """A dashboard page: its title and its reports, each named as its JSON twin (`/api/v1/NAME`)."""

    name: str
    title: str
    reports: tuple[tuple[str, ReportBuilder], ...]
    unavailable: str | None = None  # why the page has nothing to show yet


PAGES: tuple[Page, ...] = (
    Page("overview", "Overview", (("overview", overview),)),
    Page("delivery", "Delivery", (("delivery", delivery),)),
    Page("reliability", "Reliability", (("slo-status", slo_status), ("incidents", incidents))),
    Page("security", "Security", (("security", security), ("controls", controls))),
    Page("risks", "Risks", (("risks", risks),)),
    Page("standards", "Standards", (("scorecard", scorecard),)),
    Page("roadmap", "Roadmap", (("plan", plan),)),
    Page("escalations", "Escalations", (("escalations", escalations),)),
    Page("targets", "Targets", (("targets", targets),)),
    Page("assessment", "Assessment", (("assessment", assessment),)),
)
PAGES_BY_NAME = {page.name: page for page in PAGES}


def component_list(context: Context, scope: Scope, offset: int, limit: int) -> ReportView:
    """One page of the components in scope, by reference."""
    from charter.model.catalog import CatalogEntity
    from charter.outputs.views.components import ComponentItem, ComponentList

    estate = context.estate
    chosen = sorted(components_in_scope(estate, scope), key=str)
    items = []
    for ref in chosen[offset : offset + limit]:
        entity = estate.entities[ref]
        assert isinstance(entity, CatalogEntity)
        owner = estate.owner_of(ref)
        systems = sorted(str(item.short) for item in estate.related(ref, "partOf") if item.kind == "system")
        items.append(
            ComponentItem(
                component=ref.short,
                title=entity.metadata.title,
                type=entity.spec_type,
                owner=owner.short if owner else entity.owner,
                system=systems[0] if systems else None,
                tier=entity.tier,
                lifecycle=getattr(entity.spec, "lifecycle", None),
            )
        )
    return ComponentList(components=items, total=len(chosen), offset=offset, limit=limit)


def acknowledge(context: Context, escalation: str, reason: str, by: str) -> Acknowledged:
    """An editor's acknowledgement of an open escalation, recorded in the ledger and the audit log.
    UsageError for an empty reason or an id the ledger does not hold."""
    from charter.services.escalations import acknowledge_escalation
    from charter.services.tokens import record_action

    entry = acknowledge_escalation(context, escalation.strip(), reason, by=by)
    record_action(context.required_store(), by, "escalation.acknowledge", entry.id, entry.acknowledgement or "")
    assert entry.acknowledged_at is not None
    return Acknowledged(
        escalation=entry.id,
        subject=entry.subject,
        acknowledged_at=entry.acknowledged_at,
        acknowledged_by=entry.acknowledged_by or by,
        reason=entry.acknowledgement or "",
    )

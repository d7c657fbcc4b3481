"""Incident metrics (DESIGN.md "Metric definitions", reliability): counts by severity, MTTA and MTTR,
time spent in SEV1/SEV2, repeat incidents, postmortem completion within policy and open and
overdue action items, per service, team, severity or the organisation.

Definitions, for incidents that started in [since, until):
- MTTA: from `started` (the impact start; for an export, when the tool opened the incident) to
  `acknowledged`. MTTR: from `started` to `resolved`. p50 and p90 with linear interpolation
  between ranks (numpy's default); incidents without the end time are left out of each.
- Time in SEV1 / SEV2: the sum of `started` -> `resolved` (or `until` while still open).
- Repeat: an incident whose service and cause category (neither absent nor `unknown`) match an
  incident that started at most `repeatIncidentWindowDays` before it (which may be before `since`).
- Postmortem: needed for SEV1 and SEV2 unless its status is `not-required`; due
  `postmortemWithinDays` after the resolution. On time: published by then. Overdue: not published
  and past due. Completion: on time ÷ (needed and due, or published).
- Action items: open (open or in-progress) items of every incident, whenever it started; overdue
  when past their due date on `today`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from charter.analysis.component_sources import ComponentScope
from charter.model.incident import SEVERITIES, ActionItem, Incident

MAJOR_SEVERITIES = ("SEV1", "SEV2")
PUBLISHED = "published"
NOT_REQUIRED = "not-required"
OPEN_ACTION_STATUSES = frozenset({"open", "in-progress"})
NO_SERVICE = "(no service)"
NO_TEAM = "(unassigned)"


class IncidentGrouping(StrEnum):
    SERVICE = "service"
    TEAM = "team"
    SEVERITY = "severity"
    ORG = "org"


class PostmortemState(StrEnum):
    ON_TIME = "on-time"
    LATE = "late"
    OVERDUE = "overdue"
    PENDING = "pending"  # not yet due (or the incident is not resolved)
    NOT_REQUIRED = "not-required"


@dataclass(frozen=True, slots=True)
class IncidentOptions:
    since: datetime
    until: datetime
    today: date
    postmortem_within_days: int = 5
    repeat_window_days: int = 90
    organization: str = "org"
    by: IncidentGrouping = IncidentGrouping.ORG


@dataclass(frozen=True, slots=True)
class RepeatIncident:
    incident_id: str
    earlier_id: str
    service: str
    cause: str
    days_apart: float


@dataclass(frozen=True, slots=True)
class PostmortemStatus:
    incident_id: str
    severity: str
    resolved: datetime | None
    due: date | None
    written: date | None
    state: PostmortemState


@dataclass(frozen=True, slots=True)
class OpenActionItem:
    incident_id: str
    item: ActionItem
    overdue_days: int  # 0 when not overdue

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


@dataclass(frozen=True, slots=True)
class GroupMetrics:
    scope: str
    incidents: int = 0
    open_incidents: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    mtta_p50: float | None = None
    mtta_p90: float | None = None
    mttr_p50: float | None = None
    mttr_p90: float | None = None
    seconds_in_severity: dict[str, float] = field(default_factory=dict)  # SEV1 and SEV2
    repeats: int = 0
    postmortems_needed: int = 0
    postmortems_on_time: int = 0
    postmortems_overdue: int = 0
    postmortem_completion: float | None = None
    action_items_open: int = 0
    action_items_overdue: int = 0

    def metric_values(self) -> dict[str, float | None]:
        """Values under the registry's names."""
        return {
            "reliability.incidents.count": float(self.incidents),
            "reliability.incidents.sev1_count": float(self.by_severity.get("SEV1", 0)),
            "reliability.mtta.p50": self.mtta_p50,
            "reliability.mttr.p50": self.mttr_p50,
            "reliability.repeat_incidents": float(self.repeats),
            "reliability.postmortem_completion": self.postmortem_completion,
            "reliability.action_items_overdue": float(self.action_items_overdue),
        }


@dataclass(frozen=True, slots=True)
class IncidentReport:
    since: datetime
    until: datetime
    by: IncidentGrouping
    groups: tuple[GroupMetrics, ...]
    incidents: tuple[Incident, ...]  # the period's, by start
    repeats: tuple[RepeatIncident, ...]
    postmortems: tuple[PostmortemStatus, ...]
    action_items: tuple[OpenActionItem, ...]
    # Incident id -> SLO name -> share of its error budget the incident used (where SLI data allows).
    budget_shares: Mapping[str, Mapping[str, float]] = field(default_factory=dict)


# The report --------------------------------------------------------------------------------------


def incident_report(
    incidents: Sequence[Incident],
    scopes: Mapping[str, ComponentScope],
    options: IncidentOptions,
    budget_shares: Mapping[str, Mapping[str, float]] | None = None,
) -> IncidentReport:
    in_period = sorted(
        (item for item in incidents if item.started and options.since <= item.started < options.until),
        key=lambda item: (item.started, item.id),
    )
    repeats = find_repeats(incidents, options.repeat_window_days)
    repeat_ids = {repeat.incident_id for repeat in repeats}
    postmortems = [postmortem_status(item, options) for item in in_period if item.severity in MAJOR_SEVERITIES]
    postmortem_of = {status.incident_id: status for status in postmortems}
    items = open_action_items(incidents, options.today)
    by_incident: dict[str, list[OpenActionItem]] = defaultdict(list)
    for open_item in items:
        by_incident[open_item.incident_id].append(open_item)

    def keys(incident: Incident) -> list[str]:
        return group_keys(incident, options.by, scopes, options.organization)

    members: dict[str, list[Incident]] = defaultdict(list)
    for incident in in_period:
        for key in keys(incident):
            members[key].append(incident)
    owners: dict[str, list[OpenActionItem]] = defaultdict(list)
    for incident in incidents:
        for key in keys(incident) if by_incident.get(incident.id) else ():
            owners[key].extend(by_incident[incident.id])
    groups = [
        _group(scope, members.get(scope, []), owners.get(scope, []), repeat_ids, postmortem_of, options)
        for scope in sorted(set(members) | set(owners), key=_scope_order(options.by))
    ]
    return IncidentReport(
        options.since,
        options.until,
        options.by,
        tuple(groups),
        tuple(in_period),
        tuple(repeat for repeat in repeats if repeat.incident_id in {item.id for item in in_period}),
        tuple(postmortems),
        tuple(items),
        {key: value for key, value in (budget_shares or {}).items() if key in {item.id for item in in_period}},
    )


def _scope_order(by: IncidentGrouping) -> Callable[[str], tuple[int, str]]:
    """Severities from SEV1; other scopes by name, the unassigned last."""
    if by is IncidentGrouping.SEVERITY:
        return lambda scope: (SEVERITIES.index(scope) if scope in SEVERITIES else len(SEVERITIES), scope)
    return lambda scope: (int(scope in (NO_SERVICE, NO_TEAM)), scope)


def group_keys(
    incident: Incident, by: IncidentGrouping, scopes: Mapping[str, ComponentScope], organization: str
) -> list[str]:
    """The groups an incident counts in: each of its services, their teams, its severity, or the org."""
    if by is IncidentGrouping.ORG:
        return [organization]
    if by is IncidentGrouping.SEVERITY:
        return [incident.severity]
    if by is IncidentGrouping.SERVICE:
        return list(incident.services) or [NO_SERVICE]
    teams = [(scopes[service].team if service in scopes else None) or NO_TEAM for service in incident.services]
    return list(dict.fromkeys(teams)) or [NO_TEAM]


def _group(
    scope: str,
    incidents: list[Incident],
    action_items: list[OpenActionItem],
    repeat_ids: set[str],
    postmortem_of: Mapping[str, PostmortemStatus],
    options: IncidentOptions,
) -> GroupMetrics:
    by_severity = dict.fromkeys(SEVERITIES, 0)
    for incident in incidents:
        by_severity[incident.severity] = by_severity.get(incident.severity, 0) + 1
    acknowledge = [_seconds(item.started, item.acknowledged) for item in incidents]
    resolve = [_seconds(item.started, item.resolved) for item in incidents]
    mtta_p50, mtta_p90 = percentiles([value for value in acknowledge if value is not None])
    mttr_p50, mttr_p90 = percentiles([value for value in resolve if value is not None])
    in_severity = dict.fromkeys(MAJOR_SEVERITIES, 0.0)
    for incident in incidents:
        if incident.severity in in_severity and incident.started is not None:
            end = incident.resolved or options.until
            in_severity[incident.severity] += max(0.0, (end - incident.started).total_seconds())
    statuses = [postmortem_of[item.id] for item in incidents if item.id in postmortem_of]
    needed = [status for status in statuses if status.state is not PostmortemState.NOT_REQUIRED]
    on_time = sum(1 for status in needed if status.state is PostmortemState.ON_TIME)
    counted = [status for status in needed if status.state is not PostmortemState.PENDING]
    unique_items = {(item.incident_id, item.item.id): item for item in action_items}
    return GroupMetrics(
        scope=scope,
        incidents=len(incidents),
        open_incidents=sum(1 for item in incidents if item.resolved is None),
        by_severity=by_severity,
        mtta_p50=mtta_p50,
        mtta_p90=mtta_p90,
        mttr_p50=mttr_p50,
        mttr_p90=mttr_p90,
        seconds_in_severity=in_severity,
        repeats=sum(1 for item in incidents if item.id in repeat_ids),
        postmortems_needed=len(needed),
        postmortems_on_time=on_time,
        postmortems_overdue=sum(1 for status in needed if status.state is PostmortemState.OVERDUE),
        postmortem_completion=on_time / len(counted) if counted else None,
        action_items_open=len(unique_items),
        action_items_overdue=sum(1 for item in unique_items.values() if item.overdue),
    )


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds()


def percentiles(values: Sequence[float], quantiles: Sequence[float] = (0.5, 0.9)) -> tuple[float | None, ...]:
    """Each quantile with linear interpolation between ranks (numpy's default); None when empty."""
    if not values:
        return tuple(None for _ in quantiles)
    import numpy as np  # here: `charter check` runs this module's postmortem rules, never a percentile

    found = np.quantile(np.asarray(values, dtype=np.float64), list(quantiles))
    return tuple(float(value) for value in found)


# Repeats, postmortems, action items --------------------------------------------------------------


def find_repeats(incidents: Iterable[Incident], window_days: int) -> list[RepeatIncident]:
    """Every incident that repeats an earlier one of the same service and cause within the window,
    naming the latest such earlier incident."""
    window = timedelta(days=window_days)
    by_failure: dict[tuple[str, str], list[Incident]] = defaultdict(list)
    for incident in incidents:
        if incident.started is None or incident.cause in (None, "unknown"):
            continue
        for service in incident.services:
            by_failure[(service, incident.cause or "")].append(incident)
    found: dict[str, RepeatIncident] = {}
    for (service, cause), group in sorted(by_failure.items()):
        ordered = sorted(group, key=lambda item: (item.started, item.id))
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            assert earlier.started is not None and later.started is not None
            apart = later.started - earlier.started
            if apart <= window and later.id not in found:
                found[later.id] = RepeatIncident(later.id, earlier.id, service, cause, apart.total_seconds() / 86400)
    return sorted(found.values(), key=lambda repeat: (repeat.service, repeat.incident_id))


def postmortem_status(incident: Incident, options: IncidentOptions) -> PostmortemStatus:
    """Where a SEV1 or SEV2 incident's postmortem stands on `today`."""
    status = incident.postmortem_status
    written = incident.postmortem_date
    resolved = incident.resolved
    due = resolved.date() + timedelta(days=options.postmortem_within_days) if resolved else None
    if status == NOT_REQUIRED:
        state = PostmortemState.NOT_REQUIRED
    elif status == PUBLISHED and (due is None or written is None or written <= due):
        state = PostmortemState.ON_TIME
    elif status == PUBLISHED:
        state = PostmortemState.LATE
    elif due is not None and options.today > due:
        state = PostmortemState.OVERDUE
    else:
        state = PostmortemState.PENDING
    return PostmortemStatus(incident.id, incident.severity, resolved, due, written, state)


def open_action_items(incidents: Iterable[Incident], today: date) -> list[OpenActionItem]:
    """Every open or in-progress action item, most overdue first."""
    found = [
        OpenActionItem(incident.id, item, max(0, (today - item.due).days) if item.due else 0)
        for incident in incidents
        for item in incident.action_items
        if item.status in OPEN_ACTION_STATUSES
    ]
    return sorted(found, key=lambda entry: (-entry.overdue_days, entry.item.due or date.max, entry.item.id))

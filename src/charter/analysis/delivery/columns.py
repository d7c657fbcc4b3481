"""The period's counted deployments and the lead times of what they shipped as numpy columns, each
row tagged with its scope group (a dense index per component, team, system or the organisation)
and its day of the period, so the metrics of every scope are computed at once."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from charter.analysis.component_sources import ComponentScope
from charter.analysis.delivery.calendar import PeriodCalendar
from charter.analysis.delivery.failures import FailureAnalysis
from charter.analysis.delivery.percentiles import Floats, Ints
from charter.analysis.metrics import Scope
from charter.model.delivery import Deployment, LeadTimes

_SECONDS_PER_DAY = 86400.0


class ScopeLabels:
    """Scope names and their dense indexes; a component's scope from the scope map."""

    def __init__(self, scopes: Mapping[str, ComponentScope], by: Scope, organization: str) -> None:
        self.scopes = {component.lower(): scope for component, scope in scopes.items()}
        self.by = by
        self.organization = organization
        self.labels: list[str | None] = []
        self._indexes: dict[str | None, int] = {}
        self._by_component: dict[str, int] = {}

    def index_of(self, component: str) -> int:
        index = self._by_component.get(component)
        if index is None:
            label = self._label(component)
            index = self._indexes.setdefault(label, len(self.labels))
            if index == len(self.labels):
                self.labels.append(label)
            self._by_component[component] = index
        return index

    def _label(self, component: str) -> str | None:
        if self.by is Scope.ORG:
            return self.organization
        scope = self.scopes.get(component.lower())
        if self.by is Scope.COMPONENT:
            return scope.component if scope else component
        if scope is None:
            return None
        return scope.team if self.by is Scope.TEAM else scope.system


@dataclass(frozen=True, slots=True)
class DeploymentColumns:
    """The period's counted deployments as columns."""

    position: dict[str, int]
    group: Ints
    day: Ints
    failed: npt.NDArray[np.bool_]
    rework: npt.NDArray[np.bool_]
    recovery_seconds: Floats  # NaN: not failed, or failed and not recovered
    covered: npt.NDArray[np.bool_]  # its component has an incident record: change failure rate is measured

    @classmethod
    def of(
        cls,
        deployments: Sequence[Deployment],
        failures: FailureAnalysis,
        labels: ScopeLabels,
        calendar: PeriodCalendar,
        covered_components: Collection[str] = (),
    ) -> DeploymentColumns:
        """`covered_components`: the components (lower-case) with an incident record."""
        count = len(deployments)
        if not count:
            empty, none = np.zeros(0, np.int64), np.zeros(0, np.bool_)
            return cls({}, empty, empty, none, none, np.zeros(0), none)
        # Every step below maps a column in C, not an object in Python.
        ids, components, finishes, rollbacks, hotfixes, incidents = (
            list(map(attrgetter(name), deployments))
            for name in ("id", "component", "finished", "rollback_of", "hotfix_for", "incident")
        )
        group_of = {component: labels.index_of(component) for component in dict.fromkeys(components)}
        covered_of = {component: component.lower() in covered_components for component in group_of}
        finished = np.fromiter(map(datetime.timestamp, finishes), np.float64, count)
        recovery_seconds = np.full(count, np.nan)
        position = dict(zip(ids, range(count), strict=True))
        for deployment_id, recovery in failures.recoveries.items():
            if deployment_id in position:
                recovery_seconds[position[deployment_id]] = recovery.seconds
        return cls(
            position,
            np.fromiter(map(group_of.__getitem__, components), np.int64, count),
            ((finished - calendar.origin) // _SECONDS_PER_DAY).astype(np.int64),
            np.fromiter(map(failures.links.__contains__, ids), np.bool_, count),
            # Rework, as `failures.is_rework` says, for a column at once.
            np.array(rollbacks, dtype=object).astype(np.bool_)
            | np.array(hotfixes, dtype=object).astype(np.bool_)
            | np.array(incidents, dtype=object).astype(np.bool_),
            recovery_seconds,
            np.fromiter(map(covered_of.__getitem__, components), np.bool_, count),
        )


@dataclass(frozen=True, slots=True)
class LeadColumns:
    """Each change shipped by a deployment of the period: its scope group, week and lead time."""

    group: Ints
    week: Ints
    seconds: Floats

    @classmethod
    def of(cls, lead_times: LeadTimes, columns: DeploymentColumns) -> LeadColumns:
        position = columns.position
        runs = np.fromiter(
            map(position.get, lead_times.deployment_ids, repeat(-1)), np.int64, len(lead_times.deployment_ids)
        )
        rows = np.repeat(runs, lead_times.change_counts)
        kept = rows >= 0
        rows = rows[kept]
        return cls(columns.group[rows], columns.day[rows] // 7, np.asarray(lead_times.seconds, dtype=np.float64)[kept])

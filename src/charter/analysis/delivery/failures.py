"""Which deployments failed, by which rule, and when service came back (DESIGN.md "Metric
definitions", change failure rate and failed deployment recovery time). A deployment failed when an
incident names it (`caused-by-deployment`) or names a commit it shipped (`caused-by-change`), a
later deployment rolled it back (`rolled-back`) or hotfixed it within the window (`hotfixed`); only
for an incident whose cause is `change` and that no other rule explains, the latest production
deployment of one of its services before it started (`latest-before-incident`)."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from operator import attrgetter
from typing import Generic, TypeVar

from charter.analysis.component_sources import component_key
from charter.analysis.delivery.production import is_production
from charter.model.delivery import Deployment, DeploymentStatus
from charter.model.incident import Incident
from charter.model.refs import ReferenceError_, parse_ref

_T = TypeVar("_T")
_FULL_SHA_LENGTHS = (40, 64)
_IN_ORDER = attrgetter("finished", "id")


class FailureRule(StrEnum):
    CAUSED_BY_DEPLOYMENT = "caused-by-deployment"
    CAUSED_BY_CHANGE = "caused-by-change"
    ROLLED_BACK = "rolled-back"
    HOTFIXED = "hotfixed"
    LATEST_BEFORE_INCIDENT = "latest-before-incident"


@dataclass(frozen=True, slots=True)
class FailureLink:
    """Why a deployment counts as failed: the rule, the incident behind it when one is known, and the
    rollback or hotfix deployment for those rules."""

    rule: FailureRule
    incident_id: str | None = None
    by_deployment: str | None = None


@dataclass(frozen=True, slots=True)
class Recovery:
    """When service came back after a failed deployment: the earliest rollback or hotfix deployment
    of it finishing, or the resolution of an incident linked to it."""

    at: datetime
    seconds: float
    by_deployment: str | None = None
    by_incident: str | None = None


@dataclass(frozen=True, slots=True)
class FailureAnalysis:
    links: dict[str, list[FailureLink]]
    recoveries: dict[str, Recovery]
    unmatched_incidents: tuple[str, ...]  # `causedBy` names no known production deployment or change


def counted_deployments(deployments: Sequence[Deployment], production_patterns: Sequence[str]) -> list[Deployment]:
    """The deployments DORA counts: successful, to an environment the patterns call production."""
    environments = {deployment.environment for deployment in deployments}
    production = {environment for environment in environments if is_production(environment, production_patterns)}
    success = DeploymentStatus.SUCCESS
    return [
        deployment
        for deployment in deployments
        if deployment.status is success and deployment.environment in production
    ]


def is_rework(deployment: Deployment) -> bool:
    """Made because of an incident: it names one, or rolls back or hotfixes another deployment."""
    return bool(deployment.incident or deployment.rollback_of or deployment.hotfix_for)


def link_failures(
    counted: Sequence[Deployment],
    incidents: Sequence[Incident],
    shippers: Mapping[str, Sequence[str]],
    hotfix_window: timedelta,
) -> FailureAnalysis:
    """Which counted deployments failed, by which rules, and when each recovered."""
    named_changes = {incident.caused_by_change.lower() for incident in incidents if incident.caused_by_change}
    linker = _FailureLinker(counted, shippers, named_changes)
    linker.link_rollbacks_and_hotfixes(hotfix_window)
    for incident in incidents:
        linker.link_incident(incident)
    return linker.analysis({incident.id: incident for incident in incidents})


def service_components(incident: Incident) -> set[str]:
    """The components an incident's services name (`payments`, `component:payments`), lower-case."""
    components = set()
    for service in incident.services:
        try:
            ref = parse_ref(service, default_kind="component")
        except ReferenceError_:
            continue
        if ref.kind == "component":
            components.add(component_key(ref).lower())
    return components


class _FailureLinker:
    def __init__(
        self, counted: Sequence[Deployment], shippers: Mapping[str, Sequence[str]], named_changes: set[str]
    ) -> None:
        self.counted = counted
        self.by_id = dict(zip(map(attrgetter("id"), counted), counted, strict=True))
        self.shippers = _ShaIndex({sha.lower(): ids for sha, ids in shippers.items()})
        self.links: dict[str, list[FailureLink]] = defaultdict(list)
        self.restorations: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
        self.explained_incidents: set[str] = set()
        self.unmatched: list[str] = []
        self._by_commit: _ShaIndex[Deployment] | None = None
        self._named_changes = named_changes  # the commits incidents name as their cause
        self._by_component: dict[str, tuple[list[datetime], list[Deployment]]] | None = None

    def link_rollbacks_and_hotfixes(self, hotfix_window: timedelta) -> None:
        for actor in self.counted:
            if actor.rollback_of is None and actor.hotfix_for is None:
                continue
            for target_id, is_rollback in ((actor.rollback_of, True), (actor.hotfix_for, False)):
                target = self.by_id.get(target_id) if target_id else None
                if target is None or target is actor or actor.finished < target.finished:
                    continue
                self.restorations[target.id].append((actor.finished, actor.id))
                if is_rollback or actor.finished - target.finished <= hotfix_window:
                    rule = FailureRule.ROLLED_BACK if is_rollback else FailureRule.HOTFIXED
                    self.links[target.id].append(FailureLink(rule, actor.incident, actor.id))
                    if actor.incident:
                        self.explained_incidents.add(actor.incident)

    def link_incident(self, incident: Incident) -> None:
        targets: list[tuple[FailureRule, Deployment]] = []
        if incident.caused_by_deployment:
            named = self.by_id.get(incident.caused_by_deployment)
            targets += [(FailureRule.CAUSED_BY_DEPLOYMENT, named)] if named else []
        if incident.caused_by_change:
            shipped_it = self._deployments_of_change(incident.caused_by_change, service_components(incident))
            targets += [(FailureRule.CAUSED_BY_CHANGE, deployment) for deployment in shipped_it]
        named_a_cause = bool(incident.caused_by_deployment or incident.caused_by_change)
        if named_a_cause and not targets:
            self.unmatched.append(incident.id)
        elif not named_a_cause and incident.id not in self.explained_incidents and incident.cause == "change":
            latest = self._latest_before(incident)
            targets += [(FailureRule.LATEST_BEFORE_INCIDENT, latest)] if latest else []
        for rule, deployment in targets:
            self.links[deployment.id].append(FailureLink(rule, incident.id))

    def _deployments_of_change(self, sha: str, services: set[str]) -> list[Deployment]:
        """The deployments that shipped the commit, or deployed it (a rollback to it ships nothing new),
        the earliest per component; those of the incident's services when any is among them."""
        if self._by_commit is None:
            self._by_commit = _ShaIndex(self._deployed_commits())
        shipped_it = [self.by_id[shipper] for shipper in self.shippers.find(sha) if shipper in self.by_id]
        candidates = shipped_it + self._by_commit.find(sha)
        earliest: dict[str, Deployment] = {}
        for deployment in sorted(candidates, key=_IN_ORDER):
            earliest.setdefault(deployment.component.lower(), deployment)
        of_services = [deployment for component, deployment in earliest.items() if component in services]
        return of_services or list(earliest.values())

    def _deployed_commits(self) -> dict[str, list[Deployment]]:
        """Deployments by the commit they deployed, for the named commits (full or abbreviated) only:
        a million deployments are matched against a handful of names, not all indexed."""
        prefixes_by_length: dict[int, set[str]] = defaultdict(set)
        for sha in self._named_changes:
            prefixes_by_length[len(sha)].add(sha)
        deployed = list(map(attrgetter("commit_sha"), self.counted))  # full and lower-case, as stored
        by_commit: dict[str, list[Deployment]] = defaultdict(list)
        for length, prefixes in prefixes_by_length.items():
            for index in [index for index, sha in enumerate(deployed) if sha and sha[:length] in prefixes]:
                deployment = self.counted[index]
                if deployment not in by_commit[deployed[index]]:
                    by_commit[deployed[index]].append(deployment)
        return by_commit

    def _latest_before(self, incident: Incident) -> Deployment | None:
        if incident.started is None:
            return None
        if self._by_component is None:
            grouped: dict[str, list[Deployment]] = defaultdict(list)
            for deployment in self.counted:
                grouped[deployment.component.lower()].append(deployment)
            self._by_component = {}
            for component, deployments in grouped.items():
                deployments.sort(key=_IN_ORDER)
                self._by_component[component] = ([item.finished for item in deployments], deployments)
        latest_per_service = []
        for component in service_components(incident):
            finishes, deployments = self._by_component.get(component, ([], []))
            before = bisect.bisect_left(finishes, incident.started)
            if before:
                latest_per_service.append(deployments[before - 1])
        return max(latest_per_service, key=_IN_ORDER, default=None)

    def analysis(self, incidents_by_id: Mapping[str, Incident]) -> FailureAnalysis:
        recoveries = {}
        for deployment_id, links in self.links.items():
            finished = self.by_id[deployment_id].finished
            restored: list[tuple[datetime, str | None, str | None]] = [
                (at, deployment, None) for at, deployment in self.restorations.get(deployment_id, ())
            ]
            for incident_id in sorted({link.incident_id for link in links if link.incident_id}):
                resolved = incidents_by_id[incident_id].resolved if incident_id in incidents_by_id else None
                restored += [(resolved, None, incident_id)] if resolved else []
            if restored:
                at, by_deployment, by_incident = min(restored, key=lambda item: item[0])
                recoveries[deployment_id] = Recovery(
                    at, max(0.0, (at - finished).total_seconds()), by_deployment, by_incident
                )
        return FailureAnalysis(dict(self.links), recoveries, tuple(self.unmatched))


class _ShaIndex(Generic[_T]):
    """Values by full commit sha (lower-case), found by the full sha or an abbreviation of it."""

    def __init__(self, values: Mapping[str, Sequence[_T]]) -> None:
        self.values = values
        self._sorted: list[str] | None = None

    def find(self, sha: str) -> list[_T]:
        wanted = sha.lower()
        if len(wanted) in _FULL_SHA_LENGTHS:
            return list(self.values.get(wanted, ()))
        if self._sorted is None:
            self._sorted = sorted(self.values)
        found: list[_T] = []
        position = bisect.bisect_left(self._sorted, wanted)
        while position < len(self._sorted) and self._sorted[position].startswith(wanted):
            found += self.values[self._sorted[position]]
            position += 1
        return found

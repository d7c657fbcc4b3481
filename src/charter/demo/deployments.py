"""`charter demo`'s deployments: release tags of the tag-based components, and for the others records
at their team's cadence (a staging run first, some production failures retried), written to
`facts/deployments.jsonl` for `charter import deployments`. Incidents ask here for the deployment
they blame, and the rollback or hotfix that recovered from it is recorded with the incident's id."""

from __future__ import annotations

import bisect
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from charter.demo.gitrepos import RepositoryPlan
from charter.demo.history import HistoryFacts, MainlineCommit
from charter.demo.writers import RepoWriter
from charter.model.delivery import Deployment

DEPLOYMENTS_FILE = "facts/deployments.jsonl"
FAILURE_RATE = 0.06
# How an incident's postmortem names its cause, in turn: the deployment, a commit it shipped, or only
# the cause category (which leaves the naive "latest deployment before" rule to link it).
LINKS = ("deployment", "change", "category")


@dataclass(frozen=True, slots=True)
class DeploymentRecord:
    """One deployment as `charter import deployments` reads it (tag deployments are kept here too,
    to be blamed and rolled back, but not written: `charter sync` derives them from the tags)."""

    id: str
    component: str
    environment: str
    sha: str
    started: datetime
    finished: datetime
    status: str = "success"
    rollback_of: str | None = None
    hotfix_for: str | None = None
    incident: str | None = None

    def as_json(self) -> dict[str, str]:
        record = {
            "id": self.id,
            "component": self.component,
            "environment": self.environment,
            "sha": self.sha,
            "started": _timestamp(self.started),
            "finished": _timestamp(self.finished),
            "status": self.status,
        }
        optional = {"rollbackOf": self.rollback_of, "hotfixFor": self.hotfix_for, "incident": self.incident}
        record.update({key: value for key, value in optional.items() if value is not None})
        return record


@dataclass(frozen=True, slots=True)
class Cause:
    """The deployment an incident is blamed on, and how its postmortem names it."""

    component: str
    deployment: DeploymentRecord
    link: str  # deployment | change | category


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _working_hours(moment: datetime) -> datetime:
    """Teams deploy on weekdays between 08:00 and 19:00 UTC: move a moment outside to the next one."""
    if moment.hour >= 19:
        moment = (moment + timedelta(days=1)).replace(hour=8)
    elif moment.hour < 8:
        moment = moment.replace(hour=8)
    while moment.weekday() >= 5:
        moment = (moment + timedelta(days=1)).replace(hour=8)
    return moment


class DeliveryFacts:
    """Every component's deployments, built from the written histories."""

    def __init__(
        self,
        rng: random.Random,
        plans: Sequence[RepositoryPlan],
        histories: Mapping[str, HistoryFacts],
        reference_date: date,
    ) -> None:
        self.rng = rng
        self.records: list[DeploymentRecord] = []
        self.production: dict[str, list[DeploymentRecord]] = {}
        self.mainline: dict[str, list[MainlineCommit]] = {}
        self._runs: dict[str, int] = {}
        self._recoveries = 0
        self._blamed = 0
        for plan in plans:
            facts = histories[plan.name]
            for component in plan.components:
                prefix = plan.prefix_of(component)
                commits = [commit for commit in facts.mainline if prefix is None or commit.prefix in (prefix, None)]
                self.mainline[component] = commits
                if plan.tag_based:
                    self.production[component] = self._from_tags(component, prefix, facts)
                else:
                    self.production[component] = self._scheduled(component, plan, commits, reference_date)

    # ------------------------------------------------------------------ schedules
    @staticmethod
    def _from_tags(component: str, prefix: str | None, facts: HistoryFacts) -> list[DeploymentRecord]:
        line = prefix.rsplit("/", 1)[-1] if prefix else None
        deployments = [
            DeploymentRecord(
                Deployment.tag_id(component, release.name),
                component,
                "production",
                release.sha,
                release.tagged_at,
                release.tagged_at,
            )
            for release in facts.releases
            if release.line == line
        ]
        return sorted(deployments, key=lambda deployment: deployment.finished)

    def _next_id(self, component: str) -> str:
        self._runs[component] = self._runs.get(component, 0) + 1
        return f"deploy-{component}-{self._runs[component]:04d}"

    def _scheduled(
        self, component: str, plan: RepositoryPlan, commits: Sequence[MainlineCommit], reference_date: date
    ) -> list[DeploymentRecord]:
        """Production deployments at the team's cadence (each after a staging run of the same commit),
        each shipping the newest mainline commit older than its pipeline; a failure is retried."""
        rng = self.rng
        end = plan.spec.end
        moment = plan.spec.start + timedelta(days=3)
        mean_gap = 7 * 86400 / plan.cadence.deploys_per_week
        times = [commit.committed_at for commit in commits]
        successes: list[DeploymentRecord] = []
        last_sha = None
        while True:
            moment = _working_hours(moment + timedelta(seconds=rng.expovariate(1 / mean_gap)))
            if moment >= end or moment.date() >= reference_date:
                break
            position = bisect.bisect_right(times, moment - timedelta(minutes=30)) - 1
            if position < 0 or commits[position].sha == last_sha:
                continue
            sha = last_sha = commits[position].sha
            staged = moment - timedelta(minutes=rng.randint(20, 120))
            self._add(component, "staging", sha, staged, rng.randint(3, 12), "success")
            if rng.random() < FAILURE_RATE:
                self._add(component, "production", sha, moment, rng.randint(3, 15), "failure")
                moment += timedelta(minutes=rng.randint(25, 90))
            successes.append(self._add(component, "production", sha, moment, rng.randint(3, 20), "success"))
        return successes

    def _add(
        self, component: str, environment: str, sha: str, started: datetime, minutes: int, status: str, **links: str
    ) -> DeploymentRecord:
        record = DeploymentRecord(
            self._next_id(component),
            component,
            environment,
            sha,
            started,
            started + timedelta(minutes=minutes),
            status,
            **links,
        )
        self.records.append(record)
        return record

    # ------------------------------------------------------------------ incidents
    def components(self) -> list[str]:
        return [component for component, deployments in self.production.items() if deployments]

    def cause(self, rng: random.Random, candidates: Sequence[str], earliest: datetime, until: datetime) -> Cause | None:
        """A production deployment of one of `candidates` between `earliest` and two days before
        `until` to blame, or None when they have none."""
        latest = until - timedelta(days=2)
        within = {c: [d for d in self.production.get(c, ()) if earliest <= d.finished <= latest] for c in candidates}
        eligible = [component for component, deployments in within.items() if deployments]
        if not eligible:
            return None
        component = rng.choice(eligible)
        deployment = rng.choice(within[component])
        self._blamed += 1
        return Cause(component, deployment, LINKS[(self._blamed - 1) % len(LINKS)])

    def recover(self, rng: random.Random, cause: Cause, incident: str, acknowledged: datetime) -> None:
        """Record how service was restored, rollbacks and hotfixes in turn: a rollback to the previous
        production deployment's commit, or a hotfix shipping the first mainline commit after the
        incident was acknowledged (whichever the history allows when the turn's kind cannot be)."""
        component, failed = cause.component, cause.deployment
        history = self.production[component]
        earlier = [d for d in history if d.finished < failed.finished and d.sha != failed.sha]
        later = [c for c in self.mainline[component] if c.committed_at > acknowledged]
        started = acknowledged + timedelta(minutes=rng.randint(4, 20))
        self._recoveries += 1
        if earlier and (not later or self._recoveries % 2 == 1):
            record = self._add(
                component,
                "production",
                earlier[-1].sha,
                started,
                rng.randint(3, 8),
                "success",
                rollback_of=failed.id,
                incident=incident,
            )
        elif later:
            started = max(started, later[0].committed_at + timedelta(minutes=rng.randint(10, 40)))
            record = self._add(
                component,
                "production",
                later[0].sha,
                started,
                rng.randint(5, 15),
                "success",
                hotfix_for=failed.id,
                incident=incident,
            )
        else:
            return
        bisect.insort(history, record, key=lambda deployment: deployment.finished)

    def write(self, writer: RepoWriter) -> None:
        ordered = sorted(self.records, key=lambda record: (record.finished, record.id))
        writer.write(DEPLOYMENTS_FILE, "".join(json.dumps(record.as_json()) + "\n" for record in ordered))

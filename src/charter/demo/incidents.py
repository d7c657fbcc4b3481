"""The sample's incidents: postmortems as Markdown with YAML front matter, in the months before the
reference date, with deployments named as their cause, repeats of the same failure, and postmortems
and action items in every state. With the sample's deployments, a change incident starts after a
real deployment, names it (or one of its commits, or only its cause category), and its recovery is
recorded as a rollback or hotfix deployment."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from charter.demo.deployments import Cause, DeliveryFacts
from charter.demo.names import title_case
from charter.demo.plan import Catalog, Component
from charter.demo.profiles import SizeProfile
from charter.demo.writers import RepoWriter, front_matter

# The loader's postmortem statuses (charter.model.incident.KNOWN_POSTMORTEM_STATUSES).
POSTMORTEM_STATUSES = {"complete": "published", "draft": "draft"}
_SEVERITIES = (("SEV1", 0.08), ("SEV2", 0.22), ("SEV3", 0.42), ("SEV4", 0.28))
_CAUSES = (
    ("change", 0.35),
    ("config", 0.15),
    ("dependency", 0.15),
    ("capacity", 0.1),
    ("infrastructure", 0.15),
    ("security", 0.04),
    ("unknown", 0.06),
)
# With deployments to blame, changes cause half the incidents, as in most postmortem collections.
_CAUSES_WITH_DEPLOYMENTS = (("change", 0.5), *((name, weight * 0.5 / 0.65) for name, weight in _CAUSES[1:]))
_TITLES = {
    "change": "Errors on {service} after a deployment",
    "config": "{service} rejected requests after a configuration change",
    "dependency": "{service} degraded while a dependency timed out",
    "capacity": "{service} saturated during peak traffic",
    "infrastructure": "{service} unavailable after a node pool failure",
    "security": "Credential exposure in {service} logs",
    "unknown": "Intermittent failures of {service}",
}
_ACTIONS = {
    "mitigate": "Add an alert on {service} saturation before it pages",
    "prevent": "Canary {service} deployments with automatic rollback",
    "process": "Add a {service} failover step to the runbook and rehearse it",
}


@dataclass(slots=True)
class _Draft:
    started: datetime
    component: Component
    cause: str
    blamed: Cause | None = None
    invent_deployment: bool = True  # no deployments known: name a plausible release tag


def _weighted(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([name for name, _ in table], weights=[weight for _, weight in table])[0]


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_incidents(
    writer: RepoWriter,
    rng: random.Random,
    profile: SizeProfile,
    catalog: Catalog,
    delivery: DeliveryFacts | None = None,
    story: random.Random | None = None,
) -> int:
    pool = [c for c in catalog.components if c.type == "service" and c.lifecycle == "production" and c.tier <= 2]
    pool = pool or catalog.components
    by_name = {component.name: component for component in catalog.components}
    deployed = delivery.components() if delivery else []
    causes = _CAUSES_WITH_DEPLOYMENTS if deployed else _CAUSES
    now = datetime(profile.reference_date.year, profile.reference_date.month, profile.reference_date.day, tzinfo=UTC)
    drafts: list[_Draft] = []
    for index in range(profile.incidents):
        if index % 6 == 5 and drafts:
            # The same failure again within the repeat window: an escalation when no time is allocated.
            drafts.append(_repeat(rng, rng.choice(drafts), now, delivery))
            continue
        started = now - timedelta(days=rng.randint(2, 300), minutes=rng.randint(0, 1439))
        draft = _Draft(started, rng.choice(pool), _weighted(rng, causes), invent_deployment=delivery is None)
        if delivery is not None and draft.cause == "change":
            draft = _blaming(rng, draft, delivery.cause(rng, deployed, now - timedelta(days=300), now), by_name)
        drafts.append(draft)
    drafts.sort(key=lambda draft: (draft.started, draft.component.name))
    _write_drafts(writer, rng, drafts, 1, now, delivery)
    if delivery is None or story is None:
        return len(drafts)
    # Drawn after the others and numbered after them, so the incidents above stay as they were.
    told = _story_drafts(story, deployed, by_name, now, delivery)
    _write_drafts(writer, story, told, len(drafts) + 1, now, delivery)
    return len(drafts) + len(told)


def _write_drafts(
    writer: RepoWriter,
    rng: random.Random,
    drafts: list[_Draft],
    first: int,
    now: datetime,
    delivery: DeliveryFacts | None,
) -> None:
    for number, draft in enumerate(drafts, start=first):
        metadata, body = _incident(rng, number, draft, now)
        if delivery and draft.blamed:
            acknowledged = datetime.strptime(metadata["acknowledged"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            delivery.recover(rng, draft.blamed, metadata["id"], acknowledged)
        writer.write(f"incidents/{draft.started:%Y-%m-%d}-inc-{number:04d}.md", front_matter(metadata, body))


# The story of the two quarters the demo's snapshots cover: every deployed component has changes that
# failed in production, some mostly in the first quarter (they got better), some mostly in the second
# (they got worse), so change failure, recovery and rework rates differ by team and move over time.
STORY_DAYS = 182
STORY_FAILURES = (3, 1, 2, 4)  # per component, in turn
# A failed deployment ships a code change or a configuration change, in turn: the same cause twice on
# one service within the repeat window is a repeat incident (REL007), which the story keeps to a few.
STORY_CAUSES = ("change", "config")


def _story_drafts(
    rng: random.Random, deployed: list[str], components: dict[str, Component], now: datetime, delivery: DeliveryFacts
) -> list[_Draft]:
    """Change incidents blamed on real production deployments in the `STORY_DAYS` before `now`."""
    half = timedelta(days=STORY_DAYS / 2)
    start = now - 2 * half
    drafts = []
    for index, name in enumerate(sorted(deployed)):
        worse_later = index % 2 == 1
        for failure in range(STORY_FAILURES[index % len(STORY_FAILURES)]):
            # Two of every three failures in the quarter the component's story puts them in.
            late = (failure % 3 != 2) == worse_later
            earliest = start + half if late else start
            blamed = delivery.cause(rng, [name], earliest, earliest + half)
            if blamed is None:
                continue
            cause = STORY_CAUSES[(index + failure) % len(STORY_CAUSES)]
            if cause != "change" and blamed.link == "category":
                # Only a `change` incident is linked to the latest deployment before it: name this one.
                blamed = replace(blamed, link="deployment")
            draft = _Draft(now, components[name], cause, invent_deployment=False)
            drafts.append(_blaming(rng, draft, blamed, components))
    return sorted(drafts, key=lambda draft: (draft.started, draft.component.name))


def _repeat(rng: random.Random, earlier: _Draft, now: datetime, delivery: DeliveryFacts | None) -> _Draft:
    """The failure of `earlier` again, 5 to 60 days later; a change blamed on a later deployment."""
    started = min(earlier.started + timedelta(days=rng.randint(5, 60)), now - timedelta(hours=6))
    draft = _Draft(started, earlier.component, earlier.cause, invent_deployment=delivery is None)
    if delivery is None or earlier.blamed is None:
        return draft
    window = (earlier.started + timedelta(days=5), min(earlier.started + timedelta(days=60), now))
    blamed = delivery.cause(rng, [earlier.component.name], *window)
    return _blaming(rng, draft, blamed, {earlier.component.name: earlier.component})


def _blaming(rng: random.Random, draft: _Draft, blamed: Cause | None, components: dict[str, Component]) -> _Draft:
    """The draft started a little after the deployment it is blamed on, for that deployment's component."""
    if blamed is None:
        return draft
    started = blamed.deployment.finished + timedelta(minutes=rng.randint(10, 180))
    return _Draft(started, components[blamed.component], draft.cause, blamed, invent_deployment=False)


def _incident(rng: random.Random, number: int, draft: _Draft, now: datetime) -> tuple[dict[str, Any], str]:
    component = draft.component
    severity = _weighted(rng, _SEVERITIES)
    detected = draft.started + timedelta(minutes=rng.randint(2, 30))
    acknowledged = detected + timedelta(minutes=rng.randint(1, 15))
    resolved = min(acknowledged + timedelta(minutes=rng.randint(15, 480)), now - timedelta(minutes=5))
    identifier = f"INC-{number:04d}"
    title = _TITLES[draft.cause].format(service=component.name)
    metadata: dict[str, Any] = {
        "id": identifier,
        "title": title,
        "severity": severity,
        "services": [component.name],
        "started": _timestamp(draft.started),
        "detected": _timestamp(detected),
        "acknowledged": _timestamp(acknowledged),
        "resolved": _timestamp(resolved),
        "cause": draft.cause,
    }
    if draft.blamed is not None:
        deployment = draft.blamed.deployment
        if draft.blamed.link == "deployment":
            metadata["causedBy"] = {"deployment": deployment.id}
        elif draft.blamed.link == "change":
            metadata["causedBy"] = {"change": deployment.sha}
    elif draft.invent_deployment and draft.cause == "change" and rng.random() < 0.7:
        version = f"v{rng.randint(1, 4)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
        metadata["causedBy"] = {"deployment": f"tag:{component.name}/{version}"}
    age = (now - resolved).days
    major = severity in ("SEV1", "SEV2")
    if age < 5:
        status = "draft"
    else:
        roll = rng.random()
        published, drafted = (0.8, 0.95) if major else (0.5, 0.7)
        status = "complete" if roll < published else "draft" if roll < drafted else "missing"
    if status != "missing":  # a missing postmortem is an incident record with no `postmortem` block
        written = min(resolved.date() + timedelta(days=rng.randint(1, 6)), now.date())
        metadata["postmortem"] = {"status": POSTMORTEM_STATUSES[status], "date": written}
    items = []
    if status != "missing":
        for position, kind in enumerate(rng.sample(list(_ACTIONS), rng.randint(1, 3)), start=1):
            due = resolved.date() + timedelta(days=rng.randint(14, 75))
            done = due < now.date() and rng.random() < 0.7
            items.append(
                {
                    "id": f"{identifier}-{position}",
                    "title": _ACTIONS[kind].format(service=component.name),
                    "owner": f"group:{component.team}",
                    "due": due,
                    "status": "done" if done else "open",
                    "type": kind,
                }
            )
        metadata["actionItems"] = items
    return metadata, _body(identifier, title, metadata, component, draft)


def _body(identifier: str, title: str, metadata: dict[str, Any], component: Component, draft: _Draft) -> str:
    caused_by = metadata.get("causedBy", {})
    if "deployment" in caused_by:
        trigger = f"The deployment `{caused_by['deployment']}`."
    elif "change" in caused_by:
        trigger = f"The change `{caused_by['change'][:12]}`, shipped to production just before the impact started."
    else:
        trigger = f"Cause category: {draft.cause}."
    lines = [
        f"# {identifier}: {title}",
        "",
        "## Summary",
        "",
        f"{title_case(component.name)} ({component.system}, tier {component.tier}) served errors from "
        f"{metadata['started']} until {metadata['resolved']}.",
        "",
        "## Impact",
        "",
        f"Requests to {component.name} failed or were slow; dependent services retried.",
        "",
        "## Root cause and trigger",
        "",
        trigger,
        "",
        "## Timeline (UTC)",
        "",
        f"- {metadata['started']} impact starts",
        f"- {metadata['detected']} alert fires",
        f"- {metadata['acknowledged']} on-call acknowledges",
        f"- {metadata['resolved']} service restored",
        "",
        "## Action items",
        "",
    ]
    for item in metadata.get("actionItems", []):
        mark = "x" if item["status"] == "done" else " "
        lines.append(f"- [{mark}] {item['id']}: {item['title']} (due {item['due']})")
    if not metadata.get("actionItems"):
        lines.append("None recorded yet: the postmortem is missing.")
    return "\n".join(lines)

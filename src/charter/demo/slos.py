"""The sample's SLOs, in the three formats Charter reads (Sloth `prometheus/v1`, OpenSLO v1, Pyrra),
joined to components in each of the ways DESIGN.md lists (label, service name, the component's
`charter.dev/slos` annotation) — except the planted ones that join nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from charter.demo.plan import Catalog, Component, Planted
from charter.demo.profiles import SizeProfile
from charter.demo.writers import RepoWriter
from charter.model.catalog import COMPONENT_LABEL, SLOS_ANNOTATION

SUPPRESSED_ORPHAN_FILE = "slos/synthetic-probes.yaml"
SUPPRESSED_ORPHAN = "REF005 suppressed by a file entry in charter.yaml spec.ignore"
_INDICATORS = ("availability", "latency", "freshness", "throughput", "correctness")


@dataclass(slots=True)
class SloGroup:
    """The SLOs of one file: one component's (or one unjoined service's), in one format."""

    format: str  # sloth | openslo | pyrra
    service: str  # the service name written in the file
    path: str
    component: Component | None
    tier: int
    join: str  # service | label | annotation | none
    indicators: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """The SLOs' names as loaded (for Sloth, its id `<service>-<name>`)."""
        return [f"{self.service}-{indicator}" for indicator in self.indicators]


@dataclass(slots=True)
class SloPlan:
    groups: list[SloGroup]

    @property
    def count(self) -> int:
        return sum(len(group.indicators) for group in self.groups)

    def observable_names(self) -> list[str]:
        """Names a migration can cite as `slo:NAME` unambiguously (OpenSLO and Pyrra metadata names)."""
        return [name for g in self.groups if g.component and g.format != "sloth" for name in g.names()]


def plan_slos(rng: random.Random, profile: SizeProfile, catalog: Catalog, planted: Planted) -> SloPlan:
    """Decide every SLO before the catalog is written, since some joins are component annotations."""
    budget = profile.slos
    groups: list[SloGroup] = []
    component_names = {component.name for component in catalog.components}
    for index in range(min(budget, profile.flaw_count("slos"))):
        domain = catalog.systems[index % len(catalog.systems)].domain
        service = next(
            name
            for n in range(index + 1, index + 1000)
            if (name := f"legacy-{domain}-monolith" + (f"-{n}" if n > 1 else "")) not in component_names
        )
        sloth = index % 2 == 0
        group = SloGroup(
            "sloth" if sloth else "openslo", service, f"slos/legacy/{service}.yaml", None, 2, "none", ["availability"]
        )
        groups.append(group)
        planted.flaw("REF005", f"slo:{group.names()[0]}")
        component_names.add(service)
    if budget > len(groups):
        groups.append(
            SloGroup("openslo", "synthetic-probes", SUPPRESSED_ORPHAN_FILE, None, 2, "none", ["availability"])
        )
        planted.accept(SUPPRESSED_ORPHAN, f"slo:{groups[-1].names()[0]}")
    remaining = budget - len(groups)
    without = {entity.removeprefix("component:") for entity in planted.flaws.get("REL001", [])}
    required = [c for c in catalog.components if c.is_tier1_service and c.name not in without]
    optional = [
        c
        for c in catalog.components
        if not c.is_tier1_service and c.lifecycle == "production" and c.type != "library" and c.tier <= 2
    ]
    by_component: dict[str, SloGroup] = {}
    order = required[:remaining]
    for component in required[remaining:]:  # not enough SLOs for every tier-1 service
        planted.flaw("REL001", f"component:{component.name}")
    remaining -= len(order)
    rounds = [*required, *optional]
    position = 0
    while remaining > 0 and rounds:
        order.append(rounds[position % len(rounds)])
        position += 1
        remaining -= 1
    for component in order:
        if component.name not in by_component:
            by_component[component.name] = _group_for(rng, component)
            groups.append(by_component[component.name])
        group = by_component[component.name]
        count = len(group.indicators)
        group.indicators.append(_INDICATORS[count] if count < len(_INDICATORS) else f"objective-{count + 1}")
    for group in by_component.values():
        if group.join == "annotation" and group.component is not None:
            group.component.annotations[SLOS_ANNOTATION] = ",".join(group.names())
    return SloPlan(groups)


def _group_for(rng: random.Random, component: Component) -> SloGroup:
    roll = rng.random()
    fmt = "sloth" if roll < 0.4 else "openslo" if roll < 0.75 else "pyrra"
    path = f"slos/{component.domain}/{component.name}.yaml"
    if fmt == "pyrra":
        join = "label" if rng.random() < 0.75 else "annotation"
        return SloGroup(fmt, component.name, path, component, component.tier, join)
    if fmt == "sloth" and rng.random() < 0.3:
        return SloGroup(fmt, component.name, path, component, component.tier, "label")
    return SloGroup(fmt, component.name, path, component, component.tier, "service")


def write_slos(writer: RepoWriter, plan: SloPlan, profile: SizeProfile) -> None:
    for group in plan.groups:
        if group.format == "sloth":
            writer.write_yaml(group.path, [_sloth(group, profile)])
        elif group.format == "openslo":
            writer.write_yaml(
                group.path,
                [
                    _openslo(group, name, indicator)
                    for name, indicator in zip(group.names(), group.indicators, strict=True)
                ],
            )
        else:
            writer.write_yaml(
                group.path,
                [
                    _pyrra(group, name, indicator)
                    for name, indicator in zip(group.names(), group.indicators, strict=True)
                ],
            )


def _objective(group: SloGroup, indicator: str) -> float:
    if indicator == "availability":
        return 99.95 if group.tier == 1 and len(group.service) % 3 == 0 else 99.9 if group.tier == 1 else 99.5
    return 99.0 if indicator == "latency" else 99.5


def _queries(group: SloGroup, indicator: str, window: str) -> tuple[str, str]:
    """(errors, total) PromQL for one indicator."""
    job = group.component.name if group.component else group.service
    if indicator == "latency":
        total = f'sum(rate(http_request_duration_seconds_count{{job="{job}"}}[{window}]))'
        fast = f'sum(rate(http_request_duration_seconds_bucket{{job="{job}",le="0.5"}}[{window}]))'
        return f"({total} - {fast})", total
    if indicator == "availability":
        return (
            f'sum(rate(http_requests_total{{job="{job}",code=~"(5..|429)"}}[{window}]))',
            f'sum(rate(http_requests_total{{job="{job}"}}[{window}]))',
        )
    return (
        f'sum(rate({indicator}_checks_total{{job="{job}",result="fail"}}[{window}]))',
        f'sum(rate({indicator}_checks_total{{job="{job}"}}[{window}]))',
    )


def _good_query(group: SloGroup, indicator: str, window: str) -> str:
    job = group.component.name if group.component else group.service
    if indicator == "latency":
        return f'sum(rate(http_request_duration_seconds_bucket{{job="{job}",le="0.5"}}[{window}]))'
    if indicator == "availability":
        return f'sum(rate(http_requests_total{{job="{job}",code!~"(5..|429)"}}[{window}]))'
    return f'sum(rate({indicator}_checks_total{{job="{job}",result="pass"}}[{window}]))'


def _sloth(group: SloGroup, profile: SizeProfile) -> dict[str, Any]:
    component = group.component
    team = component.team if component else "platform"
    labels: dict[str, str] = {"owner": team, "repo": f"{profile.organization}/{group.service}", "tier": str(group.tier)}
    service = group.service
    if group.join == "label" and component is not None:
        labels[COMPONENT_LABEL] = component.name
        service = component.system  # the Prometheus job is named after the system; the label joins
    slos = []
    for name, indicator in zip(group.names(), group.indicators, strict=True):
        errors, total = _queries(group, indicator, "{{.window}}")
        alert = "".join(part.capitalize() for part in name.split("-"))
        slos.append(
            {
                # Sloth's SLO id is `<service>-<name>`; the names below make it `<component>-<indicator>`.
                "name": name.removeprefix(f"{service}-"),
                "objective": _objective(group, indicator),
                "description": f"{indicator.capitalize()} of {group.service}.",
                "sli": {"events": {"error_query": errors, "total_query": total}},
                "alerting": {
                    "name": f"{alert}Burn",
                    "labels": {"category": indicator},
                    "annotations": {"summary": f"{group.service} is burning its {indicator} error budget"},
                    "page_alert": {"labels": {"severity": "page", "routing_key": team}},
                    "ticket_alert": {"labels": {"severity": "ticket", "slack_channel": f"#alerts-{team}"}},
                },
            }
        )
    return {"version": "prometheus/v1", "service": service, "labels": labels, "slos": slos}


def _openslo(group: SloGroup, name: str, indicator: str) -> dict[str, Any]:
    _, total = _queries(group, indicator, "1m")
    good = _good_query(group, indicator, "1m")

    def source(query: str) -> dict[str, Any]:
        return {"metricSource": {"type": "Prometheus", "spec": {"query": query}}}

    return {
        "apiVersion": "openslo/v1",
        "kind": "SLO",
        "metadata": {"name": name, "displayName": f"{group.service} {indicator}"},
        "spec": {
            "description": f"{indicator.capitalize()} of {group.service} as its users see it.",
            "service": group.service,
            "indicator": {
                "metadata": {"name": f"{name}-sli"},
                "spec": {"ratioMetric": {"counter": True, "good": source(good), "total": source(total)}},
            },
            "timeWindow": [{"duration": "28d", "isRolling": True}],
            "budgetingMethod": "Occurrences",
            "objectives": [
                {"displayName": f"Good {indicator}", "target": round(_objective(group, indicator) / 100, 6)}
            ],
        },
    }


def _pyrra(group: SloGroup, name: str, indicator: str) -> dict[str, Any]:
    job = group.component.name if group.component else group.service
    labels = {"prometheus": "k8s", "role": "alert-rules"}
    if group.join == "label" and group.component is not None:
        labels[COMPONENT_LABEL] = group.component.name
    if indicator == "latency":
        body: dict[str, Any] = {
            "latency": {
                "success": {"metric": f'http_request_duration_seconds_bucket{{job="{job}",le="0.5"}}'},
                "total": {"metric": f'http_request_duration_seconds_count{{job="{job}"}}'},
            }
        }
    else:
        metric = "http_requests_total" if indicator == "availability" else f"{indicator}_checks_total"
        failing = 'code=~"5.."' if indicator == "availability" else 'result="fail"'
        body = {
            "ratio": {
                "errors": {"metric": f'{metric}{{job="{job}",{failing}}}'},
                "total": {"metric": f'{metric}{{job="{job}"}}'},
            }
        }
    return {
        "apiVersion": "pyrra.dev/v1alpha1",
        "kind": "ServiceLevelObjective",
        "metadata": {"name": name, "namespace": "monitoring", "labels": labels},
        "spec": {
            "description": f"{indicator.capitalize()} of {job}.",
            "target": f"{_objective(group, indicator):g}",
            "window": "4w",
            "indicator": body,
        },
    }

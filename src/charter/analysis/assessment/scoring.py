"""Scores from check results, and their roll-ups. For a component c and an area a, over the checks k of
the area with a positive weight w_k:

    score(c, a)      = 100 × Σ_known w_k·v_k / Σ_known w_k          (v_k from 0 to 1)
    confidence(c, a) = Σ_known w_k / Σ_(known or unknown) w_k        (not applicable checks are in neither)

A group G of components (a system, a team, the organisation) pools the checks of all its components,
each component weighted by its tier weight t_c, so a tier-1 service with many checks counts for more
than a tier-3 one and ten services for more than one; it never averages the components' scores:

    score(G, a)      = 100 × Σ_c t_c·Σ_known w_k·v_k / Σ_c t_c·Σ_known w_k
    confidence(G, a) = Σ_c t_c·Σ_known w_k / Σ_c t_c·Σ_(known or unknown) w_k

A score with no known check is None (no data), whatever its confidence."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from charter.analysis.assessment.catalogue import Area
from charter.analysis.assessment.evaluate import CheckResult, Status, evaluate_component
from charter.analysis.assessment.facts import ComponentFacts
from charter.analysis.assessment.settings import AssessmentWeights


@dataclass(frozen=True, slots=True)
class AreaTally:
    """The weighted sums behind one area's score: `earned` Σ w·v and `known` Σ w over the known checks,
    `applicable` Σ w over the known and the unknown ones."""

    earned: float = 0.0
    known: float = 0.0
    applicable: float = 0.0

    def plus(self, other: AreaTally, factor: float = 1.0) -> AreaTally:
        return AreaTally(
            self.earned + factor * other.earned,
            self.known + factor * other.known,
            self.applicable + factor * other.applicable,
        )

    @property
    def score(self) -> float | None:
        return 100 * self.earned / self.known if self.known > 0 else None

    @property
    def confidence(self) -> float | None:
        return self.known / self.applicable if self.applicable > 0 else None


def tally(results: Iterable[CheckResult]) -> dict[Area, AreaTally]:
    """Each area's sums over one component's results."""
    sums = {area: AreaTally() for area in Area}
    for result in results:
        if result.status is Status.NOT_APPLICABLE:
            continue
        known = result.known
        earned = result.weight * (result.value or 0.0) if known else 0.0
        sums[result.check.area] = sums[result.check.area].plus(
            AreaTally(earned, result.weight if known else 0.0, result.weight)
        )
    return sums


@dataclass(frozen=True, slots=True)
class ComponentAssessment:
    facts: ComponentFacts
    tier_weight: float
    results: tuple[CheckResult, ...]
    tallies: Mapping[Area, AreaTally]


def assess_component(facts: ComponentFacts, weights: AssessmentWeights, as_of: datetime) -> ComponentAssessment:
    results = tuple(evaluate_component(facts, weights, as_of))
    return ComponentAssessment(facts, weights.tier_weight(facts.tier), results, tally(results))


@dataclass(frozen=True, slots=True)
class ScopeAssessment:
    """A component, system, team or the organisation, with the components it holds and its sums."""

    scope: str  # `component:payments`, `system:shop`, `group:team-a`, or the organisation's name
    kind: str  # component | system | team | org
    components: tuple[ComponentAssessment, ...]
    tallies: Mapping[Area, AreaTally]


def roll_up(components: Iterable[ComponentAssessment]) -> dict[Area, AreaTally]:
    """The pooled sums of a group: each component's sums times its tier weight."""
    sums = {area: AreaTally() for area in Area}
    for component in components:
        for area, part in component.tallies.items():
            sums[area] = sums[area].plus(part, component.tier_weight)
    return sums


def component_scope(component: ComponentAssessment) -> ScopeAssessment:
    return ScopeAssessment(str(component.facts.ref.short), "component", (component,), component.tallies)


def group_scopes(
    components: Sequence[ComponentAssessment], kind: str, key: Callable[[ComponentFacts], str | None]
) -> list[ScopeAssessment]:
    """One scope per value of `key` (components whose key is None are in none), in name order."""
    groups: dict[str, list[ComponentAssessment]] = {}
    for component in components:
        name = key(component.facts)
        if name is not None:
            groups.setdefault(name, []).append(component)
    return [ScopeAssessment(name, kind, tuple(items), roll_up(items)) for name, items in sorted(groups.items())]


def organization_scope(components: Sequence[ComponentAssessment], name: str) -> ScopeAssessment:
    return ScopeAssessment(name, "org", tuple(components), roll_up(components))


@dataclass(frozen=True, slots=True)
class NextStep:
    """A failing check of one component and the points its passing would add to the group's area score."""

    component: ComponentAssessment
    result: CheckResult
    gain: float


def next_steps(scope: ScopeAssessment, limit: int) -> list[NextStep]:
    """The failing checks whose passing would raise the scope's area scores most: a check k of component c
    with value v adds 100 × t_c·w_k·(1 − v) / Σ_c t_c·Σ_known w_k to its area's score. Ties go to the
    check id, then the component."""
    steps = []
    for component in scope.components:
        for result in component.results:
            if result.status is not Status.FAILED:
                continue
            known = scope.tallies[result.check.area].known
            gain = 100 * component.tier_weight * result.weight * (1 - (result.value or 0.0)) / known
            steps.append(NextStep(component, result, gain))
    steps.sort(key=lambda step: (-round(step.gain, 9), step.result.check.id, str(step.component.facts.ref)))
    return steps[:limit]

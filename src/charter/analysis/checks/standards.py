"""Standards as scorecards: each rule runs a registered check on every entity the standard
applies to; levels are cumulative (gold needs every silver and bronze rule), and a metric rule
without data is unknown, not failed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from charter.analysis.metrics import COMPARISONS, METRICS, parse_metric_value
from charter.model.catalog import CatalogEntity
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Severity
from charter.model.estate import Entity, Estate
from charter.model.kinds import AppliesTo, Standard, StandardRule
from charter.model.refs import EntityRef

CODES = Codes(
    Rule(
        "REF007",
        "Unknown metric",
        Severity.ERROR,
        rationale="Targets and standards must name metrics from the registry (`charter metrics`).",
        fix="Use a metric name that `charter metrics` lists.",
        example="""\
# charter.yaml
spec:
  goals:
    - id: faster
      targets:
        - {metric: delivery.lead_time, op: '<=', value: 1d}   # delivery.lead_time_for_changes.p50
""",
    ),
    Rule(
        "STD001",
        "Unknown standard check",
        Severity.ERROR,
        rationale="A rule whose check Charter does not know can never pass or fail.",
        fix="Use a check that `charter rules --checks` lists.",
        example="""\
# standards/services.yaml
spec:
  rules:
    - {id: has-owner, level: bronze, check: owner.present}   # the check is owner.exists
""",
    ),
    Rule(
        "STD002",
        "Rule level not declared",
        Severity.ERROR,
        rationale="A rule's level must be one of the standard's `levels`.",
        fix="Add the level to `spec.levels` or correct the rule.",
        example="""\
# standards/services.yaml
spec:
  levels: [bronze, silver, gold]
  rules:
    - {id: has-owner, level: platinum, check: owner.exists}
""",
    ),
    Rule(
        "STD003",
        "Invalid check arguments",
        Severity.ERROR,
        rationale="The check's `with` block is missing a required argument or has a wrong one.",
        fix="Give the arguments the check documents.",
        example="""\
# standards/services.yaml
spec:
  rules:
    - {id: documented, level: silver, check: annotation.exists}   # needs with: {key: ...}
""",
    ),
)
diagnostic = CODES.diagnostic


# Metric values by (metric name, entity reference); filled from the latest snapshot.
MetricValues = Mapping[tuple[str, EntityRef], float]


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class CheckInput:
    entity: Entity
    estate: Estate
    arguments: Mapping[str, Any]
    metrics: MetricValues


@dataclass(frozen=True, slots=True)
class Check:
    """A check a Standard's rule names: id, what it verifies, the `with` arguments it needs."""

    id: str
    description: str
    required: tuple[str, ...]
    evaluate: Callable[[CheckInput], Outcome]


def _outcome(passed: bool) -> Outcome:
    return Outcome.PASS if passed else Outcome.FAIL


def _field(entity: Entity, dotted: str) -> Any:
    value: Any = entity.model_dump(by_alias=True, mode="json")
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _owner_exists(given: CheckInput) -> Outcome:
    return _outcome(given.estate.owner_of(given.entity.ref) is not None)


def _annotation_exists(given: CheckInput) -> Outcome:
    value = given.entity.metadata.annotations.get(str(given.arguments["key"]))
    return _outcome(bool(value and str(value).strip()))


def _field_equals(given: CheckInput) -> Outcome:
    return _outcome(_field(given.entity, str(given.arguments["field"])) == given.arguments["value"])


def _relation_exists(given: CheckInput) -> Outcome:
    targets = given.estate.related(given.entity.ref, str(given.arguments["type"]))
    kind = given.arguments.get("kind")
    if kind:
        targets = {target for target in targets if target.kind == str(kind).lower()}
    return _outcome(bool(targets))


def _slo_exists(given: CheckInput) -> Outcome:
    return _outcome(bool(given.estate.component_slos.get(given.entity.ref)))


def _metric(given: CheckInput) -> Outcome:
    name = str(given.arguments["metric"])
    value = given.metrics.get((name, given.entity.ref))
    if value is None:
        return Outcome.UNKNOWN
    threshold = parse_metric_value(METRICS[name], given.arguments["value"])
    return _outcome(COMPARISONS[str(given.arguments["op"])](value, threshold))


CHECKS: dict[str, Check] = {
    check.id: check
    for check in (
        Check("owner.exists", "The entity's owner resolves to a declared Group or User.", (), _owner_exists),
        Check("annotation.exists", "The annotation `key` is present and not empty.", ("key",), _annotation_exists),
        Check(
            "field.equals",
            "The dotted `field` (e.g. spec.lifecycle) equals `value`.",
            ("field", "value"),
            _field_equals,
        ),
        Check(
            "relation.exists",
            "The entity has at least one relation of `type` (optionally to `kind`).",
            ("type",),
            _relation_exists,
        ),
        Check("slo.exists", "At least one SLO joins the component.", (), _slo_exists),
        Check(
            "metric",
            "The metric's latest value satisfies `op` `value`; unknown without data.",
            ("metric", "op", "value"),
            _metric,
        ),
    )
}


def validate_standard(standard: Standard) -> Iterator[Diagnostic]:
    """STD001-003 and REF007 for rules that cannot be evaluated."""
    name = standard.ref.short
    for index, rule in enumerate(standard.spec.rules):
        where = standard.location.at("spec", "rules", index) if standard.location else None
        check = CHECKS.get(rule.check)
        if check is None:
            yield diagnostic(
                "STD001",
                f"rule {rule.id!r} of {name} uses unknown check {rule.check!r}",
                where.at("check") if where else None,
                entity=name,
            )
            continue
        if rule.level not in standard.spec.levels:
            yield diagnostic(
                "STD002",
                f"rule {rule.id!r} of {name} has level {rule.level!r}, not one of {', '.join(standard.spec.levels)}",
                where.at("level") if where else None,
                entity=name,
            )
        missing = [key for key in check.required if key not in rule.with_]
        if missing:
            yield diagnostic(
                "STD003",
                f"rule {rule.id!r} of {name}: check {rule.check} needs `with: {{{', '.join(missing)}}}`",
                where,
                entity=name,
            )
            continue
        if rule.check == "metric":
            yield from _validate_metric_rule(rule, name, where)


def _validate_metric_rule(rule: StandardRule, name: str, where: Any) -> Iterator[Diagnostic]:
    metric = METRICS.get(str(rule.with_["metric"]))
    if metric is None:
        yield diagnostic(
            "REF007", f"rule {rule.id!r} of {name} names unknown metric {rule.with_['metric']!r}", where, entity=name
        )
    elif str(rule.with_["op"]) not in COMPARISONS:
        yield diagnostic(
            "STD003", f"rule {rule.id!r} of {name}: op must be one of {' '.join(COMPARISONS)}", where, entity=name
        )
    else:
        try:
            parse_metric_value(metric, rule.with_["value"])
        except ValueError as error:
            yield diagnostic("STD003", f"rule {rule.id!r} of {name}: {error}", where, entity=name)


def _one_of(expected: object, actual: object) -> bool:
    if expected is None:
        return True
    options = expected if isinstance(expected, list) else [expected]
    return any(str(option).lower() == str(actual).lower() for option in options)


def applies(applies_to: AppliesTo, entity: Entity) -> bool:
    if entity.kind.lower() != applies_to.kind.lower():
        return False
    if not isinstance(entity, CatalogEntity):
        return applies_to.type is None and applies_to.lifecycle is None and applies_to.tier is None
    return (
        _one_of(applies_to.type, entity.spec_type)
        and _one_of(applies_to.lifecycle, entity.lifecycle)
        and _one_of(applies_to.tier, entity.tier)
    )


@dataclass(frozen=True, slots=True)
class RuleResult:
    rule: StandardRule
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class EntityScore:
    """One entity against one standard: the level reached (None: not even the first), the next
    level if only unknown results stand in its way, and every rule's outcome."""

    standard: EntityRef
    entity: EntityRef
    level: str | None
    pending: str | None
    results: tuple[RuleResult, ...]

    @property
    def failing(self) -> list[RuleResult]:
        return [result for result in self.results if result.outcome is Outcome.FAIL]


def score_entity(standard: Standard, entity: Entity, estate: Estate, metrics: MetricValues) -> EntityScore:
    results = []
    for rule in standard.spec.rules:
        check = CHECKS.get(rule.check)
        if check is None or rule.level not in standard.spec.levels or any(k not in rule.with_ for k in check.required):
            continue
        try:
            outcome = check.evaluate(CheckInput(entity, estate, rule.with_, metrics))
        except (KeyError, ValueError):
            outcome = Outcome.UNKNOWN
        results.append(RuleResult(rule, outcome))
    reached: str | None = None
    pending: str | None = None
    for level in standard.spec.levels:
        at_level = [result.outcome for result in results if result.rule.level == level]
        if Outcome.FAIL in at_level:
            break
        if Outcome.UNKNOWN in at_level:
            pending = level
            break
        reached = level
    return EntityScore(standard.ref, entity.ref, reached, pending, tuple(results))


def score_standard(standard: Standard, estate: Estate, metrics: MetricValues) -> list[EntityScore]:
    """The entities the standard applies to, scored in the order of their references. Filtered
    first and sorted after: the same order, without writing every entity of the estate as text."""
    applying = [(ref, entity) for ref, entity in estate.entities.items() if applies(standard.spec.applies_to, entity)]
    return [
        score_entity(standard, entity, estate, metrics)
        for _ref, entity in sorted(applying, key=lambda item: str(item[0]))
    ]


@dataclass(frozen=True, slots=True)
class Rollup:
    """Share of entities at or above each level, for one group of entities (a team, a system)."""

    group: str
    total: int
    at_least: dict[str, float]


def rollup(scores: list[EntityScore], levels: list[str], group_of: Callable[[EntityRef], str | None]) -> list[Rollup]:
    groups: dict[str, list[EntityScore]] = defaultdict(list)
    for score in scores:
        groups[group_of(score.entity) or "(none)"].append(score)
    rollups = []
    rank = {level: levels.index(level) for level in levels}
    for group, members in sorted(groups.items()):
        ranks = [rank[s.level] for s in members if s.level is not None]
        shares = {
            level: sum(1 for reached in ranks if reached >= position) / len(members)
            for position, level in enumerate(levels)
        }
        rollups.append(Rollup(group, len(members), shares))
    return rollups

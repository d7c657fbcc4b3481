"""The targets of `charter.yaml` checked against the metric registry and the catalog, from the
strategy files alone: a metric the registry lacks (REF007), a value that cannot be read (TGT001) or
is written in a unit that does not fit the metric (TGT002), a scope the metric is not measured at
(TGT003), a scope that selects nothing (TGT004), a goal owner that names nobody declared (REF001).
Whether a target is met needs the snapshots: `charter targets` reports that (TGT005,
`analysis/targets/deadlines.py`)."""

from __future__ import annotations

from collections.abc import Iterator

from charter.analysis.checks.context import CheckContext
from charter.analysis.checks.standards import CODES as STANDARDS_CODES
from charter.analysis.metrics import METRICS
from charter.analysis.targets.selection import select
from charter.analysis.targets.values import TargetValueError, expected_unit, parse_target_value
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.estate import CODES as ESTATE_CODES
from charter.model.estate import Estate

CODES = Codes(
    Rule(
        "TGT001",
        "Target with an invalid value",
        Severity.ERROR,
        rationale="A target value must be in the metric's unit (a duration, a ratio or a number).",
        fix="Write the value in the metric's unit, e.g. `1d`, `0.15`, `3`.",
        example="""\
# charter.yaml
spec:
  goals:
    - id: faster
      targets:
        - {metric: delivery.lead_time_for_changes.p90, op: '<=', value: soon}   # e.g. 2d
""",
    ),
    Rule(
        "TGT002",
        "Target unit does not fit the metric",
        Severity.ERROR,
        rationale=(
            "A value in another unit than the metric's is compared as a different quantity: `5%` of a count is 0.05, "
            "`99.9` of a ratio can never be reached, a bare number of a duration is seconds."
        ),
        fix=("Write durations with their unit (`1d`, `4h`), ratios as `0.15` or `15%`, counts and rates as numbers."),
        example="""\
# charter.yaml
spec:
  goals:
    - id: reliable
      targets:
        - {metric: reliability.slo_attainment, op: '>=', value: 99.9}   # 99.9% or 0.999
""",
    ),
    Rule(
        "TGT003",
        "Target scope the metric is not measured at",
        Severity.ERROR,
        rationale="Snapshots hold a metric only at the scopes the registry lists for it, so the target has no data.",
        fix="Choose a scope the metric exists for (`charter metrics` lists them), or another metric.",
        example="""\
# charter.yaml: security.access_control_gaps exists per component only
spec:
  goals:
    - id: secure
      targets:
        - {metric: security.access_control_gaps, scope: {team: payments}, op: '==', value: 0}
""",
    ),
    Rule(
        "TGT004",
        "Target scope selects nothing",
        Severity.WARNING,
        rationale="A scope naming an undeclared team, system or component, or a tier no component has, has no data.",
        fix="Name a declared Group, System or Component, or a tier some component has (`charter.dev/tier`).",
        example="""\
# charter.yaml
spec:
  goals:
    - id: faster
      targets:
        - {metric: delivery.lead_time_for_changes.p50, scope: {tier: 7}, op: '<=', value: 1d}
""",
    ),
    uses=(STANDARDS_CODES["REF007"], ESTATE_CODES["REF001"]),
)
diagnostic = CODES.diagnostic


def target_problems(estate: Estate) -> Iterator[Diagnostic]:
    """Every target that cannot be evaluated as written, each diagnostic at the field to fix."""
    organization = estate.organization
    if organization is None:
        return
    base = organization.location or Location("charter.yaml")
    for goal_index, goal in enumerate(organization.spec.goals):
        entity = f"goal:{goal.id}"
        if goal.owner is not None and estate.resolve(goal.owner, default_kind="group") is None:
            message = f"goal {goal.id!r} is owned by {goal.owner!r}, which is not a declared Group or User"
            yield diagnostic("REF001", message, base.at("spec", "goals", goal_index, "owner"), entity=entity)
        for target_index, target in enumerate(goal.targets):
            where = base.at("spec", "goals", goal_index, "targets", target_index)
            metric = METRICS.get(target.metric)
            if metric is None:
                message = f"goal {goal.id!r} targets unknown metric {target.metric!r} (charter metrics lists them)"
                yield diagnostic("REF007", message, where.at("metric"), entity=entity)
                continue
            for field, value in (("value", target.value), ("baseline", target.baseline)):
                if value is None:
                    continue
                try:
                    parse_target_value(metric, value)
                except TargetValueError as error:
                    yield diagnostic(error.code, f"goal {goal.id!r}: {error}", where.at(field), entity=entity)
            selection = select(estate, target.scope, organization.metadata.name)
            if selection.problem is not None:
                message = f"goal {goal.id!r}, {target.metric}: {selection.problem}"
                yield diagnostic("TGT004", message, where.at("scope"), entity=entity)
            elif selection.scope not in metric.scopes:
                scopes = ", ".join(sorted(metric.scopes))
                message = (
                    f"goal {goal.id!r}: {target.metric} is measured per {scopes}, not per {selection.scope.value} "
                    f"(scope {selection.description}; its values are {expected_unit(metric)})"
                )
                yield diagnostic("TGT003", message, where.at("scope"), entity=entity)


def check_targets(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    return target_problems(estate)


RULES = (check_targets,)

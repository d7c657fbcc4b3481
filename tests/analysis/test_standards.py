"""Standards: cumulative levels, every registered check, unknown metric data, rollups."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from charter.analysis.checks.scorecard import build_scorecards
from charter.analysis.checks.standards import Outcome
from charter.model.refs import EntityRef
from charter.services.context import load_context
from charter.services.strategy_check import check_strategy
from tests.strategy import write_repo

CATALOG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: shop}
spec: {owner: payments}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: gold-one
  annotations: {charter.dev/runbook: docs/run.md}
spec: {type: service, lifecycle: production, owner: payments, system: shop}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: bronze-one}
spec: {type: service, lifecycle: production, owner: payments, system: shop}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: no-level}
spec: {type: service, lifecycle: production, owner: user:nobody}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: a-library}
spec: {type: library, lifecycle: production, owner: payments}
"""

STANDARD = """\
apiVersion: charter.dev/v1
kind: Standard
metadata: {name: service-maturity}
spec:
  title: Service maturity
  appliesTo: {kind: Component, type: service}
  levels: [bronze, silver, gold]
  rules:
    - {id: has-owner, level: bronze, check: owner.exists}
    - {id: in-production, level: bronze, check: field.equals, with: {field: spec.lifecycle, value: production}}
    - {id: has-runbook, level: silver, check: annotation.exists, with: {key: charter.dev/runbook}}
    - {id: in-system, level: silver, check: relation.exists, with: {type: partOf, kind: system}}
    - {id: fast, level: gold, check: metric, with: {metric: delivery.lead_time_for_changes.p50, op: "<=", value: 1d}}
"""


def test_levels_are_cumulative_and_metric_without_data_is_unknown(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/all.yaml": CATALOG, "standards/maturity.yaml": STANDARD})
    context = load_context(tmp_path, None)
    [card] = build_scorecards(context.estate, {})
    scores = {score.entity.name: score for score in card.scores}
    assert set(scores) == {"gold-one", "bronze-one", "no-level"}  # the library is out of scope
    assert (scores["gold-one"].level, scores["gold-one"].pending) == ("silver", "gold")
    assert (scores["bronze-one"].level, [r.rule.id for r in scores["bronze-one"].failing]) == (
        "bronze",
        ["has-runbook"],
    )
    assert scores["no-level"].level is None
    fast = [r for r in scores["gold-one"].results if r.rule.id == "fast"][0]
    assert fast.outcome is Outcome.UNKNOWN


def test_metric_rule_uses_stored_values(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/all.yaml": CATALOG, "standards/maturity.yaml": STANDARD})
    context = load_context(tmp_path, None)
    gold = EntityRef("component", "default", "gold-one")
    bronze = EntityRef("component", "default", "bronze-one")
    metrics = {
        ("delivery.lead_time_for_changes.p50", gold): 3600.0,
        ("delivery.lead_time_for_changes.p50", bronze): 9e5,
    }
    [card] = build_scorecards(context.estate, metrics)
    scores = {score.entity.name: score for score in card.scores}
    assert scores["gold-one"].level == "gold"
    rollup = {r.group: r for r in card.by_team}
    assert rollup["group:payments"].total == 2
    assert rollup["group:payments"].at_least == {"bronze": 1.0, "silver": 0.5, "gold": 0.5}
    assert {r.group: r.total for r in card.by_system} == {"system:shop": 2, "(none)": 1}


def test_invalid_rules_are_diagnostics(tmp_path: Path) -> None:
    broken = STANDARD + (
        "    - {id: typo, level: bronze, check: owner.exist}\n"
        "    - {id: bad-level, level: platinum, check: owner.exists}\n"
        "    - {id: no-key, level: silver, check: annotation.exists}\n"
        "    - {id: bad-metric, level: gold, check: metric, with: {metric: speed, op: '<', value: 1}}\n"
        "    - {id: bad-value, level: gold, check: metric,\n"
        "       with: {metric: delivery.change_failure_rate, op: '<', value: low}}\n"
    )
    write_repo(tmp_path, {"catalog/all.yaml": CATALOG, "standards/maturity.yaml": broken})
    found = [
        (d.code, d.location.line if d.location else 0)
        for d in check_strategy(load_context(tmp_path, None), date.today()).diagnostics
        if d.location and d.location.path.startswith("standards/")
    ]
    assert found == [("STD001", 14), ("STD002", 15), ("STD003", 16), ("REF007", 17), ("STD003", 18)]

"""The rules `charter slo rules` writes, run through the real promtool: `promtool check rules` on
every SLO shape (each indicator kind, both output formats, both window sets, 7, 28 and 30-day
periods), and `promtool test rules` on synthetic series that burn the error budget at 15x, 7x,
3.5x and 1.2x, have no traffic, or disappear. Skips when promtool is not installed
(scripts/install-test-services.sh installs it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml

from charter.analysis.reliability.slo_rules import slo_rules
from charter.load.repository import load_strategy_repo
from charter.model.organization import Policies
from charter.outputs.prometheus_rules import render_prometheus_rule, render_rule_file
from charter.outputs.rules_format import RulesFormat
from tests.strategy import write_repo

PROMTOOL = shutil.which("promtool")
pytestmark = pytest.mark.skipif(PROMTOOL is None, reason="promtool is not installed (scripts/install-test-services.sh)")

SLOTH_SHAPES = """\
    version: prometheus/v1
    service: shop
    labels: {owner: team-a, charter.dev/component: shop}
    slos:
      - name: availability
        objective: 99.9
        sli:
          events:
            error_query: sum(rate(http_requests_total{job="shop",code=~"5.."}[{{.window}}]))
            total_query: sum(rate(http_requests_total{job="shop"}[{{.window}}]))
        alerting:
          name: ShopHighErrorRate
          page_alert: {labels: {severity: critical, routing_key: shop}}
      - name: raw
        objective: 99.5
        sli:
          raw: {error_ratio_query: 'avg_over_time(shop:error_ratio:rate1m[{{.window}}])'}
        alerting: {ticket_alert: {disable: true}}
"""
PYRRA_SHAPES = """\
    apiVersion: pyrra.dev/v1alpha1
    kind: ServiceLevelObjective
    metadata: {{name: {name}}}
    spec:
      target: "99"
      window: {window}
      indicator:
        {indicator}
"""
PYRRA_INDICATORS = {
    "api-errors": (
        "28d",
        'ratio: {errors: {metric: \'http_requests_total{job="api",code=~"5.."}\'}, '
        "total: {metric: 'http_requests_total{job=\"api\"}'}, grouping: [route]}",
    ),
    "api-latency": (
        "4w",
        'latency: {success: {metric: \'http_seconds_bucket{job="api",le="0.5"}\'}, '
        "total: {metric: 'http_seconds_count{job=\"api\"}'}}",
    ),
    "api-native": ("30d", "latencyNative: {total: {metric: 'http_seconds{job=\"api\"}'}, latency: 300ms}"),
    "probe": ("7d", "bool_gauge: {metric: 'probe_success{job=\"blackbox\"}'}"),
}
OPENSLO_SHAPES = """\
    apiVersion: openslo/v1
    kind: SLO
    metadata: {name: checkout}
    spec:
      service: checkout
      budgetingMethod: Occurrences
      timeWindow: [{duration: 7d, isRolling: true}]
      indicator:
        metadata: {name: checkout-ok}
        spec:
          ratioMetric:
            counter: true
            good: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(checkout_total{ok="true"}[{{.window}}]))'}}}
            total: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(checkout_total[{{.window}}]))'}}}
      objectives: [{target: 0.995}]
    ---
    apiVersion: openslo/v1
    kind: SLO
    metadata: {name: checkout-latency}
    spec:
      service: checkout
      budgetingMethod: Occurrences
      timeWindow: [{duration: 30d, isRolling: true}]
      indicator:
        metadata: {name: checkout-p99}
        spec:
          thresholdMetric:
            metricSource:
              type: Prometheus
              spec: {query: 'histogram_quantile(0.99, sum by (le) (rate(checkout_seconds_bucket[5m])))'}
      objectives: [{op: lt, value: 0.4, target: 0.99}]
    ---
    apiVersion: openslo/v1
    kind: SLO
    metadata: {name: checkout-raw}
    spec:
      service: checkout
      budgetingMethod: Occurrences
      indicator:
        metadata: {name: checkout-raw}
        spec:
          ratioMetric:
            rawType: success
            raw: {metricSource: {type: Prometheus, spec: {query: 'avg_over_time(checkout:success:ratio[{{.window}}])'}}}
      objectives: [{target: 0.99}]
    ---
    apiVersion: openslo/v1
    kind: SLO
    metadata: {name: checkout-graphed}
    spec:
      service: checkout
      budgetingMethod: Occurrences
      timeWindow: [{duration: 28d, isRolling: true}]
      indicator:
        metadata: {name: checkout-graphed}
        spec:
          ratioMetric:
            counter: true
            good: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(checkout_total{code!~"(5..|429)"}[1m]))'}}}
            total: {metricSource: {type: Prometheus, spec: {query: checkout_total}}}
      objectives: [{target: 0.995}]
"""


def _shape_files() -> dict[str, str]:
    files = {"slos/sloth.yaml": SLOTH_SHAPES, "slos/openslo.yaml": OPENSLO_SHAPES}
    for name, (window, indicator) in PYRRA_INDICATORS.items():
        files[f"slos/{name}.yaml"] = PYRRA_SHAPES.format(name=name, window=window, indicator=indicator)
    return files


def _promtool(*arguments: str | Path, cwd: Path) -> str:
    assert PROMTOOL is not None
    done = subprocess.run(
        [PROMTOOL, *map(str, arguments)], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.parametrize("windows", ["sloth", "pyrra"])
@pytest.mark.parametrize("output_format", list(RulesFormat))
def test_promtool_accepts_the_rules_of_every_slo_shape(
    tmp_path: Path, windows: Literal["sloth", "pyrra"], output_format: RulesFormat
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    write_repo(root, _shape_files())
    estate = load_strategy_repo(root)
    assert estate.load_diagnostics == []
    result = slo_rules(estate.slos.values(), Policies(slo_alert_windows=windows))
    assert result.diagnostics == ()
    assert sorted(rules.slo for rules in result.slos) == sorted(
        [
            "shop-availability",
            "shop-raw",
            "checkout",
            "checkout-latency",
            "checkout-raw",
            "checkout-graphed",
            *PYRRA_INDICATORS,
        ]
    )
    assert {rules.windows.period.days for rules in result.slos} == {7, 28, 30}

    if output_format is RulesFormat.rules:
        text = render_rule_file(result.groups)
    else:  # the operator's object holds a rule file's groups under spec.groups
        document = yaml.safe_load(render_prometheus_rule(result.groups))
        assert (document["apiVersion"], document["kind"]) == ("monitoring.coreos.com/v1", "PrometheusRule")
        text = yaml.safe_dump({"groups": document["spec"]["groups"]})
    (tmp_path / "rules.yml").write_text(text, encoding="utf-8")

    output = _promtool("check", "rules", "rules.yml", cwd=tmp_path)
    rules = sum(len(group.rules) for group in result.groups)
    assert f"SUCCESS: {rules} rules found" in output


# One Sloth SLO of 99.9% (an error budget of 0.1%) on a counter of 60 requests a minute.
SHOP = """\
    version: prometheus/v1
    service: shop
    slos:
      - name: availability
        objective: 99.9
        sli:
          events:
            error_query: sum(rate(http_requests_total{job="shop",code="500"}[{{.window}}]))
            total_query: sum(rate(http_requests_total{job="shop"}[{{.window}}]))
        alerting:
          name: ShopHighErrorRate
"""
REQUESTS_PER_MINUTE = 60
BUDGET = 0.001
HEALTHY_HISTORY = 3 * 24 * 60  # minutes: the longest alert window, so every window starts full
IDS = {"sloth_id": "shop-availability", "sloth_service": "shop", "sloth_slo": "availability"}


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _counter(segments: list[tuple[int, float]]) -> str:
    """promtool's expanding notation for a counter sampled every minute from 0, growing by
    `per_minute` for `minutes` in each segment."""
    parts, value = ["0"], 0.0
    for minutes, per_minute in segments:
        parts.append(f"{_number(value + per_minute)}+{_number(per_minute)}x{minutes - 1}")
        value += per_minute * minutes
    return " ".join(parts)


def _traffic(burn: float, minutes: int, history: int = HEALTHY_HISTORY) -> list[dict[str, str]]:
    """Healthy traffic for `history` minutes, then errors at `burn` times the sustainable rate."""
    errors = burn * BUDGET * REQUESTS_PER_MINUTE
    segments_ok = [(history, REQUESTS_PER_MINUTE)] if history else []
    segments_errors = [(history, 0.0)] if history else []
    return [
        {
            "series": 'http_requests_total{job="shop",code="200"}',
            "values": _counter([*segments_ok, (minutes, REQUESTS_PER_MINUTE - errors)]),
        },
        {
            "series": 'http_requests_total{job="shop",code="500"}',
            "values": _counter([*segments_errors, (minutes, errors)]),
        },
    ]


def _burn_alert(tier: str, window: str, ids: dict[str, str] = IDS) -> dict[str, Any]:
    """The alert Sloth's expression gives: the labels of the SLI series of the condition that
    matched first (`or` keeps the left side), and the rule's labels."""
    named = f"{ids['sloth_service']} {ids['sloth_slo']}"
    return {
        "exp_labels": {**ids, "sloth_window": window, "sloth_severity": tier, "severity": tier},
        "exp_annotations": {
            "title": f"({tier}) {named} SLO error budget burn rate is too fast.",
            "summary": f"{named} SLO error budget burn rate is over expected.",
        },
    }


def _run_unit_test(
    tmp_path: Path,
    test: dict[str, Any],
    policies: Policies | None = None,
    evaluation_interval: str = "1m",
    files: dict[str, str] | None = None,
) -> None:
    """Generate the rules of SHOP, check them, and run `test` on them. Series are sampled every
    minute; rules over days of history are evaluated every 10 or 30 minutes (the assertions'
    times are multiples of it) to keep the test fast."""
    root = tmp_path / "repo"
    root.mkdir()
    write_repo(root, files or {"slos/shop.yaml": SHOP})
    result = slo_rules(load_strategy_repo(root).slos.values(), policies or Policies())
    (tmp_path / "rules.yml").write_text(render_rule_file(result.groups), encoding="utf-8")
    _promtool("check", "rules", "rules.yml", cwd=tmp_path)
    unit = {
        "rule_files": ["rules.yml"],
        "evaluation_interval": evaluation_interval,
        "tests": [{"interval": "1m", **test}],
    }
    (tmp_path / "test.yml").write_text(yaml.safe_dump(unit, sort_keys=False), encoding="utf-8")
    _promtool("test", "rules", "test.yml", cwd=tmp_path)


def _alert_checks(times: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [
        {"eval_time": at, "alertname": "ShopHighErrorRate", "exp_alerts": expected} for at, expected in times.items()
    ]


def test_15x_pages_within_the_short_window_on_fresh_traffic(tmp_path: Path) -> None:
    # No history: every window holds only the burn, so the 5m and 1h ratios are 15x > 14.4x at
    # once; 15x is above the ticket's 3x as well (the 2h window matches first).
    test = {
        "input_series": _traffic(15, 10, history=0),
        "alert_rule_test": _alert_checks({"5m": [_burn_alert("page", "5m"), _burn_alert("ticket", "2h")]}),
    }
    _run_unit_test(tmp_path, test)


def test_15x_pages_once_the_1h_window_is_over_14_4x(tmp_path: Path) -> None:
    # After 3 healthy days the 1h ratio is 15x * minutes/60: 12.5x at 50m, 15x at 60m (> 14.4x);
    # the ticket's long windows are still low (1d: 0.6x < 3x, 3d: 0.2x < 1x).
    test = {
        "input_series": _traffic(15, 60),
        "alert_rule_test": _alert_checks({"4370m": [], "4380m": [_burn_alert("page", "5m")]}),
    }
    _run_unit_test(tmp_path, test, evaluation_interval="10m")


def test_7x_pages_through_the_6h_window(tmp_path: Path) -> None:
    # 7x never crosses 14.4x; the 6h ratio is 7x * minutes/360: 5.8x at 5h, 6.4x at 5h30m (> 6x).
    # The ticket's 1d ratio is then 1.6x < 3x and its 3d ratio 0.5x < 1x.
    test = {
        "input_series": _traffic(7, 330),
        "alert_rule_test": _alert_checks({"4620m": [], "4650m": [_burn_alert("page", "30m")]}),
    }
    _run_unit_test(tmp_path, test, evaluation_interval="30m")


def test_3_5x_opens_only_a_ticket(tmp_path: Path) -> None:
    # 3.5x is under both page factors; the 1d ratio is 3.5x * minutes/1440: 2.9x at 20h, 3.06x at
    # 21h (> 3x), when the 2h ratio (3.5x) matches too.
    test = {
        "input_series": _traffic(3.5, 21 * 60),
        "alert_rule_test": _alert_checks({"5520m": [], "5580m": [_burn_alert("ticket", "2h")]}),
    }
    _run_unit_test(tmp_path, test, evaluation_interval="30m")


def test_1_2x_opens_the_3d_ticket_after_enough_time(tmp_path: Path) -> None:
    # Only the slowest condition can see 1.2x (factor 1): its 3d ratio is 1.2x * minutes/4320,
    # 0.8x after 2 days and 1.1x after 2 days 18 hours.
    test = {
        "input_series": _traffic(1.2, 3960),
        "alert_rule_test": _alert_checks({"7200m": [], "8280m": [_burn_alert("ticket", "6h")]}),
    }
    _run_unit_test(tmp_path, test, evaluation_interval="30m")


def _sli(metric: str, window: str = "5m") -> str:
    labels = {**IDS, "sloth_window": window}  # a burn rate keeps the labels of its SLI series
    return metric + "{" + ",".join(f'{key}="{value}"' for key, value in sorted(labels.items())) + "}"


def test_no_traffic_records_nothing_and_fires_nothing(tmp_path: Path) -> None:
    # Both counters flat: 0 errors out of 0 requests. Sloth's unguarded ratio would be 0/0 = NaN;
    # the guarded one has no sample at all.
    test = {
        "input_series": [
            {"series": 'http_requests_total{job="shop",code="200"}', "values": "1000+0x180"},
            {"series": 'http_requests_total{job="shop",code="500"}', "values": "10+0x180"},
        ],
        "alert_rule_test": [
            {"eval_time": "3h", "alertname": "ShopHighErrorRate", "exp_alerts": []},
            {"eval_time": "3h", "alertname": "SLOMetricAbsent", "exp_alerts": []},
        ],
        "promql_expr_test": [
            {"expr": "slo:sli_error:ratio_rate5m", "eval_time": "3h", "exp_samples": []},
            {"expr": "slo:current_burn_rate:ratio", "eval_time": "3h", "exp_samples": []},
            {"expr": "slo:period_error_budget_remaining:ratio", "eval_time": "3h", "exp_samples": []},
        ],
    }
    _run_unit_test(tmp_path, test)


def test_traffic_without_an_error_series_records_zero(tmp_path: Path) -> None:
    # No 500 series exists yet, so the error query is empty; the ratio is 0, not missing.
    test = {
        "input_series": [{"series": 'http_requests_total{job="shop",code="200"}', "values": "0+60x60"}],
        "promql_expr_test": [
            {"expr": "slo:sli_error:ratio_rate5m", "eval_time": "1h", "exp_samples": [
                {"labels": _sli("slo:sli_error:ratio_rate5m"), "value": 0}]},
            {"expr": "slo:current_burn_rate:ratio", "eval_time": "1h", "exp_samples": [
                {"labels": _sli("slo:current_burn_rate:ratio"), "value": 0}]},
        ],
    }  # fmt: skip
    _run_unit_test(tmp_path, test)


def test_absent_alert_fires_when_the_series_disappears(tmp_path: Path) -> None:
    # Samples for 30 minutes, then none: after the 5m lookback the total is absent, and the alert
    # holds for 1m (Pyrra's AbsentDuration: 14.4 x 0.001 x 1h = 52s, to the minute).
    test = {
        "input_series": [{"series": 'http_requests_total{job="shop",code="200"}', "values": "0+60x30 _x60"}],
        "alert_rule_test": [
            {"eval_time": "20m", "alertname": "SLOMetricAbsent", "exp_alerts": []},
            {
                "eval_time": "60m",
                "alertname": "SLOMetricAbsent",
                "exp_alerts": [
                    {
                        "exp_labels": {**IDS, "sloth_severity": "page", "severity": "page"},
                        "exp_annotations": {
                            "title": "shop availability SLI series are absent.",
                            "summary": "The series the SLO is measured from are missing, so its burn-rate alerts "
                            "cannot fire.",
                        },
                    }
                ],
            },
        ],
    }
    _run_unit_test(tmp_path, test)


def test_pyrra_windows_hold_the_page_for_its_for_duration(tmp_path: Path) -> None:
    # Pyrra's set for 30 days: 5m/1h4m at 14x held 2m, 32m/6h26m at 7x held 16m. Fresh 15x
    # traffic meets both from the first rate on: at 2m both are pending, at 5m only the first has
    # held long enough.
    page = {**IDS, "sloth_window": "5m", "sloth_severity": "page", "severity": "page", "short": "5m", "long": "1h4m"}
    annotations = _burn_alert("page", "5m")["exp_annotations"]
    test = {
        "input_series": _traffic(15, 10, history=0),
        "alert_rule_test": [
            {"eval_time": "2m", "alertname": "ShopHighErrorRate", "exp_alerts": []},
            {"eval_time": "5m", "alertname": "ShopHighErrorRate", "exp_alerts": [
                {"exp_labels": page, "exp_annotations": annotations},
            ]},
        ],
    }  # fmt: skip
    _run_unit_test(tmp_path, test, policies=Policies(slo_alert_windows="pyrra"))


# The same SLO as OpenSLO writes it by hand: its queries as graphed, each with a range of its own.
SHOP_OPENSLO = """\
    apiVersion: openslo/v1
    kind: SLO
    metadata: {name: shop-availability}
    spec:
      service: shop
      budgetingMethod: Occurrences
      timeWindow: [{duration: 30d, isRolling: true}]
      indicator:
        metadata: {name: shop-requests}
        spec:
          ratioMetric:
            counter: true
            good:
              metricSource:
                type: Prometheus
                spec: {query: 'sum(rate(http_requests_total{job="shop",code!="500"}[1m]))'}
            total: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(http_requests_total{job="shop"}[1m]))'}}}
      objectives: [{target: 0.999}]
"""
OPENSLO_IDS = {"sloth_id": "shop-availability", "sloth_service": "shop", "sloth_slo": "shop-availability"}


def test_an_openslo_query_as_graphed_pages_at_15x_over_its_own_windows(tmp_path: Path) -> None:
    # The 1m ranges of the queries are made each window: the 5m and 1h error ratios are 15x the
    # budget (0.015), so the page fires at once, as it does for the Sloth spec.
    sli = OPENSLO_IDS | {"sloth_window": "1h"}
    test = {
        "input_series": _traffic(15, 10, history=0),
        "alert_rule_test": [
            {
                "eval_time": "5m",
                "alertname": "ErrorBudgetBurn",
                "exp_alerts": [_burn_alert("page", "5m", OPENSLO_IDS), _burn_alert("ticket", "2h", OPENSLO_IDS)],
            }
        ],
        "promql_expr_test": [
            {
                "expr": "round(slo:sli_error:ratio_rate1h * 1000)",  # per mille, 15 = 15 x 0.1%
                "eval_time": "10m",
                "exp_samples": [{"labels": _labels(sli), "value": 15}],
            }
        ],
    }
    _run_unit_test(tmp_path, test, files={"slos/shop.yaml": SHOP_OPENSLO})


def _labels(labels: dict[str, str]) -> str:
    return "{" + ",".join(f'{key}="{value}"' for key, value in sorted(labels.items())) + "}"


GOLDEN = Path(__file__).resolve().parents[1] / "golden"


@pytest.mark.parametrize("name", ["slo-rules.yml", "slo-rules-operator.yml"])
def test_promtool_accepts_the_demos_rule_files(tmp_path: Path, name: str) -> None:
    # The golden copies are `charter slo rules` on the demo, whose SLOs are OpenSLO files with
    # queries as graphed: every one of them has rules now.
    document = yaml.safe_load((GOLDEN / name).read_text(encoding="utf-8"))
    groups = document["spec"]["groups"] if "spec" in document else document["groups"]
    assert any(rule.get("record") == "slo:sli_error:ratio_rate5m" for group in groups for rule in group["rules"])
    (tmp_path / "rules.yml").write_text(yaml.safe_dump({"groups": groups}), encoding="utf-8")

    output = _promtool("check", "rules", "rules.yml", cwd=tmp_path)
    assert f"SUCCESS: {sum(len(group['rules']) for group in groups)} rules found" in output

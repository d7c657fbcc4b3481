"""`charter slo rules` in the library: Sloth's and Pyrra's windows and burn-rate factors, the SLI
error ratio of each indicator kind, the alerts and their labels, and the diagnostics of SLOs that
cannot have rules."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from charter.analysis.reliability.slo_rules import RulesResult, SloRules, slo_rules
from charter.analysis.reliability.slo_windows import burn_rate_factor, pyrra_windows, sloth_windows
from charter.load.repository import load_strategy_repo
from charter.model.estate import Estate
from charter.model.organization import Policies
from charter.model.prometheus_rules import AlertingRule, RecordingRule, prometheus_duration
from tests.strategy import write_repo

DAY = timedelta(days=1)


def _minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


# Sloth's own golden values: internal/alert/alert_test.go of slok/sloth at commit
# 13542b9cd75d8977cb02a9fd717d3913fd87fd0d ("Generating a 30 day time window using default windows"
# and "... 28 day time window ..."): (short, long, burn rate factor) for page quick, page slow,
# ticket quick, ticket slow. Windows from internal/alert/windows/google-{28d,30d}.yaml.
SLOTH_GOLDEN = {
    30: [
        (_minutes(5), timedelta(hours=1), 14.4),
        (_minutes(30), timedelta(hours=6), 6),
        (timedelta(hours=2), DAY, 3),
        (timedelta(hours=6), 3 * DAY, 1),
    ],
    28: [
        (_minutes(5), timedelta(hours=1), 13.44),
        (_minutes(30), timedelta(hours=6), 5.6000000000000005),
        (timedelta(hours=2), DAY, 2.8000000000000003),
        (timedelta(hours=6), 3 * DAY, 0.9333333333333333),
    ],
}


@pytest.mark.parametrize("days", [30, 28])
def test_sloth_windows_and_factors_are_bit_for_bit_sloths(days: int) -> None:
    windows = sloth_windows(days * DAY)

    assert [(w.short, w.long, w.factor) for w in windows.windows] == SLOTH_GOLDEN[days]
    assert [w.tier for w in windows.windows] == ["page", "page", "ticket", "ticket"]
    assert windows.sli_windows == (
        _minutes(5), _minutes(30), timedelta(hours=1), timedelta(hours=2), timedelta(hours=6), DAY, 3 * DAY,
    )  # fmt: skip


def test_factor_is_budget_share_times_period_over_long_window() -> None:
    # 2% of a 7-day budget (3.36 hours of it) spent in 1 hour: 3.36 times the sustainable rate.
    assert burn_rate_factor(2, 7 * DAY, timedelta(hours=1)) == pytest.approx(3.36)
    assert [w.factor for w in sloth_windows(7 * DAY).windows] == pytest.approx([3.36, 1.4, 0.7, 7 / 30])


def test_pyrra_windows_scale_with_the_period() -> None:
    # slo/rules.go `Windows` of pyrra-dev/pyrra: the 28-day values in its comments.
    four_weeks = pyrra_windows(28 * DAY)
    assert [(w.tier, w.short, w.long, w.hold, w.factor) for w in four_weeks.windows] == [
        ("page", _minutes(5), timedelta(hours=1), _minutes(2), 14),
        ("page", _minutes(30), timedelta(hours=6), _minutes(15), 7),
        ("ticket", timedelta(hours=2), DAY, timedelta(hours=1), 2),
        ("ticket", timedelta(hours=6), 4 * DAY, timedelta(hours=3), 1),
    ]
    # 30 days: 30d/8064 = 5m21.4s -> 5m; 30d/672 = 1h4m17s -> 1h4m; 30d/20160 = 2m8.6s -> 2m; ...
    thirty = pyrra_windows(30 * DAY)
    assert [(prometheus_duration(w.short), prometheus_duration(w.long), prometheus_duration(w.hold)) for w in
            thirty.windows] == [
        ("5m", "1h4m", "2m"), ("32m", "6h26m", "16m"), ("2h9m", "1d1h43m", "1h4m"), ("6h26m", "4d6h51m", "3h13m"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (_minutes(5), "5m"),
        (timedelta(hours=1), "1h"),
        (DAY, "1d"),
        (28 * DAY, "4w"),  # Prometheus writes weeks when they divide exactly
        (30 * DAY, "30d"),
        (365 * DAY, "1y"),
        (timedelta(hours=1, minutes=4), "1h4m"),
        (timedelta(0), "0s"),
    ],
)
def test_durations_are_written_as_prometheus_writes_them(duration: timedelta, text: str) -> None:
    assert prometheus_duration(duration) == text


SLOTH_SPEC = """\
    version: prometheus/v1
    service: shop
    labels:
      owner: team-a
      charter.dev/component: shop-api
    slos:
      - name: availability
        objective: 99.9
        sli:
          events:
            error_query: sum(rate(http_requests_total{job="shop",code=~"5.."}[{{.window}}]))
            total_query: sum(rate(http_requests_total{job="shop"}[{{ .window }}]))
        alerting:
          name: ShopHighErrorRate
          labels: {team: a}
          page_alert:
            labels: {severity: critical}
          ticket_alert:
            disable: true
      - name: raw-ratio
        objective: 99
        sli:
          raw:
            error_ratio_query: avg_over_time(shop:error_ratio[{{.window}}])
"""


def _load(tmp_path: Path, files: dict[str, str], organization: str | None = None) -> Estate:
    if organization is not None:
        files = {**files, "charter.yaml": organization}
    write_repo(tmp_path, files)
    return load_strategy_repo(tmp_path)


def _rules(estate: Estate, policies: Policies | None = None) -> RulesResult:
    assert [item for item in estate.load_diagnostics if item.code.startswith("SCH")] == []
    return slo_rules(estate.slos.values(), policies or Policies())


def _one(result: RulesResult, name: str) -> SloRules:
    return next(rules for rules in result.slos if rules.slo == name)


def _recorded(rules: SloRules) -> dict[str, RecordingRule]:
    return {rule.record: rule for rule in rules.group.rules if isinstance(rule, RecordingRule)}


def _alerts(rules: SloRules) -> list[AlertingRule]:
    return [rule for rule in rules.group.rules if isinstance(rule, AlertingRule)]


def test_sloth_events_sli_is_guarded_and_keeps_sloths_names_and_labels(tmp_path: Path) -> None:
    result = _rules(_load(tmp_path, {"slos/shop.yaml": SLOTH_SPEC}))
    rules = _one(result, "shop-availability")

    assert rules.group.name == "charter-slo-shop-availability"
    # In the order Prometheus must run them: SLI ratios, then what reads them, then the alerts.
    kinds = [type(rule).__name__ for rule in rules.group.rules]
    assert kinds == ["RecordingRule"] * (8 + 6) + ["AlertingRule"] * 2
    recorded = _recorded(rules)
    assert list(recorded)[:8] == [
        "slo:sli_error:ratio_rate5m", "slo:sli_error:ratio_rate30m", "slo:sli_error:ratio_rate1h",
        "slo:sli_error:ratio_rate2h", "slo:sli_error:ratio_rate6h", "slo:sli_error:ratio_rate1d",
        "slo:sli_error:ratio_rate3d", "slo:sli_error:ratio_rate30d",
    ]  # fmt: skip
    five = recorded["slo:sli_error:ratio_rate5m"]
    assert five.expr == (
        "(\n"
        '  (sum(rate(http_requests_total{job="shop",code=~"5.."}[5m])))\n'
        "  /\n"
        '  ((sum(rate(http_requests_total{job="shop"}[5m]))) > 0)\n'
        ")\n"
        "or\n"
        '(0 * ((sum(rate(http_requests_total{job="shop"}[5m]))) > 0))\n'
    )
    # The spec's labels, as Sloth copies them; charter.dev/component is no Prometheus label name.
    assert five.labels == {
        "owner": "team-a", "sloth_id": "shop-availability", "sloth_service": "shop", "sloth_slo": "availability",
        "sloth_window": "5m",
    }  # fmt: skip
    selector = '{sloth_id="shop-availability", sloth_service="shop", sloth_slo="availability"}'
    assert recorded["slo:sli_error:ratio_rate30d"].expr == (
        f"sum_over_time(slo:sli_error:ratio_rate5m{selector}[30d])\n"
        "/ ignoring (sloth_window)\n"
        f"count_over_time(slo:sli_error:ratio_rate5m{selector}[30d])\n"
    )
    assert recorded["slo:objective:ratio"].expr == "vector(0.999)"
    assert recorded["slo:error_budget:ratio"].expr == "vector(1-0.999)"
    assert recorded["slo:time_period:days"].expr == "vector(30)"
    assert recorded["slo:period_error_budget_remaining:ratio"].expr == (f"1 - slo:period_burn_rate:ratio{selector}")


def test_sloth_alert_joins_both_page_windows_and_takes_the_specs_labels(tmp_path: Path) -> None:
    result = _rules(_load(tmp_path, {"slos/shop.yaml": SLOTH_SPEC}))
    page, absent = _alerts(_one(result, "shop-availability"))  # the ticket alert is disabled

    selector = '{sloth_id="shop-availability", sloth_service="shop", sloth_slo="availability"}'
    assert page.alert == "ShopHighErrorRate"
    assert page.expr == (
        "(\n"
        f"    (slo:sli_error:ratio_rate5m{selector} > (14.4 * 0.001))\n"
        "    and ignoring (sloth_window)\n"
        f"    (slo:sli_error:ratio_rate1h{selector} > (14.4 * 0.001))\n"
        ")\n"
        "or ignoring (sloth_window)\n"
        "(\n"
        f"    (slo:sli_error:ratio_rate30m{selector} > (6 * 0.001))\n"
        "    and ignoring (sloth_window)\n"
        f"    (slo:sli_error:ratio_rate6h{selector} > (6 * 0.001))\n"
        ")\n"
    )
    assert page.hold == timedelta(0)
    assert page.labels == {
        "sloth_id": "shop-availability", "sloth_service": "shop", "sloth_slo": "availability",
        "sloth_severity": "page", "severity": "critical", "team": "a",
    }  # fmt: skip
    assert absent.alert == "SLOMetricAbsent"
    assert absent.expr == 'absent(sum(rate(http_requests_total{job="shop"}[5m])))'
    # Pyrra's AbsentDuration: 14.4 x 0.001 x 3600 s = 51 s, rounded to the minute.
    assert absent.hold == _minutes(1)


def test_raw_sli_drops_nan_samples(tmp_path: Path) -> None:
    result = _rules(_load(tmp_path, {"slos/shop.yaml": SLOTH_SPEC}))
    recorded = _recorded(_one(result, "shop-raw-ratio"))

    assert recorded["slo:sli_error:ratio_rate1h"].expr == "(avg_over_time(shop:error_ratio[1h])) >= 0\n"
    page, ticket, _absent = _alerts(_one(result, "shop-raw-ratio"))
    assert (page.alert, page.labels["severity"], ticket.labels["severity"]) == ("ErrorBudgetBurn", "page", "ticket")
    assert "(3 * 0.01)" in ticket.expr and "(1 * 0.01)" in ticket.expr


PYRRA = """\
    apiVersion: pyrra.dev/v1alpha1
    kind: ServiceLevelObjective
    metadata:
      name: {name}
      annotations: {annotations}
    spec:
      target: "99"
      window: 4w
      indicator:
{indicator}
      alerting: {alerting}
"""


def _pyrra(name: str, indicator: str, annotations: str = "{}", alerting: str = "{}") -> str:
    body = "\n".join(" " * 8 + line for line in indicator.strip().splitlines())
    return PYRRA.format(name=name, indicator=body, annotations=annotations, alerting=alerting)


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        (
            """
            ratio:
              errors: {metric: 'http_requests_total{job="api",code=~"5.."}'}
              total: {metric: 'http_requests_total{job="api"}'}
              grouping: [route]
            """,
            "(\n"
            '  (sum by (route) (rate(http_requests_total{job="api",code=~"5.."}[1h])))\n'
            "  /\n"
            '  ((sum by (route) (rate(http_requests_total{job="api"}[1h]))) > 0)\n'
            ")\n"
            "or\n"
            '(0 * ((sum by (route) (rate(http_requests_total{job="api"}[1h]))) > 0))\n',
        ),
        (
            """
            latency:
              success: {metric: 'http_duration_seconds_bucket{job="api",le="0.5"}'}
              total: {metric: 'http_duration_seconds_count{job="api"}'}
            """,
            "1 - (\n"
            '  (sum(rate(http_duration_seconds_bucket{job="api",le="0.5"}[1h])))\n'
            "  /\n"
            '  ((sum(rate(http_duration_seconds_count{job="api"}[1h]))) > 0)\n'
            ")\n",
        ),
        (
            """
            latencyNative:
              total: {metric: 'http_duration_seconds{job="api"}'}
              latency: 250ms
            """,
            '1 - histogram_fraction(0, 0.25, sum(rate(http_duration_seconds{job="api"}[1h]))) >= 0\n',
        ),
        (
            """
            bool_gauge:
              metric: 'probe_success{job="blackbox"}'
            """,
            "1 - (\n"
            '  (sum(sum_over_time(probe_success{job="blackbox"}[1h])))\n'
            "  /\n"
            '  ((sum(count_over_time(probe_success{job="blackbox"}[1h]))) > 0)\n'
            ")\n",
        ),
    ],
    ids=["ratio", "latency", "latency_native", "bool_gauge"],
)
def test_pyrra_indicators_become_guarded_error_ratios(tmp_path: Path, indicator: str, expected: str) -> None:
    result = _rules(_load(tmp_path, {"slos/api.yaml": _pyrra("api", indicator)}))

    assert _recorded(_one(result, "api"))["slo:sli_error:ratio_rate1h"].expr == expected
    # 28 days: Sloth's factors for 28d (13.44 ... 0.93), the 4w period window.
    assert "slo:sli_error:ratio_rate4w" in _recorded(_one(result, "api"))


def test_pyrra_window_set_from_policy_or_annotation(tmp_path: Path) -> None:
    ratio = """
        ratio:
          errors: {metric: 'errors_total{job="api"}'}
          total: {metric: 'requests_total{job="api"}'}
    """
    estate = _load(
        tmp_path,
        {
            "slos/a.yaml": _pyrra("by-policy", ratio),
            "slos/b.yaml": _pyrra("by-annotation", ratio, annotations="{charter.dev/alert-windows: sloth}"),
        },
    )
    result = _rules(estate, Policies(slo_alert_windows="pyrra"))

    pyrra = _one(result, "by-policy")
    assert pyrra.windows.name == "pyrra"
    alerts = _alerts(pyrra)
    # Pyrra writes one alert per window pair, each with its own `for`.
    assert [(a.labels["severity"], a.labels["short"], a.labels["long"], a.hold) for a in alerts[:4]] == [
        ("page", "5m", "1h", _minutes(2)),
        ("page", "30m", "6h", _minutes(15)),
        ("ticket", "2h", "1d", timedelta(hours=1)),
        ("ticket", "6h", "4d", timedelta(hours=3)),
    ]
    assert "> (14 * 0.01)" in alerts[0].expr
    # Pyrra's absent alert: 14 x 0.01 x 3600 s + 2m = 10m24s -> 10m.
    assert (alerts[4].alert, alerts[4].hold) == ("SLOMetricAbsent", _minutes(10))
    assert _one(result, "by-annotation").windows.name == "sloth"


def test_tiers_and_the_absent_alert_can_be_turned_off(tmp_path: Path) -> None:
    ratio = """
        ratio:
          errors: {metric: 'errors_total{job="api"}'}
          total: {metric: 'requests_total{job="api"}'}
    """
    estate = _load(
        tmp_path,
        {
            "slos/a.yaml": _pyrra("no-absent", ratio, alerting="{absent: false}"),
            "slos/b.yaml": _pyrra("no-burnrates", ratio, alerting="{burnrates: false}"),
            "slos/c.yaml": _pyrra("annotated", ratio, annotations='{charter.dev/absent-alert: "false"}'),
        },
    )
    result = _rules(estate)

    assert [a.alert for a in _alerts(_one(result, "no-absent"))] == ["ErrorBudgetBurn", "ErrorBudgetBurn"]
    assert [a.alert for a in _alerts(_one(result, "no-burnrates"))] == ["SLOMetricAbsent"]
    assert [a.alert for a in _alerts(_one(result, "annotated"))] == ["ErrorBudgetBurn", "ErrorBudgetBurn"]


OPENSLO = """\
    apiVersion: openslo/v1
    kind: SLO
    metadata: {{name: {name}}}
    spec:
      service: checkout
      budgetingMethod: Occurrences
      timeWindow: [{{duration: 7d, isRolling: true}}]
      indicator:
        metadata: {{name: {name}-sli}}
        spec:
{indicator}
      objectives: [{objective}]
"""


def _openslo(name: str, indicator: str, objective: str = "{target: 0.995}") -> str:
    body = "\n".join(" " * 10 + line for line in indicator.strip().splitlines())
    return OPENSLO.format(name=name, indicator=body, objective=objective)


def _prometheus_ratio(good: str, total: str, counter: str = "true") -> str:
    return f"""
        ratioMetric:
          counter: {counter}
          good: {{metricSource: {{type: Prometheus, spec: {{query: '{good}'}}}}}}
          total: {{metricSource: {{type: Prometheus, spec: {{query: '{total}'}}}}}}
    """


def test_an_openslo_query_without_a_window_is_measured_over_each_alert_window(tmp_path: Path) -> None:
    # As the demo and most OpenSLO files write it: the query as graphed, with a range of its own.
    graphed = _prometheus_ratio(
        'sum(rate(http_requests_total{job="shop",code!~"(5..|429)"}[1m]))',
        'sum(rate(http_requests_total{job="shop"}[1m]))',
    )
    result = _rules(_load(tmp_path, {"slos/shop.yaml": _openslo("shop", graphed)}))

    assert result.diagnostics == ()
    assert _recorded(_one(result, "shop"))["slo:sli_error:ratio_rate6h"].expr == (
        '1 - (\n  (sum(rate(http_requests_total{job="shop",code!~"(5..|429)"}[6h])))\n  /\n'
        '  ((sum(rate(http_requests_total{job="shop"}[6h]))) > 0)\n)\n'
    )
    absent = next(alert for alert in _alerts(_one(result, "shop")) if alert.alert == "SLOMetricAbsent")
    assert absent.expr == 'absent(sum(rate(http_requests_total{job="shop"}[5m])))'


@pytest.mark.parametrize(
    ("counter", "good", "expected"),
    [
        # A bare series selector of a counter is wrapped as Pyrra wraps its metrics.
        ("true", 'checkout_total{ok="true"}', 'sum(rate(checkout_total{ok="true"}[30m]))'),
        # A gauge of events is summed over the window.
        ("false", 'checkout_events{ok="true"}', 'sum(sum_over_time(checkout_events{ok="true"}[30m]))'),
        # Every range is the window; brackets in a label's regular expression are not ranges.
        (
            "true",
            'sum(rate(a_total{code=~"[23].."}[5m])) + sum(rate(b_total[1h30m]))',
            'sum(rate(a_total{code=~"[23].."}[30m])) + sum(rate(b_total[30m]))',
        ),
        # A query that already says `{{.window}}`, as Sloth's OpenSLO reader wants it, is kept.
        ("true", "sum(rate(checkout_total[{{.window}}]))", "sum(rate(checkout_total[30m]))"),
    ],
)
def test_openslo_queries_take_each_window_as_their_range(
    tmp_path: Path, counter: str, good: str, expected: str
) -> None:
    total = "checkout_total" if counter == "true" else "checkout_events"
    indicator = _prometheus_ratio(good, total, counter)
    result = _rules(_load(tmp_path, {"slos/checkout.yaml": _openslo("checkout", indicator)}))

    assert result.diagnostics == ()
    ratio = _recorded(_one(result, "checkout"))["slo:sli_error:ratio_rate30m"].expr
    assert ratio.splitlines()[1] == f"  ({expected})"


def test_an_openslo_raw_ratio_selector_is_averaged_over_each_window(tmp_path: Path) -> None:
    raw = """
        ratioMetric:
          rawType: failure
          raw: {metricSource: {type: Prometheus, spec: {query: 'checkout:error:ratio'}}}
    """
    result = _rules(_load(tmp_path, {"slos/raw.yaml": _openslo("raw", raw)}))

    assert _recorded(_one(result, "raw"))["slo:sli_error:ratio_rate1h"].expr == (
        "(avg_over_time(checkout:error:ratio[1h])) >= 0\n"
    )


@pytest.mark.parametrize(
    ("good", "reason"),
    [
        ("sum(checkout:ok:rate5m)", "it has no range selector such as [5m] to measure each alert window by"),
        (
            "sum(rate(checkout_total[5m:1m]))",
            "its range [5m:1m] is not a duration (a subquery has no single window)",
        ),
    ],
)
def test_an_openslo_query_whose_window_cannot_be_told_is_rel011(tmp_path: Path, good: str, reason: str) -> None:
    indicator = _prometheus_ratio(good, "checkout_total")
    result = _rules(_load(tmp_path, {"slos/checkout.yaml": _openslo("checkout", indicator)}))

    [found] = result.diagnostics
    assert (found.code, found.entity) == ("REL011", "slo:checkout")
    assert found.message == (
        f"SLO 'checkout': the good query cannot be measured over each alert window, {reason}: {good}"
    )


def test_a_sloth_plugin_slo_is_skipped_without_an_error(tmp_path: Path) -> None:
    plugin = """\
    version: prometheus/v1
    service: platform
    slos:
      - name: apiserver
        objective: 99
        sli:
          plugin: {id: sloth-common/kubernetes/apiserver/availability}
      - name: requests
        objective: 99
        sli:
          raw: {error_ratio_query: 'avg_over_time(platform:error:ratio[{{.window}}])'}
"""
    estate = _load(tmp_path, {"slos/platform.yaml": plugin})
    result = _rules(estate)

    assert result.diagnostics == ()
    assert [rules.slo for rules in result.slos] == ["platform-requests"]
    assert [item.code for item in estate.load_diagnostics] == ["REL018"]  # the loader's warning, not an error


def test_openslo_prometheus_ratio_and_threshold(tmp_path: Path) -> None:
    good = """
        ratioMetric:
          counter: true
          good:
            metricSource:
              type: Prometheus
              spec: {query: 'sum(rate(checkout_total{status="ok"}[{{.window}}]))'}
          total:
            metricSource:
              type: Prometheus
              spec: {query: 'sum(rate(checkout_total[{{.window}}]))'}
    """
    threshold = """
        thresholdMetric:
          metricSource:
            type: Prometheus
            spec: {query: 'histogram_quantile(0.99, sum by (le) (rate(checkout_seconds_bucket[5m])))'}
    """
    estate = _load(
        tmp_path,
        {
            "slos/good.yaml": _openslo("good", good),
            "slos/threshold.yaml": _openslo("latency", threshold, "{op: lte, value: 0.3, target: 0.99}"),
        },
    )
    result = _rules(estate)

    good_rules = _recorded(_one(result, "good"))
    assert good_rules["slo:sli_error:ratio_rate30m"].expr == (
        '1 - (\n  (sum(rate(checkout_total{status="ok"}[30m])))\n  /\n  ((sum(rate(checkout_total[30m]))) > 0)\n)\n'
    )
    assert good_rules["slo:time_period:days"].expr == "vector(7)"
    assert "slo:sli_error:ratio_rate1w" in good_rules
    # Each minute's value of the query is an event; it is bad above 0.3 (the objective is lte 0.3).
    assert _recorded(_one(result, "latency"))["slo:sli_error:ratio_rate6h"].expr == (
        "avg_over_time(((histogram_quantile(0.99, sum by (le) (rate(checkout_seconds_bucket[5m])))) > bool 0.3)"
        "[6h:1m])\n"
    )


def test_sloth_equality_on_the_published_sloth_examples(tmp_path: Path, shared_fixtures: Path) -> None:
    write_repo(tmp_path, {})
    (tmp_path / "slos").mkdir()
    for path in sorted((shared_fixtures / "sloth").glob("*.yml")):
        shutil.copy(path, tmp_path / "slos" / path.name)
    result = _rules(load_strategy_repo(tmp_path))

    assert [rules.slo for rules in result.slos] == [
        "myservice-requests-availability",
        "home-wifi-good-wifi-client-satisfaction",
        "home-wifi-risk-wifi-client-satisfaction",
    ]
    for rules in result.slos:  # a Sloth spec names no period: 30 days, Sloth's default
        assert [(w.short, w.long, w.factor) for w in rules.windows.windows] == SLOTH_GOLDEN[30]
    # examples/_gen/getting-started.yml of slok/sloth (commit 886f97a25b61): the alert's thresholds
    # and windows, its labels, and Sloth's severity label.
    page, ticket, _absent = _alerts(result.slos[0])
    assert _conditions(page.expr) == [("5m", "14.4"), ("1h", "14.4"), ("30m", "6"), ("6h", "6")]
    assert _conditions(ticket.expr) == [("2h", "3"), ("1d", "3"), ("6h", "1"), ("3d", "1")]
    assert {key: page.labels[key] for key in ("category", "routing_key", "severity", "sloth_severity")} == {
        "category": "availability", "routing_key": "myteam", "severity": "pageteam", "sloth_severity": "page",
    }  # fmt: skip
    assert ticket.labels["slack_channel"] == "#alerts-myteam"
    assert page.annotations["summary"] == "High error rate on 'myservice' requests responses"
    wifi_page = _alerts(result.slos[1])[0]
    assert _conditions(wifi_page.expr)[0] == ("5m", "14.4") and "(14.4 * 0.05)" in wifi_page.expr


def _conditions(expr: str) -> list[tuple[str, str]]:
    return re.findall(r"slo:sli_error:ratio_rate(\w+)\{[^}]*\} > \(([\d.]+) \*", expr)


def test_in_test_sloth_spec_with_a_28_day_policy_period(tmp_path: Path) -> None:
    organization = """\
        apiVersion: charter.dev/v1
        kind: Organization
        metadata: {name: acme}
        spec:
          policies: {sloPeriod: 28d, sloAlertWindows: sloth}
        """
    estate = _load(tmp_path, {"slos/shop.yaml": SLOTH_SPEC}, organization)
    assert estate.organization is not None
    result = _rules(estate, estate.organization.spec.policies)

    rules = _one(result, "shop-raw-ratio")
    assert [(w.short, w.long, w.factor) for w in rules.windows.windows] == SLOTH_GOLDEN[28]
    page, ticket, _ = _alerts(rules)
    assert _conditions(page.expr) == [("5m", "13.44"), ("1h", "13.44"), ("30m", "5.6000000000000005"),
                                      ("6h", "5.6000000000000005")]  # fmt: skip
    assert _conditions(ticket.expr)[2:] == [("6h", "0.9333333333333333"), ("3d", "0.9333333333333333")]
    assert "slo:sli_error:ratio_rate4w" in _recorded(rules)


BAD_SLOTH = """\
    version: prometheus/v1
    service: shop
    slos:
      - name: no-window
        objective: 99.9
        sli:
          events:
            error_query: sum(rate(errors_total[5m]))
            total_query: sum(rate(requests_total[{{.window}}]))
      - name: hundred
        objective: 100
        sli:
          raw: {error_ratio_query: 'avg_over_time(x[{{.window}}])'}
      - name: plugin
        objective: 99
        sli:
          plugin: {id: sloth-common/kubernetes/apiserver/availability}
      - name: other-template
        objective: 99
        sli:
          raw: {error_ratio_query: 'avg_over_time(x{job="{{.job}}"}[{{.window}}])'}
"""


def test_slos_that_cannot_have_rules_are_diagnosed_where_they_are_written(tmp_path: Path) -> None:
    not_prometheus = """
        ratioMetric:
          good: {metricSource: {type: Datadog, spec: {query: 'sum:ok{*}'}}}
          total: {metricSource: {type: Datadog, spec: {query: 'sum:all{*}'}}}
    """
    no_query = """
        ratioMetric:
          good: {metricSource: {type: Prometheus, spec: {metric: http_requests_total}}}
          total: {metricSource: {type: Prometheus, spec: {metric: http_requests_total}}}
    """
    estate = _load(
        tmp_path,
        {
            "slos/bad.yaml": BAD_SLOTH,
            "slos/datadog.yaml": _openslo("datadog", not_prometheus),
            "slos/no-query.yaml": _openslo("no-query", no_query),
            "slos/expression.yaml": _pyrra("expression", "bool_gauge: {metric: 'sum(up)'}"),
            "slos/no-le.yaml": _pyrra(
                "no-le", "latency: {success: {metric: 'd_bucket{job=\"a\"}'}, total: {metric: 'd_count'}}"
            ),
            "slos/windows.yaml": _pyrra(
                "windows", "bool_gauge: {metric: up}", annotations="{charter.dev/alert-windows: google}"
            ),
        },
    )
    result = _rules(estate)

    assert result.slos == ()
    found = {(item.entity, item.code, item.severity.value, item.location.pointer if item.location else None)
             for item in result.diagnostics}  # fmt: skip
    assert found == {
        ("slo:shop-no-window", "REL011", "error", ("slos", 0, "sli", "events", "error_query")),
        ("slo:shop-hundred", "REL012", "error", ("slos", 1)),
        ("slo:no-query", "REL013", "error", ()),
        ("slo:shop-other-template", "REL014", "error", ("slos", 3, "sli", "raw", "error_ratio_query")),
        ("slo:datadog", "REL010", "info", ()),
        ("slo:expression", "REL017", "error", ("spec", "indicator", "bool_gauge", "metric")),
        ("slo:no-le", "REL017", "error", ("spec", "indicator", "latency")),
        ("slo:windows", "REL016", "error", ()),
    }
    messages = {item.code: item.message for item in result.diagnostics}
    assert messages["REL011"] == "SLO 'shop-no-window': the bad query has no {{.window}}: sum(rate(errors_total[5m]))"
    assert messages["REL012"] == "SLO 'shop-hundred' has objective 100%"


def test_a_period_shorter_than_the_alert_windows_is_an_error(tmp_path: Path) -> None:
    short = _pyrra("short", "bool_gauge: {metric: up}").replace("window: 4w", "window: 2d")
    result = _rules(_load(tmp_path, {"slos/short.yaml": short}))

    assert [(item.code, item.message) for item in result.diagnostics] == [
        ("REL015", "SLO 'short': its period 2d is shorter than the 3d alert window of the sloth window set")
    ]
    # Pyrra's windows scale down with the period, so the same SLO has rules with them.
    assert [rules.slo for rules in _rules(load_strategy_repo(tmp_path), Policies(slo_alert_windows="pyrra")).slos] == [
        "short"
    ]

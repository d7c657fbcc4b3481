"""Pyrra ServiceLevelObjectives become `Slo`s: ratio, latency, latencyNative and bool_gauge
indicators, the string target in percent, the window, alerting defaults and the component label;
an SLO is identified by namespace and name, as in Kubernetes."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from charter.cli.app import app
from charter.load.repository import load_strategy_repo
from charter.model.diagnostics import Diagnostic
from charter.model.estate import Estate
from charter.model.refs import parse_ref
from charter.model.slo import BurnRateAlert, MetricQuery, SloAlerting, SloIndicator
from tests.strategy import write_repo


def _load(tmp_path: Path, files: dict[str, str]) -> Estate:
    return load_strategy_repo(write_repo(tmp_path, files))


def _problems(estate: Estate) -> list[Diagnostic]:
    return [item for item in estate.load_diagnostics if item.code.startswith(("SCH", "REF"))]


RATIO = """\
    apiVersion: pyrra.dev/v1alpha1
    kind: ServiceLevelObjective
    metadata:
      name: checkout-errors
      namespace: monitoring
      labels:
        charter.dev/component: checkout
        prometheus: k8s
    spec:
      description: Checkout requests succeed
      target: "99.5"
      window: 28d
      indicator:
        ratio:
          errors:
            metric: http_requests_total{job="checkout",code=~"5.."}
          total:
            metric: http_requests_total{job="checkout"}
          grouping: [route]
      alerting:
        name: CheckoutErrorBudgetBurn
        absent: false
"""


def test_ratio_indicator_with_target_in_percent(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/checkout.yaml": RATIO})

    assert _problems(estate) == []
    slo = estate.slos["checkout-errors"]
    assert slo.source_format == "pyrra"
    assert slo.objective == 0.995
    assert slo.period == timedelta(days=28)
    assert slo.rolling is True
    assert slo.component == "checkout"
    assert slo.service == "checkout"
    assert slo.description == "Checkout requests succeed"
    assert slo.indicator == SloIndicator(
        kind="ratio",
        bad=MetricQuery('http_requests_total{job="checkout",code=~"5.."}', "Prometheus"),
        total=MetricQuery('http_requests_total{job="checkout"}', "Prometheus"),
        grouping=("route",),
    )
    assert slo.alerting == SloAlerting(name="CheckoutErrorBudgetBurn", absent=False)


LATENCY = """\
    apiVersion: pyrra.dev/v1alpha1
    kind: ServiceLevelObjective
    metadata:
      name: search-latency
      labels:
        service: search
      annotations:
        charter.dev/component: search-api
    spec:
      target: "95"
      window: 2w
      indicator:
        latency:
          success:
            metric: http_request_duration_seconds_bucket{job="search",le="0.25"}
          total:
            metric: http_request_duration_seconds_count{job="search"}
"""


def test_latency_indicator_and_component_annotation(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/search.yaml": LATENCY})

    assert _problems(estate) == []
    slo = estate.slos["search-latency"]
    assert slo.objective == 0.95
    assert slo.period == timedelta(weeks=2)
    assert slo.component == "search-api"
    assert slo.service == "search-api"
    assert slo.indicator == SloIndicator(
        kind="latency",
        good=MetricQuery('http_request_duration_seconds_bucket{job="search",le="0.25"}', "Prometheus"),
        total=MetricQuery('http_request_duration_seconds_count{job="search"}', "Prometheus"),
    )
    # Pyrra generates burn-rate and absent alerts unless told not to.
    assert slo.alerting == SloAlerting(name="ErrorBudgetBurn", absent=True)


LATENCY_NATIVE = """\
    apiVersion: pyrra.dev/v1alpha1
    kind: ServiceLevelObjective
    metadata:
      name: api-latency
      labels:
        service: api
    spec:
      target: "99"
      window: 1w
      indicator:
        latencyNative:
          latency: 500ms
          total:
            metric: http_request_duration_seconds{job="api"}
          grouping: [handler]
      alerting:
        burnrates: false
"""


def test_native_latency_indicator_and_service_label(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/api.yaml": LATENCY_NATIVE})

    assert _problems(estate) == []
    slo = estate.slos["api-latency"]
    assert slo.component is None
    assert slo.service == "api"
    assert slo.indicator == SloIndicator(
        kind="latency_native",
        total=MetricQuery('http_request_duration_seconds{job="api"}', "Prometheus"),
        latency=timedelta(milliseconds=500),
        grouping=("handler",),
    )
    assert slo.alerting is not None
    assert slo.alerting.page == BurnRateAlert(enabled=False) and slo.alerting.ticket == BurnRateAlert(enabled=False)


BOOL_GAUGE = """\
    apiVersion: pyrra.dev/v1alpha1
    kind: ServiceLevelObjective
    metadata:
      name: probe-up
    spec:
      target: "99.95"
      window: 30d
      indicator:
        bool_gauge:
          metric: probe_success{job="blackbox"}
"""


def test_bool_gauge_indicator(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/probe.yaml": BOOL_GAUGE})

    assert _problems(estate) == []
    slo = estate.slos["probe-up"]
    assert slo.objective == 0.9995
    assert slo.service is None and slo.component is None
    assert slo.indicator == SloIndicator(
        kind="bool_gauge", query=MetricQuery('probe_success{job="blackbox"}', "Prometheus")
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            BOOL_GAUGE.replace('"99.95"', '"ninety"'),
            6,
            "spec.target: Input should be a valid number, unable to parse string as a number (got 'ninety')",
        ),
        (
            BOOL_GAUGE.replace('"99.95"', '"120"'),
            6,
            "spec.target: Input should be less than or equal to 100 (got '120')",
        ),
        (BOOL_GAUGE.replace('      target: "99.95"\n', ""), 5, "spec.target: required field is missing"),
        (
            BOOL_GAUGE.replace("30d", "a month"),
            7,
            "spec.window: 'a month' is not a duration like 30d, 6h or 5m (got 'a month')",
        ),
        (
            BOOL_GAUGE.replace("30d", "30"),
            7,
            "spec.window: write the duration as a string such as 28d, 4w or 1h30m (got 30)",
        ),
        (
            BOOL_GAUGE.replace("bool_gauge", "gauge"),
            8,
            "spec.indicator: give exactly one of ratio, latency, latencyNative or bool_gauge",
        ),
        (
            RATIO.replace(
                '          errors:\n            metric: http_requests_total{job="checkout",code=~"5.."}\n', ""
            ),
            14,
            "spec.indicator.ratio.errors: required field is missing",
        ),
    ],
    ids=[
        "string-target",
        "target-above-100",
        "no-target",
        "bad-window",
        "number-window",
        "no-indicator",
        "ratio-without-errors",
    ],
)
def test_invalid_pyrra_slo_is_sch003_at_the_offending_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    estate = _load(tmp_path, {"slos/bad.yaml": text})

    [diagnostic] = _problems(estate)
    assert (diagnostic.code, diagnostic.message) == ("SCH003", message)
    assert diagnostic.location is not None and diagnostic.location.line == line
    assert estate.slos == {}


def test_other_pyrra_kind_is_sch004(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/other.yaml": BOOL_GAUGE.replace("ServiceLevelObjective", "Dashboard")})

    assert [item.code for item in _problems(estate)] == ["SCH004"]


def _availability(namespace: str) -> str:
    return f"""\
    apiVersion: pyrra.dev/v1alpha1
    kind: ServiceLevelObjective
    metadata:
      name: availability
      namespace: {namespace}
    spec:
      target: "99.5"
      window: 4w
      indicator:
        ratio:
          errors: {{metric: 'http_requests_total{{namespace="{namespace}",code=~"5.."}}'}}
          total: {{metric: 'http_requests_total{{namespace="{namespace}"}}'}}
    """


TWO_NAMESPACES = {"slos/payments.yaml": _availability("payments"), "slos/search.yaml": _availability("search")}


def test_one_name_in_two_namespaces_is_two_slos_named_by_namespace(tmp_path: Path) -> None:
    estate = _load(tmp_path, TWO_NAMESPACES)

    assert _problems(estate) == []
    assert list(estate.slos) == ["payments/availability", "search/availability"]
    payments = estate.slos["payments/availability"]
    assert (payments.declared_name, payments.namespace) == ("availability", "payments")
    assert payments.location is not None and payments.location.path == "slos/payments.yaml"


def test_a_name_no_other_namespace_uses_stays_the_name(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/payments.yaml": _availability("payments"), "slos/checkout.yaml": RATIO})

    assert list(estate.slos) == ["checkout-errors", "availability"]
    assert estate.slos["availability"].namespace == "payments"


def test_one_name_twice_in_one_namespace_is_ref002(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/a.yaml": _availability("payments"), "slos/b.yaml": _availability("payments")})

    [duplicate] = _problems(estate)
    assert duplicate.code == "REF002"
    assert duplicate.message == "SLO 'payments/availability' is declared twice (first declared at slos/a.yaml:1:1)"
    assert duplicate.location is not None and duplicate.location.path == "slos/b.yaml"
    assert list(estate.slos) == ["payments/availability"]


CATALOG = """\
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: search-api
      annotations:
        charter.dev/slos: search/availability
    spec: {type: service, lifecycle: production, owner: group:search}
    ---
    apiVersion: backstage.io/v1alpha1
    kind: Group
    metadata: {name: search}
    spec: {type: team, children: []}
    ---
    apiVersion: charter.dev/v1
    kind: Initiative
    metadata: {name: move-search}
    spec:
      type: migration
      owner: group:search
      estimate: {teamWeeks: 2}
      migration:
        rollbackPlan: https://wiki.example.com/rollback
        successCriteria: [no errors]
        observability: [slo:payments/availability]
"""


def test_references_name_the_slo_by_namespace_and_name(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {**TWO_NAMESPACES, "catalog/search.yaml": CATALOG})
    estate = load_strategy_repo(root)

    assert estate.component_slos == {parse_ref("component:search-api"): ["search/availability"]}
    check = CliRunner().invoke(app, ["check", "--repo", str(root), "--format", "json", "--select", "REF,MIG"])
    assert check.exit_code == 0, check.output
    # The annotation joins search/availability; payments/availability joins nothing.
    found = [(item["code"], item["entity"]) for item in json.loads(check.stdout)["diagnostics"]]
    assert found == [("REF005", "slo:payments/availability")]


def test_slo_rules_for_one_name_in_two_namespaces(tmp_path: Path) -> None:
    root = write_repo(tmp_path, TWO_NAMESPACES)

    every = CliRunner().invoke(app, ["slo", "rules", "--repo", str(root)])
    one = CliRunner().invoke(app, ["slo", "rules", "--repo", str(root), "--slo", "search/availability"])

    assert (every.exit_code, one.exit_code) == (0, 0), every.output
    groups = [group["name"] for group in yaml.safe_load(every.stdout)["groups"]]
    assert groups == ["charter-slo-payments/availability", "charter-slo-search/availability"]
    assert [group["name"] for group in yaml.safe_load(one.stdout)["groups"]] == ["charter-slo-search/availability"]

"""OpenSLO v1 documents become `Slo`s: every indicator shape, window, budgeting method and
objective list, indicatorRef across documents and files, and bad input as SCH003 at its line."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from charter.load.context import LoadContext, SourceFile
from charter.load.documents import read_document
from charter.load.readers import YAML_READERS
from charter.load.repository import load_strategy_repo
from charter.load.slos_openslo import parse_shorthand, report_unresolved_indicators
from charter.load.yaml12 import parse_yaml_documents
from charter.model.diagnostics import Diagnostic
from charter.model.estate import Estate
from charter.model.slo import CalendarWindow, MetricQuery, SloAlerting, SloIndicator
from tests.strategy import write_repo


def _load(tmp_path: Path, files: dict[str, str]) -> Estate:
    return load_strategy_repo(write_repo(tmp_path, files))


def _problems(estate: Estate) -> list[Diagnostic]:
    return [item for item in estate.load_diagnostics if item.code.startswith(("SCH", "REF"))]


RATIO_GOOD_TOTAL = """\
    apiVersion: openslo/v1
    kind: SLO
    metadata:
      name: checkout-availability
      displayName: Checkout availability
      labels:
        charter.dev/component: checkout
        tags: [payments, tier-1]
      annotations:
        openslo.com/owner: payments
    spec:
      description: Checkout requests succeed
      service: checkout-service
      indicator:
        metadata:
          name: checkout-good-requests
        spec:
          ratioMetric:
            counter: true
            good:
              metricSource:
                type: Prometheus
                metricSourceRef: prometheus-main
                spec:
                  query: sum(rate(http_requests_total{job="checkout",code!~"5.."}[5m]))
            total:
              metricSource:
                type: Prometheus
                spec:
                  query: sum(rate(http_requests_total{job="checkout"}[5m]))
                  region: eu-west-1
      timeWindow:
        - duration: 28d
          isRolling: true
      budgetingMethod: Occurrences
      objectives:
        - displayName: Most requests succeed
          target: 0.999
      alertPolicies:
        - alertPolicyRef: checkout-burn
"""


def test_ratio_good_over_total_rolling_occurrences(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/checkout.yaml": RATIO_GOOD_TOTAL})

    assert _problems(estate) == []
    slo = estate.slos["checkout-availability"]
    assert slo.source_format == "openslo"
    assert slo.objective == 0.999
    assert slo.service == "checkout-service"
    assert slo.component == "checkout"
    assert slo.labels == {"charter.dev/component": "checkout", "tags": "payments,tier-1"}
    assert slo.annotations == {"openslo.com/owner": "payments"}
    assert slo.period == timedelta(days=28)
    assert slo.rolling is True and slo.calendar is None
    assert slo.budgeting == "occurrences"
    assert slo.display_name == "Checkout availability"
    assert slo.description == "Checkout requests succeed"
    assert slo.objective_name == "Most requests succeed"
    assert slo.alerting == SloAlerting(policies=("checkout-burn",))
    assert slo.indicator == SloIndicator(
        kind="ratio",
        good=MetricQuery(
            'sum(rate(http_requests_total{job="checkout",code!~"5.."}[5m]))', "Prometheus", "prometheus-main"
        ),
        total=MetricQuery(
            'sum(rate(http_requests_total{job="checkout"}[5m]))', "Prometheus", None, {"region": "eu-west-1"}
        ),
        counter=True,
        name="checkout-good-requests",
    )
    assert slo.location is not None and (slo.location.path, slo.location.line) == ("slos/checkout.yaml", 1)


BAD_OVER_TOTAL_CALENDAR = """\
    apiVersion: openslo/v1
    kind: SLO
    metadata:
      name: search-errors
    spec:
      service: search
      indicator:
        metadata:
          name: search-errors
        spec:
          ratioMetric:
            bad:
              metricSource:
                type: Datadog
                spec:
                  query: sum:search.errors{*}.as_count()
            total:
              metricSource:
                type: Datadog
                spec:
                  query: sum:search.requests{*}.as_count()
      timeWindow:
        - duration: 1M
          calendar:
            startTime: 2024-01-01 00:00:00
            timeZone: Europe/Berlin
      budgetingMethod: Timeslices
      objectives:
        - targetPercent: 99.5
          timeSliceTarget: 0.95
          timeSliceWindow: 5m
"""


def test_ratio_bad_over_total_calendar_timeslices(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/search.yaml": BAD_OVER_TOTAL_CALENDAR})

    assert _problems(estate) == []
    slo = estate.slos["search-errors"]
    assert slo.objective == 0.995
    assert slo.indicator is not None
    assert slo.indicator.kind == "ratio" and slo.indicator.good is None
    assert slo.indicator.bad == MetricQuery("sum:search.errors{*}.as_count()", "Datadog")
    assert slo.indicator.total == MetricQuery("sum:search.requests{*}.as_count()", "Datadog")
    assert slo.rolling is False  # a calendar and no isRolling: calendar-aligned
    assert slo.calendar == CalendarWindow("1M", datetime(2024, 1, 1), "Europe/Berlin")
    assert slo.period == timedelta(days=30)
    assert slo.budgeting == "timeslices"
    assert slo.timeslice_target == 0.95
    assert slo.timeslice_window == timedelta(minutes=5)
    assert slo.component is None and slo.alerting is None


THRESHOLD = """\
    apiVersion: openslo/v1
    kind: SLO
    metadata:
      name: search-latency
    spec:
      service: search
      indicator:
        metadata:
          name: search-p99
          displayName: p99 latency
        spec:
          description: The 99th percentile of search latency
          thresholdMetric:
            metricSource:
              metricSourceRef: prometheus-main
              spec:
                query: histogram_quantile(0.99, sum by (le) (rate(search_seconds_bucket[5m])))
      timeWindow:
        - duration: 1w
      budgetingMethod: Occurrences
      objectives:
        - op: lte
          value: 0.3
          target: 0.9
"""


def test_threshold_metric_keeps_operator_and_value(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/latency.yaml": THRESHOLD})

    assert _problems(estate) == []
    slo = estate.slos["search-latency"]
    assert slo.indicator == SloIndicator(
        kind="threshold",
        query=MetricQuery(
            "histogram_quantile(0.99, sum by (le) (rate(search_seconds_bucket[5m])))", None, "prometheus-main"
        ),
        name="search-p99",
        display_name="p99 latency",
        description="The 99th percentile of search latency",
    )
    assert (slo.threshold_op, slo.threshold_value, slo.objective) == ("lte", 0.3, 0.9)
    assert slo.rolling is True and slo.period == timedelta(weeks=1)


RAW_RATIO_TIMESLICES = """\
    apiVersion: openslo/v1
    kind: SLO
    metadata:
      name: api-success
    spec:
      service: api
      indicator:
        metadata:
          name: api-success-ratio
        spec:
          ratioMetric:
            rawType: success
            raw:
              metricSource:
                type: Prometheus
                spec:
                  query: job:api_success:ratio_rate5m
      timeWindow:
        - duration: 30d
          isRolling: true
      budgetingMethod: RatioTimeslices
      objectives:
        - target: 0.99
          timeSliceWindow: 5
"""


def test_raw_ratio_with_ratio_timeslices_and_window_in_minutes(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/api.yaml": RAW_RATIO_TIMESLICES})

    assert _problems(estate) == []
    slo = estate.slos["api-success"]
    assert slo.indicator is not None
    assert slo.indicator.kind == "raw"
    assert slo.indicator.raw_measures == "good"
    assert slo.indicator.query == MetricQuery("job:api_success:ratio_rate5m", "Prometheus")
    assert slo.budgeting == "ratio_timeslices"
    assert slo.timeslice_window == timedelta(minutes=5)
    assert slo.timeslice_target is None


MULTIPLE_OBJECTIVES = """\
    apiVersion: openslo/v1
    kind: SLO
    metadata:
      name: web
    spec:
      service: web
      indicatorRef: web-requests
      budgetingMethod: Occurrences
      objectives:
        - displayName: Internal objective
          target: 0.995
        - displayName: SLA
          target: 0.99
        - target: 0.9
"""


def test_several_objectives_become_one_slo_each(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/web.yaml": MULTIPLE_OBJECTIVES, "slos/web-sli.yaml": WEB_SLI})

    assert _problems(estate) == []
    assert {name: slo.objective for name, slo in estate.slos.items()} == {
        "web-internal-objective": 0.995,
        "web-sla": 0.99,
        "web-2": 0.9,
    }
    assert {slo.declared_name for slo in estate.slos.values()} == {"web"}
    sla = estate.slos["web-sla"]
    assert sla.objective_name == "SLA"
    assert sla.period is None  # no timeWindow: the policy's default period applies
    assert sla.location is not None and sla.location.pointer == ("spec", "objectives", 1)


WEB_SLI = """\
    apiVersion: openslo/v1
    kind: SLI
    metadata:
      name: web-requests
    spec:
      ratioMetric:
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(web_ok_total[5m]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(web_total[5m]))
"""

SLO_WITH_REF = """\
    apiVersion: openslo/v1
    kind: SLO
    metadata:
      name: web-availability
    spec:
      service: web
      indicatorRef: web-requests
      budgetingMethod: Occurrences
      objectives:
        - target: 0.999
"""


@pytest.mark.parametrize(
    "files",
    [
        {"slos/a-sli.yaml": WEB_SLI, "slos/b-slo.yaml": SLO_WITH_REF},
        {"slos/a-slo.yaml": SLO_WITH_REF, "slos/b-sli.yaml": WEB_SLI},
        {"slos/both.yaml": SLO_WITH_REF + "---\n" + WEB_SLI},
    ],
    ids=["sli-read-first", "slo-read-first", "same-file"],
)
def test_indicator_ref_resolves_whichever_is_read_first(tmp_path: Path, files: dict[str, str]) -> None:
    estate = _load(tmp_path, files)

    assert _problems(estate) == []
    slo = estate.slos["web-availability"]
    assert slo.indicator_ref == "web-requests"
    assert slo.indicator is not None
    assert slo.indicator.name == "web-requests"
    assert slo.indicator.good == MetricQuery("sum(rate(web_ok_total[5m]))", "Prometheus")


def _read_into_context(files: dict[str, str]) -> LoadContext:
    context = LoadContext()
    for path, text in files.items():
        source = SourceFile(path, text)
        for document in parse_yaml_documents(text):
            read_document(document, source, context, YAML_READERS)
    return context


def test_unresolved_indicator_ref_is_reported_once_everything_is_read() -> None:
    context = _read_into_context({"slos/web.yaml": SLO_WITH_REF})
    assert context.diagnostics == []
    assert context.slos[0].indicator is None

    report_unresolved_indicators(context)

    [diagnostic] = context.diagnostics
    assert diagnostic.code == "REF001"
    assert diagnostic.entity == "slo:web-availability"
    assert "'web-requests'" in diagnostic.message
    assert diagnostic.location is not None and diagnostic.location.pointer == ("spec", "indicatorRef")


def test_sli_declared_twice_is_a_duplicate() -> None:
    context = _read_into_context({"slos/a.yaml": WEB_SLI, "slos/b.yaml": WEB_SLI})

    assert [(item.code, item.location.path if item.location else None) for item in context.diagnostics] == [
        ("REF002", "slos/b.yaml")
    ]


OTHER_KINDS = """\
    apiVersion: openslo/v1
    kind: Service
    metadata:
      name: web
    spec:
      description: The public web site
    ---
    apiVersion: openslo/v1
    kind: DataSource
    metadata:
      name: prometheus-main
    spec:
      type: Prometheus
      connectionDetails:
        url: http://prometheus:9090
    ---
    apiVersion: openslo/v1
    kind: AlertPolicy
    metadata:
      name: web-burn
    spec:
      alertWhenBreaching: true
      conditions:
        - conditionRef: web-fast-burn
      notificationTargets:
        - targetRef: on-call
    ---
    apiVersion: openslo/v1
    kind: AlertCondition
    metadata:
      name: web-fast-burn
    spec:
      severity: page
      condition:
        kind: burnrate
        threshold: 14.4
        lookbackWindow: 1h
        alertAfter: 5m
    ---
    apiVersion: openslo/v1
    kind: AlertNotificationTarget
    metadata:
      name: on-call
    spec:
      target: pagerduty
"""


def test_service_datasource_and_alerting_kinds_are_accepted(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/web-objects.yaml": OTHER_KINDS})

    assert _problems(estate) == []
    assert estate.slos == {}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            SLO_WITH_REF.replace("target: 0.999", "target: 99.9"),
            10,
            "spec.objectives.0.target: Input should be less than 1 (got 99.9)",
        ),
        (
            SLO_WITH_REF.replace("target: 0.999", "target: high"),
            10,
            "spec.objectives.0.target: Input should be a valid number, unable to parse string as a number (got 'high')",
        ),
        (
            SLO_WITH_REF.replace("- target: 0.999", "- displayName: none"),
            10,
            "spec.objectives.0: give exactly one of target (a ratio, 0.999) or targetPercent (99.9)",
        ),
        (
            SLO_WITH_REF.replace("Occurrences", "Weekly"),
            8,
            "spec.budgetingMethod: Input should be 'Occurrences', 'Timeslices' or 'RatioTimeslices' (got 'Weekly')",
        ),
        (
            SLO_WITH_REF.replace("      objectives:\n        - target: 0.999\n", ""),
            5,
            "spec.objectives: required field is missing",
        ),
        (
            SLO_WITH_REF.replace("Occurrences", "Timeslices").replace("0.999", "0.999\n          timeSliceWindow: 1m"),
            10,
            "spec.objectives.0.timeSliceTarget: required when budgetingMethod is Timeslices",
        ),
        (
            SLO_WITH_REF.replace("Occurrences", "RatioTimeslices"),
            10,
            "spec.objectives.0.timeSliceWindow: required when budgetingMethod is RatioTimeslices",
        ),
        (
            THRESHOLD.replace("duration: 1w", "duration: 2 weeks"),
            19,
            "spec.timeWindow.0.duration: '2 weeks' is not an OpenSLO duration: a whole number and "
            "one of m h d w M Q Y (got '2 weeks')",
        ),
        (
            THRESHOLD.replace("duration: 1w", "duration: 1w\n          isRolling: true\n          calendar: {}"),
            21,
            "spec.timeWindow.0.calendar: a rolling window has no calendar",
        ),
        (
            THRESHOLD.replace("      budgetingMethod", "      indicatorRef: other\n      budgetingMethod"),
            5,
            "spec: give indicator or indicatorRef, not both",
        ),
        (
            BAD_OVER_TOTAL_CALENDAR.replace(
                "          ratioMetric:\n", "          ratioMetric:\n            raw: {}\n"
            ),
            12,
            "spec.indicator.spec.ratioMetric.raw.metricSource: required field is missing",
        ),
        (
            RATIO_GOOD_TOTAL.replace("  ratioMetric:\n", "  ratioMetric:\n            bad: {metricSource: {}}\n"),
            18,
            "spec.indicator.spec.ratioMetric: give total and exactly one of good or bad, or raw with rawType",
        ),
    ],
    ids=[
        "percent-as-target",
        "string-target",
        "no-target",
        "unknown-budgeting",
        "no-objectives",
        "timeslices-without-target",
        "ratio-timeslices-without-window",
        "bad-duration",
        "rolling-calendar",
        "indicator-and-ref",
        "raw-without-source",
        "good-and-bad",
    ],
)
def test_invalid_slo_is_sch003_at_the_offending_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    estate = _load(tmp_path, {"slos/bad.yaml": text})

    [diagnostic] = _problems(estate)
    assert (diagnostic.code, diagnostic.message) == ("SCH003", message)
    assert diagnostic.location is not None
    assert (diagnostic.location.path, diagnostic.location.line) == ("slos/bad.yaml", line)
    assert estate.slos == {}


@pytest.mark.parametrize(
    ("api_version", "kind"), [("openslo/v1", "Composite"), ("openslo/v1alpha", "SLO"), ("openslo/v2alpha", "SLO")]
)
def test_unknown_openslo_kind_or_version_is_sch004(tmp_path: Path, api_version: str, kind: str) -> None:
    text = f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x}}\nspec: {{}}\n"
    estate = _load(tmp_path, {"slos/other.yaml": text})

    assert [item.code for item in _problems(estate)] == ["SCH004"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5m", timedelta(minutes=5)),
        ("12h", timedelta(hours=12)),
        ("2w", timedelta(days=14)),
        ("1M", timedelta(days=30)),
        ("1Q", timedelta(days=90)),
        ("1Y", timedelta(days=365)),
    ],
)
def test_duration_shorthand_units_are_case_sensitive(text: str, expected: timedelta) -> None:
    assert parse_shorthand(text) == expected


@pytest.mark.parametrize("text", ["0d", "1.5h", "30s", "1h30m", "d", "1D"])
def test_duration_shorthand_rejects_what_openslo_does_not_define(text: str) -> None:
    with pytest.raises(ValueError, match="not an OpenSLO duration"):
        parse_shorthand(text)


OBJECTIVE_INDICATORS = """\
    apiVersion: openslo/v1
    kind: SLO
    metadata:
      name: web-slices
    spec:
      service: web
      indicator:
        metadata:
          name: web-inline
        spec:
          thresholdMetric:
            metricSource:
              type: Prometheus
              spec:
                query: web_latency_p99
      budgetingMethod: RatioTimeslices
      objectives:
        - displayName: Own indicator
          target: 0.99
          timeSliceWindow: 1m
          indicatorRef: web-requests
        - displayName: Shared indicator
          target: 0.9
          timeSliceWindow: 1m
"""


def test_an_objectives_own_indicator_wins_over_the_slos(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/web.yaml": OBJECTIVE_INDICATORS, "slos/web-sli.yaml": WEB_SLI})

    assert _problems(estate) == []
    own, shared = estate.slos["web-slices-own-indicator"], estate.slos["web-slices-shared-indicator"]
    assert own.indicator_ref == "web-requests"
    assert own.indicator is not None and own.indicator.name == "web-requests"
    assert shared.indicator_ref is None
    assert shared.indicator is not None and shared.indicator.name == "web-inline"

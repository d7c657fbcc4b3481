"""Sloth `prometheus/v1` specs become one `Slo` per SLO, named like Sloth's `sloth_id`, with
events, raw and plugin SLIs kept as written; a bad SLO is SCH003 at its line and the others load."""

from __future__ import annotations

from pathlib import Path

import pytest

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


SPEC = """\
    version: "prometheus/v1"
    service: "checkout"
    labels:
      owner: payments
      tier: 1
      charter.dev/component: checkout-api
    slos:
      - name: "requests-availability"
        objective: 99.9
        description: "Requests succeed"
        labels:
          owner: checkout-team
        sli:
          events:
            error_query: sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))
            total_query: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))
        alerting:
          name: CheckoutHighErrorRate
          labels:
            category: availability
          annotations:
            summary: High error rate on checkout
          page_alert:
            labels:
              severity: critical
          ticket_alert:
            disable: true
      - name: "latency"
        objective: 99
        sli:
          raw:
            error_ratio_query: |
              1 - (
                sum(rate(http_request_duration_seconds_bucket{job="checkout",le="0.5"}[{{.window}}]))
                /
                sum(rate(http_request_duration_seconds_count{job="checkout"}[{{.window}}]))
              )
        alerting:
          page_alert:
            disable: true
      - name: "k8s-apiserver"
        objective: 95.5
        labels:
          charter.dev/component: platform-api
        sli:
          plugin:
            id: "sloth-common/kubernetes/apiserver/availability"
            options:
              filter: job="apiserver"
        alerting:
          name: ApiserverAvailability
"""


def test_every_slo_of_a_spec_is_read_with_its_sli_as_written(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/checkout.yml": SPEC})

    assert _problems(estate) == []
    assert list(estate.slos) == ["checkout-requests-availability", "checkout-latency", "checkout-k8s-apiserver"]
    availability = estate.slos["checkout-requests-availability"]
    assert availability.source_format == "sloth"
    assert availability.declared_name == "requests-availability"
    assert availability.objective == 0.999
    assert availability.service == "checkout"
    assert availability.period is None  # Sloth names no window: the policy's default applies
    assert availability.budgeting == "occurrences"
    assert availability.description == "Requests succeed"
    assert availability.indicator == SloIndicator(
        kind="ratio",
        bad=MetricQuery('sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))', "Prometheus"),
        total=MetricQuery('sum(rate(http_requests_total{job="checkout"}[{{.window}}]))', "Prometheus"),
    )
    assert availability.alerting == SloAlerting(
        name="CheckoutHighErrorRate",
        labels={"category": "availability"},
        annotations={"summary": "High error rate on checkout"},
        page=BurnRateAlert(labels={"severity": "critical"}),
        ticket=BurnRateAlert(enabled=False),
    )
    assert availability.location is not None
    assert (availability.location.line, availability.location.pointer) == (1, ("slos", 0))


def test_raw_sli_is_an_error_ratio(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/checkout.yml": SPEC})

    latency = estate.slos["checkout-latency"]
    assert latency.objective == 0.99
    assert latency.indicator is not None
    assert latency.indicator.kind == "raw" and latency.indicator.raw_measures == "bad"
    assert latency.indicator.query == MetricQuery(
        "1 - (\n"
        '  sum(rate(http_request_duration_seconds_bucket{job="checkout",le="0.5"}[{{.window}}]))\n'
        "  /\n"
        '  sum(rate(http_request_duration_seconds_count{job="checkout"}[{{.window}}]))\n'
        ")\n",
        "Prometheus",
    )
    assert latency.alerting is not None
    assert (latency.alerting.name, latency.alerting.page.enabled, latency.alerting.ticket.enabled) == (
        None,
        False,
        True,
    )


def test_plugin_sli_keeps_its_id_and_options(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/checkout.yml": SPEC})

    plugin = estate.slos["checkout-k8s-apiserver"]
    assert plugin.objective == 0.955
    assert plugin.indicator == SloIndicator(
        kind="plugin",
        plugin_id="sloth-common/kubernetes/apiserver/availability",
        plugin_options={"filter": 'job="apiserver"'},
    )


def test_slo_labels_override_the_spec_labels_and_name_the_component(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/checkout.yml": SPEC})

    availability = estate.slos["checkout-requests-availability"]
    assert availability.labels == {"owner": "checkout-team", "tier": "1", "charter.dev/component": "checkout-api"}
    assert availability.component == "checkout-api"
    assert estate.slos["checkout-k8s-apiserver"].component == "platform-api"


COMPONENT = """\
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata: {name: checkout-api}
    spec: {type: service, lifecycle: production, owner: group:payments}
    ---
    apiVersion: backstage.io/v1alpha1
    kind: Group
    metadata: {name: payments}
    spec: {type: team, children: []}
"""


def test_component_label_joins_the_slo_to_the_catalog(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/checkout.yml": SPEC, "catalog/checkout.yaml": COMPONENT})

    component = parse_ref("component:checkout-api")
    assert estate.slo_components["checkout-requests-availability"] == component
    assert estate.slo_components["checkout-latency"] == component
    assert "checkout-k8s-apiserver" not in estate.slo_components  # platform-api is not declared


TWO_SLOS = """\
    version: prometheus/v1
    service: checkout
    slos:
      - name: good
        objective: 99
        sli: {raw: {error_ratio_query: job:errors:ratio}}
      - name: bad
        objective: OBJECTIVE
        sli: {raw: {error_ratio_query: job:errors:ratio}}
"""


@pytest.mark.parametrize(
    ("objective", "line", "message"),
    [
        (
            "high",
            8,
            "slos.1.objective: Input should be a valid number, unable to parse string as a number (got 'high')",
        ),
        ("100.5", 8, "slos.1.objective: Input should be less than or equal to 100 (got 100.5)"),
        ("0", 8, "slos.1.objective: Input should be greater than 0 (got 0)"),
        (None, 7, "slos.1.objective: required field is missing"),
    ],
    ids=["string", "above-100", "zero", "missing"],
)
def test_bad_objective_is_sch003_and_the_other_slos_still_load(
    tmp_path: Path, objective: str | None, line: int, message: str
) -> None:
    if objective is None:
        text = TWO_SLOS.replace("        objective: OBJECTIVE\n", "")
    else:
        text = TWO_SLOS.replace("OBJECTIVE", objective)
    estate = _load(tmp_path, {"slos/checkout.yml": text})

    [diagnostic] = _problems(estate)
    assert (diagnostic.code, diagnostic.message, diagnostic.entity) == ("SCH003", message, "slo:checkout-bad")
    assert diagnostic.location is not None and diagnostic.location.line == line
    assert list(estate.slos) == ["checkout-good"]


@pytest.mark.parametrize(
    ("sli", "message"),
    [
        ("{}", "slos.0.sli: give exactly one of events, raw or plugin"),
        (
            "{raw: {error_ratio_query: a}, plugin: {id: b}}",
            "slos.0.sli: give exactly one of events, raw or plugin (got 2)",
        ),
        ("{events: {error_query: a}}", "slos.0.sli.events.total_query: required field is missing"),
    ],
)
def test_sli_must_be_exactly_one_complete_kind(tmp_path: Path, sli: str, message: str) -> None:
    text = f"version: prometheus/v1\nservice: checkout\nslos:\n  - name: a\n    objective: 99\n    sli: {sli}\n"
    estate = _load(tmp_path, {"slos/checkout.yml": text})

    [diagnostic] = _problems(estate)
    assert (diagnostic.code, diagnostic.message) == ("SCH003", message)
    assert diagnostic.location is not None and diagnostic.location.line == 6


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("version: prometheus/v1\nslos: [{name: a, objective: 99}]\n", 1, "service: required field is missing"),
        (
            "version: prometheus/v1\nservice: checkout\nslos: []\n",
            3,
            "slos: List should have at least 1 item after validation, not 0",
        ),
    ],
)
def test_spec_without_service_or_slos_is_sch003(tmp_path: Path, text: str, line: int, message: str) -> None:
    estate = _load(tmp_path, {"slos/checkout.yml": text})

    [diagnostic] = _problems(estate)
    assert (diagnostic.code, diagnostic.message) == ("SCH003", message)
    assert diagnostic.location is not None and diagnostic.location.line == line

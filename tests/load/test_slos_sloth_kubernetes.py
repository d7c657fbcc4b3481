"""Sloth's Kubernetes form (`sloth.slok.dev/v1` PrometheusServiceLevel) is read as Sloth reads it:
the `prometheus/v1` spec under `spec`, in camelCase, several objects to a file, into the same SLOs
and so the same rules as the `prometheus/v1` file. A plugin SLI is read and warned about."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from charter.cli.app import app
from charter.load.repository import load_strategy_repo
from charter.load.slos_sloth import PLUGIN_NOT_EXPANDED
from charter.model.diagnostics import Diagnostic, Severity
from charter.model.estate import Estate
from charter.model.refs import parse_ref
from charter.model.slo import Slo, SloIndicator
from tests.strategy import write_repo

PROMETHEUS_V1 = """\
    version: prometheus/v1
    service: checkout
    labels:
      owner: payments
      tier: "1"
    slos:
      - name: requests-availability
        objective: 99.9
        description: Requests succeed
        labels:
          category: availability
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
      - name: latency
        objective: 99
        sli:
          raw:
            error_ratio_query: job:checkout_slow_requests:ratio_rate{{.window}}
        alerting:
          name: CheckoutSlow
          page_alert:
            disable: true
"""

KUBERNETES = """\
    apiVersion: sloth.slok.dev/v1
    kind: PrometheusServiceLevel
    metadata:
      name: checkout
      namespace: payments
    spec:
      service: checkout
      labels:
        owner: payments
        tier: "1"
      slos:
        - name: requests-availability
          objective: 99.9
          description: Requests succeed
          labels:
            category: availability
          sli:
            events:
              errorQuery: sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))
              totalQuery: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))
          alerting:
            name: CheckoutHighErrorRate
            labels:
              category: availability
            annotations:
              summary: High error rate on checkout
            pageAlert:
              labels:
                severity: critical
            ticketAlert:
              disable: true
        - name: latency
          objective: 99
          sli:
            raw:
              errorRatioQuery: job:checkout_slow_requests:ratio_rate{{.window}}
          alerting:
            name: CheckoutSlow
            pageAlert:
              disable: true
"""

SECOND_OBJECT = """\
    ---
    apiVersion: sloth.slok.dev/v1
    kind: PrometheusServiceLevel
    metadata:
      name: search
      namespace: payments
      annotations:
        charter.dev/component: search-api
    spec:
      service: search
      slos:
        - name: availability
          objective: 99.5
          sli:
            events:
              errorQuery: sum(rate(search_errors_total[{{.window}}]))
              totalQuery: sum(rate(search_requests_total[{{.window}}]))
          alerting:
            name: SearchErrors
"""

PLUGIN = """\
    apiVersion: sloth.slok.dev/v1
    kind: PrometheusServiceLevel
    metadata: {name: platform}
    spec:
      service: platform
      slos:
        - name: apiserver
          objective: 99.5
          sli:
            plugin:
              id: sloth-common/kubernetes/apiserver/availability
              options:
                filter: job="apiserver"
          alerting:
            name: ApiserverAvailability
        - name: ingress
          objective: 99.9
          sli:
            events:
              errorQuery: sum(rate(ingress_errors_total[{{.window}}]))
              totalQuery: sum(rate(ingress_requests_total[{{.window}}]))
"""


def _repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(exist_ok=True)
    return write_repo(root, files)


def _load(root: Path, files: dict[str, str]) -> Estate:
    return load_strategy_repo(_repo(root, files))


def _problems(estate: Estate) -> list[Diagnostic]:
    return [item for item in estate.load_diagnostics if item.code.startswith(("SCH", "REF"))]


def _without_location(slo: Slo) -> Slo:
    return dataclasses.replace(slo, location=None)


def test_kubernetes_form_reads_into_the_same_slos_as_prometheus_v1(tmp_path: Path) -> None:
    spec = _load(tmp_path / "v1", {"slos/checkout.yml": PROMETHEUS_V1})
    kubernetes = _load(tmp_path / "k8s", {"slos/checkout.yaml": KUBERNETES})

    assert _problems(kubernetes) == []
    assert list(kubernetes.slos) == ["checkout-requests-availability", "checkout-latency"]
    assert [_without_location(slo) for slo in kubernetes.slos.values()] == [
        _without_location(slo) for slo in spec.slos.values()
    ]
    latency = kubernetes.slos["checkout-latency"]
    assert latency.location is not None
    assert (latency.location.path, latency.location.pointer) == ("slos/checkout.yaml", ("spec", "slos", 1))


def test_every_object_of_a_file_is_read(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/payments.yaml": KUBERNETES + SECOND_OBJECT})

    assert _problems(estate) == []
    assert list(estate.slos) == ["checkout-requests-availability", "checkout-latency", "search-availability"]
    search = estate.slos["search-availability"]
    assert search.location is not None
    assert (search.location.document, search.location.line) == (1, 42)
    # The object's annotation names the component; its Prometheus labels stay the spec's.
    assert (search.component, search.labels) == ("search-api", {})
    assert search.annotations == {"charter.dev/component": "search-api"}


def test_the_object_annotation_joins_the_component(tmp_path: Path) -> None:
    catalog = """\
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: search-api}
        spec: {type: service, lifecycle: production, owner: group:payments}
    """
    estate = _load(tmp_path, {"slos/payments.yaml": KUBERNETES + SECOND_OBJECT, "catalog/search.yaml": catalog})

    assert estate.slo_components["search-availability"] == parse_ref("component:search-api")


def _rules(root: Path) -> Any:
    return CliRunner().invoke(app, ["slo", "rules", "--repo", str(root)])


def test_slo_rules_are_the_same_for_both_forms(tmp_path: Path) -> None:
    spec = _rules(_repo(tmp_path / "v1", {"slos/checkout.yml": PROMETHEUS_V1}))
    kubernetes = _rules(_repo(tmp_path / "k8s", {"slos/checkout.yaml": KUBERNETES}))

    assert (spec.exit_code, kubernetes.exit_code) == (0, 0), kubernetes.output
    assert "charter-slo-checkout-requests-availability" in spec.stdout
    assert kubernetes.stdout == spec.stdout


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        # Sloth decodes the object as JSON: the prometheus/v1 spelling is an unknown field there.
        ("errorQuery:", "error_query:", 18, "spec.slos.0.sli.events.errorQuery: required field is missing"),
        ('tier: "1"', "tier: 1", 10, "spec.labels.tier: Input should be a valid string (got 1)"),
        ("objective: 99.9", "objective: 0", 13, "spec.slos.0.objective: Input should be greater than 0 (got 0)"),
    ],
    ids=["snake-case", "number-label", "objective"],
)
def test_invalid_object_is_sch003_at_the_offending_line(
    tmp_path: Path, old: str, new: str, line: int, message: str
) -> None:
    estate = _load(tmp_path, {"slos/checkout.yaml": KUBERNETES.replace(old, new, 1)})

    [diagnostic] = _problems(estate)
    assert (diagnostic.code, diagnostic.message) == ("SCH003", message)
    assert diagnostic.location is not None and diagnostic.location.line == line


def test_object_without_slos_is_sch003(tmp_path: Path) -> None:
    text = "apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nspec: {service: a, slos: []}\n"
    estate = _load(tmp_path, {"slos/a.yaml": text})

    [diagnostic] = _problems(estate)
    assert (diagnostic.code, diagnostic.message) == (
        "SCH003", "spec.slos: List should have at least 1 item after validation, not 0",
    )  # fmt: skip


def test_other_sloth_kind_is_sch004(tmp_path: Path) -> None:
    text = "apiVersion: sloth.slok.dev/v1\nkind: ServiceLevel\nspec: {service: a}\n"
    estate = _load(tmp_path, {"slos/a.yaml": text})

    [diagnostic] = _problems(estate)
    assert diagnostic.code == "SCH004"
    assert diagnostic.hint == "Charter reads Sloth's PrometheusServiceLevel of apiVersion sloth.slok.dev/v1"


def _plugin_warnings(estate: Estate) -> list[Diagnostic]:
    return [item for item in estate.load_diagnostics if item.code == PLUGIN_NOT_EXPANDED]


def test_plugin_sli_is_read_and_named_in_a_diagnostic(tmp_path: Path) -> None:
    estate = _load(tmp_path, {"slos/platform.yaml": PLUGIN})

    assert _problems(estate) == []
    assert list(estate.slos) == ["platform-apiserver", "platform-ingress"]
    apiserver = estate.slos["platform-apiserver"]
    assert (apiserver.objective, apiserver.alerting and apiserver.alerting.name) == (0.995, "ApiserverAvailability")
    # The mark the rules builder skips: an indicator of kind "plugin".
    assert apiserver.indicator == SloIndicator(
        kind="plugin",
        plugin_id="sloth-common/kubernetes/apiserver/availability",
        plugin_options={"filter": 'job="apiserver"'},
    )
    [warning] = _plugin_warnings(estate)
    assert warning.message == (
        "SLO 'platform-apiserver': its SLI is made by the Sloth plugin "
        "'sloth-common/kubernetes/apiserver/availability', which Charter cannot run: the SLO is read, "
        "but no rules are written for it"
    )
    assert warning.entity == "slo:platform-apiserver"
    assert warning.location is not None and (warning.location.path, warning.location.line) == ("slos/platform.yaml", 11)


def test_plugin_sli_of_a_prometheus_v1_spec_is_named_too(tmp_path: Path) -> None:
    text = (
        "version: prometheus/v1\nservice: platform\nslos:\n  - name: apiserver\n    objective: 99\n"
        "    sli:\n      plugin: {id: sloth-common/kubernetes/apiserver/availability}\n"
    )
    estate = _load(tmp_path, {"slos/platform.yml": text})

    [warning] = _plugin_warnings(estate)
    assert "'sloth-common/kubernetes/apiserver/availability'" in warning.message
    assert warning.location is not None and warning.location.line == 7


def test_plugin_sli_diagnostic_is_a_warning(tmp_path: Path) -> None:
    [warning] = _plugin_warnings(_load(tmp_path, {"slos/platform.yaml": PLUGIN}))

    assert warning.severity is Severity.WARNING

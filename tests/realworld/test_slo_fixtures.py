"""The SLO files the OpenSLO, Sloth and Pyrra projects publish, and the decision records of the
MADR and log4brains projects, load with no schema diagnostic and with the values they declare. The
files stay in ../shared/fixtures and are copied at test time."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from charter.load.repository import load_strategy_repo
from charter.model.diagnostics import Severity
from charter.model.estate import Estate
from charter.model.slo import BurnRateAlert, CalendarWindow, MetricQuery, SloAlerting, SloIndicator
from tests.strategy import write_repo


def _load_fixtures(tmp_path: Path, shared_fixtures: Path, *names: str) -> Estate:
    write_repo(tmp_path, {})
    (tmp_path / "slos").mkdir()
    for name in names:
        shutil.copy(shared_fixtures / name, tmp_path / "slos" / Path(name).name)
    estate = load_strategy_repo(tmp_path)
    assert [item for item in estate.load_diagnostics if item.code.startswith(("SCH", "REF"))] == []
    return estate


def test_openslo_occurrences_example(tmp_path: Path, shared_fixtures: Path) -> None:
    estate = _load_fixtures(tmp_path, shared_fixtures, "openslo/budgeting-method--occurences-slo.yaml")

    assert list(estate.slos) == ["search-slo"]
    slo = estate.slos["search-slo"]
    assert (slo.source_format, slo.display_name, slo.service) == ("openslo", "Searching time", "web-shop")
    assert slo.description == ("Regardless of the number of paraller searches it never should be more than 500ms.")
    assert slo.objective == 0.99
    assert slo.objective_name == "Good experience"
    assert (slo.threshold_op, slo.threshold_value) == ("lt", 500)
    assert slo.budgeting == "occurrences"
    assert slo.period == timedelta(weeks=2) and slo.rolling is True
    assert slo.indicator == SloIndicator(
        kind="threshold",
        query=MetricQuery("Any", "Any"),
        name="search-latency",
        display_name="Latency of user searches",
    )
    assert slo.alerting is None  # `alertPolicies:` is written with no policy


def test_openslo_timeslices_example_with_two_objectives(tmp_path: Path, shared_fixtures: Path) -> None:
    estate = _load_fixtures(tmp_path, shared_fixtures, "openslo/budgeting-method--timeslices-slo.yaml")

    assert list(estate.slos) == ["service-availability-internal-objective", "service-availability-sla"]
    internal, sla = estate.slos.values()
    assert (internal.objective, sla.objective) == (0.995, 0.99)
    assert (internal.objective_name, sla.objective_name) == ("Internal objective", "SLA")
    for slo in (internal, sla):
        assert slo.declared_name == "service-availability"
        assert slo.service == "web-availability"
        assert slo.budgeting == "timeslices"
        assert slo.timeslice_target == 0.99
        assert slo.timeslice_window == timedelta(minutes=1)
        assert slo.rolling is False
        # The file's comment says "1 month", but OpenSLO defines `m` as minutes and `M` as months.
        assert slo.period == timedelta(minutes=1)
        assert slo.calendar == CalendarWindow("1m", datetime(2022, 1, 1, 12, 0), "America/New_York")
        assert slo.indicator == SloIndicator(
            kind="ratio",
            good=MetricQuery("Any", "Any"),
            total=MetricQuery("Any", "Any"),
            name="web-availability",
            display_name="Time when our service was running.",
        )
    assert internal.threshold_op == "gt"


def test_sloth_getting_started(tmp_path: Path, shared_fixtures: Path) -> None:
    estate = _load_fixtures(tmp_path, shared_fixtures, "sloth/getting-started.yml")

    assert list(estate.slos) == ["myservice-requests-availability"]
    slo = estate.slos["myservice-requests-availability"]
    assert (slo.source_format, slo.service, slo.objective, slo.period) == ("sloth", "myservice", 0.999, None)
    assert slo.labels == {"owner": "myteam", "repo": "myorg/myservice", "tier": "2"}
    assert slo.description == "Common SLO based on availability for HTTP request responses."
    assert slo.indicator == SloIndicator(
        kind="ratio",
        bad=MetricQuery(
            'sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))',
            "Prometheus",
        ),
        total=MetricQuery('sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))', "Prometheus"),
    )
    assert slo.alerting == SloAlerting(
        name="MyServiceHighErrorRate",
        labels={"category": "availability"},
        annotations={"summary": "High error rate on 'myservice' requests responses"},
        page=BurnRateAlert(labels={"severity": "pageteam", "routing_key": "myteam"}),
        ticket=BurnRateAlert(labels={"severity": "slack", "slack_channel": "#alerts-myteam"}),
    )


def test_sloth_home_wifi_with_two_slos(tmp_path: Path, shared_fixtures: Path) -> None:
    estate = _load_fixtures(tmp_path, shared_fixtures, "sloth/home-wifi.yml")

    assert {name: slo.objective for name, slo in estate.slos.items()} == {
        "home-wifi-good-wifi-client-satisfaction": 0.95,
        "home-wifi-risk-wifi-client-satisfaction": 0.999,
    }
    risk = estate.slos["home-wifi-risk-wifi-client-satisfaction"]
    assert risk.labels == {"cluster": "valhalla", "component": "ubiquiti", "context": "home"}
    assert risk.component is None  # `component` is not the `charter.dev/component` label
    assert risk.indicator is not None
    assert risk.indicator.bad == MetricQuery(
        "sum_over_time((count(unifipoller_client_satisfaction_ratio < 0.5))[{{.window}}:]) OR on() vector(0)",
        "Prometheus",
    )
    assert risk.indicator.total == MetricQuery(
        "sum_over_time((count(unifipoller_client_satisfaction_ratio))[{{.window}}:])", "Prometheus"
    )
    assert risk.alerting is not None and risk.alerting.name == "RiskWifiClientSatisfaction"
    assert risk.location is not None
    assert (risk.location.path, risk.location.line, risk.location.pointer) == ("slos/home-wifi.yml", 22, ("slos", 1))


def test_sloth_kubernetes_getting_started_reads_like_its_prometheus_v1_twin(
    tmp_path: Path, shared_fixtures: Path
) -> None:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "v1").mkdir()
    kubernetes = _load_fixtures(tmp_path / "k8s", shared_fixtures, "sloth/k8s-getting-started.yaml")
    prometheus_v1 = _load_fixtures(tmp_path / "v1", shared_fixtures, "sloth/getting-started.yml")

    assert list(kubernetes.slos) == ["myservice-requests-availability"]
    [slo], [twin] = kubernetes.slos.values(), prometheus_v1.slos.values()
    assert dataclasses.replace(slo, location=None) == dataclasses.replace(twin, location=None)
    assert slo.location is not None and slo.location.pointer == ("spec", "slos", 0)


def test_pyrra_examples(tmp_path: Path, shared_fixtures: Path) -> None:
    estate = _load_fixtures(tmp_path, shared_fixtures, "pyrra/caddy-response-latency.yaml", "pyrra/example-slo.yaml")

    caddy = estate.slos["caddy-response-latency"]
    assert (caddy.source_format, caddy.objective, caddy.period) == ("pyrra", 0.9, timedelta(weeks=4))
    assert caddy.description == (
        "We want our demo to be fast and therefore we want 90% of our responses to be faster than 50ms as "
        "seen by Caddy."
    )
    assert caddy.indicator == SloIndicator(
        kind="latency",
        good=MetricQuery(
            'caddy_http_response_duration_seconds_bucket{job="caddy",handler="subroute",code!~"5..",le="0.05"}',
            "Prometheus",
        ),
        total=MetricQuery(
            'caddy_http_response_duration_seconds_count{job="caddy",handler="subroute",code!~"5.."}', "Prometheus"
        ),
    )
    apiserver = estate.slos["apiserver-read-cluster-latency"]
    assert (apiserver.objective, apiserver.period) == (0.99, timedelta(weeks=2))
    assert apiserver.labels == {"prometheus": "k8s", "role": "alert-rules"}
    assert apiserver.description is None  # written as ""
    assert apiserver.service is None and apiserver.component is None
    assert apiserver.indicator is not None and apiserver.indicator.good == MetricQuery(
        'apiserver_request_sli_duration_seconds_bucket{component="apiserver",scope=~"cluster|",verb=~"LIST|GET",le="5"}',
        "Prometheus",
    )


@pytest.mark.parametrize("folder", ["sloth", "pyrra", "openslo"])
def test_every_published_slo_file_loads_without_a_schema_error(
    tmp_path: Path, shared_fixtures: Path, folder: str
) -> None:
    files = sorted((shared_fixtures / folder).iterdir())
    assert files
    for index, path in enumerate(files):  # one repository each: two Sloth examples declare one SLO
        root = tmp_path / str(index)
        root.mkdir()
        estate = _load_fixtures(root, shared_fixtures, str(path.relative_to(shared_fixtures)))
        assert estate.slos, path.name


def test_every_published_decision_record_loads_without_a_schema_error(tmp_path: Path, shared_fixtures: Path) -> None:
    write_repo(tmp_path, {})
    shutil.copytree(shared_fixtures / "adr", tmp_path / "decisions")
    estate = load_strategy_repo(tmp_path)

    problems = [(item.code, item.location.path if item.location else "") for item in estate.load_diagnostics]
    assert problems == [("SCH011", "decisions/madr/adr-template.md")]  # a template is not a record
    assert all(item.severity is Severity.INFO for item in estate.load_diagnostics)
    assert sorted(estate.decisions) == [
        "0000",
        "0001",
        "0008",
        "0013",
        "20200924-use-markdown-architectural-decision-records",
        "20200926-use-the-adr-number-as-its-unique-id",
        "20201016-use-the-adr-slug-as-its-unique-id",
    ]
    numbers = estate.decisions["20200926-use-the-adr-number-as-its-unique-id"]
    assert (numbers.status, numbers.superseded_by) == ("superseded", ("20201016-use-the-adr-slug-as-its-unique-id",))
    slugs = estate.decisions["20201016-use-the-adr-slug-as-its-unique-id"]
    assert (slugs.status, slugs.supersedes) == ("accepted", ("20200926-use-the-adr-number-as-its-unique-id",))

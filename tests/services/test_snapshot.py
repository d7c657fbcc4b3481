"""The snapshot use case: every provider's values recorded in one transaction at the context's clock,
only registry metrics at the scopes the registry allows; adding a metric is one registry entry plus
one provider change; and a snapshot equal to the one before it is not added again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from charter.analysis.metrics import METRICS, Direction, Domain, Metric, Scope, Unit
from charter.model.errors import StoreUnavailable
from charter.model.metric_values import MetricValue, organization_ref
from charter.model.refs import parse_ref
from charter.model.risk_states import RiskState
from charter.services.context import Context, load_context
from charter.services.metrics.incidents import IncidentMetrics
from charter.services.metrics.interface import MetricProvider
from charter.services.metrics.shared import Period, SharedFacts
from charter.services.snapshot import UnregisteredMetric, record_snapshot, snapshot_values, take_snapshot
from charter.store.database import open_store
from tests.services.metric_facts import FILES, SINCE, UNTIL
from tests.strategy import write_repo

TAKEN = datetime(2026, 10, 12, 6, 0, tzinfo=UTC)
PAYMENTS = parse_ref("component:payments")
ACME = organization_ref("acme")


class BusFactorOfTwo(MetricProvider):
    domain = Domain.CODE_HEALTH

    def measure(self, context: Context, period: Period, shared: SharedFacts) -> list[MetricValue]:
        return [MetricValue("code_health.bus_factor", PAYMENTS, 2.0, "count")]


class GapsOfTheOrganization(MetricProvider):
    """Gives a metric the registry has for components only at the organisation."""

    domain = Domain.SECURITY

    def measure(self, context: Context, period: Period, shared: SharedFacts) -> list[MetricValue]:
        return [MetricValue("security.access_control_gaps", ACME, 1.0, "count")]


class LeadTimeFromCodeHealth(MetricProvider):
    """Gives a metric of another domain than its own."""

    domain = Domain.CODE_HEALTH

    def measure(self, context: Context, period: Period, shared: SharedFacts) -> list[MetricValue]:
        return [MetricValue("delivery.lead_time_for_changes.p50", PAYMENTS, 3600.0, "seconds")]


class IncidentMetricsWithPages(IncidentMetrics):
    """The incident provider changed to measure one more metric: the pages sent in the period."""

    def measure(self, context: Context, period: Period, shared: SharedFacts) -> list[MetricValue]:
        pages = MetricValue("reliability.pages", organization_ref(context.organization_name), 3.0, "count")
        return [*super().measure(context, period, shared), pages]


PAGES = Metric(
    "reliability.pages", Unit.COUNT, Direction.LOWER_IS_BETTER, frozenset({Scope.ORG}), "Pages sent.", Domain.INCIDENTS
)


@pytest.fixture
def context(tmp_path: Path, database_url: str) -> Iterator[Context]:
    repo = write_repo(tmp_path, {"incidents/inc-1.md": FILES["incidents/inc-1.md"]})  # one postmortem
    with open_store(repo, database_url) as store:
        yield load_context(repo, store, clock=lambda: TAKEN)


def test_a_snapshot_records_every_value_at_the_clock(context: Context) -> None:
    snapshot_id = take_snapshot(context, SINCE, UNTIL, (BusFactorOfTwo(),))

    snapshot = context.required_store().latest_snapshot()
    assert snapshot is not None
    assert (snapshot.id, snapshot.taken_at, snapshot.repo_commit) == (snapshot_id, TAKEN, None)
    assert snapshot.values == (MetricValue("code_health.bus_factor", PAYMENTS, 2.0, "count"),)


@pytest.mark.parametrize("provider", [GapsOfTheOrganization(), LeadTimeFromCodeHealth()], ids=["scope", "domain"])
def test_a_value_the_registry_does_not_allow_is_refused(context: Context, provider: MetricProvider) -> None:
    with pytest.raises(UnregisteredMetric, match=type(provider).__name__):
        take_snapshot(context, SINCE, UNTIL, (BusFactorOfTwo(), provider))

    assert context.required_store().latest_snapshot() is None


def test_adding_a_metric_is_one_registry_entry_and_one_provider_change(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    providers = (IncidentMetricsWithPages(),)
    with pytest.raises(UnregisteredMetric, match="reliability.pages"):
        snapshot_values(context, SINCE, UNTIL, providers)

    monkeypatch.setitem(METRICS, PAGES.name, PAGES)
    take_snapshot(context, SINCE, UNTIL, providers)

    snapshot = context.required_store().latest_snapshot()
    assert snapshot is not None
    recorded = {(item.metric, item.scope): item.value for item in snapshot.values}
    assert recorded["reliability.pages", ACME] == 3
    assert recorded["reliability.incidents.count", ACME] == 1  # and the provider's other metrics as before


def test_a_snapshot_needs_the_store(tmp_path: Path) -> None:
    context = load_context(write_repo(tmp_path, {}), None)

    with pytest.raises(StoreUnavailable):
        snapshot_values(context, SINCE, UNTIL)


# A snapshot equal to the one before it is not added again ----------------------------------------

REGISTER = [RiskState("single-region", "high", "open")]


def record(
    context: Context, taken_at: datetime, values: list[MetricValue], register: list[RiskState]
) -> tuple[int, bool]:
    with context.required_store().transaction() as connection:
        recorded = record_snapshot(connection, taken_at, "c" * 40, values, register)
    return recorded.snapshot_id, recorded.added


def bus_factor(value: float | None) -> list[MetricValue]:
    return [MetricValue("code_health.bus_factor", PAYMENTS, value, "count")]


def test_a_snapshot_equal_to_the_one_before_is_not_added_again(context: Context) -> None:
    first = record(context, TAKEN, bus_factor(2.0), REGISTER)
    same_later = record(context, TAKEN + timedelta(days=1), bus_factor(2.0), REGISTER)
    no_value_as_nan = record(context, TAKEN + timedelta(days=2), bus_factor(float("nan")), REGISTER)
    no_value_again = record(context, TAKEN + timedelta(days=3), bus_factor(None), REGISTER)

    assert first == (1, True)
    assert same_later == (1, False)  # the trend keeps one row, not one per re-sync
    assert no_value_as_nan == (2, True)
    assert no_value_again == (2, False)  # NaN is stored as no value: the same


def test_a_changed_value_or_register_is_a_new_snapshot(context: Context) -> None:
    record(context, TAKEN, bus_factor(2.0), REGISTER)

    assert record(context, TAKEN, bus_factor(3.0), REGISTER) == (2, True)
    assert record(context, TAKEN, bus_factor(3.0), [RiskState("single-region", "high", "closed")]) == (3, True)
    assert record(context, TAKEN, bus_factor(3.0), []) == (4, True)
    # Compared with the latest taken at or before: an earlier day is compared with what came before it.
    assert record(context, TAKEN - timedelta(days=1), bus_factor(3.0), []) == (5, True)

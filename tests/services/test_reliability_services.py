"""The reliability use cases called directly on a Context, on SQLite and PostgreSQL: `slo status`,
`slo rules` and `incidents` return their view models (or rule groups), and the SLO and incident
metric values carry entity references as scopes, over the repository of tests/reliability_strategy.py."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from charter.model.errors import NotFound, StoreUnavailable, UsageError
from charter.model.refs import parse_ref
from charter.model.sli_counts import MINUTES_PER_DAY, epoch_minute
from charter.model.sli_days import SliDays
from charter.outputs.report_registry import render_report
from charter.outputs.views.incidents import IncidentsReport
from charter.outputs.views.slo_status import SloStatusReport
from charter.services.context import Context, load_context
from charter.services.incidents import IncidentsQuery, incident_metric_values, incidents_report, known_incidents
from charter.services.slo_rules import SloRulesQuery, slo_rules
from charter.services.slo_status import SloStatusQuery, slo_metric_values, slo_status_report
from charter.store import open_store
from charter.store.sli import write_sli_days
from tests.reliability_strategy import DAY, FILES, ORGANIZATION, SLOS, sli_day
from tests.strategy import write_repo

AS_OF = DAY + timedelta(days=1)
PERIOD = IncidentsQuery(DAY - timedelta(days=7), AS_OF, "service")


def _sli_day() -> SliDays:
    good, total = sli_day()
    day = epoch_minute(DAY) // MINUTES_PER_DAY
    return SliDays(list(SLOS), [day] * len(SLOS), good, total)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "repo").mkdir()
    return write_repo(tmp_path / "repo", FILES, ORGANIZATION)


@pytest.fixture
def context(repo: Path, database_url: str) -> Iterator[Context]:
    with open_store(repo, database_url) as store:
        with store.engine.begin() as connection:
            write_sli_days(connection, _sli_day())
        yield load_context(repo, store, clock=lambda: AS_OF)


def test_slo_status_holds_every_number_and_the_policys_verdicts(context: Context) -> None:
    view = slo_status_report(context, SloStatusQuery(AS_OF))

    assert isinstance(view, SloStatusReport) and view.as_of == AS_OF and view.unknown == []
    availability, latency = view.slos
    assert (availability.slo, availability.component) == ("checkout-availability", "checkout")
    assert availability.attainment == 1 - 1800 / 144_000
    assert availability.events.bad == 1800 and availability.data.missing == 0
    assert availability.error_budget.remaining == pytest.approx(1 - 1.25)
    assert availability.error_budget.exhausted and availability.error_budget.exhausted_in_seconds == 0
    assert availability.current_burn_rate == pytest.approx(30.0)
    assert [(item.code, item.incident) for item in availability.verdicts] == [
        ("REL020", None),
        ("REL024", None),
        ("REL021", "INC-1"),
    ]
    assert latency.error_budget.remaining == pytest.approx(0.975) and latency.verdicts == []
    assert view.as_data()["slos"][0]["errorBudget"]["exhaustedInSeconds"] == 0.0


def test_slo_status_ends_at_the_clock_and_lists_names_no_slo_has(context: Context) -> None:
    view = slo_status_report(context, SloStatusQuery(names=("checkout-latency", "nope")))

    assert view.as_of == AS_OF
    assert [status.slo for status in view.slos] == ["checkout-latency"]
    assert view.unknown == ["nope"]


def test_slo_status_needs_the_store(repo: Path) -> None:
    with pytest.raises(StoreUnavailable):
        slo_status_report(load_context(repo, None), SloStatusQuery(AS_OF))


def test_incidents_report_with_the_error_budget_each_incident_used(context: Context) -> None:
    view = incidents_report(context, PERIOD)

    assert isinstance(view, IncidentsReport) and view.by == "service"
    [group] = view.groups
    assert (group.scope, group.incidents, group.by_severity["SEV2"]) == ("checkout", 1, 1)
    assert (group.mtta_p50_seconds, group.mttr_p50_seconds) == (600.0, 3600.0)
    [incident] = view.incidents
    # INC-1's hour holds all 1,800 bad availability events (125% of the budget of the day ending at
    # its resolution) and 15 slow requests (15 of the 14,400 the latency budget allows).
    assert incident.error_budget_shares == {
        "checkout-availability": pytest.approx(1.25),
        "checkout-latency": pytest.approx(15 / 14_400),
    }
    [postmortem] = view.postmortems
    assert postmortem.state == "pending"  # resolved today, due in 5 days
    [item] = view.action_items
    assert (item.id, item.owner, item.overdue_days) == ("INC-1-1", "group:team-a", 3)  # due 09-29, the clock 10-02


def test_incidents_without_a_store_are_the_postmortems_alone(repo: Path) -> None:
    view = incidents_report(load_context(repo, None, clock=lambda: AS_OF), PERIOD)

    assert [(item.id, item.source, item.error_budget_shares) for item in view.incidents] == [
        ("INC-1", "postmortem", {})
    ]


def test_incidents_by_an_unknown_grouping_is_a_usage_error(context: Context) -> None:
    with pytest.raises(UsageError, match="cannot group incidents by 'system'"):
        incidents_report(context, IncidentsQuery(DAY, AS_OF, "system"))


def test_slo_rules_for_every_slo_or_those_named(tmp_path: Path) -> None:
    context = load_context(write_repo(tmp_path, FILES), None)  # the default 30-day period

    every = slo_rules(context, SloRulesQuery())
    assert [group.name for group in every.groups] == [
        "charter-slo-checkout-availability",
        "charter-slo-checkout-latency",
    ]
    assert not every.failed and every.diagnostics == ()
    [latency] = slo_rules(context, SloRulesQuery(("checkout-latency", "checkout-latency"))).groups
    assert latency.name == "charter-slo-checkout-latency"
    with pytest.raises(NotFound, match=r"no SLO named nope \(SLOs: checkout-availability, checkout-latency\)"):
        slo_rules(context, SloRulesQuery(("nope",)))


def test_slo_rules_say_at_which_line_an_slo_cannot_have_rules(context: Context) -> None:
    rules = slo_rules(context, SloRulesQuery())  # a 1-day period is shorter than the 3-day alert window

    assert rules.groups == () and rules.failed
    assert [(item.code, str(item.location)) for item in rules.diagnostics] == [
        ("REL015", "slos/checkout.yaml:4:5"),
        ("REL015", "slos/checkout.yaml:10:5"),
    ]


def test_metric_values_are_scoped_by_entity_references(context: Context) -> None:
    assert context.store is not None
    incidents = known_incidents(context)
    values = incident_metric_values(context, incidents, PERIOD.since, PERIOD.until)
    values += slo_metric_values(context, context.store, AS_OF, incidents)
    found = {(item.metric, item.scope): item.value for item in values}

    component, team, organization = (
        parse_ref("component:checkout"),
        parse_ref("group:team-a"),
        parse_ref("organization:acme"),
    )
    assert found[("reliability.incidents.count", component)] == 1.0
    assert found[("reliability.action_items_overdue", team)] == 1.0
    assert found[("reliability.mttr.p50", organization)] == 3600.0
    assert found[("reliability.error_budget_remaining", component)] == pytest.approx(-0.25)  # the worst SLO's
    assert found[("reliability.slo_attainment", organization)] == pytest.approx(1 - 1800 / 144_000)
    stored = {(item.scope_kind, item.scope_ref) for item in values}
    assert stored == {("component", "component:checkout"), ("team", "group:team-a"), ("org", "acme")}


@pytest.mark.parametrize("format_name", ["table", "json", "markdown", "csv"])
def test_the_views_render_in_every_report_format(context: Context, format_name: str) -> None:
    status = render_report(format_name, slo_status_report(context, SloStatusQuery(AS_OF)))
    incidents = render_report(format_name, incidents_report(context, PERIOD))

    assert "checkout-availability" in status and "checkout" in incidents


def test_empty_reports_say_where_the_data_comes_from(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {}, ORGANIZATION)
    with open_store(root) as store:
        context = load_context(root, store, clock=lambda: AS_OF)
        status = slo_status_report(context, SloStatusQuery())
        incidents = incidents_report(context, PERIOD)

    assert "no SLOs. Declare them under slos/" in render_report("table", status)
    assert render_report("markdown", status).startswith("# Error budgets at 2026-10-02 00:00 UTC\n\n| SLO |")
    assert "no incidents. Write postmortems under incidents/" in render_report("table", incidents)
    assert render_report("markdown", incidents).endswith("Action items: every incident's, open now.\n")


def test_two_threads_on_one_context_get_what_one_after_the_other_gets(context: Context) -> None:
    def status() -> object:
        return slo_status_report(context, SloStatusQuery(AS_OF)).as_data()

    def incidents() -> object:
        return incidents_report(context, PERIOD).as_data()

    alone = [status(), incidents()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        together = [future.result() for future in [pool.submit(status), pool.submit(incidents)]]

    assert together == alone

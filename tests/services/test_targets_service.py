"""`target_statuses` and `targets_report` over a real store (SQLite and PostgreSQL): snapshots with
known values at known times, a catalog whose tiers and teams the scopes select, and initiatives that
fund (or do not fund) the goals; every number worked out in the comments."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from charter.analysis.targets.evaluate import TargetState
from charter.model.diagnostics import Severity
from charter.model.errors import InputError, UsageError
from charter.model.metric_values import MetricValue, organization_ref
from charter.model.refs import parse_ref
from charter.services.context import Context, load_context
from charter.services.targets import TargetsQuery, target_statuses, targets_report
from charter.store.database import open_store
from tests.strategy import write_repo

DAY = 86400.0
JAN_1 = datetime(2027, 1, 1, 6, 0, tzinfo=UTC)
TAKEN = [JAN_1, JAN_1 + timedelta(days=7), JAN_1 + timedelta(days=14)]  # Jan 1, 8, 15

ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  goals:
    - id: faster
      targets:
        - {metric: delivery.lead_time_for_changes.p50, scope: {tier: 1}, op: "<=", value: 1d, by: 2027-03-31}
        - {metric: delivery.lead_time_for_changes.p50, scope: {tier: 1}, op: "<=", value: 1d, by: 2027-03-31,
           aggregate: worst}
    - id: safe
      targets:
        - {metric: reliability.incidents.count, scope: {tier: 1}, op: "<=", value: 1, by: 2027-01-10, aggregate: sum}
    - id: team-speed
      targets:
        - {metric: delivery.deployment_frequency.per_day, scope: {team: payments}, op: ">=", value: 1}
    - id: quality
      targets:
        - {metric: delivery.change_failure_rate, op: "<=", value: 15%, baseline: 30%}
"""


def _component(name: str, tier: int, owner: str) -> str:
    return (
        f"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n"
        f'  annotations: {{charter.dev/tier: "{tier}"}}\n'
        f"spec: {{type: service, lifecycle: production, owner: {owner}}}\n"
    )


FILES = {
    "catalog/teams.yaml": (
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: payments}\nspec: {type: team, children: []}\n"
        "---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: search}\nspec: {type: team, children: []}\n"
    ),
    "catalog/alpha.yaml": _component("alpha", 1, "group:payments"),
    "catalog/beta.yaml": _component("beta", 1, "group:search"),
    "catalog/gamma.yaml": _component("gamma", 2, "group:payments"),
    "roadmap/initiatives.yaml": (
        "apiVersion: charter.dev/v1\nkind: Initiative\nmetadata: {name: fast-pipelines}\n"
        "spec: {type: platform, owner: group:payments, committed: {quarter: 2027Q1}, goals: [faster]}\n"
        "---\n"
        "apiVersion: charter.dev/v1\nkind: Initiative\nmetadata: {name: fewer-pages}\n"
        "spec: {type: reliability, owner: group:search, goals: [safe]}\n"
    ),
}

ALPHA, BETA, GAMMA = (parse_ref(f"component:{name}") for name in ("alpha", "beta", "gamma"))
PAYMENTS = parse_ref("group:payments")
ACME = organization_ref("acme")


def _values(index: int) -> list[MetricValue]:
    lead = {ALPHA: (3, 2.5, 2), BETA: (5, 4, 3), GAMMA: (9, 9, 9)}
    incidents = {ALPHA: (2, 2, 1), BETA: (1, 1, 1), GAMMA: (5, 5, 5)}
    values = [
        MetricValue("delivery.lead_time_for_changes.p50", ref, days[index] * DAY, "seconds")
        for ref, days in lead.items()
    ]
    values += [
        MetricValue("reliability.incidents.count", ref, float(counts[index]), "count")
        for ref, counts in incidents.items()
    ]
    values.append(MetricValue("delivery.deployment_frequency.per_day", PAYMENTS, (0.5, 0.8, 1.2)[index], "per_day"))
    if index < 2:  # the latest snapshot has no change failure rate
        values.append(MetricValue("delivery.change_failure_rate", ACME, (0.3, 0.2)[index], "ratio"))
    return values


@pytest.fixture
def context(tmp_path: Path, database_url: str) -> Iterator[Context]:
    repo = write_repo(tmp_path, FILES, organization=ORGANIZATION)
    with open_store(repo, database_url) as store:
        for index, taken in enumerate(TAKEN):
            store.write_snapshot(taken, None, _values(index))
        yield load_context(repo, store, clock=lambda: datetime(2027, 1, 20, 12, tzinfo=UTC))


def test_every_target_is_evaluated_per_entity_aggregated_and_funded(context: Context) -> None:
    median, worst, incidents, team, quality = target_statuses(context)

    # Tier 1 is alpha and beta. Median lead time 4, 3.25, 2.5 d at days 0, 7, 14: an exact line of
    # -0.75/7 d a day from 4 d, which reaches 1 d at day 28 (Jan 29); by Mar 31 it is far below.
    assert [entity.entity for entity in median.evaluation.entities] == [ALPHA, BETA]
    assert median.status is TargetState.ON_TRACK
    assert median.evaluation.current == 2.5 * DAY
    assert median.evaluation.baseline == 4 * DAY
    assert median.evaluation.current_per_day == pytest.approx(-0.75 / 7 * DAY)
    assert median.evaluation.projected_date == date(2027, 1, 29)
    assert (median.evaluation.meeting, median.evaluation.with_data) == (0, 2)
    # From 2.5 d to 1 d between Jan 20 12:00 and the end of Mar 31 (70.5 days).
    assert median.evaluation.required_per_day == pytest.approx(-1.5 * DAY / 70.5)
    assert median.funded and [item.initiative for item in median.funding] == ["initiative:fast-pipelines"]

    # Worst: beta's 5, 4, 3 d: -1/7 d a day from 5 d, reaching 1 d at day 28 too.
    assert worst.evaluation.current == 3 * DAY
    assert worst.evaluation.projected_date == date(2027, 1, 29)

    # Incidents summed over tier 1: 3, 3, 2; due Jan 10 and still 2 > 1: off track, and its goal's
    # only initiative is not committed, so nothing funds it.
    assert [point.value for point in incidents.evaluation.trend] == [3.0, 3.0, 2.0]
    assert incidents.status is TargetState.OFF_TRACK
    assert not incidents.funded and incidents.funding[0].status == "proposed"

    # A team's own stored value: 1.2 a day meets >= 1.
    assert team.selection.single and team.status is TargetState.MET
    assert team.funding == ()

    # No value at the latest snapshot: no data, the written baseline kept.
    assert quality.status is TargetState.NO_DATA
    assert quality.evaluation.baseline == pytest.approx(0.3) and quality.evaluation.baseline_source == "written"


def test_as_of_reads_only_the_snapshots_taken_by_then(context: Context) -> None:
    median, *_rest, quality = target_statuses(context, as_of=date(2027, 1, 8))
    assert [point.value for point in median.evaluation.trend] == [4 * DAY, 3.25 * DAY]
    assert quality.evaluation.current == pytest.approx(0.2)
    assert quality.status is TargetState.ON_TRACK  # 30% then 20%: moving toward 15%, and it has no date
    with pytest.raises(UsageError, match=r"--as-of 2026-12-31 is before the first snapshot \(2027-01-01\)"):
        target_statuses(context, as_of=date(2026, 12, 31))


def test_the_report_raises_tgt005_for_a_missed_date_and_gates_on_it(context: Context) -> None:
    report = targets_report(context, TargetsQuery(fail_on=Severity.ERROR, backtest=True))
    [missed] = report.diagnostics
    assert missed.code == "TGT005" and "reliability.incidents.count" in missed.message
    assert missed.location is not None and missed.location.line == 13
    assert report.gate_met
    assert report.view.counts == {"met": 1, "on track": 2, "at risk": 0, "off track": 1, "no data": 1}
    backtest = report.view.targets[3].backtest
    assert backtest is not None and (backtest.met, backtest.snapshots) == (1, 3)  # 0.5, 0.8, 1.2 a day
    assert not targets_report(context, TargetsQuery()).gate_met


def test_a_target_written_wrong_stops_the_report_naming_its_line(tmp_path: Path, database_url: str) -> None:
    organization = ORGANIZATION.replace("value: 15%", "value: 1d").replace(
        "reliability.incidents.count", "reliability.incident_count"
    )
    repo = write_repo(tmp_path, FILES, organization=organization)
    with open_store(repo, database_url) as store:
        context = load_context(repo, store)
        with pytest.raises(InputError) as raised:
            targets_report(context, TargetsQuery())
    message = str(raised.value)
    assert "charter.yaml:13:" in message and "REF007" in message and "reliability.incident_count" in message
    assert "charter.yaml:19:" in message and "TGT002" in message


def test_with_the_plan_an_initiative_it_delivers_funds_the_goal(tmp_path: Path, database_url: str) -> None:
    files = dict(FILES)
    files["roadmap/initiatives.yaml"] = files["roadmap/initiatives.yaml"].replace(
        "spec: {type: reliability, owner: group:search, goals: [safe]}",
        "spec: {type: reliability, owner: group:search, estimate: {teamWeeks: 2}, goals: [safe],\n"
        "       value: {businessValue: 3}}",
    )
    files["roadmap/capacity.yaml"] = (
        "apiVersion: charter.dev/v1\nkind: Capacity\nmetadata: {name: q1}\n"
        "spec: {quarter: 2027Q1, teams: {search: 10}}\n"
    )
    repo = write_repo(tmp_path, files, organization=ORGANIZATION)
    with open_store(repo, database_url) as store:
        for index, taken in enumerate(TAKEN):
            store.write_snapshot(taken, None, _values(index))
        context = load_context(repo, store, clock=lambda: datetime(2027, 1, 20, 12, tzinfo=UTC))
        without = targets_report(context, TargetsQuery()).view.targets[2]
        with_plan = targets_report(context, TargetsQuery(plan=True)).view.targets[2]
    assert without.goal == "safe" and not without.funded
    assert with_plan.funded
    [pages] = with_plan.initiatives
    assert (pages.initiative, pages.planned, pages.committed) == ("initiative:fewer-pages", "2027Q1", None)

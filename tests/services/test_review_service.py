"""`review_report` over a real store (SQLite and PostgreSQL): snapshots with known values at known
times around the period 2026Q3 to 2026-07-31, a target, a roadmap and a decision record; every
number worked out in the comments. Then the period with one snapshot (no trend, the current state),
with none, and the commitments read from the strategy repository's git history."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from charter.model.errors import UsageError
from charter.model.escalation_ledger import RaisedEscalation
from charter.model.metric_values import MetricValue, organization_ref
from charter.model.refs import parse_ref
from charter.model.risk_states import RiskState
from charter.services.context import Context, load_context
from charter.services.review import ReviewQuery, period_of, review_report
from charter.store.database import open_store
from charter.store.escalations import record_run
from charter.store.risk_register import write_risk_states
from charter.store.snapshots import insert_snapshot
from tests.strategy import write_repo

ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  goals:
    - id: calm
      targets:
        - {metric: reliability.incidents.count, op: "<=", value: 2}
"""
INITIATIVE = (
    "apiVersion: charter.dev/v1\nkind: Initiative\nmetadata: {{name: {name}}}\n"
    "spec: {{type: platform, owner: group:payments, status: {status}, committed: {{quarter: {quarter}}}}}\n"
)
FILES = {
    "charter.yaml": ORGANIZATION,
    "roadmap/initiatives.yaml": "---\n".join(
        [
            INITIATIVE.format(name="kept", status="done", quarter="2026Q2"),
            INITIATIVE.format(name="late", status="in-progress", quarter="2026Q2"),
            INITIATIVE.format(name="next", status="committed", quarter="2026Q3"),  # ends after 2026-07-31
        ]
    ),
    # alpha, owned by payments, is silver while a change in four fails, gold once it is one in ten.
    "catalog/alpha.yaml": (
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: payments}\nspec: {type: team, children: []}\n"
        "---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: alpha}\n"
        "spec: {type: service, lifecycle: production, owner: group:payments}\n"
    ),
    "standards/maturity.yaml": (
        "apiVersion: charter.dev/v1\nkind: Standard\nmetadata: {name: maturity}\n"
        "spec:\n  appliesTo: {kind: Component}\n  levels: [silver, gold]\n  rules:\n"
        "    - {id: has-owner, level: silver, check: owner.exists}\n"
        "    - {id: low-change-failure, level: gold, check: metric,\n"
        "       with: {metric: delivery.change_failure_rate, op: '<=', value: 0.15}}\n"
    ),
    "decisions/0001-page-on-burn-rate.md": "---\nstatus: accepted\ndate: 2026-07-10\n---\n\n# Page on burn rate\n",
    "decisions/0002-older.md": "---\nstatus: accepted\ndate: 2026-05-10\n---\n\n# Older\n",
}
ACME = organization_ref("acme")
ALPHA = parse_ref("component:alpha")
PAYMENTS = parse_ref("group:payments")
LEAD, INCIDENTS, FREQUENCY = (
    "delivery.lead_time_for_changes.p50",
    "reliability.incidents.count",
    "delivery.deployment_frequency.per_day",
)
# Taken on 2026-06-21 and 06-28 (before the period: the review starts from the later), July 5, 12
# and 19 (in it), and August 10 (after it).
TAKEN = [datetime(2026, month, day, 23, 59, 59, tzinfo=UTC) for month, day in
         ((6, 21), (6, 28), (7, 5), (7, 12), (7, 19), (8, 10))]  # fmt: skip
INCIDENT_COUNTS = (9.0, 5.0, 4.0, 3.0, 1.0, 0.0)  # from June 28: steps -1, -1, -2: noise 2√2 ≈ 2.83; -4 improved
FREQUENCIES = (3.0, 2.0, 1.8, 1.6, 1.4, 1.0)  # steps -0.2 (noise 0.4); -0.6 regressed
TEAM_LEADS = (0.0, 100.0, 300.0, 100.0, 150.0, 0.0)  # steps +200, -200, +50: noise ≈ 332; +50 within it
ALPHA_LEADS = (100.0,) * 6  # unchanged
ALPHA_FAILURES = (0.25, 0.25, 0.25, 0.2, 0.1, 0.1)  # gold from July 19
REGISTERS = {
    1: [RiskState("outage", "high", "open"), RiskState("breach", "low", "open")],
    4: [
        RiskState("outage", "medium", "open"),
        RiskState("breach", "low", "closed"),
        RiskState("fraud", "high", "open"),
    ],
}


def _values(index: int) -> list[MetricValue]:
    return [
        MetricValue(INCIDENTS, ACME, INCIDENT_COUNTS[index], "count"),
        MetricValue(FREQUENCY, ACME, FREQUENCIES[index], "per_day"),
        MetricValue(LEAD, PAYMENTS, TEAM_LEADS[index], "seconds"),
        MetricValue(LEAD, ALPHA, ALPHA_LEADS[index], "seconds"),
        MetricValue("delivery.change_failure_rate", ALPHA, ALPHA_FAILURES[index], "ratio"),
    ]


def _raised(name: str) -> RaisedEscalation:
    return RaisedEscalation(f"ESC001-{name}", name, "ESC001", f"component:{name}", "group:payments", "error", "m")


def _record_escalation_runs(context: Context) -> None:
    """June 20: `old` raised. July 2: `old` and `early` (first seen in the period). July 5, 06:00:
    `early` and `late`; `old` resolved. July 6: `late` only; `early` resolved. August 10: nothing
    raised; `late` resolved, after the period."""
    runs = [
        (datetime(2026, 6, 20, tzinfo=UTC), ["old"]),
        (datetime(2026, 7, 2, tzinfo=UTC), ["old", "early"]),
        (datetime(2026, 7, 5, 6, tzinfo=UTC), ["early", "late"]),
        (datetime(2026, 7, 6, tzinfo=UTC), ["late"]),
        (datetime(2026, 8, 10, tzinfo=UTC), []),
    ]
    for moment, names in runs:
        with context.required_store().transaction() as connection:
            record_run(connection, moment, [_raised(name) for name in names])


def _store_snapshots(context: Context, indexes: Sequence[int]) -> None:
    with context.required_store().transaction() as connection:
        for index in indexes:
            snapshot_id = insert_snapshot(connection, TAKEN[index], None, _values(index))
            write_risk_states(connection, snapshot_id, REGISTERS.get(index, REGISTERS[1] if index < 4 else []))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "org", FILES)


@pytest.fixture
def context(repo: Path, database_url: str) -> Iterator[Context]:
    with open_store(repo, database_url) as store:
        yield load_context(repo, store, clock=lambda: datetime(2026, 9, 1, tzinfo=UTC))


def test_the_review_tells_what_moved_between_the_start_and_the_end(context: Context) -> None:
    _store_snapshots(context, range(6))
    _record_escalation_runs(context)

    review = review_report(context, ReviewQuery("2026Q3", "2026-07-31"))

    assert (review.since, review.until) == (
        datetime(2026, 7, 1, tzinfo=UTC),
        datetime(2026, 7, 31, 23, 59, 59, 999999, tzinfo=UTC),
    )
    assert review.trend and review.no_trend_reason is None
    assert review.snapshots == 4  # June 28 (the start), July 5, 12, 19 (the end)
    assert review.start is not None and review.end is not None
    assert (review.start.taken_at.date().isoformat(), review.end.taken_at.date().isoformat()) == (
        "2026-06-28",
        "2026-07-19",
    )
    assert [(item.metric, item.scope, item.before, item.after) for item in review.improved][:1] == [
        (INCIDENTS, "acme", 5.0, 1.0)
    ]
    assert review.improved[0].noise == pytest.approx(2 * 2**0.5)
    # alpha's failure rate 0.25, 0.25, 0.2, 0.1: steps 0, -0.05, -0.1 (noise ≈ 0.13); -0.15 improved
    assert [(item.metric, item.scope) for item in review.improved[1:]] == [
        ("delivery.change_failure_rate", "component:alpha")
    ]
    assert [(item.team, item.standard, item.entity, item.before, item.after) for item in review.standards_gained] == [
        ("group:payments", "standard:maturity", "component:alpha", "silver", "gold")
    ]  # fmt: skip
    assert review.standards_lost == []
    assert [(item.team, item.gained, item.lost) for item in review.standards_by_team] == [("group:payments", 1, 0)]
    assert [(item.metric, item.scope_kind, item.before, item.after) for item in review.regressed] == [
        (FREQUENCY, "org", 2.0, 1.4)
    ]
    assert review.regressed[0].change == pytest.approx(-0.6)
    # The target (at most 2 incidents) was on track at 5 (falling from 9) and is met with 1.
    moved = [(item.goal, item.before, item.after, item.value_before, item.value_after) for item in review.targets_moved]
    assert moved == [("calm", "on track", "met", 5.0, 1.0)]
    assert review.risks.opened == ["fraud"]
    assert review.risks.closed == ["breach"]
    assert [(item.risk, item.before, item.after) for item in review.risks.level_changes] == [
        ("outage", "high", "medium")
    ]
    incidents = {item.metric: item for item in review.incidents}[INCIDENTS]
    assert [point.value for point in incidents.points] == [5.0, 4.0, 3.0, 1.0]
    assert [item.initiative for item in review.delivered] == ["kept"]
    assert [(item.initiative, item.status) for item in review.slipped] == [("late", "in-progress")]
    assert review.commitments_from.startswith("the roadmap files as they are now")
    assert [(item.id, item.date.isoformat()) for item in review.decisions] == [("0001", "2026-07-10")]
    # Opened in the period: early (resolved after 4 days) and late (open at its end: its resolution in
    # August is after it); resolved in it: early and old (15 days and 6 hours).
    assert [(item.id, item.hours_to_resolve) for item in review.escalations_opened] == [
        ("ESC001-early", 96.0),
        ("ESC001-late", None),
    ]
    assert [(item.id, item.hours_to_resolve) for item in review.escalations_resolved] == [
        ("ESC001-early", 96.0),
        ("ESC001-old", 15 * 24.0 + 6),
    ]
    times = review.escalation_times
    assert (times.raised, times.resolved, times.still_open, times.median_hours_to_resolve) == (2, 1, 1, 96.0)
    assert {item.metric: item.value for item in review.current} == {INCIDENTS: 1.0, FREQUENCY: 1.4}
    assert review.unavailable == []


def test_one_snapshot_is_no_trend_and_still_the_current_state(context: Context) -> None:
    _store_snapshots(context, [5])  # August 10 only

    review = review_report(context, ReviewQuery("2026-08-01", "2026-08-31"))

    assert not review.trend
    assert review.snapshots == 1
    assert review.no_trend_reason is not None and "only one snapshot (2026-08-10)" in review.no_trend_reason
    assert review.improved == review.regressed == review.targets_moved == review.incidents == []
    assert {item.metric: item.value for item in review.current} == {INCIDENTS: 0.0, FREQUENCY: 1.0}
    assert [(item.goal, item.before, item.after) for item in review.targets] == [("calm", None, "met")]


def test_no_snapshot_says_how_to_take_one(context: Context) -> None:
    review = review_report(context, ReviewQuery("2026Q3"))
    assert not review.trend and review.start is None and review.current == []
    assert review.no_trend_reason is not None and "charter snapshot --every 1w" in review.no_trend_reason


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("2026Q5", None, "--since takes a quarter like 2026Q3 or a day like 2026-07-01, not `2026Q5`"),
        ("2026Q3", "yesterday", "--until takes a quarter like 2026Q3 or a day like 2026-07-01, not `yesterday`"),
        ("2026-08-01", "2026-07-31", "--since 2026-08-01 is not before --until 2026-07-31"),
    ],
)
def test_a_period_written_wrong_is_a_usage_error(since: str, until: str | None, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        period_of(ReviewQuery(since, until), datetime(2026, 9, 1, tzinfo=UTC))


def _git(repo: Path, *arguments: str, when: str) -> None:
    environment = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(repo), *arguments], check=True, capture_output=True, env=environment)


def test_commitments_are_read_as_the_repository_held_them_before_the_period(repo: Path, database_url: str) -> None:
    # June: `late` committed to 2026Q2. August: moved to 2026Q4 — still a slipped promise of 2026Q2.
    _git(repo, "init", "-q", "-b", "main", when="2026-06-01T12:00:00Z")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "charter.yaml", "roadmap", "decisions",
         when="2026-06-01T12:00:00Z")  # fmt: skip
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "plan",
         when="2026-06-01T12:00:00Z")  # fmt: skip
    initiatives = repo / "roadmap" / "initiatives.yaml"
    initiatives.write_text(initiatives.read_text().replace("in-progress, committed: {quarter: 2026Q2}",
                                                           "in-progress, committed: {quarter: 2026Q4}"))  # fmt: skip
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-am", "move late",
         when="2026-08-01T12:00:00Z")  # fmt: skip
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD~1"], capture_output=True, text=True).stdout

    with open_store(repo, database_url) as store:
        context = load_context(repo, store, clock=lambda: datetime(2026, 9, 1, tzinfo=UTC))
        review = review_report(context, ReviewQuery("2026Q3", "2026-07-31"))

    assert [(item.initiative, item.recommitted) for item in review.slipped] == [("late", "2026Q4")]
    assert [item.initiative for item in review.delivered] == ["kept"]
    assert review.commitments_from == f"the roadmap files at commit {commit[:12]}, the last before the period"

"""What a review tells from numbers worked out by hand: the noise of a series, the metrics that moved
beyond it (improved or regressed by the registry's direction), the risks opened, closed and
re-levelled, the promises kept and slipped, and the decisions taken in the period."""

from __future__ import annotations

import math
from datetime import date

import pytest

from charter.analysis.review import decisions_taken, metric_changes, noise_of, promises, risk_moves
from charter.model.base import quarter_end
from charter.model.decision import Decision
from charter.model.kinds import Initiative
from charter.model.risk_states import RiskState

LEAD = "delivery.lead_time_for_changes.p50"  # lower is better
FREQUENCY = "delivery.deployment_frequency.per_day"  # higher is better


@pytest.mark.parametrize(
    ("series", "noise"),
    [
        ([1.0], 0.0),
        ([1.0, 5.0], 0.0),  # one step is the change itself: every change counts
        ([1.0, 2.0, 3.0], 2.0),  # steps 1, 1: root mean square 1
        ([0.0, 3.0, 3.0, 3.0, -1.0], 2 * math.sqrt((9 + 0 + 0 + 16) / 4)),  # 5.0
    ],
)
def test_the_noise_is_twice_the_root_mean_square_step(series: list[float], noise: float) -> None:
    assert noise_of(series) == pytest.approx(noise)


def test_changes_beyond_the_noise_are_improvements_or_regressions_by_direction() -> None:
    series = {
        # steps 1, 1, 1 (noise 2): a drift of 3 counts; lead time up is a regression
        (LEAD, "component", "alpha"): [10.0, 11.0, 12.0, 13.0],
        # steps +4, -4, +1 (noise 2 × √11 ≈ 6.6): a net change of 1 is within it
        (LEAD, "component", "beta"): [10.0, 14.0, 10.0, 11.0],
        # frequency up at the organisation: an improvement, listed first
        (FREQUENCY, "org", "acme"): [1.0, 1.5, 2.0, 2.5],
        # no change at all
        (FREQUENCY, "team", "group:payments"): [2.0, 2.0, 2.0],
        # not a registry metric
        ("made.up", "org", "acme"): [1.0, 9.0],
    }
    units = {key: "seconds" if key[0] == LEAD else "per_day" for key in series}

    changes = metric_changes(series, units)

    assert [(item.metric, item.scope, item.before, item.after, item.improved) for item in changes] == [
        (FREQUENCY, "acme", 1.0, 2.5, True),
        (LEAD, "alpha", 10.0, 13.0, False),
    ]
    assert changes[1].noise == pytest.approx(2.0)
    assert changes[1].unit == "seconds"


def test_risks_opened_closed_and_relevelled() -> None:
    before = {
        "outage": RiskState("outage", "high", "open"),
        "breach": RiskState("breach", "critical", "mitigating"),
        "vendor": RiskState("vendor", "low", "closed"),
        "gone": RiskState("gone", "medium", "open"),
    }
    after = {
        "outage": RiskState("outage", "medium", "open"),  # level changed
        "breach": RiskState("breach", "critical", "closed"),  # closed
        "vendor": RiskState("vendor", "low", "open"),  # re-opened: opened
        "new": RiskState("new", "high", "open"),  # opened
    }
    moves = risk_moves(before, after)
    assert moves.opened == ("new", "vendor")
    assert moves.closed == ("breach", "gone")
    assert moves.level_changes == (("outage", "high", "medium"),)


def _initiative(name: str, status: str, quarter: str | None) -> Initiative:
    committed = {"committed": {"quarter": quarter}} if quarter else {}
    return Initiative.model_validate(
        {
            "apiVersion": "charter.dev/v1",
            "kind": "Initiative",
            "metadata": {"name": name},
            "spec": {"type": "platform", "status": status, "owner": "group:payments", **committed},
        }
    )


def test_promises_committed_to_a_quarter_ended_in_the_period_are_delivered_or_slipped() -> None:
    then = [
        _initiative("kept", "committed", "2026Q3"),
        _initiative("moved", "committed", "2026Q3"),
        _initiative("dropped", "committed", "2026Q2"),
        _initiative("later", "committed", "2026Q4"),  # its quarter ends after the period
        _initiative("uncommitted", "proposed", None),
    ]
    now = {
        "kept": _initiative("kept", "done", "2026Q3"),
        "moved": _initiative("moved", "in-progress", "2026Q4"),
        "dropped": _initiative("dropped", "dropped", None),
    }
    ends = {quarter: quarter_end(quarter) for quarter in ("2026Q2", "2026Q3", "2026Q4")}

    found = promises(then, now, ends, date(2026, 10, 31))

    assert [(item.initiative, item.delivered, item.status, item.recommitted) for item in found] == [
        ("dropped", False, "dropped", None),
        ("kept", True, "done", None),
        ("moved", False, "in-progress", "2026Q4"),
    ]
    assert found[1].due_by == date(2026, 9, 30)


def test_decisions_dated_in_the_period_oldest_first() -> None:
    records = {
        "0002": Decision("0002", "B", "accepted", date(2026, 9, 1)),
        "0001": Decision("0001", "A", "accepted", date(2026, 7, 1)),
        "0003": Decision("0003", "C", "proposed", date(2026, 11, 1)),
        "0004": Decision("0004", "D"),
    }
    assert [item.id for item in decisions_taken(records, date(2026, 7, 1), date(2026, 10, 31))] == ["0001", "0002"]

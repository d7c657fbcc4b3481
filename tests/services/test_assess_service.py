"""The assessment use case over the small organisation of `metric_facts.py`: scoring the latest snapshot's
values gives what measuring the facts at the snapshot's time gives, and no evidence counts as newer than
the snapshot it was scored from."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from charter.analysis.assessment.catalogue import Area
from charter.services.assess import measured_assessment
from charter.services.assessment import assess_estate, assessment_metric_values, latest_incident
from charter.services.context import Context, load_context
from charter.services.metrics.providers import PROVIDERS
from charter.services.metrics.shared import Period, SharedFacts
from charter.services.snapshot import SNAPSHOT_PERIOD
from charter.store.database import open_store
from tests.services.metric_facts import build_organization


@pytest.fixture
def context(tmp_path: Path) -> Iterator[Context]:
    url = f"sqlite:///{tmp_path / 'charter.db'}"
    repo = build_organization(tmp_path, url)
    with open_store(repo, url) as store:
        yield load_context(repo, store)


def test_the_snapshot_path_scores_what_measuring_at_its_time_scores(context: Context) -> None:
    snapshot = context.required_store().latest_snapshot()
    assert snapshot is not None
    taken = snapshot.taken_at

    from_snapshot = measured_assessment(context, taken)
    assert (from_snapshot.snapshot_id, from_snapshot.facts_at) == (snapshot.id, taken)

    period = Period(taken - SNAPSHOT_PERIOD, taken)
    shared = SharedFacts(context, period)
    values = [value for provider in PROVIDERS[:-1] for value in provider.measure(context, period, shared)]
    live = assess_estate(context, values, latest_incident(shared.incidents, taken), taken)
    assert assessment_metric_values(from_snapshot.assessment) == assessment_metric_values(live)
    # and the snapshot recorded the same scores when it was taken
    recorded = {(item.metric, item.scope): item.value for item in snapshot.values if item.metric.startswith("assess")}
    assert recorded == {(item.metric, item.scope): item.value for item in assessment_metric_values(live)}


def test_no_evidence_is_newer_than_the_snapshot_scored(context: Context) -> None:
    snapshot = context.required_store().latest_snapshot()
    assert snapshot is not None
    later = snapshot.taken_at + timedelta(days=20)

    measured = measured_assessment(context, later)
    assert measured.facts_at == snapshot.taken_at
    (payments,) = measured.assessment.components
    assert all(result.evidence_at is None or result.evidence_at <= snapshot.taken_at for result in payments.results)
    # 20 days on, the SLI data of the snapshot is older than reliability's 7 days: the budget is unknown
    budget = next(result for result in payments.results if result.check.id == "reliability.error-budget")
    assert budget.status.value == "unknown"
    assert payments.tallies[Area.RELIABILITY].confidence == pytest.approx(6 / 9)

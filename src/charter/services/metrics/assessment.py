"""The assessment scores and their confidence per area, per component, system, team and the organisation
at the end of the period, from the values the providers before it measured (so a snapshot measures
nothing twice), and the method version that computed them."""

from __future__ import annotations

from typing import ClassVar

from charter.analysis.metrics import Domain
from charter.model.metric_values import MetricValue
from charter.services.assessment import assess_estate, assessment_metric_values, latest_incident
from charter.services.context import Context
from charter.services.metrics.interface import MetricProvider
from charter.services.metrics.shared import Period, SharedFacts


class AssessmentMetrics(MetricProvider):
    """Registered after every provider whose values it scores."""

    domain: ClassVar[Domain] = Domain.ASSESSMENT

    def measure(self, context: Context, period: Period, shared: SharedFacts) -> list[MetricValue]:
        incidents = latest_incident(shared.incidents, period.until)
        assessment = assess_estate(context, shared.measured, incidents, period.until)
        return assessment_metric_values(assessment)

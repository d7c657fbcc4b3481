"""What one snapshot computation shares between its providers: the period it measures, and the facts
several providers need (the period's deployments and every incident, read together once). Made for one
computation and dropped with it: never a cache on an object that outlives it. A series of computations
(`charter snapshot`'s backfill) shares `SeriesFacts` too, made for the series and dropped with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from charter.analysis.delivery.inputs import DeliveryInputs
from charter.model.incident import Incident
from charter.model.metric_values import MetricValue
from charter.services.codehealth import CodeHistories
from charter.services.context import Context
from charter.services.delivery import DeliveryQuery, delivery_inputs, delivery_inputs_within


@dataclass(slots=True)
class SeriesFacts:
    """What every computation of a series reads alike: the delivery inputs of a period holding all of
    theirs (each cuts its own from them; None: each reads its own), and each component's mined git
    history (the store's, the same at every date of the series), filled by the first computation that
    reads it, or by the sync that has just mined it; `code_health`: the code health metric values
    already measured at a moment (by the end of the period measured), which the provider gives as
    they are (a sync measures them in a forked child while it links: `services/forked.py`)."""

    delivery: DeliveryInputs | None = None
    code_history: CodeHistories = field(default_factory=dict)
    code_health: dict[datetime, list[MetricValue]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Period:
    """The half-open period [since, until) a snapshot measures; what is measured "now" is taken at
    `until`."""

    since: datetime
    until: datetime


class SharedFacts:
    """The facts of one snapshot computation that more than one provider reads, each read on first use."""

    def __init__(self, context: Context, period: Period, series: SeriesFacts | None = None) -> None:
        """`series`: the facts of the series this computation is one of (a backfill's), reused
        instead of read again."""
        self._context = context
        self._period = period
        self.series = series
        self._measured: list[MetricValue] = []

    @property
    def measured(self) -> Sequence[MetricValue]:
        """The values the providers before this one measured: a provider derived from the others (the
        assessment) reads them instead of measuring again."""
        return self._measured

    def record(self, values: Sequence[MetricValue]) -> None:
        """Add one provider's values to `measured` (the snapshot does, after each provider)."""
        self._measured.extend(values)

    @cached_property
    def delivery_inputs(self) -> DeliveryInputs:
        """The period's deployments with the context around it, their lead times, and every incident."""
        query = DeliveryQuery(self._period.since, self._period.until)
        if self.series is not None and self.series.delivery is not None:
            return delivery_inputs_within(self._context, self.series.delivery, query)
        store = self._context.required_store()
        with store.engine.connect() as connection:
            return delivery_inputs(self._context, connection, query)

    @property
    def incidents(self) -> Sequence[Incident]:
        """The postmortems merged with the imported incidents, read with the deployments."""
        return self.delivery_inputs.incidents

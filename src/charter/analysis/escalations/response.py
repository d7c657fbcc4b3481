"""Time to acknowledge and time to resolve, measured from the escalation ledger: for the
escalations first seen in a period, how long until someone acknowledged them and until the
condition cleared, overall and per code (median and 90th percentile, in hours)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from charter.model.escalation_ledger import LedgerEntry

HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class Durations:
    """How many escalations, and the median and 90th percentile of a duration in hours (None: none)."""

    count: int
    median_hours: float | None
    p90_hours: float | None

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Durations:
        if not seconds:
            return cls(0, None, None)
        values = np.asarray(seconds, dtype=np.float64) / HOUR
        return cls(len(values), float(np.percentile(values, 50)), float(np.percentile(values, 90)))


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    """Over the escalations first seen in [since, until): how many were raised, and the time to
    acknowledge (of those acknowledged) and to resolve (of those resolved)."""

    raised: int
    to_acknowledge: Durations
    to_resolve: Durations
    still_open: int
    by_code: dict[str, tuple[Durations, Durations]]  # code -> (to acknowledge, to resolve)


def response_times(
    entries: Iterable[LedgerEntry], since: datetime | None = None, until: datetime | None = None
) -> ResponseTimes:
    """Time to acknowledge and to resolve of the ledger's escalations first seen in the period."""
    chosen = [
        entry
        for entry in entries
        if (since is None or entry.first_seen >= since) and (until is None or entry.first_seen < until)
    ]
    acknowledge: dict[str, list[float]] = defaultdict(list)
    resolve: dict[str, list[float]] = defaultdict(list)
    for entry in chosen:
        if entry.acknowledged_at is not None:
            acknowledge[entry.code].append(max((entry.acknowledged_at - entry.first_seen).total_seconds(), 0.0))
        if entry.resolved_at is not None:
            resolve[entry.code].append(max((entry.resolved_at - entry.first_seen).total_seconds(), 0.0))
    codes = sorted({entry.code for entry in chosen})
    return ResponseTimes(
        raised=len(chosen),
        to_acknowledge=Durations.of([value for values in acknowledge.values() for value in values]),
        to_resolve=Durations.of([value for values in resolve.values() for value in values]),
        still_open=sum(1 for entry in chosen if entry.resolved_at is None),
        by_code={code: (Durations.of(acknowledge[code]), Durations.of(resolve[code])) for code in codes},
    )

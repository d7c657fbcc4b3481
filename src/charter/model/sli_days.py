"""Days of per-minute SLI counts on their way into the store: what an SLI source yields and the
store writes, one row per SLO and UTC day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from charter.model.sli_counts import Floats


@dataclass(frozen=True, slots=True)
class SliDays:
    """Days of minute counts to write: row i is SLO `slos[i]` on epoch day `days[i]`, its counts
    `good[i]` and `total[i]` (1,440 each, NaN: no sample)."""

    slos: Sequence[str]
    days: Sequence[int]
    good: Floats
    total: Floats

    def __len__(self) -> int:
        return len(self.slos)

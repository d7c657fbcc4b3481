"""When people commit: weekday working hours mostly, rarely at night and at weekends."""

from __future__ import annotations

import bisect
import itertools


class WorkingClock:
    """Moments between `start` and `end` (Unix seconds) by the share of the work done: people commit
    on weekday working hours (08:00 to 19:00 UTC), rarely at night and at weekends. Monotonic, so
    commits spread evenly over the work keep their order."""

    WEIGHTS = {"working": 1.0, "evening": 0.08, "weekend": 0.03}

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end
        hours = range(start - start % 3600, end, 3600)
        weights = [self._weight(hour) for hour in hours]
        self._hours = list(hours)
        self._cumulative = list(itertools.accumulate(weights))

    def _weight(self, hour: int) -> float:
        day = (hour // 86400 + 3) % 7  # 1970-01-01 was a Thursday: 0 is Monday
        if day >= 5:
            return self.WEIGHTS["weekend"]
        return self.WEIGHTS["working"] if 8 <= hour % 86400 // 3600 < 19 else self.WEIGHTS["evening"]

    def at(self, share: float) -> int:
        target = share * self._cumulative[-1]
        index = min(bisect.bisect_left(self._cumulative, target), len(self._hours) - 1)
        before = self._cumulative[index - 1] if index else 0.0
        within = (target - before) / (self._cumulative[index] - before)
        return min(self.end - 1, max(self.start, self._hours[index] + int(3600 * within)))

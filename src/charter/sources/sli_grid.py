"""Binning SLI samples into per-SLO per-day minute arrays, vectorised: batches of (SLO, minute, good,
total) add into blocks of day slots with `np.bincount`, so memory grows with the days of data (11.5 kB
per SLO per day and array), not with the samples. Samples of the same minute add up: counts are
increments, and a file with 15-second samples gives the minute's total."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from charter.model.sli_counts import MINUTES_PER_DAY, Floats
from charter.model.sli_days import SliDays

Ints = npt.NDArray[np.int64]
_BLOCK_BITS = 9
_BLOCK = 1 << _BLOCK_BITS  # day slots per block (5.9 MB per array); a power of two, for shifts and masks


class MinuteGrid:
    """Minute counts per (SLO, UTC day) slot, filled batch by batch."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._index: dict[str, int] = {}
        self._base_day = 0
        self._slot_table = np.full((0, 0), -1, dtype=np.int64)  # [slo, day - base_day] -> slot
        self._slot_keys: list[tuple[int, int]] = []  # slot -> (slo index, epoch day)
        self._good: list[Floats] = []
        self._total: list[Floats] = []
        self._present: list[npt.NDArray[np.bool_]] = []

    def slo_index(self, name: str) -> int:
        found = self._index.get(name)
        if found is None:
            found = self._index[name] = len(self.names)
            self.names.append(name)
        return found

    @property
    def slot_count(self) -> int:
        return len(self._slot_keys)

    def add(self, slos: Ints, minutes: Ints, good: Floats, total: Floats) -> None:
        """Add samples: SLO indices (from `slo_index`), epoch minutes, good and total counts."""
        if len(slos) == 0:
            return
        days = minutes // MINUTES_PER_DAY
        slots = self._slots(slos, days)
        positions = (slots & (_BLOCK - 1)) * MINUTES_PER_DAY + (minutes - days * MINUTES_PER_DAY)
        blocks = slots >> _BLOCK_BITS
        first, last = int(blocks.min()), int(blocks.max())
        if first == last:
            self._add_block(first, positions, good, total)
            return
        for block in range(first, last + 1):
            chosen = blocks == block
            if chosen.any():
                self._add_block(block, positions[chosen], good[chosen], total[chosen])

    def _add_block(self, block: int, positions: Ints, good: Floats, total: Floats) -> None:
        np.add.at(self._good[block], positions, good)
        np.add.at(self._total[block], positions, total)
        self._present[block][positions] = True

    def days(self) -> Iterator[SliDays]:
        """The filled slots, a block at a time (NaN where a minute had no sample). Consumes the grid."""
        for block in range(len(self._good)):
            keys = self._slot_keys[block * _BLOCK : (block + 1) * _BLOCK]
            count = len(keys)
            good = self._good[block].reshape(_BLOCK, MINUTES_PER_DAY)[:count]
            total = self._total[block].reshape(_BLOCK, MINUTES_PER_DAY)[:count]
            missing = ~self._present[block].reshape(_BLOCK, MINUTES_PER_DAY)[:count]
            good[missing] = np.nan
            total[missing] = np.nan
            yield SliDays([self.names[slo] for slo, _day in keys], [day for _slo, day in keys], good, total)
            self._good[block] = self._total[block] = np.zeros(0)

    def _slots(self, slos: Ints, days: Ints) -> Ints:
        self._cover(int(slos.max()) + 1, int(days.min()), int(days.max()))
        width = self._slot_table.shape[1]
        keys = slos * width + (days - self._base_day)
        table = self._slot_table.reshape(-1)
        slots: Ints = table[keys]
        new = slots < 0
        if new.any():
            fresh = keys[new]
            # Files are mostly ordered: drop repeats of the previous key before the (hashing) unique.
            changes = np.empty(len(fresh), dtype=np.bool_)
            changes[0] = True
            np.not_equal(fresh[1:], fresh[:-1], out=changes[1:])
            pairs = np.unique(fresh[changes])
            first = len(self._slot_keys)
            table[pairs] = np.arange(first, first + len(pairs))
            self._slot_keys += [(int(pair // width), int(pair % width) + self._base_day) for pair in pairs]
            while len(self._good) * _BLOCK < len(self._slot_keys):
                size = _BLOCK * MINUTES_PER_DAY
                self._good.append(np.zeros(size))
                self._total.append(np.zeros(size))
                self._present.append(np.zeros(size, dtype=np.bool_))
            slots[new] = table[fresh]
        return slots

    def _cover(self, slo_count: int, first_day: int, last_day: int) -> None:
        """Grow the slot table to hold these SLO indices and days."""
        rows, width = self._slot_table.shape
        if width == 0:
            self._base_day = first_day
        base = min(self._base_day, first_day)
        end = max(self._base_day + width, last_day + 1)
        if slo_count <= rows and base == self._base_day and end - base == width:
            return
        grown = np.full((max(rows, slo_count, 2 * rows), end - base), -1, dtype=np.int64)
        grown[:rows, self._base_day - base : self._base_day - base + width] = self._slot_table
        self._slot_table = grown
        self._base_day = base

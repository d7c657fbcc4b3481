"""Percentiles of many groups at once: values sorted once, so each grouping costs one integer sort.
Numpy's default method, linear interpolation between the closest ranks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


class RankedValues:
    """Values sorted once, so their percentiles per any grouping cost one integer sort: a value's
    group and rank make one sortable key."""

    def __init__(self, values: Floats) -> None:
        order = np.argsort(values)
        self.ordered: Floats = values[order]
        self.rank: Ints = np.empty(values.size, np.int64)
        self.rank[order] = np.arange(values.size, dtype=np.int64)

    def percentiles(self, groups: Ints, group_count: int, quantiles: Sequence[float]) -> Floats:
        """Percentiles per group (quantiles in [0, 1]) with numpy's default linear interpolation: the
        value at rank (n - 1) * q, between the two closest ranks. Shape (group_count, len(quantiles));
        NaN for an empty group."""
        result = np.full((group_count, len(quantiles)), np.nan)
        size = self.ordered.size
        if size == 0:
            return result
        by_group = self.ordered[np.sort(groups * size + self.rank) % size]
        counts = np.bincount(groups, minlength=group_count)
        present = counts > 0
        sizes = counts[present]
        starts = (np.cumsum(counts) - counts)[present]
        for column, quantile in enumerate(quantiles):
            rank = (sizes - 1) * quantile
            below = np.floor(rank).astype(np.int64)
            above = np.minimum(below + 1, sizes - 1)
            low, high = by_group[starts + below], by_group[starts + above]
            result[present, column] = low + (high - low) * (rank - below)
        return result


def grouped_percentiles(groups: Ints, values: Floats, group_count: int, quantiles: Sequence[float]) -> Floats:
    """Percentiles of `values` per group: see `RankedValues.percentiles`."""
    return RankedValues(values).percentiles(groups, group_count, quantiles)

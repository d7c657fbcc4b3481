"""The sample's SLI data: `facts/sli.csv` with 30 days of per-minute good / total counts for every SLO
of the demo's tier-1 and tier-2 components but a few left without on purpose (`slo status` and the
no-data rules say so), deterministic for a seed, shaped so that `charter slo status` has something
to say: most SLOs are fine, some burn fast now (a page), one burns slowly (a ticket), one has
overspent its budget, one has a gap in its data and quiet nights without traffic."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt

from charter.demo.slos import SloPlan, _objective

SLI_FILE = "facts/sli.csv"
# How each SLO with data behaves, in turn: the share of its error budget it burns per unit of time,
# recent bursts, gaps and quiet hours are applied below.
SHAPES = ("fine", "burning", "exhausted", "slow-burn", "gap", "burning", "quiet-nights", "fine")
# The SLOs after the first eight, in turn: most are fine.
LATER_SHAPES = ("fine", "fine", "quiet-nights", "fine", "slow-burn", "fine")


# SLOs with data: those of components of these tiers, but every `WITHOUT_DATA_EVERY`-th left out, and
# no more than `MOST_WITH_DATA` (30 days by the minute is 2.7 MB of CSV per SLO: the large profile's
# thousands would be gigabytes).
TIERS_WITH_DATA = (1, 2)
WITHOUT_DATA_EVERY = 12
MOST_WITH_DATA = 100


def demo_objectives(plan: SloPlan) -> dict[str, float]:
    """The objective as a ratio (0.999), by loaded name, of each planned SLO that gets SLI data:
    those of tier-1 and tier-2 components, in name order, but every twelfth, the first hundred."""
    objectives = {
        name: _objective(group, indicator) / 100
        for group in plan.groups
        if group.component is not None and group.tier in TIERS_WITH_DATA
        for name, indicator in zip(group.names(), group.indicators, strict=True)
    }
    chosen = [
        name for index, name in enumerate(sorted(objectives)) if index % WITHOUT_DATA_EVERY != WITHOUT_DATA_EVERY - 1
    ]
    return {name: objectives[name] for name in chosen[:MOST_WITH_DATA]}


def write_sli(root: Path, slos: Mapping[str, float], as_of: datetime, seed: int = 7, days: int = 30) -> Path:
    """Write `facts/sli.csv` under `root` for every SLO of `slos` (name -> objective), minute by minute
    over the `days` before `as_of` (rounded down to the minute), their shapes in turn."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.csv as pacsv  # type: ignore[import-untyped]

    rng = np.random.default_rng(seed)
    end = as_of.replace(second=0, microsecond=0)
    minutes = days * 24 * 60
    start = end - timedelta(minutes=minutes)
    times = pa.array(int(start.timestamp()) + 60 * np.arange(minutes, dtype=np.int64), type=pa.timestamp("s", tz="UTC"))
    path = root / SLI_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = pa.schema([("slo", pa.string()), ("timestamp", times.type), ("good", pa.int64()), ("total", pa.int64())])
    with pacsv.CSVWriter(path, schema) as writer:
        for index, (name, objective) in enumerate(sorted(slos.items())):
            shape = SHAPES[index] if index < len(SHAPES) else LATER_SHAPES[index % len(LATER_SHAPES)]
            good, total, present = _minutes(rng, shape, 1.0 - objective, minutes, start)
            names = pa.array([name] * int(present.sum()), type=pa.string())
            table = pa.table(
                {"slo": names, "timestamp": times.filter(pa.array(present)), "good": good[present],
                 "total": total[present]},
                schema=schema,
            )  # fmt: skip
            writer.write_table(table)
    return path


def _minutes(
    rng: np.random.Generator, shape: str, budget: float, minutes: int, start: datetime
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Good and total events per minute, and which minutes have a sample."""
    clock = (start.hour * 60 + start.minute + np.arange(minutes)) % (24 * 60)
    daily = 1.0 + 0.5 * np.sin(2 * np.pi * (clock / (24 * 60) - 0.3))  # busier in the afternoon
    total = rng.poisson(60 * daily)
    error_rate = np.full(minutes, 0.1 * budget)  # fine: a tenth of the budget
    if shape == "exhausted":
        error_rate[:] = 1.5 * budget
    elif shape == "slow-burn":
        error_rate[-3 * 24 * 60 :] = 2.5 * budget  # the last three days: a ticket
    elif shape == "burning":
        error_rate[-90:] = 20 * budget  # the last hour and a half: a page
    elif shape == "quiet-nights":
        total[(clock >= 60) & (clock < 300)] = 0  # no traffic from 01:00 to 05:00
    bad = rng.binomial(total, np.minimum(error_rate, 1.0))
    present = np.ones(minutes, dtype=np.bool_)
    if shape == "gap":
        present[10 * 24 * 60 : 10 * 24 * 60 + 6 * 60] = False  # six hours the metrics pipeline lost
    return (total - bad).astype(np.int64), total.astype(np.int64), present

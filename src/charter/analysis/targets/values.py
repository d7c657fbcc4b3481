"""A target's `value` (and `baseline`) read in its metric's unit, refusing units that do not fit:
a duration (`1d`, `4h`) for a metric in seconds, a ratio (`0.15`, `99.9%`) for a ratio, a plain
number for counts, rates and scores."""

from __future__ import annotations

import re

from charter.analysis.metrics import Metric, Unit
from charter.model.base import parse_duration

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_UNIT_WORDS = {
    Unit.SECONDS: "a duration such as 1d, 4h or 30m",
    Unit.RATIO: "a ratio such as 0.15 or 99.9%",
    Unit.COUNT: "a number such as 3",
    Unit.PER_DAY: "a number per day such as 1 or 0.5",
    Unit.PER_WEEK: "a number per week such as 3",
    Unit.SCORE: "a number such as 80",
}


class TargetValueError(ValueError):
    """A value that cannot be read (`TGT001`) or is written in a unit that does not fit the metric
    (`TGT002`). The message names the metric, what was written and what to write."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def expected_unit(metric: Metric) -> str:
    """How a value of this metric is written, for messages."""
    return _UNIT_WORDS[metric.unit]


def _written_kind(text: str) -> str:
    if _NUMBER.match(text):
        return "number"
    if text.endswith("%") and _NUMBER.match(text[:-1].strip()):
        return "percent"
    try:
        parse_duration(text)
    except ValueError:
        return "unreadable"
    return "duration"


def parse_target_value(metric: Metric, value: str | float | int) -> float:
    """`value` in the metric's unit (seconds for durations, a fraction for ratios). Raises
    TargetValueError: TGT001 when it is not a number, percentage or duration at all, TGT002 when it
    is one that does not fit the metric (a percentage of a count, a duration of a ratio, a ratio
    above 100%, a bare number of seconds)."""
    if isinstance(value, bool):
        raise TargetValueError("TGT001", f"{metric.name} is {expected_unit(metric)}, not true/false")
    text = str(value).strip()
    kind = "number" if isinstance(value, int | float) else _written_kind(text)
    wanted = expected_unit(metric)
    if kind == "unreadable":
        raise TargetValueError("TGT001", f"{metric.name} is {wanted}: {value!r} cannot be read as one")
    mismatch = TargetValueError("TGT002", f"{metric.name} is {wanted}, and {value!r} is written as a {kind}")
    if metric.unit is Unit.SECONDS:
        if kind == "duration":
            return parse_duration(text).total_seconds()
        if kind == "number" and float(text) == 0:
            return 0.0
        raise mismatch
    if kind == "duration":
        raise mismatch
    if metric.unit is Unit.RATIO:
        number = float(text[:-1]) / 100 if kind == "percent" else float(text)
        if not 0 <= number <= 1:
            hint = f"; did you mean {text}%?" if kind == "number" else ""
            raise TargetValueError("TGT002", f"{metric.name} is {wanted}: {value!r} is outside 0..1 (0%..100%){hint}")
        return number
    if kind == "percent":
        raise mismatch
    return float(text)

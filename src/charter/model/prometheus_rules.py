"""Prometheus rules as a rule file holds them: groups of recording and alerting rules, and
Prometheus's way of writing durations. `charter slo rules` builds them (`analysis.reliability`) and
writes them as YAML (`outputs.prometheus_rules`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class RecordingRule:
    record: str
    expr: str
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AlertingRule:
    alert: str
    expr: str
    hold: timedelta = timedelta(0)  # Prometheus `for`
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


Rule = RecordingRule | AlertingRule


@dataclass(frozen=True, slots=True)
class RuleGroup:
    """Rules Prometheus evaluates one after the other, at the same evaluation time."""

    name: str
    rules: tuple[Rule, ...]


def duration_nanoseconds(duration: timedelta) -> int:
    """A duration in whole nanoseconds, as Go's `time.Duration` counts it."""
    return (duration.days * 86_400 + duration.seconds) * 10**9 + duration.microseconds * 1000


_UNITS: tuple[tuple[str, int, bool], ...] = (
    ("y", 365 * 86_400_000, True),
    ("w", 7 * 86_400_000, True),
    ("d", 86_400_000, False),
    ("h", 3_600_000, False),
    ("m", 60_000, False),
    ("s", 1000, False),
    ("ms", 1, False),
)


def prometheus_duration(duration: timedelta) -> str:
    """A duration as Prometheus prints it (`model.Duration.String`): 5m, 1h, 1d, 4w for 28 days,
    30d, 1h4m; years and weeks only when they divide the duration exactly."""
    milliseconds = duration_nanoseconds(duration) // 1_000_000
    if milliseconds == 0:
        return "0s"
    text = ""
    for unit, size, exact in _UNITS:
        if exact and milliseconds % size:
            continue
        count, milliseconds = divmod(milliseconds, size)
        if count:
            text += f"{count}{unit}"
    return text

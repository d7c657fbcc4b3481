"""Time to acknowledge and time to resolve from ledger entries, computed by hand: medians and 90th
percentiles in hours, overall and per code, over the escalations first seen in a period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from charter.analysis.escalations.escalation import escalation_id, fingerprint_of
from charter.analysis.escalations.response import response_times
from charter.model.escalation_ledger import LedgerEntry, LedgerState

START = datetime(2026, 11, 1, tzinfo=UTC)


def entry(code: str, subject: str, day: int, acknowledged: float | None, resolved: float | None) -> LedgerEntry:
    """An escalation first seen on November `day`, acknowledged and resolved that many hours later."""
    first = START + timedelta(days=day - 1)
    return LedgerEntry(
        id=escalation_id(code, subject),
        fingerprint=fingerprint_of(code, subject),
        code=code,
        subject=subject,
        owner="group:payments",
        severity="error",
        message="",
        first_seen=first,
        last_seen=first,
        acknowledged_at=first + timedelta(hours=acknowledged) if acknowledged is not None else None,
        resolved_at=first + timedelta(hours=resolved) if resolved is not None else None,
    )


LEDGER = [
    entry("ESC001", "component:a", 1, 2.0, 10.0),
    entry("ESC001", "component:b", 2, 4.0, None),
    entry("ESC005", "risk:r", 3, None, 30.0),
    entry("ESC005", "risk:s", 20, 1.0, None),
]


def test_times_to_acknowledge_and_resolve_overall_and_per_code() -> None:
    times = response_times(LEDGER)
    assert (times.raised, times.still_open) == (4, 2)
    # acknowledged after 2, 4 and 1 hours: median 2; p90 by linear interpolation 2 + 0.8 × 2 = 3.6
    assert times.to_acknowledge.count == 3
    assert times.to_acknowledge.median_hours == pytest.approx(2.0)
    assert times.to_acknowledge.p90_hours == pytest.approx(3.6)
    # resolved after 10 and 30 hours: median 20, p90 10 + 0.9 × 20 = 28
    assert (times.to_resolve.count, times.to_resolve.median_hours) == (2, pytest.approx(20.0))
    assert times.to_resolve.p90_hours == pytest.approx(28.0)
    acknowledge, resolve = times.by_code["ESC005"]
    assert (acknowledge.count, acknowledge.median_hours, resolve.count, resolve.median_hours) == (1, 1.0, 1, 30.0)


def test_only_the_escalations_first_seen_in_the_period_count() -> None:
    times = response_times(LEDGER, since=START + timedelta(days=1), until=START + timedelta(days=10))
    assert times.raised == 2 and sorted(times.by_code) == ["ESC001", "ESC005"]
    assert times.to_acknowledge.median_hours == pytest.approx(4.0)
    assert times.to_resolve.median_hours == pytest.approx(30.0)
    empty = response_times([])
    assert (empty.raised, empty.to_acknowledge.median_hours, empty.to_resolve.count) == (0, None, 0)


def test_an_id_is_the_code_and_ten_hex_digits_of_the_fingerprint() -> None:
    identifier = escalation_id("ESC001", "component:a")
    assert identifier.startswith("ESC001-") and len(identifier) == len("ESC001-") + 10
    assert identifier == escalation_id("ESC001", "component:a") != escalation_id("ESC001", "component:b")
    assert entry("ESC001", "component:a", 1, None, None).state is LedgerState.OPEN
    assert LEDGER[0].state is LedgerState.RESOLVED and LEDGER[3].state is LedgerState.ACKNOWLEDGED

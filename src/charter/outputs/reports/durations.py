"""Durations as people read them in a report's cells: 45m, 5.2h, 3.1d; shared by the layouts of
the delivery, incident and SLO reports."""

from __future__ import annotations


def duration_text(seconds: float | None) -> str:
    """Seconds as people read lead times: 45m, 5.2h, 3.1d; `–` for none."""
    if seconds is None:
        return "–"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m"
    if seconds < 86400:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"

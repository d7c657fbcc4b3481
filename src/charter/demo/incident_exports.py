"""The sample's incident exports, as the tools write them: a PagerDuty REST API v2 export
(`{"incidents": [...]}`) and an incident.io CSV export, for the services the sample's postmortems
name. Some incident.io rows are the postmortems' incidents (the same `INC-` reference) and name the
PagerDuty incident in a "PagerDuty Incident" column, so the three records merge into one; others
are new, with repeated dependency failures of one service inside the repeat window."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from charter.demo.writers import dump_csv

INCIDENT_IO_HEADER = ["ID", "Reference", "Name", "Status", "Severity", "Created At", "Impact Started At",
                      "Acknowledged At", "Resolved At", "Affected Services", "Root Cause", "PagerDuty Incident",
                      "Permalink"]  # fmt: skip
_SEVERITY_NAMES = {"SEV1": "Critical", "SEV2": "Major", "SEV3": "Minor", "SEV4": "Minor", "SEV5": "Minor"}
_URGENCY = {"SEV1": "high", "SEV2": "high", "SEV3": "low", "SEV4": "low", "SEV5": "low"}
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


@dataclass(frozen=True, slots=True)
class _Postmortem:
    id: str
    title: str
    severity: str
    service: str
    started: datetime
    acknowledged: datetime | None
    resolved: datetime | None


@dataclass(frozen=True, slots=True)
class _Occurrence:
    """One incident as both tools would record it."""

    reference: str
    pagerduty_id: str
    number: int
    title: str
    severity: str
    service: str
    started: datetime
    acknowledged: datetime
    resolved: datetime
    cause: str = ""
    in_incident_io: bool = True


def write_incident_exports(
    root: Path, seed: int = 0, reference: date | None = None, folder: str = "facts"
) -> list[Path]:
    """Write `<folder>/incidents-pagerduty.json` and `<folder>/incidents-incident-io.csv` under the
    sample repository `root` (whose `incidents/` postmortems they follow); returns the two paths."""
    rng = random.Random(f"incident-exports-{seed}")
    postmortems = _postmortems(root / "incidents")
    if not postmortems:
        return []
    today = reference or max(item.started for item in postmortems).date() + timedelta(days=1)
    now = datetime(today.year, today.month, today.day, tzinfo=UTC)
    occurrences = _linked(rng, postmortems) + _repeats(rng, postmortems, now, len(postmortems))
    target = root / folder
    target.mkdir(parents=True, exist_ok=True)
    pagerduty = target / "incidents-pagerduty.json"
    pagerduty.write_text(json.dumps({"incidents": [_pagerduty(item) for item in occurrences]}, indent=2) + "\n")
    incident_io = target / "incidents-incident-io.csv"
    rows = [_incident_io_row(item) for item in occurrences if item.in_incident_io]
    incident_io.write_text(dump_csv(INCIDENT_IO_HEADER, rows), encoding="utf-8")
    return [pagerduty, incident_io]


def _postmortems(folder: Path) -> list[_Postmortem]:
    found = []
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        front = yaml.safe_load(text.split("---\n", 2)[1]) or {}
        if not front.get("services") or not front.get("started"):
            continue
        found.append(
            _Postmortem(
                str(front["id"]),
                str(front.get("title") or front["id"]),
                str(front["severity"]),
                str(front["services"][0]),
                _moment(front["started"]),
                _moment(front["acknowledged"]) if front.get("acknowledged") else None,
                _moment(front["resolved"]) if front.get("resolved") else None,
            )
        )
    return found


def _moment(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _pagerduty_id(rng: random.Random) -> str:
    return "Q" + "".join(rng.choice(_ALPHABET) for _ in range(13))


def _linked(rng: random.Random, postmortems: list[_Postmortem]) -> list[_Occurrence]:
    """Every third postmortem's incident, as PagerDuty paged it and incident.io tracked it."""
    found = []
    for number, item in enumerate(postmortems[::3], start=1):
        acknowledged = item.acknowledged or item.started + timedelta(minutes=rng.randint(3, 20))
        resolved = item.resolved or acknowledged + timedelta(hours=rng.randint(1, 6))
        found.append(
            _Occurrence(
                item.id,
                _pagerduty_id(rng),
                number,
                item.title,
                item.severity,
                item.service,
                item.started,
                acknowledged,
                resolved,
            )  # fmt: skip
        )
    return found


def _repeats(rng: random.Random, postmortems: list[_Postmortem], now: datetime, first: int) -> list[_Occurrence]:
    """Three dependency failures of the most incident-prone service, 10 to 30 days apart, the last
    one paged by PagerDuty only."""
    counts: dict[str, int] = {}
    for item in postmortems:
        counts[item.service] = counts.get(item.service, 0) + 1
    service = max(sorted(counts), key=lambda name: counts[name])
    found = []
    started = now - timedelta(days=75, hours=rng.randint(0, 23))
    for index in range(3):
        acknowledged = started + timedelta(minutes=rng.randint(2, 25))
        resolved = acknowledged + timedelta(minutes=rng.randint(30, 300))
        found.append(
            _Occurrence(
                f"INC-{9000 + index}",
                _pagerduty_id(rng),
                first + index + 1,
                f"{service} timing out on a dependency",
                "SEV2" if index == 0 else "SEV3",
                service,
                started,
                acknowledged,
                resolved,
                "dependency",
                in_incident_io=index < 2,
            )
        )
        started += timedelta(days=rng.randint(10, 30))
    return found


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pagerduty(item: _Occurrence) -> dict[str, Any]:
    base = "https://acme.pagerduty.com"
    reference = {"id": f"P{item.service[:6].upper()}", "type": "service_reference", "summary": item.service,
                 "self": f"https://api.pagerduty.com/services/P{item.service[:6].upper()}"}  # fmt: skip
    return {
        "id": item.pagerduty_id,
        "type": "incident",
        "summary": f"[#{item.number}] {item.title}",
        "incident_number": item.number,
        "title": item.title,
        "created_at": _time(item.started),
        "status": "resolved",
        "urgency": _URGENCY[item.severity],
        "service": reference,
        "acknowledgements": [],
        "log_entries": [
            {"type": "trigger_log_entry", "created_at": _time(item.started)},
            {"type": "acknowledge_log_entry", "created_at": _time(item.acknowledged)},
            {"type": "resolve_log_entry", "created_at": _time(item.resolved)},
        ],
        "resolved_at": _time(item.resolved),
        "last_status_change_at": _time(item.resolved),
        "html_url": f"{base}/incidents/{item.pagerduty_id}",
    }


def _incident_io_row(item: _Occurrence) -> list[str]:
    return [
        f"01SAMPLE{item.reference.replace('-', '')}",
        item.reference,
        item.title,
        "Closed",
        _SEVERITY_NAMES[item.severity],
        _time(item.started),
        _time(item.started),
        _time(item.acknowledged),
        _time(item.resolved),
        item.service,
        item.cause,
        item.pagerduty_id,
        f"https://app.incident.io/acme/incidents/{item.reference.removeprefix('INC-')}",
    ]

"""Postmortems: Markdown whose YAML front matter records the incident."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from textwrap import dedent

from charter.load.repository import load_strategy_repo
from charter.model.estate import Estate
from charter.model.incident import ActionItem

ORGANIZATION = "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\n"

FULL = """
---
id: INC-2026-014
title: Checkout returns 502
severity: sev2
services: [checkout, component:payments]
started: 2026-03-01T14:05:00Z
detected: 2026-03-01T14:09:00
acknowledged: "2026-03-01T15:12:00+01:00"
resolved: 2026-03-01T15:40:00Z
cause: Change
causedBy: {deployment: "checkout@abc1234@2026-03-01T14:00:00Z"}
postmortem: {status: published, date: 2026-03-04}
actionItems:
  - {id: OPS-1, title: Add canary, owner: group:platform, due: 2026-04-01, type: prevent}
  - {title: Page the right team, status: closed, type: process}
aliases: [PD-Q1ABC]
layout: postmortem
---
# Checkout 502s

Prose of the postmortem.
"""


def load(tmp_path: Path, files: dict[str, str]) -> Estate:
    (tmp_path / "charter.yaml").write_text(ORGANIZATION)
    for name, text in files.items():
        path = tmp_path / "incidents" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"))
    return load_strategy_repo(tmp_path)


def found(estate: Estate) -> list[tuple[str, int, str]]:
    return [(d.code, d.location.line if d.location else 0, d.message) for d in estate.load_diagnostics]


def test_a_full_incident_front_matter(tmp_path: Path) -> None:
    estate = load(tmp_path, {"2026/checkout-502.md": FULL})
    assert found(estate) == []
    (incident,) = estate.incidents
    assert incident.id == "INC-2026-014"
    assert incident.title == "Checkout returns 502"
    assert incident.severity == "SEV2"
    assert incident.services == ("checkout", "component:payments")
    assert incident.started == datetime(2026, 3, 1, 14, 5, tzinfo=UTC)
    assert incident.detected == datetime(2026, 3, 1, 14, 9, tzinfo=UTC)  # naive is UTC
    assert incident.acknowledged == datetime(2026, 3, 1, 15, 12, tzinfo=timezone(timedelta(hours=1)))
    assert incident.acknowledged == datetime(2026, 3, 1, 14, 12, tzinfo=UTC)
    assert incident.resolved == datetime(2026, 3, 1, 15, 40, tzinfo=UTC)
    assert incident.cause == "change"
    assert incident.caused_by_deployment == "checkout@abc1234@2026-03-01T14:00:00Z"
    assert incident.caused_by_change is None
    assert (incident.postmortem_status, incident.postmortem_date) == ("published", date(2026, 3, 4))
    assert incident.action_items == (
        ActionItem("OPS-1", "Add canary", "group:platform", date(2026, 4, 1), "open", "prevent"),
        ActionItem("INC-2026-014/2", "Page the right team", None, None, "done", "process"),
    )
    assert incident.aliases == ("PD-Q1ABC",)
    assert incident.extra == {"layout": "postmortem"}
    assert incident.location is not None and incident.location.path == "incidents/2026/checkout-502.md"


def test_id_defaults_to_the_file_name_and_title_to_the_heading(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "db-failover.md": """
        ---
        severity: SEV-1
        started: 2026-02-01 03:00
        causedBy: {change: ABCDEF1234}
        ---
        # Primary database failed over

        Text.
        """
        },
    )
    assert found(estate) == []
    (incident,) = estate.incidents
    assert (incident.id, incident.title) == ("db-failover", "Primary database failed over")
    assert incident.severity == "SEV1"
    assert incident.caused_by_change == "abcdef1234"
    assert incident.started == datetime(2026, 2, 1, 3, 0, tzinfo=UTC)


def test_invalid_fields_are_reported_at_their_file_line(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "bad.md": """
        ---
        id: INC-1
        severity: critical
        started: yesterday
        cause: gremlins
        causedBy: {deployment: d-1, change: abc1234}
        actionItems:
          - title: Fix it
            type: pray
        ---
        # Bad
        """
        },
    )
    assert [(code, line) for code, line, _ in found(estate)] == [
        ("SCH003", 3),
        ("SCH003", 4),
        ("SCH003", 5),
        ("SCH003", 6),
        ("SCH003", 9),
    ]
    messages = [message for _, _, message in found(estate)]
    assert messages[0].startswith("severity: ")
    assert "SEV1, SEV2" in messages[0]
    assert messages[3].startswith("causedBy: ")
    assert messages[4].startswith("actionItems.0.type: ")
    assert estate.incidents == []


def test_missing_required_fields_point_at_the_front_matter(tmp_path: Path) -> None:
    estate = load(tmp_path, {"no-start.md": "---\nseverity: SEV3\nservices: checkout\n---\n# X\n"})
    assert found(estate) == [("SCH003", 2, "started: required field is missing")]


def test_timestamps_out_of_order_and_typos_are_reported(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "order.md": """
        ---
        severity: SEV3
        started: 2026-03-01T10:00:00Z
        acknowleged: 2026-03-01T10:05:00Z
        resolved: 2026-03-01T09:00:00Z
        postmortem: {status: pending}
        ---
        """
        },
    )
    assert found(estate) == [
        ("SCH003", 4, "acknowleged: unknown field; did you mean `acknowledged`?"),
        ("SCH003", 5, "resolved: 2026-03-01T09:00:00+00:00 is before started (2026-03-01T10:00:00+00:00)"),
        ("SCH012", 6, "unknown postmortem status 'pending'"),
    ]
    assert len(estate.incidents) == 1  # reported, still read


def test_front_matter_syntax_errors_are_reported_at_the_file_line(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "syntax.md": "---\nseverity: SEV2\nstarted: [2026\n---\n# X\n",
            "duplicate.md": "---\nseverity: SEV2\nstarted: 2026-03-01\nseverity: SEV3\n---\n",
        },
    )
    assert [(d.code, d.location.path, d.location.line) for d in estate.load_diagnostics if d.location] == [
        ("SCH002", "incidents/duplicate.md", 4),
        ("SCH001", "incidents/syntax.md", 4),
    ]


def test_markdown_without_incident_front_matter_is_not_a_record(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "README.md": "# Incidents\n\nOne file per incident.\n",
            "jekyll.md": "---\nlayout: page\ntitle: Our incident process\n---\n# Process\n",
        },
    )
    assert [(code, line) for code, line, _ in found(estate)] == [("SCH011", 1), ("SCH011", 1)]
    assert all(d.severity.value == "info" for d in estate.load_diagnostics)
    assert estate.incidents == []

"""Imported incidents in the store: every field written and read back, re-imports update by source
and source id instead of duplicating, and reads by period. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from charter.model.file_formats import IncidentFormat
from charter.model.imported_incident import ImportedIncident, IncidentStatus
from charter.model.incident import ActionItem, Incident
from charter.store.database import Store
from charter.store.incidents import read_imported_incidents, write_incidents
from charter.store.schema import incidents

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def imported(number: int, source: IncidentFormat = IncidentFormat.PAGERDUTY, **changes: object) -> ImportedIncident:
    fields: dict[str, object] = {
        "id": f"Q{number}",
        "title": f"Outage {number}",
        "severity": "SEV2",
        "services": ("payments",),
        "started": START + timedelta(days=number),
        "acknowledged": START + timedelta(days=number, minutes=5),
        "resolved": START + timedelta(days=number, hours=2),
        "aliases": (f"pagerduty:Q{number}",),
        **changes,
    }
    return ImportedIncident(
        Incident(**fields),  # type: ignore[arg-type]
        source,
        f"Q{number}",
        IncidentStatus.RESOLVED,
        source_severity="high",
        service_ids=("PABC",),
        url=f"https://acme.pagerduty.com/incidents/Q{number}",
    )


def test_every_field_round_trips(store: Store) -> None:
    item = ActionItem("A-1", "Add a canary", "group:payments", date(2026, 4, 1), "in-progress", "prevent")
    record = imported(1, cause="change", caused_by_deployment="d7", postmortem_status="published",
                      postmortem_date=date(2026, 3, 4), action_items=(item,))  # fmt: skip
    with store.transaction() as connection:
        assert write_incidents(connection, [record], "export.json") == 1
    with store.engine.connect() as connection:
        [found] = read_imported_incidents(connection)
    assert found.id == "Q1"
    assert found.started == START + timedelta(days=1) and found.started.tzinfo is not None
    assert found.acknowledged == START + timedelta(days=1, minutes=5)
    assert found.resolved == START + timedelta(days=1, hours=2)
    assert found.detected is None
    assert (found.services, found.aliases) == (("payments",), ("pagerduty:Q1",))
    assert (found.cause, found.caused_by_deployment) == ("change", "d7")
    assert (found.postmortem_status, found.postmortem_date) == ("published", date(2026, 3, 4))
    assert found.action_items == (item,)
    assert found.extra == {
        "source": "pagerduty",
        "sourceId": "Q1",
        "status": "resolved",
        "url": "https://acme.pagerduty.com/incidents/Q1",
    }


def test_reimport_updates_by_source_and_source_id(store: Store) -> None:
    with store.transaction() as connection:
        write_incidents(connection, [imported(1), imported(2)], "first.json")
    with store.transaction() as connection:
        write_incidents(connection, [imported(1, title="Outage 1, renamed")], "second.json")
        # The same source id from another tool is another incident.
        write_incidents(connection, [imported(1, IncidentFormat.OPSGENIE)], "opsgenie.json")
    with store.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(incidents)).scalar_one()
        titles = sorted((row.source, row.title) for row in connection.execute(select(incidents)))
    assert count == 3
    assert titles == [("opsgenie", "Outage 1"), ("pagerduty", "Outage 1, renamed"), ("pagerduty", "Outage 2")]


def test_read_by_period(store: Store) -> None:
    with store.transaction() as connection:
        write_incidents(connection, [imported(number) for number in range(1, 6)], "export.json")
    with store.engine.connect() as connection:
        found = read_imported_incidents(connection, since=START + timedelta(days=2), until=START + timedelta(days=4))
    assert [incident.id for incident in found] == ["Q2", "Q3"]

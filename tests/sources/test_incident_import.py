"""`charter import incidents` readers, from files in the shapes PagerDuty, Opsgenie and incident.io
write them (and DevLake's raw PagerDuty table): severities, states, acknowledged and resolved times,
services matched to components, and bad files reported with their line or JSON path, importing
nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from charter.model.diagnostics import Diagnostic
from charter.model.file_formats import IncidentFormat
from charter.model.imported_incident import ImportedIncident, IncidentStatus
from charter.services.imports_incidents import import_incidents
from charter.sources.incidents.common import IncidentImportOptions
from charter.sources.incidents.files import read_incident_file
from charter.sources.records import ImportFileError, Skipped
from charter.store.database import open_store
from charter.store.schema import incidents

SERVICES = {"payments": "payments", "pabc123": "payments", "checkout": "checkout", "service:checkout": "checkout"}
OPTIONS = IncidentImportOptions(service_components=SERVICES)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def write(tmp_path: Path, name: str, content: object) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def read(path: Path, options: IncidentImportOptions = OPTIONS) -> tuple[list[ImportedIncident], list[Diagnostic]]:
    found = [item for item in read_incident_file(path, options) if not isinstance(item, Skipped)]
    return (
        [item for item in found if isinstance(item, ImportedIncident)],
        [item for item in found if isinstance(item, Diagnostic)],
    )


# PagerDuty -----------------------------------------------------------------------------------------

PAGERDUTY_INCIDENT = {
    "id": "Q1ABCDEF",
    "type": "incident",
    "summary": "[#12] Checkout errors",
    "incident_number": 12,
    "title": "Checkout errors",
    "created_at": "2026-03-01T10:00:00Z",
    "status": "resolved",
    "urgency": "high",
    "priority": {"id": "PPRI1", "type": "priority", "summary": "P1", "name": "P1"},
    "service": {"id": "PABC123", "type": "service_reference", "summary": "Payments API"},
    "acknowledgements": [{"at": "2026-03-01T10:07:00Z", "acknowledger": {"id": "PUSER"}}],
    "log_entries": [
        {"type": "acknowledge_log_entry", "created_at": "2026-03-01T10:04:00+00:00"},
        {"type": "resolve_log_entry", "created_at": "2026-03-01T11:30:00Z"},
    ],
    "resolved_at": "2026-03-01T11:31:00Z",
    "html_url": "https://acme.pagerduty.com/incidents/Q1ABCDEF",
}


def test_pagerduty_api_export(tmp_path: Path) -> None:
    low = {**PAGERDUTY_INCIDENT, "id": "Q2", "incident_number": 13, "priority": None, "urgency": "low",
           "status": "triggered", "acknowledgements": [], "log_entries": [], "resolved_at": None,
           "service": {"id": "PZZZ", "summary": "Legacy Batch"}}  # fmt: skip
    for document in ({"incidents": [PAGERDUTY_INCIDENT, low], "limit": 25, "more": False},
                     [PAGERDUTY_INCIDENT, low]):  # fmt: skip
        [first, second], diagnostics = read(write(tmp_path, "pd.json", document))
        assert first.source is IncidentFormat.PAGERDUTY and first.source_id == "Q1ABCDEF"
        incident = first.incident
        assert (incident.id, incident.title, incident.severity) == ("Q1ABCDEF", "Checkout errors", "SEV1")
        assert incident.started == at("2026-03-01T10:00:00Z")
        assert incident.acknowledged == at("2026-03-01T10:04:00Z")  # the earliest of log and acknowledgements
        assert incident.resolved == at("2026-03-01T11:31:00Z")  # resolved_at wins over the log
        assert incident.services == ("payments",)  # by the service id annotation
        assert "pagerduty:#12" in incident.aliases and "pagerduty:Q1ABCDEF" in incident.aliases
        assert first.status is IncidentStatus.RESOLVED and first.source_severity == "P1"
        assert second.incident.severity == "SEV4" and second.status is IncidentStatus.OPEN
        assert second.incident.resolved is None and second.incident.acknowledged is None
        assert second.incident.services == ("Legacy Batch",)
        [warning] = diagnostics
        assert warning.code == "IMP020" and "'Legacy Batch'" in warning.message and "[1]" in warning.message


def test_pagerduty_resolved_from_the_log_then_last_status_change(tmp_path: Path) -> None:
    from_log = {**PAGERDUTY_INCIDENT, "resolved_at": None, "priority": None}
    from_change = {**from_log, "id": "Q3", "log_entries": [], "last_status_change_at": "2026-03-01T12:00:00Z"}
    [first, second], _ = read(write(tmp_path, "pd.json", [from_log, from_change]))
    assert first.incident.resolved == at("2026-03-01T11:30:00Z")
    assert first.incident.severity == "SEV2"  # urgency high, no priority
    assert second.incident.resolved == at("2026-03-01T12:00:00Z")
    assert second.incident.acknowledged == at("2026-03-01T10:07:00Z")


def test_pagerduty_web_ui_csv(tmp_path: Path) -> None:
    csv_text = (
        "id,incident_number,description,status,urgency,priority,service_name,service_id,created_on,resolved_on,"
        "seconds_to_first_ack,seconds_to_resolve,escalation_policy_name\n"
        "PT4KHLK,1234,Server is on fire,resolved,high,,Payments API,PABC123,2026-03-02T08:00:00-05:00,,"
        "300,5400,Default\n"
        "PT4KHLL,1235,Disk filling up,acknowledged,low,P3,Checkout,PCHK,2026-03-03T08:00:00Z,,120,,Default\n"
    )
    [first, second], diagnostics = read(write(tmp_path, "pd.csv", csv_text))
    assert diagnostics == []
    assert first.incident.started == at("2026-03-02T13:00:00Z")
    assert first.incident.acknowledged == at("2026-03-02T13:05:00Z")
    assert first.incident.resolved == at("2026-03-02T14:30:00Z")
    assert (first.incident.severity, first.incident.services) == ("SEV2", ("payments",))
    assert (second.incident.severity, second.status, second.incident.resolved) == (
        "SEV3",
        IncidentStatus.ACKNOWLEDGED,
        None,
    )
    assert second.incident.services == ("checkout",)


def test_devlake_raw_pagerduty_table(shared_fixtures: Path) -> None:
    path = shared_fixtures / "incidents" / "_raw_pagerduty_incidents.csv"
    found, diagnostics = read(path, IncidentImportOptions(service_components={"devservice": "dev"}))
    assert diagnostics == []
    assert [item.incident.id for item in found] == ["Q3YON8WNWTZMRQ", "Q3CZAU7Q4008QD", "Q1OHFWFP3GPXOG"]
    crash, slow, spam = found
    assert (crash.status, slow.status, spam.status) == (
        IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED, IncidentStatus.RESOLVED)  # fmt: skip
    assert crash.incident.acknowledged == at("2022-11-03T06:23:07Z")  # from the log, though unacknowledged since
    assert spam.incident.resolved == at("2022-11-03T06:51:44Z")
    assert (crash.incident.severity, spam.incident.severity) == ("SEV2", "SEV4")
    assert crash.incident.services == ("dev",)


# Opsgenie ------------------------------------------------------------------------------------------


def test_opsgenie_alerts_and_incidents_api(tmp_path: Path) -> None:
    alert = {
        "id": "70413a06-38d6-4c85-92b8-5ebc900d42e2", "tinyId": "1791", "alias": "event_573",
        "message": "Our servers are in danger", "status": "closed", "acknowledged": True, "isSeen": True,
        "tags": ["OverwriteQuietHours", "service:checkout"], "priority": "P1",
        "createdAt": "2026-03-04T09:00:00.000Z", "updatedAt": "2026-03-04T12:00:00.000Z",
        "report": {"ackTime": 90000, "closeTime": 3600000, "acknowledgedBy": "jane", "closedBy": "jane"},
    }  # fmt: skip
    incident = {
        "id": "4b1d1b2c", "tinyId": "42", "message": "Payments degraded", "status": "resolved",
        "priority": "P4", "createdAt": "2026-03-05T09:00:00Z", "updatedAt": "2026-03-05T10:15:00Z",
        "impactedServices": ["payments"], "tags": [],
    }  # fmt: skip
    [first, second], diagnostics = read(write(tmp_path, "og.json", {"data": [alert, incident], "took": 0.1}))
    assert diagnostics == []
    assert (first.incident.severity, first.incident.services) == ("SEV1", ("checkout",))
    assert first.incident.acknowledged == at("2026-03-04T09:01:30Z")
    assert first.incident.resolved == at("2026-03-04T10:00:00Z")
    assert "opsgenie:1791" in first.incident.aliases and "opsgenie:event_573" in first.incident.aliases
    assert (second.incident.severity, second.incident.services) == ("SEV4", ("payments",))
    assert second.incident.resolved == at("2026-03-05T10:15:00Z")  # no close time: the last update


def test_opsgenie_csv(tmp_path: Path) -> None:
    csv_text = (
        "TinyId,Alias,Message,Status,Priority,Acknowledged,CreatedAt,UpdatedAt,AckTime,CloseTime,Tags\n"
        '7,db-1,Database down,Open,P2,true,1772528400000,1772528400000,60000,,"service:checkout,db"\n'
    )
    [alert], diagnostics = read(write(tmp_path, "og.csv", csv_text))
    assert diagnostics == []
    assert alert.status is IncidentStatus.ACKNOWLEDGED and alert.incident.severity == "SEV2"
    assert alert.incident.started == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert alert.incident.acknowledged == datetime(2026, 3, 3, 9, 1, tzinfo=UTC)
    assert alert.incident.services == ("checkout",)


# incident.io ---------------------------------------------------------------------------------------

INCIDENT_IO = {
    "id": "01FDAG4SAP5TYPT98WGR2N7W91",
    "reference": "INC-123",
    "name": "Our database is sad",
    "mode": "standard",
    "created_at": "2026-03-06T10:05:00Z",
    "severity": {"id": "01S", "name": "Major", "rank": 2},
    "incident_status": {"id": "01T", "name": "Closed", "category": "closed"},
    "incident_timestamp_values": [
        {"incident_timestamp": {"id": "1", "name": "Impact started", "rank": 1},
         "value": {"value": "2026-03-06T10:00:00Z"}},
        {"incident_timestamp": {"id": "2", "name": "Accepted at", "rank": 2},
         "value": {"value": "2026-03-06T10:12:00Z"}},
        {"incident_timestamp": {"id": "3", "name": "Resolved at", "rank": 3},
         "value": {"value": "2026-03-06T13:00:00Z"}},
        {"incident_timestamp": {"id": "4", "name": "Closed at", "rank": 4}},
    ],
    "custom_field_entries": [
        {"custom_field": {"id": "c1", "name": "Affected services", "field_type": "multi_select"},
         "values": [{"value_catalog_entry": {"id": "e1", "name": "Payments"}}]},
        {"custom_field": {"id": "c2", "name": "Root cause category", "field_type": "single_select"},
         "values": [{"value_option": {"id": "o1", "value": "Dependency"}}]},
        {"custom_field": {"id": "c3", "name": "PagerDuty incident", "field_type": "text"},
         "values": [{"value_text": "Q1ABCDEF"}]},
    ],
    "postmortem_document_url": "https://docs.example.com/pm/123",
    "permalink": "https://app.incident.io/acme/incidents/123",
}  # fmt: skip


def test_incident_io_api_export(tmp_path: Path) -> None:
    declined = {**INCIDENT_IO, "id": "01X", "reference": "INC-124",
                "incident_status": {"name": "Declined", "category": "declined"}}  # fmt: skip
    test_mode = {**INCIDENT_IO, "id": "01Y", "reference": "INC-125", "mode": "test"}
    path = write(tmp_path, "io.json", {"incidents": [INCIDENT_IO, declined, test_mode], "pagination_meta": {}})
    all_items = list(read_incident_file(path, OPTIONS))
    assert sum(isinstance(item, Skipped) for item in all_items) == 2
    [record] = [item for item in all_items if isinstance(item, ImportedIncident)]
    incident = record.incident
    assert (incident.id, incident.severity, incident.cause) == ("INC-123", "SEV2", "dependency")
    assert incident.started == at("2026-03-06T10:00:00Z")
    assert incident.acknowledged == at("2026-03-06T10:12:00Z")
    assert incident.resolved == at("2026-03-06T13:00:00Z")
    assert incident.services == ("payments",)
    assert "pagerduty:Q1ABCDEF" in incident.aliases
    assert record.postmortem_url == "https://docs.example.com/pm/123"


def test_incident_io_csv_with_a_severity_map(tmp_path: Path) -> None:
    csv_text = (
        "ID,Reference,Name,Status,Severity,Created At,Impact Started At,Acknowledged At,Resolved At,"
        "Affected Services\n"
        "01A,INC-7,Card payments failing,Resolved,Sev 0,2026-03-07T10:00:00Z,2026-03-07T09:50:00Z,"
        '2026-03-07T10:02:00Z,2026-03-07T11:00:00Z,"payments, checkout"\n'
        "01B,INC-8,Slow search,Investigating,Minor,2026-03-08T10:00:00Z,,,,\n"
    )
    options = IncidentImportOptions(severity_map={"Sev 0": "SEV1"}, service_components=SERVICES)
    [first, second], diagnostics = read(write(tmp_path, "io.csv", csv_text), options)
    assert diagnostics == []
    assert (first.incident.id, first.incident.severity) == ("INC-7", "SEV1")
    assert first.incident.started == at("2026-03-07T09:50:00Z")
    assert first.incident.resolved == at("2026-03-07T11:00:00Z")
    assert first.incident.services == ("payments", "checkout")
    assert (second.status, second.incident.severity, second.incident.services) == (IncidentStatus.OPEN, "SEV3", ())
    assert second.incident.started == at("2026-03-08T10:00:00Z")


# Bad files -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "code", "where"),
    [
        ("sev.json", [{**PAGERDUTY_INCIDENT, "priority": {"name": "Urgent-ish"}}], "IMP021", "$[0].priority"),
        ("state.json", [{**PAGERDUTY_INCIDENT, "status": "snoozed"}], "IMP022", "$[0].status"),
        ("zone.json", [{**PAGERDUTY_INCIDENT, "created_at": "2026-03-01T10:00:00"}], "IMP023", "$[0].created_at"),
        ("order.json", [{**PAGERDUTY_INCIDENT, "resolved_at": "2026-02-01T10:00:00Z"}], "IMP002", "$[0]"),
        ("missing.json", {"incidents": [{**PAGERDUTY_INCIDENT, "title": None, "summary": None}]}, "IMP002",
         "$.incidents[0].summary"),
        ("columns.csv", "TinyId,Status\n1,open\n", "IMP002", None),
    ],
)  # fmt: skip
def test_bad_records_name_their_place(tmp_path: Path, name: str, content: object, code: str, where: str | None) -> None:
    _, diagnostics = read(write(tmp_path, name, content))
    [found] = [item for item in diagnostics if item.severity == "error"]
    assert found.code == code
    if where is None:
        assert found.location is not None and found.location.line == 1
        assert "'Message'" in found.message and "'CreatedAt'" in found.message
    else:
        assert found.message.startswith(where), found.message


def test_a_bad_row_of_a_csv_names_its_line(tmp_path: Path) -> None:
    csv_text = (
        "TinyId,Message,Status,Priority,CreatedAt\n"
        "1,Fine,closed,P1,2026-03-01T10:00:00Z\n"
        "2,No zone,closed,P1,2026-03-01 10:00:00\n"
    )
    _, diagnostics = read(write(tmp_path, "og.csv", csv_text))
    [found] = diagnostics
    assert (found.code, found.location and found.location.line) == ("IMP023", 3)


@pytest.mark.parametrize(
    ("content", "code"),
    [("{not json", "IMP001"), ('[{"foo": 1}]', "IMP003"), ("alpha,beta\n1,2\n", "IMP003"), ('{"x": 1}', "IMP001")],
)
def test_unreadable_or_unknown_files(tmp_path: Path, content: str, code: str) -> None:
    with pytest.raises(ImportFileError) as raised:
        read(write(tmp_path, "export", content))
    assert raised.value.diagnostic.code == code


def test_input_format_overrides_detection(tmp_path: Path) -> None:
    # An Opsgenie record that also carries PagerDuty-looking keys is read as told.
    record = {"id": "x1", "message": "Queue stuck", "status": "open", "createdAt": "2026-03-01T10:00:00Z",
              "urgency": "high"}  # fmt: skip
    path = write(tmp_path, "export.json", [record])
    [found], _ = read(path, IncidentImportOptions(input_format=IncidentFormat.OPSGENIE))
    assert found.source is IncidentFormat.OPSGENIE and found.incident.severity == "SEV3"  # Opsgenie's default P3


def test_a_file_with_a_bad_record_imports_nothing_and_reimport_updates(tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", [PAGERDUTY_INCIDENT])
    bad = write(tmp_path, "bad.json", [{**PAGERDUTY_INCIDENT, "id": "Q9"}, {**PAGERDUTY_INCIDENT, "status": "?"}])
    with open_store(tmp_path) as store:
        assert import_incidents(store, bad, OPTIONS).failed
        assert not import_incidents(store, good, OPTIONS).failed
        renamed = write(tmp_path, "good.json", [{**PAGERDUTY_INCIDENT, "title": "Checkout errors (renamed)"}])
        report = import_incidents(store, renamed, OPTIONS)
        with store.engine.connect() as connection:
            count = connection.execute(select(func.count()).select_from(incidents)).scalar_one()
            title = connection.execute(select(incidents.c.title)).scalar_one()
    assert report.imported == 1
    assert (count, title) == (1, "Checkout errors (renamed)")


def test_pagerduty_minutes_after_start_are_exact(tmp_path: Path) -> None:
    csv_text = "id,urgency,description,created_on,seconds_to_first_ack\nP1,high,x,2026-03-01T00:00:00Z,59.5\n"
    [found], _ = read(write(tmp_path, "pd.csv", csv_text))
    assert found.incident.acknowledged == at("2026-03-01T00:00:00Z") + timedelta(seconds=59.5)

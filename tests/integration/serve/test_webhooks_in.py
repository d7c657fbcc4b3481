"""Webhooks in on a real Uvicorn, SQLite and PostgreSQL: events are written once and show in the
API; bad bodies get the right 4xx and write nothing; Standard Webhooks signatures are checked,
stale and replayed ones refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from charter.web.settings import WebSettings
from tests.integration.serve.webhook_parts import (
    SECRET,
    Ingesting,
    body_of,
    copy_demo,
    deployment,
    incident,
    ingesting_server,
    signed_headers,
)

PERIOD = {"since": "2026-10-01", "until": "2026-11-01", "by": "org"}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, demo: Path, tmp_path: Path) -> tuple[Path, str | None]:
    root = copy_demo(demo, tmp_path)
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    return root, url


@pytest.fixture
def ingesting(database: tuple[Path, str | None]) -> Iterator[Ingesting]:
    with ingesting_server(*database) as served:
        yield served


def _deployments(report: dict[str, Any]) -> int:
    """The period's deployments across the organisation (none: the store had none)."""
    return sum(scope["deployments"] for scope in report["scopes"])


def test_a_deployment_event_is_written_once_and_shows_in_the_api(ingesting: Ingesting) -> None:
    event = deployment(ingesting.components[0], 1)
    with ingesting.client() as client, ingesting.client("viewer") as viewer:
        before = _deployments(viewer.get("/api/v1/delivery", params=PERIOD).json())
        first = client.post("/api/v1/events/deployments", json=event)
        assert first.status_code == 201, first.text
        assert first.json() == {"kind": "deployments", "received": 1, "written": 1, "duplicates": 0}
        again = client.post("/api/v1/events/deployments", json=[event])
        assert again.status_code == 200
        assert again.json() == {"kind": "deployments", "received": 1, "written": 0, "duplicates": 1}
        after = _deployments(viewer.get("/api/v1/delivery", params=PERIOD).json())
    assert after == before + 1
    assert ingesting.counts() == {"deployments": 1, "incidents": 0, "receipts": 1}


def test_a_list_of_incidents_is_written_and_a_later_state_is_a_new_event(ingesting: Ingesting) -> None:
    component = ingesting.components[0]
    opened = incident(component, 7, resolved=None, status="open")
    with ingesting.client() as client, ingesting.client("viewer") as viewer:
        posted = client.post("/api/v1/events/incidents", json=[opened, incident(component, 8)])
        assert posted.status_code == 201, posted.text
        assert posted.json()["written"] == 2
        resolved = client.post("/api/v1/events/incidents", json=incident(component, 7))
        assert resolved.json()["written"] == 1
        listed = viewer.get("/api/v1/incidents", params=PERIOD).json()["incidents"]
    summaries = {item["id"]: item for item in listed if item["id"].startswith("INC-hook")}
    assert set(summaries) == {"INC-hook-7", "INC-hook-8"}
    assert summaries["INC-hook-7"]["resolved"] is not None and summaries["INC-hook-7"]["source"] == "webhook"
    assert ingesting.counts() == {"deployments": 0, "incidents": 2, "receipts": 3}


def test_bad_fields_are_a_422_naming_every_json_path_and_nothing_is_written(ingesting: Ingesting) -> None:
    good = deployment(ingesting.components[0], 1)
    bad = [
        good,
        deployment("no-such-component", 2, sha="abc123"),
        {key: value for key, value in deployment(ingesting.components[0], 3).items() if key != "finished"},
        "not an object",
    ]
    with ingesting.client() as client:
        response = client.post("/api/v1/events/deployments", json=bad)
        broken_incident = client.post(
            "/api/v1/events/incidents", json=incident(ingesting.components[0], 1, severity="Blocker", services=["nope"])
        )
    assert response.status_code == 422
    paths = [problem["path"] for problem in response.json()["problems"]]
    assert paths == ["$[1].component", "$[1].sha", "$[2].finished", "$[3]"]
    assert "nothing was written" in response.json()["detail"]
    assert broken_incident.status_code == 422
    assert [problem["path"] for problem in broken_incident.json()["problems"]] == ["$.severity", "$.services[0]"]
    assert ingesting.counts() == {"deployments": 0, "incidents": 0, "receipts": 0}


def test_a_wrong_content_type_a_malformed_body_or_a_token_below_ingest_is_refused(ingesting: Ingesting) -> None:
    event = body_of(deployment(ingesting.components[0], 1))
    with ingesting.client() as client, ingesting.client("viewer") as viewer, ingesting.client("admin") as admin:
        wrong_type = client.post("/api/v1/events/deployments", content=event, headers={"content-type": "text/plain"})
        assert wrong_type.status_code == 415 and "application/json" in wrong_type.json()["detail"]
        malformed = client.post(
            "/api/v1/events/deployments", content=b'{"id": ', headers={"content-type": "application/json"}
        )
        assert malformed.status_code == 400 and "line 1" in malformed.json()["detail"]
        assert (
            client.post(
                "/api/v1/events/deployments", content=b"[]", headers={"content-type": "application/json"}
            ).status_code
            == 422
        )
        assert viewer.post("/api/v1/events/deployments", json=deployment(ingesting.components[0], 1)).status_code == 403
        assert client.get("/api/v1/overview").status_code == 403
        for response in (wrong_type, malformed):
            assert "Traceback" not in response.text
        assert ingesting.counts()["receipts"] == 0
        assert admin.post("/api/v1/events/deployments", json=deployment(ingesting.components[0], 1)).status_code == 201


def test_a_body_over_the_limit_is_a_413_and_writes_nothing(database: tuple[Path, str | None]) -> None:
    with ingesting_server(*database, WebSettings(max_body_bytes=4096, webhook_secret=None)) as served:
        events = [deployment(served.components[0], number) for number in range(100)]
        with served.client() as client:
            response = client.post("/api/v1/events/deployments", json=events)
        assert response.status_code == 413
        assert served.counts()["receipts"] == 0


def test_with_a_secret_only_signed_events_are_taken_and_a_replay_is_refused(
    database: tuple[Path, str | None],
) -> None:
    with ingesting_server(*database, WebSettings(webhook_secret=SECRET)) as served:
        body = body_of([deployment(served.components[0], 1), deployment(served.components[0], 2)])
        path = "/api/v1/events/deployments"
        with served.client() as client:
            unsigned = client.post(path, content=body, headers={"content-type": "application/json"})
            assert unsigned.status_code == 401 and "webhook-id" in unsigned.json()["detail"]
            forged = client.post(
                path, content=body, headers=signed_headers(body, "msg_1", secret="whsec_" + "QUJD" * 8)
            )
            assert forged.status_code == 401 and "does not match" in forged.json()["detail"]
            stale = client.post(
                path, content=body, headers=signed_headers(body, "msg_1", datetime.now(UTC) - timedelta(minutes=10))
            )
            assert stale.status_code == 401 and "old" in stale.json()["detail"]
            assert served.counts()["receipts"] == 0
            headers = signed_headers(body, "msg_1")
            taken = client.post(path, content=body, headers=headers)
            assert taken.status_code == 201 and taken.json()["written"] == 2
            replayed = client.post(path, content=body, headers=headers)
            assert replayed.status_code == 409 and "replay" in replayed.json()["detail"]
            # A sender's retry signs again, later: taken, and it changes nothing.
            retry = client.post(
                path, content=body, headers=signed_headers(body, "msg_1", datetime.now(UTC) + timedelta(seconds=2))
            )
            assert retry.status_code == 200 and retry.json()["duplicates"] == 2
        assert served.counts() == {"deployments": 2, "incidents": 0, "receipts": 2}

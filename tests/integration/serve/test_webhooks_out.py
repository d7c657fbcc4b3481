"""Webhooks out against a real receiving HTTP server on loopback, SQLite and PostgreSQL: messages
from the persistent outbox are signed as Standard Webhooks, retried after a failure with the same
id, a 410 disables the subscription, private and loopback addresses need an explicit allowance,
the server's worker delivers what was queued before it started, and the escalations and the
snapshot of a sync emit their events."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, insert, select
from standardwebhooks.webhooks import Webhook

from charter.model.errors import UsageError
from charter.services.webhook_delivery import DeliveryPolicy, deliver_due
from charter.services.webhooks import add_subscription, emit, webhook_list_report
from charter.store.database import open_store
from charter.store.schema import escalation_ledger, webhook_outbox
from charter.web.settings import WebSettings
from tests.conftest import run_charter
from tests.integration.conftest import AS_OF
from tests.integration.serve.conftest import running_server
from tests.integration.serve.webhook_parts import copy_demo, make_tokens

NOW_POLICY = DeliveryPolicy(first_delay_seconds=0, allow_private=True)
WAIT_SECONDS = 120


@dataclass
class Receiver:
    """A loopback HTTP server that answers each post with the next scripted status (then 200)."""

    url: str
    statuses: list[int]
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver("", [])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            found.received.append(({key.lower(): value for key, value in self.headers.items()}, body))
            self.send_response(found.statuses.pop(0) if found.statuses else 200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield found
    finally:
        server.shutdown()
        thread.join(timeout=30)


def _emit(root: Path, database_url: str | None, event_type: str, data: dict[str, object]) -> None:
    with open_store(root, database_url) as store, store.transaction() as connection:
        emit(connection, event_type, data, datetime.now(UTC))


def test_a_failed_delivery_is_retried_with_the_same_signed_message(
    receiver: Receiver, database_url: str, tmp_path: Path
) -> None:
    receiver.statuses = [500]
    with open_store(tmp_path, database_url) as store:
        subscription = add_subscription(store, receiver.url, ["snapshot.created"], allow_private=True)
        with store.transaction() as connection:
            assert emit(connection, "snapshot.created", {"id": 7}, datetime.now(UTC)) == 1
            assert emit(connection, "escalation.opened", {"id": "E1"}, datetime.now(UTC)) == 0  # not subscribed
        with httpx.Client(timeout=10) as client:
            first = deliver_due(store, client, NOW_POLICY)
            second = deliver_due(store, client, NOW_POLICY)
            third = deliver_due(store, client, NOW_POLICY)
        assert (first.retried, second.delivered, third.delivered) == (1, 1, 0)
        listed = webhook_list_report(store).webhooks[0]
    assert (listed.pending, listed.delivered, listed.failed) == (0, 1, 0)
    (headers_1, body_1), (headers_2, body_2) = receiver.received
    assert headers_1["webhook-id"] == headers_2["webhook-id"] and body_1 == body_2
    payload = Webhook(subscription.secret).verify(body_2, headers_2)
    assert payload["type"] == "snapshot.created" and payload["data"] == {"id": 7}


def test_a_410_disables_the_subscription(receiver: Receiver, database_url: str, tmp_path: Path) -> None:
    receiver.statuses = [410]
    with open_store(tmp_path, database_url) as store:
        add_subscription(store, receiver.url, ["escalation.opened", "escalation.resolved"], allow_private=True)
        with store.transaction() as connection:
            emit(connection, "escalation.opened", {"id": "E1"}, datetime.now(UTC))
            emit(connection, "escalation.resolved", {"id": "E0"}, datetime.now(UTC))
        with httpx.Client(timeout=10) as client:
            assert deliver_due(store, client, DeliveryPolicy(allow_private=True, batch=1)).disabled == 1
            assert deliver_due(store, client, NOW_POLICY).delivered == 0
        with store.transaction() as connection:
            assert emit(connection, "escalation.opened", {"id": "E2"}, datetime.now(UTC)) == 0
        listed = webhook_list_report(store).webhooks[0]
    assert listed.state == "disabled" and "410" in (listed.disabled_reason or "")
    assert (listed.pending, listed.failed) == (0, 2) and len(receiver.received) == 1


def test_private_and_loopback_addresses_need_an_explicit_allowance(tmp_path: Path, database_url: str) -> None:
    with open_store(tmp_path, database_url) as store:
        for url in ("http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/x", "http://[::1]/x"):
            with pytest.raises(UsageError, match="private or loopback"):
                add_subscription(store, url, ["snapshot.created"], allow_private=False)
        with pytest.raises(UsageError, match="is not an event"):
            add_subscription(store, "http://127.0.0.1:9/x", ["snapshot.deleted"], allow_private=True)
        with pytest.raises(UsageError, match="http:// or https://"):
            add_subscription(store, "file:///etc/passwd", ["snapshot.created"], allow_private=True)
        assert webhook_list_report(store).total == 0


def test_the_webhook_commands_add_list_and_remove(demo: Path, tmp_path: Path) -> None:
    root = copy_demo(demo, tmp_path)
    env = {"CHARTER_DATABASE_URL": ""}
    refused = run_charter(
        "webhook", "add", "http://127.0.0.1:9/x", "--event", "snapshot.created", "--repo", str(root), env=env
    )
    assert refused.exit_code == 2 and "CHARTER_WEBHOOK_ALLOW_PRIVATE" in refused.output
    unknown = run_charter(
        "webhook", "add", "http://127.0.0.1:9/x", "--event", "nope", "--allow-private", "--repo", str(root), env=env
    )
    assert unknown.exit_code == 2 and "snapshot.created" in unknown.output
    added = run_charter(
        "webhook",
        "add",
        "http://127.0.0.1:9/x",
        "--event",
        "snapshot.created",
        "--allow-private",
        "--repo",
        str(root),
        env=env,
    )
    assert added.exit_code == 0 and added.stdout.startswith("whsec_")
    listed = run_charter("webhook", "list", "--format", "json", "--repo", str(root), env=env)
    hooks = json.loads(listed.stdout)["webhooks"]
    assert [(item["url"], item["events"], item["state"]) for item in hooks] == [
        ("http://127.0.0.1:9/x", ["snapshot.created"], "active")
    ]
    assert "whsec_" not in listed.stdout
    assert run_charter("webhook", "remove", "99", "--repo", str(root), env=env).exit_code == 2
    assert run_charter("webhook", "remove", str(hooks[0]["id"]), "--repo", str(root), env=env).exit_code == 0
    assert json.loads(run_charter("webhook", "list", "-f", "json", "--repo", str(root), env=env).stdout)["total"] == 0


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_server_delivers_what_the_outbox_held_before_it_started(
    dialect: str, receiver: Receiver, demo: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    root = copy_demo(demo, tmp_path)
    database_url = request.getfixturevalue("postgres_url") if dialect == "postgresql" else None
    tokens = make_tokens(root, database_url)
    settings = WebSettings(webhook_secret=None, webhook_allow_private=True, webhook_delivery_seconds=0.1)
    with running_server(root, database_url, settings) as url:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens['admin']}"}) as admin:
            created = admin.post("/api/v1/webhooks", json={"url": receiver.url, "events": ["snapshot.created"]})
            assert created.status_code == 201, created.text
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens['viewer']}"}) as viewer:
            assert viewer.get("/api/v1/webhooks").status_code == 403
    secret = created.json()["secret"]
    _emit(root, database_url, "snapshot.created", {"id": 42})  # while no server runs
    with running_server(root, database_url, settings):
        deadline = time.monotonic() + WAIT_SECONDS
        while not receiver.received:
            assert time.monotonic() < deadline, "the worker delivered nothing"
            time.sleep(0.1)
    headers, body = receiver.received[0]
    assert Webhook(secret).verify(body, headers)["data"] == {"id": 42}


def test_escalations_and_a_new_snapshot_emit_their_events(demo: Path, tmp_path: Path) -> None:
    root = copy_demo(demo, tmp_path)
    env = {"CHARTER_DATABASE_URL": ""}
    events = [
        "--event",
        "escalation.opened",
        "--event",
        "escalation.resolved",
        "--event",
        "snapshot.created",
        "--event",
        "target.status_changed",
    ]
    events.append("--allow-private")
    assert run_charter("webhook", "add", "http://127.0.0.1:9/x", *events, "--repo", str(root), env=env).exit_code == 0
    # The demo's sync recorded the ledger before the subscription: start it again, with one open
    # escalation the next run no longer raises.
    with open_store(root) as store, store.transaction() as connection:
        connection.execute(delete(escalation_ledger))
        seen = datetime(2026, 10, 1, tzinfo=UTC)
        connection.execute(
            insert(escalation_ledger).values(
                id="ESC-gone",
                fingerprint="x",
                code="ESC001",
                subject="component:gone",
                severity="error",
                message="gone",
                first_seen=seen,
                last_seen=seen,
            )
        )
    assert run_charter("escalations", "--repo", str(root), "--as-of", AS_OF, env=env).exit_code in (0, 1)
    assert run_charter("sync", "--repo", str(root), "--as-of", "2026-11-02", "--quiet", env=env).exit_code == 0
    with open_store(root) as store, store.engine.connect() as connection:
        queued = [row.event_type for row in connection.execute(select(webhook_outbox.c.event_type))]
    assert "escalation.opened" in queued and queued.count("escalation.resolved") == 1
    assert queued.count("snapshot.created") == 1


def test_a_target_whose_status_moved_is_an_event(demo: Path, tmp_path: Path) -> None:
    from charter.services.context import load_context
    from charter.services.target_events import emit_target_changes, target_events_wanted, target_states

    root = copy_demo(demo, tmp_path)
    with open_store(root) as store:
        context = load_context(root, store)
        assert not target_events_wanted(context)
        add_subscription(store, "http://127.0.0.1:9/x", ["target.status_changed"], allow_private=True)
        assert target_events_wanted(context)
        now = target_states(context)
        assert now, "the demo organisation has targets with snapshots"
        before = {key: "no data" if status != "no data" else "met" for key, status in now.items()}
        before[("a goal no longer in the file", "x", 0)] = "met"
        assert emit_target_changes(context, before, datetime.now(UTC)) == len(now)
        assert emit_target_changes(context, dict(now), datetime.now(UTC)) == 0
        with store.engine.connect() as connection:
            payloads = [json.loads(row.payload) for row in connection.execute(select(webhook_outbox.c.payload))]
    changed = payloads[0]["data"]
    assert payloads[0]["type"] == "target.status_changed"
    assert changed["to"] == now[(changed["goal"], changed["metric"], changed["index"])] != changed["from"]

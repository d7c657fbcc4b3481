"""A crash test of webhooks in: `charter serve` (its own process) takes events from several clients
at once and is killed with SIGKILL mid-stream; after a restart every event that got a 2xx is in the
store exactly once, and sending them all again changes nothing. SQLite and PostgreSQL."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from charter.store.database import open_store
from charter.store.schema import deployments, event_receipts
from tests.integration.serve.serve_process import serving
from tests.integration.serve.webhook_parts import copy_demo, deployment, make_tokens

CLIENTS = 4
KILL_AFTER = 60  # acknowledged events before the kill


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_every_event_acknowledged_before_a_sigkill_is_stored_exactly_once(
    dialect: str, demo: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    root = copy_demo(demo, tmp_path)
    database_url = request.getfixturevalue("postgres_url") if dialect == "postgresql" else None
    token = make_tokens(root, database_url)["ingest"]
    headers = {"Authorization": f"Bearer {token}"}
    acknowledged: list[dict[str, object]] = []
    lock = threading.Lock()
    stop = threading.Event()
    enough = threading.Event()

    def client(number: int, url: str) -> None:
        sent = 0
        with httpx.Client(base_url=url, headers=headers, timeout=30) as session:
            while not stop.is_set():
                sent += 1
                # Batches of 1 to 3 events, each with its own id: a batch is all or nothing.
                batch = [
                    deployment("component:default/search-scheduler-sdk", number * 1_000_000 + sent * 10 + item)
                    for item in range(1 + sent % 3)
                ]
                try:
                    answer = session.post("/api/v1/events/deployments", json=batch)
                except httpx.TransportError:
                    return  # the server is gone: this batch got no answer
                assert answer.status_code == 201, answer.text
                with lock:
                    acknowledged.extend(batch)
                    if len(acknowledged) >= KILL_AFTER:
                        enough.set()

    with serving(root, database_url) as (process, url):
        threads = [threading.Thread(target=client, args=(number, url)) for number in range(CLIENTS)]
        for thread in threads:
            thread.start()
        assert enough.wait(timeout=600), "the server acknowledged too few events"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    with serving(root, database_url) as (_, url):
        ids = {str(event["id"]) for event in acknowledged}
        with open_store(root, database_url) as store, store.transaction() as connection:
            stored = list(
                connection.execute(select(deployments.c.id).where(deployments.c.source == "webhook")).scalars()
            )
            receipts = list(connection.execute(select(event_receipts.c.event_id)).scalars())
        assert len(stored) == len(set(stored)) and len(receipts) == len(set(receipts))
        assert ids <= set(stored)
        assert set(stored) == set(receipts)  # events and their receipts are committed together
        with httpx.Client(base_url=url, headers=headers, timeout=60) as session:
            again = session.post("/api/v1/events/deployments", json=acknowledged)
        assert again.status_code == 200, again.text
        assert again.json()["duplicates"] == len(acknowledged) and again.json()["written"] == 0

"""Overlapping webhook batches at once: several clients post, all at the same time, batches of
deployment and incident events whose ids overlap heavily (each event in 2 to 4 batches, shuffled:
a sender retrying while its first attempt is still being written, or two senders relaying the same
events) to `charter serve` in its own process, with two workers on PostgreSQL and one on SQLite.
Every post is answered 2xx, with no deadlock or error in the server's log; every event is written
once (the answers' counts, the store, the API); the facts' write generation moves. Posting the same
batches again writes nothing and leaves the generation where it was; so does a second sender
relaying the same deployments under event ids of its own (new events, the same rows)."""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from charter.store.database import open_store
from charter.store.schema import deployments, event_receipts, fact_generation, incidents
from tests.integration.serve.serve_process import serving
from tests.integration.serve.webhook_parts import catalog_components, copy_demo, deployment, incident, make_tokens

CLIENTS = 6
DEPLOYMENTS = 240  # events, in DEPLOYMENT_BATCHES batches of about 30 (each event in 2 to 4)
DEPLOYMENT_BATCHES = 24
INCIDENTS = 60
INCIDENT_BATCHES = 12
COPIES = (2, 4)
PERIOD = {"since": "2026-10-01", "until": "2026-11-01", "by": "org"}
TROUBLE = ("deadlock", "Traceback", "ERROR", "could not serialize")
Event = dict[str, object]


@dataclass(frozen=True)
class Post:
    kind: str  # deployments | incidents
    events: list[Event]


@dataclass(frozen=True)
class Answer:
    post: Post
    status: int
    body: dict[str, Any]


def overlapping(events: Sequence[Event], batches: int, chance: random.Random) -> list[list[Event]]:
    """`batches` lists of `events`, each event in 2 to 4 different lists, every list shuffled."""
    made: list[list[Event]] = [[] for _ in range(batches)]
    for event in events:
        for number in chance.sample(range(batches), chance.randint(*COPIES)):
            made[number].append(event)
    for batch in made:
        chance.shuffle(batch)
    return [batch for batch in made if batch]


def relaying(posts: Sequence[Post]) -> list[Post]:
    """The deployment posts as a second sender relays them: each event with an `eventId` of its own."""
    return [
        Post(post.kind, [{**event, "eventId": f"relay-{number}-{event['id']}"} for event in post.events])
        for number, post in enumerate(posts)
        if post.kind == "deployments"
    ]


def post_all(url: str, token: str, posts: Sequence[Post]) -> list[Answer]:
    """Post every batch, CLIENTS at a time, the clients starting together; each post on a connection
    of its own, as separate senders' deliveries come, taken by whichever worker accepts it first."""
    queue: SimpleQueue[Post] = SimpleQueue()
    for post in posts:
        queue.put(post)
    answers: list[Answer] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)
    headers = {"Authorization": f"Bearer {token}", "Connection": "close"}

    def client() -> None:
        try:
            with httpx.Client(base_url=url, headers=headers, timeout=120) as session:
                start.wait(timeout=60)
                while True:
                    try:
                        post = queue.get_nowait()
                    except Empty:
                        return
                    response = session.post(f"/api/v1/events/{post.kind}", json=post.events)
                    body = response.json() if response.headers.get("content-type") == "application/json" else {}
                    with lock:
                        answers.append(Answer(post, response.status_code, body or {"text": response.text}))
        except BaseException as error:  # reported below, on the test's thread
            with lock:
                failures.append(error)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    assert len(answers) == len(posts)
    return answers


def generation(root: Path, database_url: str | None) -> tuple[str, int]:
    """The facts' write generation (epoch, number), read from its one row."""
    with open_store(root, database_url) as store, store.engine.connect() as connection:
        epoch, number = connection.execute(select(fact_generation.c.epoch, fact_generation.c.generation)).one()
    return str(epoch), int(number)


def stored(root: Path, database_url: str | None) -> dict[str, list[str]]:
    """The webhook deployments' and incidents' ids as the store holds them (a repeat would show
    twice), and the receipts' event ids of each kind."""
    with open_store(root, database_url) as store, store.engine.connect() as connection:

        def ids(query: Any) -> list[str]:
            return sorted(str(value) for value in connection.execute(query).scalars())

        receipts = select(event_receipts.c.event_id)
        return {
            "deployments": ids(select(deployments.c.id).where(deployments.c.source == "webhook")),
            "incidents": ids(select(incidents.c.id).where(incidents.c.source == "webhook")),
            "deployment receipts": ids(receipts.where(event_receipts.c.kind == "deployments")),
            "incident receipts": ids(receipts.where(event_receipts.c.kind == "incidents")),
        }


def through_the_api(url: str, token: str) -> tuple[int, list[str]]:
    """The period's deployments across the organisation, and its incidents' ids, as the API reports them."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as viewer:
        delivery = viewer.get("/api/v1/delivery", params=PERIOD)
        listed = viewer.get("/api/v1/incidents", params=PERIOD)
    assert delivery.status_code == 200 and listed.status_code == 200, (delivery.text, listed.text)
    counted = sum(scope["deployments"] for scope in delivery.json()["scopes"])
    return counted, sorted(item["id"] for item in listed.json()["incidents"] if item["id"].startswith("INC-overlap-"))


def written(answers: Sequence[Answer], kind: str) -> int:
    return sum(int(answer.body["written"]) for answer in answers if answer.post.kind == kind)


@pytest.mark.parametrize(("dialect", "workers"), [("sqlite", 1), ("postgresql", 2)])
def test_overlapping_batches_posted_at_once_write_every_event_once(
    dialect: str, workers: int, demo: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    root = copy_demo(demo, tmp_path)
    database_url = request.getfixturevalue("postgres_url") if dialect == "postgresql" else None
    tokens = make_tokens(root, database_url)
    chance = random.Random(9)
    log = tmp_path / "serve.stderr"
    with log.open("wb") as stderr, serving(root, database_url, workers, stderr) as (_, url):
        components = catalog_components(root, database_url, tokens["viewer"], url)
        deployment_events = [
            deployment(chance.choice(components), number, id=f"overlap-{number}") for number in range(DEPLOYMENTS)
        ]
        incident_events = [
            incident(chance.choice(components), number, id=f"INC-overlap-{number}") for number in range(INCIDENTS)
        ]
        posts = [Post("deployments", batch) for batch in overlapping(deployment_events, DEPLOYMENT_BATCHES, chance)]
        posts += [Post("incidents", batch) for batch in overlapping(incident_events, INCIDENT_BATCHES, chance)]
        chance.shuffle(posts)
        deployed_before, _ = through_the_api(url, tokens["viewer"])
        before = generation(root, database_url)

        first = post_all(url, tokens["ingest"], posts)
        after_first = generation(root, database_url)
        store_after_first = stored(root, database_url)
        deployed_after, incidents_listed = through_the_api(url, tokens["viewer"])

        again = post_all(url, tokens["ingest"], posts)
        after_again = generation(root, database_url)
        store_after_again = stored(root, database_url)

        relayed = relaying(posts)
        relay = post_all(url, tokens["ingest"], relayed)
        after_relay = generation(root, database_url)
        store_after_relay = stored(root, database_url)

    refused = [(answer.status, answer.body) for answer in first + again + relay if not 200 <= answer.status < 300]
    trouble = [line for line in log.read_text(errors="replace").splitlines() if any(word in line for word in TROUBLE)]
    assert not refused and not trouble, (refused[:5], trouble[:10])

    # Every answer counts each of its events once, as written or as a duplicate; across the answers,
    # each event was written exactly once.
    for answer in first + again + relay:
        assert answer.body["received"] == len(answer.post.events)
        assert answer.body["written"] + answer.body["duplicates"] == len(answer.post.events)
        assert answer.status == (201 if answer.body["written"] else 200)
    assert written(first, "deployments") == DEPLOYMENTS and written(first, "incidents") == INCIDENTS

    deployment_ids = sorted(str(event["id"]) for event in deployment_events)
    incident_ids = sorted(str(event["id"]) for event in incident_events)
    assert store_after_first["deployments"] == deployment_ids
    assert store_after_first["incidents"] == incident_ids
    assert store_after_first["deployment receipts"] == deployment_ids  # a deployment's event id is its id
    assert len(store_after_first["incident receipts"]) == len(set(store_after_first["incident receipts"])) == INCIDENTS
    assert deployed_after - deployed_before == DEPLOYMENTS
    assert incidents_listed == incident_ids
    assert after_first[0] == before[0] and after_first[1] > before[1]

    # The same batches again: every event a duplicate, nothing written, the generation unmoved.
    assert all(answer.status == 200 and answer.body["written"] == 0 for answer in again)
    assert store_after_again == store_after_first
    assert after_again == after_first

    # Another sender relaying the same deployments under event ids of its own: new events, each
    # answered as written, but the same deployments, upserted with the values already there: the
    # store holds each deployment once still and the generation does not move.
    assert all(answer.status == 201 and answer.body["duplicates"] == 0 for answer in relay)
    relay_ids = sorted(str(event["eventId"]) for post in relayed for event in post.events)
    assert store_after_relay["deployments"] == deployment_ids
    assert store_after_relay["deployment receipts"] == sorted(deployment_ids + relay_ids)
    assert store_after_relay["incidents"] == store_after_first["incidents"]
    assert after_relay == after_first

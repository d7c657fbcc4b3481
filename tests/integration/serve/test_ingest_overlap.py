"""Overlapping webhook batches at once: several clients post, all at the same time, batches of
deployment and incident events whose ids overlap heavily (each event in 2 to 4 batches, shuffled:
a sender retrying while its first attempt is still being written, or two senders relaying the same
events) to `charter serve` in its own process, with two workers on PostgreSQL and one on SQLite.
Every post is answered 2xx, with no deadlock or error in the server's log; every event is written
once (the answers' counts, the store, the API); the facts' write generation moves. Posting the same
batches again writes nothing and leaves the generation where it was; so does a second sender
relaying the same deployments under event ids of its own (new events, the same rows). And signed
messages, each delivered twice at once (the retry signed again, as Standard Webhooks senders retry),
are written once."""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from charter.store.database import open_store
from charter.store.schema import deployments, event_receipts, fact_generation, incidents
from tests.integration.serve.serve_process import serving
from tests.integration.serve.webhook_parts import (
    SECRET,
    body_of,
    catalog_components,
    copy_demo,
    deployment,
    incident,
    make_tokens,
    signed_headers,
)

CLIENTS = 6
DEPLOYMENTS = 240  # events, in DEPLOYMENT_BATCHES batches of about 30 (each event in 2 to 4)
DEPLOYMENT_BATCHES = 24
INCIDENTS = 60
INCIDENT_BATCHES = 12
COPIES = (2, 4)
SIGNED = 120  # events, in signed messages of MESSAGE
MESSAGE = 10
PERIOD = {"since": "2026-10-01", "until": "2026-11-01", "by": "org"}
TROUBLE = ("deadlock", "Traceback", "ERROR", "could not serialize")
Event = dict[str, object]


@dataclass(frozen=True)
class Post:
    kind: str  # deployments | incidents
    events: list[Event]
    headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"),)


@dataclass(frozen=True)
class Server:
    """`charter serve` running in its own process: its URL, repository and store, its tokens, the
    file its standard error goes to, and the catalog's components."""

    url: str
    root: Path
    database_url: str | None
    tokens: dict[str, str]
    log: Path
    components: tuple[str, ...]


@contextmanager
def charter_serve(
    dialect: str, workers: int, demo: Path, tmp_path: Path, request: pytest.FixtureRequest, secret: str | None = None
) -> Iterator[Server]:
    """`charter serve --workers N` over a copy of the demo organisation, on SQLite or on a fresh
    PostgreSQL database, until the block ends."""
    root = copy_demo(demo, tmp_path)
    database_url = request.getfixturevalue("postgres_url") if dialect == "postgresql" else None
    tokens = make_tokens(root, database_url)
    log = tmp_path / "serve.stderr"
    with log.open("wb") as stderr, serving(root, database_url, workers, stderr, secret) as (_, url):
        components = catalog_components(root, database_url, tokens["viewer"], url)
        yield Server(url, root, database_url, tokens, log, components)


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


def delivered_twice(events: Sequence[Event], now: datetime) -> list[Post]:
    """`events` in signed messages of MESSAGE, each message twice: as first sent and as retried,
    signed again a second later with the same message id, as Standard Webhooks senders retry."""
    posts = []
    for start in range(0, len(events), MESSAGE):
        batch = list(events[start : start + MESSAGE])
        for attempt in range(2):
            headers = signed_headers(body_of(batch), f"message-{start}", now + timedelta(seconds=attempt))
            posts.append(Post("deployments", batch, tuple(headers.items())))
    return posts


def post_all(server: Server, posts: Sequence[Post]) -> list[Answer]:
    """Post every batch, CLIENTS at a time, the clients starting together; each post on a connection
    of its own, as separate senders' deliveries come, taken by whichever worker accepts it first."""
    queue: SimpleQueue[Post] = SimpleQueue()
    for post in posts:
        queue.put(post)
    answers: list[Answer] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)
    headers = {"Authorization": f"Bearer {server.tokens['ingest']}", "Connection": "close"}

    def client() -> None:
        try:
            with httpx.Client(base_url=server.url, headers=headers, timeout=120) as session:
                start.wait(timeout=60)
                while True:
                    try:
                        post = queue.get_nowait()
                    except Empty:
                        return
                    sent = body_of(post.events)
                    response = session.post(f"/api/v1/events/{post.kind}", content=sent, headers=dict(post.headers))
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


def generation(server: Server) -> tuple[str, int]:
    """The facts' write generation (epoch, number), read from its one row."""
    with open_store(server.root, server.database_url) as store, store.engine.connect() as connection:
        epoch, number = connection.execute(select(fact_generation.c.epoch, fact_generation.c.generation)).one()
    return str(epoch), int(number)


def stored(server: Server) -> dict[str, list[str]]:
    """The webhook deployments' and incidents' ids as the store holds them (a repeat would show
    twice), and the receipts' event ids of each kind."""
    with open_store(server.root, server.database_url) as store, store.engine.connect() as connection:

        def ids(query: Any) -> list[str]:
            return sorted(str(value) for value in connection.execute(query).scalars())

        receipts = select(event_receipts.c.event_id)
        return {
            "deployments": ids(select(deployments.c.id).where(deployments.c.source == "webhook")),
            "incidents": ids(select(incidents.c.id).where(incidents.c.source == "webhook")),
            "deployment receipts": ids(receipts.where(event_receipts.c.kind == "deployments")),
            "incident receipts": ids(receipts.where(event_receipts.c.kind == "incidents")),
        }


def through_the_api(server: Server) -> tuple[int, list[str]]:
    """The period's deployments across the organisation, and its incidents' ids, as the API reports them."""
    headers = {"Authorization": f"Bearer {server.tokens['viewer']}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=120) as viewer:
        delivery = viewer.get("/api/v1/delivery", params=PERIOD)
        listed = viewer.get("/api/v1/incidents", params=PERIOD)
    assert delivery.status_code == 200 and listed.status_code == 200, (delivery.text, listed.text)
    counted = sum(scope["deployments"] for scope in delivery.json()["scopes"])
    return counted, sorted(item["id"] for item in listed.json()["incidents"] if item["id"].startswith("INC-overlap-"))


def written(answers: Sequence[Answer], kind: str) -> int:
    return sum(int(answer.body["written"]) for answer in answers if answer.post.kind == kind)


def assert_every_post_taken(answers: Sequence[Answer], log: Path) -> None:
    """Every answer 2xx, counting each of its events once (written or a duplicate), and nothing
    alarming in the server's log (a deadlock, a traceback, an error)."""
    refused = [(answer.status, answer.body) for answer in answers if not 200 <= answer.status < 300]
    trouble = [line for line in log.read_text(errors="replace").splitlines() if any(word in line for word in TROUBLE)]
    assert not refused and not trouble, (refused[:5], trouble[:10])
    for answer in answers:
        assert answer.body["received"] == len(answer.post.events)
        assert answer.body["written"] + answer.body["duplicates"] == len(answer.post.events)
        assert answer.status == (201 if answer.body["written"] else 200)


@pytest.mark.parametrize(("dialect", "workers"), [("sqlite", 1), ("postgresql", 2)])
def test_overlapping_batches_posted_at_once_write_every_event_once(
    dialect: str, workers: int, demo: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    chance = random.Random(9)
    with charter_serve(dialect, workers, demo, tmp_path, request) as server:
        deployment_events = [
            deployment(chance.choice(server.components), number, id=f"overlap-{number}")
            for number in range(DEPLOYMENTS)
        ]
        incident_events = [
            incident(chance.choice(server.components), number, id=f"INC-overlap-{number}")
            for number in range(INCIDENTS)
        ]
        posts = [Post("deployments", batch) for batch in overlapping(deployment_events, DEPLOYMENT_BATCHES, chance)]
        posts += [Post("incidents", batch) for batch in overlapping(incident_events, INCIDENT_BATCHES, chance)]
        chance.shuffle(posts)
        deployed_before, _ = through_the_api(server)
        before = generation(server)

        first = post_all(server, posts)
        after_first, store_after_first = generation(server), stored(server)
        deployed_after, incidents_listed = through_the_api(server)

        again = post_all(server, posts)
        after_again, store_after_again = generation(server), stored(server)

        relayed = relaying(posts)
        relay = post_all(server, relayed)
        after_relay, store_after_relay = generation(server), stored(server)

    assert_every_post_taken(first + again + relay, server.log)
    # Across the answers, each event was written exactly once.
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


@pytest.mark.parametrize(("dialect", "workers"), [("sqlite", 1), ("postgresql", 2)])
def test_signed_messages_each_delivered_twice_at_once_are_written_once(
    dialect: str, workers: int, demo: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    chance = random.Random(9)
    with charter_serve(dialect, workers, demo, tmp_path, request, SECRET) as server:
        events = [
            deployment(chance.choice(server.components), number, id=f"signed-{number}") for number in range(SIGNED)
        ]
        posts = delivered_twice(events, datetime.now(UTC))
        chance.shuffle(posts)
        before = generation(server)
        answers = post_all(server, posts)
        after, in_store = generation(server), stored(server)

    assert_every_post_taken(answers, server.log)
    # Of each message's two deliveries, one wrote its events and the other found them all received.
    by_message: defaultdict[str, list[int]] = defaultdict(list)
    for answer in answers:
        by_message[dict(answer.post.headers)["webhook-id"]].append(answer.body["written"])
    assert {message: sorted(counts) for message, counts in by_message.items()} == {
        f"message-{start}": [0, MESSAGE] for start in range(0, len(events), MESSAGE)
    }
    assert in_store["deployments"] == sorted(str(event["id"]) for event in events)
    # A signed list's event ids are its message id and each event's place.
    received = [f"message-{start}#{place}" for start in range(0, len(events), MESSAGE) for place in range(MESSAGE)]
    assert in_store["deployment receipts"] == sorted(received)
    assert after[0] == before[0] and after[1] > before[1]

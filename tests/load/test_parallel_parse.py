"""Parsing on more than one core (`load/parallel_parse.py`): forked workers give exactly what parsing
in this process gives, in the order of the texts, errors included; a worker that dies leaves its
share to this process; a caller that stops early leaves no worker behind; and a repository read
this way holds the same estate and diagnostics as one read in a single process, through the parse
cache too (a worker's documents are stored as it sent them)."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

import charter.load.repository
from charter.load import parallel_parse
from charter.load.parallel_parse import Parsed, parse_in_order
from charter.load.repository import load_strategy_repo
from charter.load.yaml12 import YamlError
from charter.store.local_cache import LocalCache

TEXTS = [
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: payments, tags: [a, b]}\n",
    "---\na: 1\n---\n---\nb: [.inf, -.inf, 0x1F, 0o17, 123456789012345678901234567890, on, ~]\n",
    "",  # no document
    "a: [1, 2\n",  # a syntax error
    "a: 1\na: 2\n",  # a duplicate key
    "base: &b {x: 1}\nuse: *b\nalso: *b\n",  # an alias shares its value
    "name: ünïcode ✓\n",
] * 30


@pytest.fixture
def fork_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork for texts of any size (the threshold is there for speed, not for correctness), even
    when an earlier test left a thread running in this process (a command never has one here)."""
    monkeypatch.setattr(parallel_parse, "PARALLEL_MINIMUM_CHARACTERS", 0)
    monkeypatch.setattr(parallel_parse, "_may_fork", lambda: True)


def all_taken_by_workers(results: parallel_parse.ParsedInOrder) -> parallel_parse.ParsedInOrder:
    """The results once the workers have taken every text (this process taking none meanwhile):
    who parses what is otherwise a race, which the tests that need a worker's documents avoid."""
    claims = results._claims
    assert claims is not None
    while True:
        front, back = parallel_parse._BOUNDS.unpack_from(claims.memory)
        if front == back:
            return results
        time.sleep(0.01)


def comparable(result: Parsed | YamlError) -> object:
    if isinstance(result, YamlError):
        return ("error", result.message, result.line, result.column, result.hint)
    return [(doc.data, doc.index, doc.line, doc.column) for doc in result.documents]


def test_workers_give_what_parsing_here_gives_in_order(fork_everything):
    here = list(parse_in_order(TEXTS, processes=1))
    shared = list(parse_in_order(TEXTS, processes=3))

    assert [comparable(result) for result in shared] == [comparable(result) for result in here]
    assert not any(isinstance(result, Parsed) and result.encoded is not None for result in here)


def test_an_alias_still_shares_one_value_after_the_trip_from_a_worker(fork_everything):
    with parse_in_order(TEXTS, processes=2) as results:
        sent = [result for result in all_taken_by_workers(results) if isinstance(result, Parsed)]
    aliased = [result.documents[0].data for result in sent if result.documents and "use" in result.documents[0].data]
    assert aliased and all(result.encoded is not None for result in sent)
    assert all(data["use"] is data["also"] and data["use"] == {"x": 1} for data in aliased)


def test_a_worker_that_dies_leaves_its_share_to_this_process(fork_everything, monkeypatch):
    def die(pipe: int, rows: object) -> None:
        os._exit(3)

    monkeypatch.setattr(parallel_parse, "_send", die)
    here = list(parse_in_order(TEXTS, processes=1))
    shared = list(parse_in_order(TEXTS, processes=3))

    assert [comparable(result) for result in shared] == [comparable(result) for result in here]
    assert not any(isinstance(result, Parsed) and result.encoded is not None for result in shared)


def test_stopping_early_ends_and_reaps_every_worker(fork_everything, monkeypatch):
    started: list[parallel_parse._Worker] = []
    start = parallel_parse._start_worker

    def remembered(texts, claims):
        worker = start(texts, claims)
        started.append(worker)
        return worker

    monkeypatch.setattr(parallel_parse, "_start_worker", remembered)
    results = parse_in_order(TEXTS, processes=3)
    next(results)
    results.close()

    assert len(started) == 2
    for worker in started:
        with pytest.raises(ChildProcessError):  # reaped: no zombie is left
            os.waitpid(worker.pid, os.WNOHANG)


def test_a_command_forks_only_on_linux_with_no_other_thread():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not parallel_parse._may_fork()
    finally:
        stop.set()
        other.join()
    if threading.active_count() == 1:  # else an earlier test left one running: nothing more to tell
        assert parallel_parse._may_fork() is (sys.platform == "linux")


def test_small_inputs_and_other_threads_are_parsed_here(monkeypatch):
    small = list(parse_in_order(TEXTS, processes=3))  # far below the threshold
    assert not any(isinstance(result, Parsed) and result.encoded is not None for result in small)

    monkeypatch.setattr(parallel_parse, "PARALLEL_MINIMUM_CHARACTERS", 0)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        busy = list(parse_in_order(TEXTS, processes=3))
    finally:
        stop.set()
        other.join()
    assert not any(isinstance(result, Parsed) and result.encoded is not None for result in busy)


def write_organisation(root: Path, components: int) -> None:
    (root / "charter.yaml").write_text("apiVersion: charter.dev/v1\nkind: Organization\nmetadata:\n  name: acme\n")
    catalog = root / "catalog"
    catalog.mkdir()
    (catalog / "groups.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}\n"
    )
    for number in range(components):
        owner = "team" if number % 7 else "nobody"  # an unknown owner: a diagnostic from some files
        (catalog / f"c{number:03}.yaml").write_text(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
            f"metadata: {{name: c{number}, description: 'component {number}'}}\n"
            f"spec: {{type: service, lifecycle: production, owner: {owner}}}\n"
        )
    (catalog / "broken.yaml").write_text("kind: [Component\n")


class SentAsIs:
    """The cache, counting the files stored as a worker sent them (already encoded)."""

    def __init__(self, cache: LocalCache) -> None:
        self.cache = cache
        self.sent_as_is = 0

    def lookup(self, digests):
        return self.cache.lookup(digests)

    def store(self, entries):
        self.sent_as_is += sum(isinstance(documents, bytes) for documents in entries.values())
        self.cache.store(entries)


def estate_summary(root: Path, cache: object = None) -> tuple[object, object]:
    estate = load_strategy_repo(root, cache)  # type: ignore[arg-type]
    entities = sorted((str(ref), entity.location) for ref, entity in estate.entities.items())
    diagnostics = [(d.code, d.message, d.location) for d in estate.load_diagnostics]
    return entities, diagnostics


def test_a_repository_read_on_several_cores_is_the_one_read_on_one(tmp_path, monkeypatch):
    write_organisation(tmp_path, 120)
    monkeypatch.setattr(parallel_parse, "_may_fork", lambda: True)
    monkeypatch.setattr(parallel_parse, "usable_processes", lambda: 1)
    one_core = estate_summary(tmp_path)

    monkeypatch.setattr(parallel_parse, "usable_processes", lambda: 3)
    monkeypatch.setattr(parallel_parse, "PARALLEL_MINIMUM_CHARACTERS", 0)
    started = charter.load.repository.parse_in_order
    monkeypatch.setattr(charter.load.repository, "parse_in_order", lambda texts: all_taken_by_workers(started(texts)))
    cache = SentAsIs(LocalCache.open(tmp_path))
    cold = estate_summary(tmp_path, cache)  # parsed by workers; their documents stored as sent
    warm = estate_summary(tmp_path, cache)  # read back from the cache

    assert cold == one_core
    assert warm == one_core
    assert any(code == "SCH001" for code, _, _ in one_core[1])
    assert len(one_core[0]) == 121  # the group and 120 components
    assert cache.sent_as_is > 0, "no worker parsed a file"


def test_workers_that_took_every_text_before_the_first_was_asked_give_them_in_order(fork_everything):
    here = list(parse_in_order(TEXTS, processes=1))
    with parse_in_order(TEXTS, processes=2) as results:
        shared = list(all_taken_by_workers(results))

    assert [comparable(result) for result in shared] == [comparable(result) for result in here]
    assert all(isinstance(result, YamlError) or result.encoded is not None for result in shared)


def test_a_fork_refused_by_the_system_leaves_the_work_here(fork_everything, monkeypatch):
    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(parallel_parse.os, "fork", refused)
    here = list(parse_in_order(TEXTS, processes=1))
    with parse_in_order(TEXTS, processes=3) as results:
        alone = list(results)

    assert [comparable(result) for result in alone] == [comparable(result) for result in here]
    assert not any(isinstance(result, Parsed) and result.encoded is not None for result in alone)

"""The repository's local cache (`.charter/cache.sqlite`): the parse cache gives back exactly the
documents stored under a digest, check results are kept per repository, and a cache that cannot be
opened, read or written is the same as none."""

from __future__ import annotations

import math
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from charter.load.repository import load_strategy_repo
from charter.load.yaml12 import parse_yaml_documents
from charter.model.yaml_document import YamlDocument
from charter.store.local_cache import (
    CACHE_FILE,
    CACHE_FOLDER,
    CACHE_LAYOUT,
    LocalCache,
    encode_documents,
    open_local_cache,
)

DOCUMENTS = [
    YamlDocument({"kind": "Component", "metadata": {"name": "payments", "tags": ["a", "b"]}}, 0, 1, 1),
    YamlDocument({"kind": "Group", "spec": {"members": [], "ratio": 0.5, "on": True, "none": None}}, 1, 9, 1),
]


@pytest.fixture
def cache(tmp_path: Path) -> LocalCache:
    return LocalCache.open(tmp_path)


def test_stored_documents_come_back_equal(cache):
    cache.store({"d1": DOCUMENTS, "empty": []})

    found = cache.lookup(["d1", "empty"])

    assert found == {"d1": DOCUMENTS, "empty": []}


def test_unknown_digest_is_absent(cache):
    cache.store({"d1": DOCUMENTS})

    assert cache.lookup(["d1", "unknown"]).keys() == {"d1"}
    assert cache.lookup([]) == {}


def test_storing_a_digest_again_is_not_an_error(cache):
    cache.store({"d1": DOCUMENTS})
    cache.store({"d1": DOCUMENTS, "d2": DOCUMENTS[:1]})

    assert cache.lookup(["d1", "d2"]) == {"d1": DOCUMENTS, "d2": DOCUMENTS[:1]}


def test_yaml_special_floats_and_unicode_survive(cache):
    documents = parse_yaml_documents("a: .nan\nb: -.inf\nc: café ☕\nd: '0o17'\n")
    cache.store({"special": documents})

    [document] = cache.lookup(["special"])["special"]

    assert math.isnan(document.data["a"])
    assert document.data["b"] == -math.inf
    assert document.data["c"] == "café ☕"
    assert document.data["d"] == "0o17"


def test_ten_thousand_digests_are_looked_up_in_chunks(cache):
    entries = {f"{number:040x}": DOCUMENTS for number in range(10_000)}
    cache.store(entries)

    started = time.perf_counter()
    found = cache.lookup([*entries, "missing"])
    elapsed = time.perf_counter() - started

    assert found.keys() == entries.keys()
    assert elapsed < 5


class CountingCache:
    """The local cache, counting the digests the loader found in it."""

    def __init__(self, cache):
        self.cache = cache
        self.hits = 0

    def lookup(self, digests):
        found = self.cache.lookup(digests)
        self.hits += len(found)
        return found

    def store(self, entries):
        self.cache.store(entries)


def test_the_loader_reads_the_same_estate_through_the_cache(cache, tmp_path):
    (tmp_path / "charter.yaml").write_text("apiVersion: charter.dev/v1\nkind: Organization\nmetadata:\n  name: acme\n")
    cold = CountingCache(cache)
    warm = CountingCache(cache)

    first = load_strategy_repo(tmp_path, cold)
    second = load_strategy_repo(tmp_path, warm)

    assert (cold.hits, warm.hits) == (0, 1)
    assert second.organization == first.organization
    assert second.load_diagnostics == first.load_diagnostics


def test_integers_beyond_64_bits_survive(cache):
    documents = parse_yaml_documents("big: 123456789012345678901234567890\nsmall: 3\n")
    cache.store({"big": documents})

    [document] = cache.lookup(["big"])["big"]

    assert document.data == {"big": 123456789012345678901234567890, "small": 3}


def test_keys_of_any_scalar_type_and_shared_values_come_back_equal(cache):
    documents = parse_yaml_documents("3: three\ntrue: yes\n~: nothing\n2.5: [&a {x: 1}, *a]\n")
    cache.store({"keys": documents})

    [document] = cache.lookup(["keys"])["keys"]

    assert document.data == {3: "three", True: "yes", None: "nothing", 2.5: [{"x": 1}, {"x": 1}]}
    assert document == documents[0]


def test_bytes_that_are_no_documents_are_a_miss(cache):
    with sqlite3.connect(cache.path) as connection:
        connection.execute("INSERT INTO parse_cache VALUES ('bad', ?)", (b"\x00not marshal",))
        connection.execute("INSERT INTO parse_cache VALUES ('good', ?)", (encode_documents(DOCUMENTS),))
    connection.close()

    assert cache.lookup(["bad", "good"]) == {"good": DOCUMENTS}  # "bad" is parsed again


def test_a_check_result_is_kept_per_repository_and_replaced(cache):
    assert cache.read_check_result("/repo/a") is None
    assert cache.write_check_result("/repo/a", "inputs 1", "[]")
    assert cache.write_check_result("/repo/b", "inputs b", "[1]")
    assert cache.write_check_result("/repo/a", "inputs 2", "[2]")

    assert cache.read_check_result("/repo/a") == ("inputs 2", "[2]")
    assert cache.read_check_result("/repo/b") == ("inputs b", "[1]")


def test_the_cache_lives_in_the_repository_folder_of_the_store(tmp_path):
    cache = LocalCache.open(tmp_path)

    assert cache.path == tmp_path / CACHE_FOLDER / CACHE_FILE
    assert cache.path.is_file()


def test_a_file_of_another_layout_is_emptied_and_laid_out_again(tmp_path):
    (tmp_path / CACHE_FOLDER).mkdir()
    with sqlite3.connect(tmp_path / CACHE_FOLDER / CACHE_FILE) as old:
        old.execute("CREATE TABLE parse_cache (digest TEXT, documents TEXT, created TEXT)")
        old.execute("INSERT INTO parse_cache VALUES ('d1', '[not json', 'yesterday')")
        old.execute(f"PRAGMA user_version = {CACHE_LAYOUT + 1}")
    old.close()

    cache = LocalCache.open(tmp_path)

    assert cache.lookup(["d1"]) == {}
    cache.store({"d1": DOCUMENTS})
    assert cache.lookup(["d1"]) == {"d1": DOCUMENTS}


def test_a_cache_that_cannot_be_opened_is_none_and_says_why(tmp_path):
    (tmp_path / CACHE_FOLDER).write_text("a file where the folder should be")
    told: list[str] = []

    assert open_local_cache(tmp_path, told.append) is None
    assert len(told) == 1 and told[0].startswith("cache unavailable, continuing without it")


def test_a_damaged_file_is_the_same_as_an_empty_cache(cache):
    cache.store({"d1": DOCUMENTS})
    cache.write_check_result("/repo", "inputs", "[]")
    cache.path.write_bytes(b"this is not a SQLite database" * 100)

    assert cache.lookup(["d1"]) == {}
    assert cache.read_check_result("/repo") is None
    cache.store({"d2": DOCUMENTS})  # not an error: nothing is kept
    assert open_local_cache(cache.path.parents[1]) is None


def test_nothing_is_written_while_another_process_writes_and_reads_go_on(cache):
    cache.store({"before": DOCUMENTS})
    with sqlite3.connect(cache.path, isolation_level=None) as writer:
        writer.execute("BEGIN IMMEDIATE")
        cache.store({"during": DOCUMENTS})
        assert cache.write_check_result("/repo", "inputs", "[]") is False
        assert cache.lookup(["before", "during"]) == {"before": DOCUMENTS}
        writer.execute("COMMIT")
    writer.close()
    cache.store({"after": DOCUMENTS})

    assert cache.lookup(["before", "during", "after"]).keys() == {"before", "after"}


def test_processes_creating_the_cache_at_once_all_get_it(tmp_path):
    opener = (
        "import sys; from pathlib import Path; from charter.store.local_cache import LocalCache; "
        "cache = LocalCache.open(Path(sys.argv[1])); cache.write_check_result(sys.argv[2], 'i', '[]')"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", opener, str(tmp_path), f"/repo/{n}"], stderr=subprocess.PIPE)
        for n in range(4)
    ]
    failures = [process.stderr.read() for process in processes if process.wait() != 0]  # type: ignore[union-attr]

    assert failures == []
    kept = [LocalCache.open(tmp_path).read_check_result(f"/repo/{n}") for n in range(4)]
    assert ("i", "[]") in kept  # the first writer at least; the others may have found it writing

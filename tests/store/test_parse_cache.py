"""The parse cache gives back exactly the documents stored under a digest."""

from __future__ import annotations

import math
import time

from charter.load.repository import load_strategy_repo
from charter.load.yaml12 import parse_yaml_documents
from charter.model.yaml_document import YamlDocument
from charter.store.parse_cache import decode_documents, encode_documents

DOCUMENTS = [
    YamlDocument({"kind": "Component", "metadata": {"name": "payments", "tags": ["a", "b"]}}, 0, 1, 1),
    YamlDocument({"kind": "Group", "spec": {"members": [], "ratio": 0.5, "on": True, "none": None}}, 1, 9, 1),
]


def test_stored_documents_come_back_equal(store):
    store.parse_cache.store({"d1": DOCUMENTS, "empty": []})

    found = store.parse_cache.lookup(["d1", "empty"])

    assert found == {"d1": DOCUMENTS, "empty": []}


def test_unknown_digest_is_absent(store):
    store.parse_cache.store({"d1": DOCUMENTS})

    assert store.parse_cache.lookup(["d1", "unknown"]).keys() == {"d1"}
    assert store.parse_cache.lookup([]) == {}


def test_storing_a_digest_again_is_not_an_error(store):
    store.parse_cache.store({"d1": DOCUMENTS})
    store.parse_cache.store({"d1": DOCUMENTS, "d2": DOCUMENTS[:1]})

    assert store.parse_cache.lookup(["d1", "d2"]) == {"d1": DOCUMENTS, "d2": DOCUMENTS[:1]}


def test_yaml_special_floats_and_unicode_survive(store):
    documents = parse_yaml_documents("a: .nan\nb: -.inf\nc: café ☕\nd: '0o17'\n")
    store.parse_cache.store({"special": documents})

    [document] = store.parse_cache.lookup(["special"])["special"]

    assert math.isnan(document.data["a"])
    assert document.data["b"] == -math.inf
    assert document.data["c"] == "café ☕"
    assert document.data["d"] == "0o17"


def test_ten_thousand_digests_are_looked_up_in_chunks(store):
    entries = {f"{number:040x}": DOCUMENTS for number in range(10_000)}
    store.parse_cache.store(entries)

    started = time.perf_counter()
    found = store.parse_cache.lookup([*entries, "missing"])
    elapsed = time.perf_counter() - started

    assert found.keys() == entries.keys()
    assert elapsed < 5


class CountingCache:
    """The store's cache, counting the digests the loader found in it."""

    def __init__(self, cache):
        self.cache = cache
        self.hits = 0

    def lookup(self, digests):
        found = self.cache.lookup(digests)
        self.hits += len(found)
        return found

    def store(self, entries):
        self.cache.store(entries)


def test_the_loader_reads_the_same_estate_through_the_cache(store, tmp_path):
    (tmp_path / "charter.yaml").write_text(
        "apiVersion: charter.dev/v1\nkind: Organization\nmetadata:\n  name: acme\n"
    )
    cold = CountingCache(store.parse_cache)
    warm = CountingCache(store.parse_cache)

    first = load_strategy_repo(tmp_path, cold)
    second = load_strategy_repo(tmp_path, warm)

    assert (cold.hits, warm.hits) == (0, 1)
    assert second.organization == first.organization
    assert second.load_diagnostics == first.load_diagnostics


def test_integers_beyond_64_bits_survive(store):
    documents = parse_yaml_documents("big: 123456789012345678901234567890\nsmall: 3\n")
    store.parse_cache.store({"big": documents})

    [document] = store.parse_cache.lookup(["big"])["big"]

    assert document.data == {"big": 123456789012345678901234567890, "small": 3}


def test_the_fast_encoding_and_the_standard_one_both_come_back():
    plain = parse_yaml_documents("a: 1\n---\n- x\n- {y: 2.5}\n")
    special = parse_yaml_documents("a: .inf\n")

    assert encode_documents(plain).startswith("[[")  # orjson's rows
    assert encode_documents(special).startswith("[{")  # the standard library's, which keeps infinity
    assert decode_documents(encode_documents(plain)) == plain
    assert decode_documents(encode_documents(special))[0].data == {"a": math.inf}
    written_before = '[{"data":{"a":1},"index":0,"line":1,"column":1}]'  # what earlier versions stored
    assert decode_documents(written_before) == [YamlDocument({"a": 1}, 0, 1, 1)]

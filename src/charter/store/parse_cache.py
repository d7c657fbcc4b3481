"""Parsed strategy files by content digest (the loader's `ParseCache`), so a run re-parses only the
files that changed since the last one."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import orjson
from sqlalchemy import Engine, Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from charter.model.yaml_document import YamlDocument
from charter.store.schema import parse_cache
from charter.store.writers import WriterQueue

# SQLite allows 999 bound variables per statement in older builds; stay under it.
LOOKUP_CHUNK = 900

_Item = TypeVar("_Item")


def _chunks(items: Sequence[_Item], size: int) -> Iterator[Sequence[_Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def encode_documents(documents: list[YamlDocument]) -> str:
    """The documents as JSON text. orjson writes rows `[data, index, line, column]` (so the text
    starts `[[`) several times faster than the standard library, which is kept, with rows as objects,
    for what orjson cannot write exactly: NaN and infinities (YAML allows them; orjson would write
    null) and integers beyond 64 bits."""
    if all(document.finite for document in documents):
        try:
            rows = [[doc.data, doc.index, doc.line, doc.column] for doc in documents]
            return orjson.dumps(rows).decode()
        except orjson.JSONEncodeError:
            pass
    return json.dumps(
        [{"data": doc.data, "index": doc.index, "line": doc.line, "column": doc.column} for doc in documents],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode_documents(encoded: str) -> list[YamlDocument]:
    """The documents `encode_documents` wrote, by either encoder (rows as lists: orjson's)."""
    if encoded.startswith("[["):
        return [YamlDocument(data, index, line, column) for data, index, line, column in orjson.loads(encoded)]
    rows: list[dict[str, Any]] = json.loads(encoded)
    return [YamlDocument(row["data"], row["index"], row["line"], row["column"]) for row in rows]


def insert_ignoring_duplicates(connection: Connection, table: Any) -> Insert:
    """An INSERT that skips rows whose key is already there, so concurrent runs both succeed."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise NotImplementedError(f"Charter's store supports SQLite and PostgreSQL, not {dialect}")


def lookup_documents(connection: Connection, digests: Iterable[str]) -> dict[str, list[YamlDocument]]:
    """The cached documents of every known digest; unknown digests are absent from the result."""
    wanted = sorted(set(digests))
    found: dict[str, list[YamlDocument]] = {}
    for chunk in _chunks(wanted, LOOKUP_CHUNK):
        query = select(parse_cache.c.digest, parse_cache.c.documents).where(parse_cache.c.digest.in_(chunk))
        for digest, encoded in connection.execute(query):
            found[digest] = decode_documents(encoded)
    return found


def store_documents(connection: Connection, entries: dict[str, list[YamlDocument]]) -> None:
    """Add documents by digest; a digest already cached is left as it is (same content, same parse)."""
    if not entries:
        return
    created = datetime.now(UTC)
    rows = [
        {"digest": digest, "documents": encode_documents(documents), "created": created}
        for digest, documents in entries.items()
    ]
    connection.execute(insert_ignoring_duplicates(connection, parse_cache), rows)


class StoreParseCache:
    """The loader's parse cache over the store. The loader holds no transaction, so each `store`
    call is its own short one: a cache entry stands alone and is safe to keep or lose, so it is not
    written while another writer holds the store (a reader never waits for a writer)."""

    def __init__(self, engine: Engine, writers: WriterQueue) -> None:
        self.engine = engine
        self.writers = writers

    def lookup(self, digests: Iterable[str]) -> dict[str, list[YamlDocument]]:
        with self.engine.connect() as connection:
            return lookup_documents(connection, digests)

    def store(self, entries: dict[str, list[YamlDocument]]) -> None:
        self.writers.write_if_idle(lambda connection: store_documents(connection, entries))

"""One parsed document of a YAML stream, as the loader reads it and the local parse cache keeps
it: its value and where it starts."""

from __future__ import annotations

import marshal
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """One document of a YAML stream: its value, index in the file, and where it starts."""

    data: Any
    index: int
    line: int
    column: int


def encode_documents(documents: list[YamlDocument]) -> bytes:
    """The documents as `marshal` bytes, rows `[data, index, line, column]`: what YAML gives (dicts,
    lists, text, numbers of any size, NaN and infinities, keys of any scalar type) comes back equal,
    and reading it back is several times faster than JSON (a run after one file changed reads every
    other file's documents from the parse cache). Python's own format, read only by the Charter
    that wrote it (the cache's layout number changes with it)."""
    return marshal.dumps([[doc.data, doc.index, doc.line, doc.column] for doc in documents])


def decode_documents(encoded: bytes) -> list[YamlDocument]:
    """The documents `encode_documents` wrote; ValueError (or EOFError, TypeError) when the bytes
    are not such documents."""
    return [YamlDocument(data, index, line, column) for data, index, line, column in marshal.loads(encoded)]

"""The table of readers: which function reads which YAML document, and which reads the files of
the formats that are not YAML (Markdown records, radar CSV / JSON)."""

from __future__ import annotations

from collections.abc import Callable

from charter.load.context import LoadContext, SourceFile
from charter.load.documents import CORE_READERS, DocumentReader, Matcher

FileReader = Callable[[SourceFile, LoadContext], None]

YAML_READERS: list[tuple[Matcher, DocumentReader]] = [*CORE_READERS]

# (folder, suffix) -> reader for files that are not YAML documents.
FILE_READERS: dict[tuple[str, str], FileReader] = {}

"""The table of readers: which function reads which YAML document, and which reads the files of
the formats that are not YAML (Markdown records, radar CSV / JSON)."""

from __future__ import annotations

from collections.abc import Callable

from charter.load.context import LoadContext, SourceFile
from charter.load.decisions import read_decision
from charter.load.documents import CORE_READERS, DocumentReader, Matcher
from charter.load.incidents import read_incident
from charter.load.radar import is_radar_entry, read_radar_csv, read_radar_entry, read_radar_json
from charter.load.slos_openslo import is_openslo, read_openslo
from charter.load.slos_pyrra import is_pyrra, read_pyrra
from charter.load.slos_sloth import is_sloth, is_sloth_kubernetes, read_sloth, read_sloth_kubernetes

FileReader = Callable[[SourceFile, LoadContext], None]

YAML_READERS: list[tuple[Matcher, DocumentReader]] = [
    *CORE_READERS,
    (is_radar_entry, read_radar_entry),
    (is_sloth, read_sloth),
    (is_sloth_kubernetes, read_sloth_kubernetes),
    (is_openslo, read_openslo),
    (is_pyrra, read_pyrra),
]

# (folder, suffix) -> reader for files that are not YAML documents.
FILE_READERS: dict[tuple[str, str], FileReader] = {
    ("decisions", ".md"): read_decision,
    ("incidents", ".md"): read_incident,
    ("radar", ".csv"): read_radar_csv,
    ("radar", ".json"): read_radar_json,
}

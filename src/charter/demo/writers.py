"""Writing the sample repository's files: YAML through libyaml's emitter (block style, keys in the
order given, multi-line strings as literal blocks), Markdown with YAML front matter, CSV; and the
record of every file written."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from charter.outputs.yaml_text import BlockDumper


class SampleDumper(BlockDumper):
    """Charter's hand-written YAML style, with flow-style rows for `Flow` lists."""


class Flow(list[Any]):
    """A list written in flow style (`[a, b]`), for short rows such as a risk matrix's."""


def _represent_flow(dumper: SampleDumper, value: Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


SampleDumper.add_representer(Flow, _represent_flow)


def dump_yaml(documents: Sequence[Any]) -> str:
    """One or more YAML documents, `---` between them."""
    text: str = yaml.dump_all(
        documents,
        Dumper=SampleDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=120,
    )
    return text


def front_matter(metadata: dict[str, Any], body: str) -> str:
    """Markdown with YAML front matter."""
    return f"---\n{dump_yaml([metadata])}---\n\n{body.rstrip()}\n"


def dump_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@dataclass
class RepoWriter:
    """Writes files under `root` and remembers their repo-relative paths, in order."""

    root: Path
    files: list[str] = field(default_factory=list)
    _directories: set[Path] = field(default_factory=set)

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        parent = path.parent
        if parent not in self._directories:
            parent.mkdir(parents=True, exist_ok=True)
            self._directories.add(parent)
        # newline="" keeps "\n" on every platform: same seed, same bytes.
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        self.files.append(relative)

    def write_yaml(self, relative: str, documents: Sequence[Any]) -> None:
        self.write(relative, dump_yaml(documents))

"""Markdown records (decisions, incidents): split the YAML front matter from the body, parse it
so that every line a diagnostic names is a line of the file, and walk the body's prose (outside
fenced code and HTML comments), where record metadata may also be written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from charter.load.context import LoadContext, SourceFile
from charter.load.yaml12 import YamlDocument, YamlError, parse_yaml_documents

_DELIMITER = re.compile(r"^---[ \t]*$")
_CLOSER = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_COMMENT = re.compile(r"<!--.*?-->")


@dataclass(frozen=True, slots=True)
class MarkdownRecord:
    """A Markdown file cut in two. `yaml` is the front matter as a YAML source whose line numbers
    are the file's (its first line is the opening `---`), so node lines need no offset; `document`
    is its parsed value (None when the file has no front matter or an empty one)."""

    path: str
    yaml: SourceFile | None
    document: YamlDocument | None
    body: tuple[str, ...]
    body_line: int  # file line of body[0]

    @property
    def front_matter(self) -> dict[str, Any] | None:
        """The front matter when it is a mapping."""
        if self.document is not None and isinstance(self.document.data, dict):
            return self.document.data
        return None


def read_markdown(source: SourceFile, context: LoadContext) -> MarkdownRecord | None:
    """Split `source` into front matter and body. A front matter that is not valid YAML is
    reported (SCH001 / SCH002, at the file's line) and None is returned."""
    lines = source.text.splitlines()
    closing = _closing_line(lines)
    if closing is None:
        return MarkdownRecord(source.path, None, None, tuple(lines), 1)
    yaml_source = SourceFile(source.path, "\n".join(lines[:closing]) + "\n")
    try:
        documents = parse_yaml_documents(yaml_source.text)
    except YamlError as error:
        code = "SCH002" if error.message.startswith("duplicate key") else "SCH001"
        context.report(
            code,
            f"front matter: {error.message}",
            source.location(error.line, error.column),
            hint=error.hint or None,
        )
        return None
    document = documents[0] if documents else None
    return MarkdownRecord(source.path, yaml_source, document, tuple(lines[closing + 1 :]), closing + 2)


def _closing_line(lines: list[str]) -> int | None:
    """Index of the line closing a front matter that opens on the first line, if any."""
    if not lines or not _DELIMITER.match(lines[0]):
        return None
    for index in range(1, len(lines)):
        if _CLOSER.match(lines[index]):
            return index
    return None


def prose_lines(record: MarkdownRecord) -> Iterator[tuple[int, str]]:
    """(file line, text) of the body lines outside fenced code blocks, HTML comments removed."""
    fence: str | None = None
    in_comment = False
    for offset, raw in enumerate(record.body):
        number = record.body_line + offset
        if fence is not None:
            if raw.strip().startswith(fence):
                fence = None
            continue
        opening = _FENCE.match(raw)
        if opening and not in_comment:
            fence = opening.group(1)[0] * 3
            continue
        line = raw
        if in_comment:
            end = line.find("-->")
            if end == -1:
                continue
            line = line[end + 3 :]
            in_comment = False
        line = _COMMENT.sub("", line)
        start = line.find("<!--")
        if start != -1:
            line = line[:start]
            in_comment = True
        yield number, line


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int


def headings(lines: list[tuple[int, str]]) -> list[Heading]:
    """ATX (`## Title`) and setext (`Title` over `===`) headings among prose lines."""
    found: list[Heading] = []
    previous: tuple[int, str] | None = None
    for number, line in lines:
        atx = _ATX_HEADING.match(line)
        if atx:
            found.append(Heading(len(atx.group(1)), atx.group(2).strip(), number))
            previous = None
            continue
        underline = _SETEXT_UNDERLINE.match(line)
        if underline and previous is not None and previous[1].strip() and previous[0] == number - 1:
            found.append(Heading(1 if underline.group(1)[0] == "=" else 2, previous[1].strip(), previous[0]))
            previous = None
            continue
        previous = (number, line)
    return found

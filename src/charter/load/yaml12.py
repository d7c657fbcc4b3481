"""YAML as YAML 1.2's core schema reads it (as Backstage does): `on`, `no`, `yes` stay strings, no
sexagesimal numbers, dates stay strings. Parsing uses libyaml through PyYAML's C parser; the node
tree is turned into plain Python values by one tight function instead of PyYAML's constructor, so
the whole costs no more than `yaml.load_all(..., Loader=CSafeLoader)` while still detecting
duplicate keys and knowing every document's line. Nested lines are found again on demand
(`locate`): keeping every node's mark for every file would cost memory for nothing."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# The type documents are parsed into; the store's parse cache keeps it too, so it lives in the model.
from charter.model.yaml_document import YamlDocument as YamlDocument

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

MAX_DEPTH = 200
MAX_NODES_PER_DOCUMENT = 2_000_000


_PLAIN = "charter:plain"  # an untagged plain scalar, resolved by `_plain` below


class Yaml12Loader(yaml.CSafeLoader):
    """libyaml's parser, with PyYAML's per-node resolver calls cut to the minimum: plain scalars
    are resolved by YAML 1.2's core schema in `_plain`, after composition, in one cheap step."""

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers: nothing to track."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to track."""


_BOOLEANS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})
_NULLS = frozenset({"~", "null", "Null", "NULL"})
_INTEGER = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOATING = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_NUMERIC_START = frozenset("-+0123456789.")
_MARKERS = ("---", "...")  # a document marker, when a space or the end of the line follows
_MAY_NOT_BE_STRING = _NUMERIC_START | frozenset("~nNtTfF")


def _plain_tag(value: str) -> str:
    """The YAML 1.2 core-schema tag of a plain scalar; most are strings, known by the first letter."""
    if not value:
        return _NULL
    first = value[0]
    if first not in _NUMERIC_START:
        if value in _BOOLEANS:
            return _BOOL
        return _NULL if value in _NULLS else _STR
    if _INTEGER.match(value):
        return _INT
    return _FLOAT if _FLOATING.match(value) else _STR


class YamlError(Exception):
    """A document that cannot be read as YAML, with the 1-based line and column of the problem."""

    def __init__(self, message: str, line: int, column: int, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


def _scalar(node: ScalarNode) -> Any:
    tag = node.tag
    value: str = node.value
    if tag == _PLAIN:
        if value and value[0] not in _MAY_NOT_BE_STRING:
            return value
        tag = _plain_tag(value)
    if tag == _STR:
        return value
    if tag == _INT:
        if value.startswith("0o"):
            return int(value[2:], 8)
        if value.startswith("0x"):
            return int(value[2:], 16)
        return int(value)
    if tag == _FLOAT:
        lowered = value.lower()
        if lowered.endswith(".inf"):
            return -math.inf if lowered.startswith("-") else math.inf
        if lowered == ".nan":
            return math.nan
        return float(value)
    if tag == _BOOL:
        return value in ("true", "True", "TRUE")
    if tag == _NULL:
        return None
    # Explicit tags (`!!binary`, `!Ref`, ...) are kept as the text written: Charter's formats use none.
    return value


class _Builder:
    """Turns a composed node tree into dicts, lists and scalars; aliases share one object. Only a
    text with an anchor (`&`) can have aliases: without one no node is reached twice, so `shared`
    False remembers none (a fifth of the building's cost)."""

    __slots__ = ("child", "built", "in_progress", "count")

    def __init__(self, shared: bool = True) -> None:
        self.built: dict[int, Any] = {}
        self.in_progress: set[int] = set()
        self.count = 0
        # How a collection inside another is built: remembered (aliases share it), or not.
        self.child: Callable[[Node, int], Any] = self._remembered if shared else self._collection

    def build(self, node: Node) -> Any:
        return _scalar(node) if type(node) is ScalarNode else self.child(node, 0)

    def _remembered(self, node: Node, depth: int) -> Any:
        key = id(node)
        if key in self.built:
            return self.built[key]
        if key in self.in_progress:
            raise _error("recursive alias: a node contains itself", node, "remove the alias cycle")
        self.in_progress.add(key)
        result = self._collection(node, depth)
        self.in_progress.discard(key)
        self.built[key] = result
        return result

    def _collection(self, node: Node, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _error(f"nesting deeper than {MAX_DEPTH} levels", node, "flatten the document")
        self.count += len(node.value)
        if self.count > MAX_NODES_PER_DOCUMENT:
            raise _error("document expands to too many nodes (alias bomb?)", node, "remove the aliases")
        node_type = type(node)
        child = self.child
        # Scalars inline: most nodes are, and a call per node is most of the cost.
        if node_type is SequenceNode:
            return [_scalar(item) if type(item) is ScalarNode else child(item, depth + 1) for item in node.value]
        if node_type is not MappingNode:  # pragma: no cover - libyaml yields only the three node types
            raise _error(f"unexpected node {node_type.__name__}", node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                raise _error("a mapping key must be a scalar", key_node, "use a plain string as key")
            map_key = _scalar(key_node)
            if map_key in result:
                raise _error(f"duplicate key {map_key!r}", key_node, "remove one of the two entries with this key")
            result[map_key] = _scalar(value_node) if type(value_node) is ScalarNode else child(value_node, depth + 1)
        return result


def _error(message: str, node: Node, hint: str = "") -> YamlError:
    mark = node.start_mark
    return YamlError(message, mark.line + 1, mark.column + 1, hint)


def _hint_for(problem: str) -> str:
    if "'\\t'" in problem or "tab" in problem:
        return "YAML forbids tabs in indentation: indent with spaces"
    if "mapping values are not allowed" in problem:
        return "quote the value, or put a space after the colon of the key before it"
    if "could not find expected ':'" in problem:
        return "a key needs a colon after it; check the indentation of the lines above"
    if "found undefined alias" in problem:
        return "define the anchor (&name) before using the alias (*name)"
    return "fix the YAML syntax at this position"


def parse_yaml_documents(text: str) -> list[YamlDocument]:
    """Every document in `text`. Empty documents (a bare `---`) are left out. Raises `YamlError`."""
    loader = Yaml12Loader(text)
    documents: list[YamlDocument] = []
    anchored = "&" in text  # else no node has an anchor, so no alias can share or repeat one
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover
                break
            data = _Builder(shared=anchored).build(node)
            if data is not None:
                mark = node.start_mark
                documents.append(YamlDocument(data, index, mark.line + 1, mark.column + 1))
            index += 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        line = mark.line + 1 if mark else 0
        column = mark.column + 1 if mark else 0
        if mark and _is_tab_at(text, mark.line, mark.column):
            problem = "a tab character in indentation"
        raise YamlError(problem, line, column, _hint_for(problem)) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc), 0, 0, "fix the YAML syntax") from None
    finally:
        loader.dispose()
    return documents


def _is_tab_at(text: str, line: int, column: int) -> bool:
    lines = text.split("\n", line + 1)
    return line < len(lines) and column < len(lines[line]) and lines[line][column] == "\t"


def _documents_nodes(text: str) -> Iterator[Node]:
    loader = Yaml12Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover
                return
            yield node
    finally:
        loader.dispose()


def document_nodes(text: str, last: int | None = None) -> list[Node]:
    """The node trees (with marks) of documents 0..`last` (all by default), empty documents
    included so indexes match `YamlDocument.index`. Raises `YamlError`."""
    nodes: list[Node] = []
    try:
        for node in _documents_nodes(text):
            nodes.append(node)
            if last is not None and len(nodes) > last:
                break
        return nodes
    except yaml.YAMLError as exc:
        raise YamlError(str(exc), 0, 0) from None


def document_node_at(lines: Sequence[str], start: int) -> Node | None:
    """The node tree of the document whose root starts on 1-based line `start`, with marks whose
    lines count from `start` (add `start - 1`). None when it cannot be parsed from there."""
    loader = Yaml12Loader("".join(lines[start - 1 :]))
    try:
        return loader.get_node() if loader.check_node() else None
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


class DocumentMarks:
    """The node marks of one text's documents, found by a single forward pass however many lines
    are asked for: a file of 30,000 documents each with a diagnostic is parsed once, not once per
    diagnostic (`locate` per diagnostic made `charter check` quadratic in a file's diagnostics).
    Only the last document's nodes are kept; asking for an earlier one starts the pass again."""

    __slots__ = ("text", "parses", "_loader", "_index", "_node", "_ended")

    def __init__(self, text: str) -> None:
        self.text = text
        self.parses = 0  # passes started over the text: what tests count to show the work is linear
        self._loader: Yaml12Loader | None = None
        self._index = -1
        self._node: Node | None = None
        self._ended = False  # the text has no more documents, or the rest does not parse

    def node(self, document_index: int) -> Node | None:
        """The node tree of document `document_index` (empty documents counted), or None."""
        if self._loader is None or document_index < self._index:
            self._loader = Yaml12Loader(self.text)
            self.parses += 1
            self._index, self._node, self._ended = -1, None, False
        try:
            while self._index < document_index and not self._ended:
                if self._loader.check_node():
                    self._node = self._loader.get_node()
                    self._index += 1
                else:
                    self._ended = True
        except yaml.YAMLError:
            self._ended = True
        return self._node if self._index == document_index and not self._ended else None

    def locate(self, document_index: int, path: Sequence[str | int]) -> tuple[int, int] | None:
        """As `locate`, reusing the pass over the text."""
        node = self.node(document_index)
        return None if node is None else walk_to(node, path)


def documents_starting_at(lines: Sequence[str], starts: Iterable[int]) -> Iterator[tuple[int, Node, int]]:
    """The node trees of the documents whose roots start on the given 1-based lines, in line order,
    found by one pass (a pass per document would make a file's diagnostics cost the square of its
    documents) over those documents alone: each runs from its line to the next document marker
    (`---` or `...` at the start of a line, which ends a document wherever it stands), and the
    documents between them, which need no line, are not parsed. Yields (start, node, offset): a
    mark's 1-based line is `mark.line + 1 + offset`. A document that cannot be parsed from there is
    left out."""
    wanted = sorted(set(starts))
    if not wanted:
        return
    pieces: list[str] = []
    joined_starts: list[int] = []  # the 0-based line of the joined text each wanted document starts on
    joined_lines = 0
    for start in wanted:
        piece = lines[start - 1 : _next_marker(lines, start)]
        if piece and not piece[-1].endswith("\n"):
            piece = [*piece[:-1], piece[-1] + "\n"]
        if not (piece and _is_marker(piece[0])):  # a root on its `---` line brings its own marker
            pieces.append("---\n")
            joined_lines += 1
        pieces.extend(piece)
        joined_starts.append(joined_lines)
        joined_lines += len(piece)
    remaining = set(wanted)
    loader = Yaml12Loader("".join(pieces))
    try:
        while remaining and loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node said there is one
                break
            line = node.start_mark.line
            segment = bisect_right(joined_starts, line) - 1
            if segment < 0 or joined_starts[segment] != line:  # pragma: no cover - each piece is one document
                continue
            start = wanted[segment]
            if start in remaining:
                remaining.discard(start)
                yield start, node, start - 1 - line
    except yaml.YAMLError:
        pass  # the rest is looked for document by document below
    finally:
        loader.dispose()
    for start in sorted(remaining):
        alone = document_node_at(lines, start)
        if alone is not None:
            yield start, alone, start - 1


def _next_marker(lines: Sequence[str], after: int) -> int:
    """The 0-based index of the first document marker line at or after `after`, else the end."""
    for index in range(after, len(lines)):
        line = lines[index]
        if line.startswith(_MARKERS) and (len(line) == 3 or line[3] in " \t\r\n"):
            return index
    return len(lines)


def _is_marker(line: str) -> bool:
    """A document marker (`---` or `...`, then a space or the end of the line) opens the line."""
    return line.startswith(_MARKERS) and (len(line) == 3 or line[3] in " \t\r\n")


def locate(text: str, document_index: int, path: Sequence[str | int]) -> tuple[int, int] | None:
    """The 1-based line and column of the deepest node along `path` in the given document: the
    value when the whole path exists, else the nearest existing parent's key. None when the
    document cannot be found again."""
    try:
        for index, node in enumerate(_documents_nodes(text)):
            if index == document_index:
                return walk_to(node, path)
    except yaml.YAMLError:
        return None
    return None


def walk_to(node: Node, path: Sequence[str | int]) -> tuple[int, int]:
    position = (node.start_mark.line + 1, node.start_mark.column + 1)
    for step in path:
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and str(_scalar(key_node)) == str(step):
                    position = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                    node = value_node
                    break
            else:
                return position
        elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
            position = (node.start_mark.line + 1, node.start_mark.column + 1)
        else:
            return position
    if isinstance(node, ScalarNode):
        return (node.start_mark.line + 1, node.start_mark.column + 1)
    return position

"""Reading a scanner's JSON file value by value: only the values a reader asks for (each item of the
big arrays, a few small fields) are handed over, each with the JSON path it was found at
(`$.Results[1].Vulnerabilities[14]`), in file order. A file larger than WHOLE_DOCUMENT_LIMIT is
streamed: ijson's C parser walks it once and only the wanted values are built, so memory does not
grow with the file. A smaller file is parsed whole by the standard library, several times faster,
and the same values are picked out of it. A truncated file is an IMP032 naming the path where
reading stopped."""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import ijson  # type: ignore[import-untyped]

from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.sources.limits import MAX_JSON_DEPTH, LimitExceeded, nested_deeper_than, too_deep
from charter.sources.records import CODES as RECORD_CODES
from charter.sources.records import ImportFileError, checked_size, past_limit

CODES = Codes(
    Rule(
        "IMP032",
        "Truncated or invalid JSON",
        Severity.ERROR,
        rationale="A scan cut short (a full disk, a killed job) would silently close every finding it lacks.",
        fix="Run the scanner again and import the complete file.",
        example="""\
# facts/scans/payments-trivy.json: the job was killed while writing it
{"SchemaVersion": 2, "Results": [{"Target": "payments:1.4", "Vulnerabilities": [{"Vulnerabi
""",
    ),
    uses=(RECORD_CODES["IMP001"],),
)
diagnostic = CODES.diagnostic


_BYTE_ORDER_MARK = b"\xef\xbb\xbf"
# Files up to this size are parsed whole (at most a few hundred MB of objects); larger ones are
# streamed. `CHARTER_FINDINGS_WHOLE_JSON_LIMIT` (bytes) overrides it: 0 streams every file.
WHOLE_DOCUMENT_LIMIT = 32 * 1024 * 1024
LIMIT_VARIABLE = "CHARTER_FINDINGS_WHOLE_JSON_LIMIT"
# ijson's C parser builds every event of one buffer, each with its prefix, before handing the first
# over: with 64 KB, 50,000 `[` build 6 GB of prefixes before the depth limit is seen. 4 KB bounds that
# at a few tens of MB, and streams as fast.
_STREAM_BUFFER = 4096
_ENDS = frozenset({"end_map", "end_array"})
_STARTS = frozenset({"start_map", "start_array"})
_NOT_AN_ITEM_START = frozenset({"end_map", "end_array", "map_key"})


@dataclass(frozen=True, slots=True)
class JsonValue:
    """One value the reader asked for: its ijson prefix (`Results.item.Target`), the value, and the
    JSON path of where it is."""

    prefix: str
    value: Any
    json_path: str


class ShapeError(Exception):
    """A value that must be an array or an object is something else: the reader turns it into IMP033."""

    def __init__(self, json_path: str, expected: str, found: str) -> None:
        super().__init__(f"{json_path} must be {expected}, not a JSON {found}")
        self.json_path = json_path
        self.expected = expected
        self.found = found


def stream_values(path: Path, wanted: Collection[str]) -> Iterator[JsonValue]:
    """The values at the `wanted` ijson prefixes (`a.item.b` for `$.a[*].b`; `a.*` for each member
    of the object `a`, with the prefix `a.*`), in file order. Arrays on the way to a wanted value must
    be arrays (else ShapeError); raises ImportFileError (IMP032) when the file is not complete JSON."""
    chosen = frozenset(wanted)
    checked_size(path)
    document = _whole_document(path)
    if document is not _STREAM:
        if nested_deeper_than(document):
            raise past_limit(path, too_deep())
        _require_format_keys(path, document, chosen)
        yield from _Selector(chosen).select(document, "", "$")
        return
    handle = _open(path)
    with handle:
        walker = _Walker(chosen)
        try:
            yield from walker.walk(ijson.parse(handle, use_float=True, buf_size=_STREAM_BUFFER))
        except ijson.IncompleteJSONError as error:
            raise truncated(path, walker.where(), str(error)) from None
        except (UnicodeDecodeError, ijson.JSONError) as error:
            raise truncated(path, walker.where(), str(error)) from None
        except LimitExceeded as error:
            raise past_limit(path, error) from None
        if not walker.format_seen:
            raise _no_format_keys(path, chosen)


def _top_keys(wanted: frozenset[str]) -> frozenset[str]:
    """The top-level member names of the wanted prefixes ("" when an item of a top-level array is wanted)."""
    return frozenset("" if prefix.startswith("item") else prefix.split(".")[0] for prefix in wanted if prefix)


def _require_format_keys(path: Path, document: Any, wanted: frozenset[str]) -> None:
    """A document that holds none of the members its format writes is no scan of that format (a JSON
    object `{}` read as a Trivy report would close every finding): IMP032."""
    keys = _top_keys(wanted)
    if "" in wanted:  # the whole document is the record: its reader checks it
        return
    if isinstance(document, list) and "" in keys:
        return
    if isinstance(document, dict) and keys & document.keys():
        return
    raise _no_format_keys(path, wanted)


def _no_format_keys(path: Path, wanted: frozenset[str]) -> ImportFileError:
    keys = sorted(key for key in _top_keys(wanted) if key)
    expected = ", ".join(f"`{key}`" for key in keys) if keys else "an array"
    also = " or an array" if keys and "" in _top_keys(wanted) else ""
    return ImportFileError(
        diagnostic(
            "IMP032",
            f"{path} holds nothing of its format: none of {expected}{also} at its top level",
            Location(str(path)),
        )
    )


_STREAM = object()


def whole_document_limit() -> int:
    configured = os.environ.get(LIMIT_VARIABLE, "").strip()
    return int(configured) if configured.isdigit() else WHOLE_DOCUMENT_LIMIT


def _whole_document(path: Path) -> Any:
    """The parsed document when the file is small enough and valid JSON; else _STREAM (a file that
    does not parse is streamed, so that the error names where it stops)."""
    try:
        if path.stat().st_size > whole_document_limit():
            return _STREAM
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError(
            diagnostic("IMP001", f"cannot import {path}: {error.strerror or error}", Location(str(path)))
        ) from None
    try:
        return json.loads(data.removeprefix(_BYTE_ORDER_MARK))
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return _STREAM


class _Selector:
    """Picks the wanted values out of a parsed document, as _Walker does out of a stream."""

    def __init__(self, wanted: frozenset[str]) -> None:
        self.wanted = wanted
        self.members = frozenset(prefix.removesuffix(".*") for prefix in wanted if prefix.endswith(".*"))
        self.arrays = frozenset(ancestor for prefix in wanted for ancestor in _array_ancestors(prefix))
        steps = {prefix.removesuffix(".*") for prefix in wanted}
        self.containers = frozenset(
            ".".join(prefix.split(".")[:length]) for prefix in steps for length in range(len(prefix.split(".")))
        ) | {""}

    def select(self, value: Any, prefix: str, json_path: str) -> Iterator[JsonValue]:
        if prefix in self.wanted:
            yield JsonValue(prefix, value, json_path)
        elif prefix in self.members:
            if isinstance(value, dict):
                for key, item in value.items():
                    yield JsonValue(f"{prefix}.*", item, json_path + _member_step(key))
        elif prefix in self.arrays:
            if value is None:
                return
            if not isinstance(value, list):
                raise ShapeError(json_path, "an array", _value_kind(value))
            item_prefix = f"{prefix}.item" if prefix else "item"
            for index, item in enumerate(value):
                yield from self.select(item, item_prefix, f"{json_path}[{index}]")
        elif isinstance(value, dict) and prefix in self.containers:
            for key, item in value.items():
                child = f"{prefix}.{key}" if prefix else key
                if child in self.containers or child in self.wanted or child in self.members:
                    yield from self.select(item, child, f"{json_path}.{key}")


def _value_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, str):
        return "string"
    return "null" if value is None else "number"


def _member_step(key: str) -> str:
    return f".{key}" if key.replace("_", "a").replace("-", "a").isalnum() else f"[{key!r}]"


def truncated(path: Path, json_path: str, reason: str) -> ImportFileError:
    """IMP032: the file stops early or is not JSON, after `json_path`."""
    reason = " ".join(reason.split())[:200]
    found: Diagnostic = diagnostic(
        "IMP032",
        f"{path} is not complete JSON: {reason} (reading stopped at {json_path})",
        Location(str(path)),
    )
    return ImportFileError(found)


def _open(path: Path) -> IO[bytes]:
    try:
        handle = path.open("rb")
    except OSError as error:
        raise ImportFileError(
            diagnostic("IMP001", f"cannot import {path}: {error.strerror or error}", Location(str(path)))
        ) from None
    if handle.read(3) != _BYTE_ORDER_MARK:
        handle.seek(0)
    return handle


class _Walker:
    """Walks ijson events, counting the items of each array on the way to a wanted prefix so every
    value gets its JSON path, and building the wanted values."""

    def __init__(self, wanted: frozenset[str]) -> None:
        self.wanted = wanted
        self.members = frozenset(prefix.removesuffix(".*") for prefix in wanted if prefix.endswith(".*"))
        arrays = {ancestor for prefix in wanted for ancestor in _array_ancestors(prefix)}
        self.arrays = frozenset(arrays)
        self.item_prefixes = {f"{array}.item": array for array in arrays}
        self.counters: dict[str, int] = {}
        self.last_prefix = ""
        self.top_keys = _top_keys(wanted)
        self.format_seen = "" in wanted
        self.depth = 0

    def walk(self, events: Iterator[tuple[str, str, Any]]) -> Iterator[JsonValue]:
        wanted = self.wanted
        arrays = self.arrays
        item_prefixes = self.item_prefixes
        counters = self.counters
        members = self.members
        top_keys = self.top_keys
        for prefix, event, value in events:
            self.last_prefix = prefix
            if event in _STARTS:
                self.depth += 1
                if self.depth > MAX_JSON_DEPTH:
                    raise too_deep()
                if self.depth == 1 and event == "start_array" and "" in top_keys:
                    self.format_seen = True
            elif event in _ENDS:
                self.depth -= 1
            elif event == "map_key" and prefix == "" and value in top_keys:
                self.format_seen = True
            if event == "map_key" and prefix in members:
                yield self._member(prefix, value, events)
                continue
            if prefix in item_prefixes and event not in _NOT_AN_ITEM_START:
                counters[item_prefixes[prefix]] += 1
            if prefix in arrays and event != "map_key" and event not in _ENDS:
                if event == "null":  # some scanners write `null` for an empty list
                    continue
                if event != "start_array":
                    raise ShapeError(self.json_path(prefix), "an array", _kind(event))
                counters[prefix] = -1
                continue
            if prefix in wanted and event not in _ENDS and event != "map_key":
                built = _build(event, value, events, self.depth) if event in _STARTS else value
                if event in _STARTS:
                    self.depth -= 1  # _build took the container's end
                yield JsonValue(prefix, built, self.json_path(prefix))

    def _member(self, prefix: str, key: str, events: Iterator[tuple[str, str, Any]]) -> JsonValue:
        """The value of member `key` of the object at `prefix`, built from the events that follow."""
        _inner_prefix, event, value = next(events)
        built = _build(event, value, events, self.depth + 1) if event in _STARTS else value
        return JsonValue(f"{prefix}.*", built, self.json_path(prefix) + _member_step(key))

    def json_path(self, prefix: str) -> str:
        """`Results.item.Vulnerabilities.item` -> `$.Results[1].Vulnerabilities[14]` at the current counts."""
        if not prefix:
            return "$"
        parts = ["$"]
        walked: list[str] = []
        for step in prefix.split("."):
            if step == "item":
                array = ".".join(walked)
                parts.append(f"[{max(self.counters.get(array, 0), 0)}]")
            else:
                parts.append(f".{step}")
            walked.append(step)
        return "".join(parts)

    def where(self) -> str:
        return self.json_path(self.last_prefix)


def _build(event: str, value: Any, events: Iterator[tuple[str, str, Any]], depth: int) -> Any:
    """The object or array that starts with this event (at nesting `depth`), from the events that
    follow (a tighter loop than ijson's ObjectBuilder: this is where a scan's time goes). Raises
    LimitExceeded past MAX_JSON_DEPTH."""
    if depth > MAX_JSON_DEPTH:
        raise too_deep()
    if event == "start_map":
        built: dict[str, Any] = {}
        key = ""
        for _prefix, inner_event, inner_value in events:
            if inner_event == "map_key":
                key = inner_value
            elif inner_event == "end_map":
                return built
            elif inner_event in _STARTS:
                built[key] = _build(inner_event, inner_value, events, depth + 1)
            else:
                built[key] = inner_value
        return built
    items: list[Any] = []
    for _prefix, inner_event, inner_value in events:
        if inner_event == "end_array":
            return items
        items.append(_build(inner_event, inner_value, events, depth + 1) if inner_event in _STARTS else inner_value)
    return items


def _array_ancestors(prefix: str) -> Iterator[str]:
    steps = prefix.split(".")
    for index, step in enumerate(steps):
        if step == "item" and index > 0:
            yield ".".join(steps[:index])
        elif step == "item":
            yield ""


def _kind(event: str) -> str:
    return {
        "start_map": "object",
        "string": "string",
        "number": "number",
        "integer": "number",
        "double": "number",
        "boolean": "boolean",
        "null": "null",
    }.get(event, event)

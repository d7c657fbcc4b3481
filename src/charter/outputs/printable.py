"""Text from the strategy and the store made safe to print in every format: terminal control
characters (an escape sequence in a file name once set the terminal's title), bidirectional
overrides and the bytes of a file name that are not UTF-8 are written as visible escapes
(`\\x1b`, `\\u202e`, `\\xff`), so nothing a contributor writes can steer a terminal, forge a line
of output or make a format fail to encode. Applied once, to what the registries hand every format
(built-in or plugin)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, TypeVar

from pydantic import BaseModel

from charter.model.diagnostics import Diagnostic
from charter.outputs.interface import DiagnosticReport

# C0 controls but tab and newline, DEL, C1 controls, the bidirectional marks and overrides ("Trojan
# Source"), and lone surrogates: how Python hands over a file name's bytes that are not UTF-8.
_UNSAFE_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Names (paths, entities, codes) are one line: a newline in one is escaped too.
_UNSAFE_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte 0x80..0xff that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with control characters and undecodable bytes escaped; tabs and newlines kept."""
    return _UNSAFE_IN_TEXT.sub(_escape, text) if _UNSAFE_IN_TEXT.search(text) else text


def encodable(text: str) -> str:
    """`text` that UTF-8 can encode: a lone surrogate a format let through (a plugin, a path in a
    message) written as `\\udcff` rather than failing the write. Terminal styles are kept."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def printable_name(text: str) -> str:
    """A one-line name (a path, an entity): as `printable`, newlines escaped too."""
    return _UNSAFE_IN_NAME.sub(_escape, text) if _UNSAFE_IN_NAME.search(text) else text


def printable_diagnostic(diagnostic: Diagnostic) -> Diagnostic:
    location = diagnostic.location
    changes: dict[str, Any] = {}
    if location is not None and printable_name(location.path) != location.path:
        changes["location"] = replace(location, path=printable_name(location.path))
    for name, value, clean in (
        ("message", diagnostic.message, printable),
        ("hint", diagnostic.hint, printable),
        ("entity", diagnostic.entity, printable_name),
        ("code", diagnostic.code, printable_name),
    ):
        if value is not None and clean(value) != value:
            changes[name] = clean(value)
    properties = tuple((printable_name(key), printable(value)) for key, value in diagnostic.properties)
    if properties != diagnostic.properties:
        changes["properties"] = properties
    return replace(diagnostic, **changes) if changes else diagnostic


def printable_report(report: DiagnosticReport) -> DiagnosticReport:
    """The report with every diagnostic's text made printable."""
    diagnostics = tuple(printable_diagnostic(diagnostic) for diagnostic in report.diagnostics)
    if all(new is old for new, old in zip(diagnostics, report.diagnostics, strict=True)):
        return report
    return replace(report, diagnostics=diagnostics)


Model = TypeVar("Model", bound=BaseModel)


def printable_view(view: Model) -> Model:
    """A view model with every string in it made printable (names and text alike keep newlines:
    a view does not say which of its strings are names)."""
    return _printable_value(view)  # type: ignore[no-any-return]


def _printable_value(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, BaseModel):
        changes = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = _printable_value(old)
            if new is not old:
                changes[name] = new
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, list | tuple):
        items = [_printable_value(item) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        if isinstance(value, tuple):
            return type(value)._make(items) if hasattr(value, "_fields") else tuple(items)  # type: ignore[attr-defined]
        return items
    if isinstance(value, dict):
        pairs = [(_printable_value(key), _printable_value(item)) for key, item in value.items()]
        unchanged = zip(pairs, value.items(), strict=True)
        if all(new_key is key and new is item for (new_key, new), (key, item) in unchanged):
            return value
        return dict(pairs)
    return value

"""Typed access to the fields of a scanner's JSON objects: each value read with the type its format
defines, or a FieldError naming the exact JSON path (`$.runs[0].results[3].level`), which becomes an
IMP033 diagnostic for the file."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.sources.findings.jsonstream import JsonValue
from charter.sources.limits import ANY_TIME
from charter.sources.records import PLAUSIBLE_TIME_HINT, TIMESTAMP_HINT, parse_timestamp

# A FieldError becomes one of these: IMP033 by default, IMP031 from `sarif`, IMP034 from `scan`.
CODES = Codes(
    Rule(
        "IMP031",
        "SARIF of another version",
        Severity.ERROR,
        rationale="Only SARIF 2.1.0 is read; older drafts name and nest results differently.",
        fix="Have the tool write SARIF 2.1.0 (most do with `--format sarif`), or convert the file.",
        example="""\
# facts/scans/semgrep.sarif
{"version": "2.0.0", "$schema": "http://json.schemastore.org/sarif-2.0.0", "runs": [...]}
""",
    ),
    Rule(
        "IMP033",
        "Scanner field of the wrong type",
        Severity.ERROR,
        rationale="A field that does not have the type the scanner's format defines cannot be read safely.",
        fix="Correct the field at the JSON path shown, or re-run the scanner; do not edit scanner output by hand.",
        example="""\
# facts/scans/payments-trivy.json
"Vulnerabilities": [{"VulnerabilityID": "CVE-2024-3094", "Severity": 4}]   # "HIGH"
""",
    ),
    Rule(
        "IMP034",
        "CVSS vector does not parse",
        Severity.ERROR,
        rationale="Priority (SSVC's automatable and technical impact) is read from the CVSS vector.",
        fix="Give the vector as CVSS writes it: `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`, v2 or v4.0.",
        example="""\
# facts/scans/payments-grype.json
"cvss": [{"version": "3.1", "vector": "AV:N/AC:L"}]     # not a whole CVSS vector
""",
    ),
)
diagnostic = CODES.diagnostic


class FieldError(Exception):
    """A field of the wrong type or value, at `json_path`; IMP033 unless `code` says otherwise."""

    def __init__(self, json_path: str, message: str, hint: str | None = None, code: str = "IMP033") -> None:
        super().__init__(f"{json_path}: {message}")
        self.json_path = json_path
        self.message = message
        self.hint = hint
        self.code = code

    def diagnostic(self, path: Path | str) -> Diagnostic:
        found = diagnostic(self.code, f"{path}: {self.json_path}: {self.message}", Location(str(path)), hint=self.hint)
        return Diagnostic(
            found.code,
            found.severity,
            found.message,
            found.location,
            found.entity,
            found.hint,
            (("jsonPath", self.json_path),),
        )


def json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    return "null" if value is None else "number"


class Node:
    """A JSON object and where it is; every accessor checks the type of what it reads. The path is
    put together only when an error needs it: a scan reads hundreds of thousands of objects."""

    __slots__ = ("_parent", "_step", "data")

    def __init__(self, data: object, path: str, parent: Node | _Step | None = None) -> None:
        if data.__class__ is not dict and not isinstance(data, dict):
            raise FieldError(
                parent.at(path) if parent else path, f"must be a JSON object, not a JSON {json_kind(data)}"
            )
        self.data: Mapping[str, Any] = data
        self._parent = parent
        self._step = path  # the whole path, or with a parent the key (or `[index]`) under it

    @property
    def path(self) -> str:
        if self._parent is None:
            return self._step
        return self._parent.at(self._step)

    def at(self, key: str) -> str:
        return f"{self.path}{key}" if key.startswith("[") else f"{self.path}.{key}"

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def text(self, key: str, *, numbers: bool = False) -> str | None:
        """A string field, stripped; None when absent, null or empty. `numbers` accepts numbers too."""
        value = self.data.get(key)
        if value.__class__ is str:
            return value.strip() or None
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() or None
        if numbers and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise FieldError(self.at(key), f"must be text, not a JSON {json_kind(value)}")

    def required_text(self, key: str, hint: str | None = None) -> str:
        found = self.text(key)
        if found is None:
            raise FieldError(self.at(key), "is missing", hint)
        return found

    def number(self, key: str) -> float | None:
        """A number (or a string holding one, as SARIF's `security-severity` is written)."""
        value = self.data.get(key)
        if value is None or value == "":
            return None
        number: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            with contextlib.suppress(ValueError):
                number = float(value)
        if number is None or not math.isfinite(number):
            raise FieldError(self.at(key), f"must be a number, not {_shown(value)}")
        return number

    def cvss_score(self, key: str) -> float | None:
        """A CVSS score: a number from 0 to 10 (every CVSS version's range)."""
        score = self.number(key)
        if score is not None and not 0.0 <= score <= 10.0:
            raise FieldError(
                self.at(key), f"is {score:g}; a CVSS score is from 0 to 10", "Import the file as the scanner wrote it."
            )
        return score

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise FieldError(self.at(key), f"must be a whole number, not {_shown(value)}")

    def node(self, key: str) -> Node | None:
        value = self.data.get(key)
        return None if value is None else Node(value, key, self)

    def nodes(self, key: str) -> Iterator[Node]:
        """Each object of an array field (absent or null: none)."""
        items = self.array(key)
        if items:
            holder = _Step(self, key)
            for index, item in enumerate(items):
                yield Node(item, f"[{index}]", holder)

    def array(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise FieldError(self.at(key), f"must be a JSON array, not a JSON {json_kind(value)}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        """An array of strings (a single string reads as one)."""
        value = self.data.get(key)
        if isinstance(value, str):
            return (value.strip(),) if value.strip() else ()
        found: list[str] = []
        for index, item in enumerate(self.array(key)):
            if not isinstance(item, str):
                raise FieldError(f"{self.at(key)}[{index}]", f"must be text, not a JSON {json_kind(item)}")
            if item.strip():
                found.append(item.strip())
        return tuple(found)

    def timestamp(self, key: str) -> datetime | None:
        text = self.text(key)
        if text is None:
            return None
        return timestamp_at(text, self.at(key))


def value_text(value: JsonValue) -> str | None:
    """A streamed value that must be text (absent or empty: None)."""
    if value.value is None:
        return None
    if not isinstance(value.value, str):
        raise FieldError(value.json_path, f"must be text, not a JSON {json_kind(value.value)}")
    return value.value.strip() or None


def value_timestamp(value: JsonValue) -> datetime | None:
    text = value_text(value)
    return None if text is None else timestamp_at(text, value.json_path)


class _Step:
    """An array field as the parent of its items' paths."""

    __slots__ = ("key", "parent")

    def __init__(self, parent: Node, key: str) -> None:
        self.parent = parent
        self.key = key

    def at(self, step: str) -> str:
        return self.parent.at(self.key) + step


def timestamp_at(text: str, json_path: str) -> datetime:
    """An ISO 8601 time (RFC 3339 with nanoseconds, as Go tools write it, included) as UTC."""
    try:
        moment = parse_timestamp(_at_most_microseconds(text.replace("Z", "+00:00").replace("z", "+00:00")))
    except (ValueError, OverflowError):
        raise FieldError(json_path, f"is not an ISO 8601 time: {text!r}", TIMESTAMP_HINT) from None
    problem = ANY_TIME.problem(moment)
    if problem is not None:
        raise FieldError(json_path, problem, PLAUSIBLE_TIME_HINT)
    return moment


def _at_most_microseconds(text: str) -> str:
    """Go writes nanoseconds (`12:20:30.000000005Z`); Python reads at most six digits."""
    if "." not in text:
        return text
    head, _, rest = text.partition(".")
    digits = len(rest) - len(rest.lstrip("0123456789"))
    return f"{head}.{rest[: min(digits, 6)]}{rest[digits:]}" if digits else text


def _shown(value: object) -> str:
    if isinstance(value, str):
        return repr(value[:60])
    return f"a JSON {json_kind(value)}"

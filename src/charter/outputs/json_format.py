"""Diagnostics as JSON with a stable schema, for scripts and other tools; laid out as
`json.dumps(..., indent=2, ensure_ascii=False)` lays it out, written by orjson (`json_text.py`):
the standard library's indented writer is pure Python, and the large demo's 3,000 diagnostics
took it a tenth of a second."""

from __future__ import annotations

import json
from typing import Any

from charter.model.diagnostics import Diagnostic
from charter.outputs.interface import DiagnosticFormat, DiagnosticReport
from charter.outputs.json_text import indented_json


class JsonFormat(DiagnosticFormat):
    """`{"version", "summary", "diagnostics"}`; unknown path, line or column are null."""

    name = "json"

    def render(self, report: DiagnosticReport) -> str:
        counts = report.counts
        document = {
            "version": report.version,
            "summary": {
                "errors": counts.errors,
                "warnings": counts.warnings,
                "info": counts.info,
                "total": counts.total,
            },
            "diagnostics": [_diagnostic(diagnostic, report) for diagnostic in report.diagnostics],
        }
        try:
            text = indented_json(document)  # only text, whole numbers and null: the same characters
        except TypeError:  # text orjson refuses (a lone surrogate): the standard library writes it
            text = json.dumps(document, indent=2, ensure_ascii=False)
        return text + "\n"


def _diagnostic(diagnostic: Diagnostic, report: DiagnosticReport) -> dict[str, Any]:
    location = diagnostic.location
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity.value,
        "title": report.title(diagnostic.code),
        "message": diagnostic.message,
        "path": location.path if location else None,
        "line": location.line if location and location.line else None,
        "column": location.column if location and location.column else None,
        "entity": diagnostic.entity,
        "hint": diagnostic.hint,
        "properties": dict(diagnostic.properties),
    }

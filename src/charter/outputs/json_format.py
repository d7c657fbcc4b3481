"""Diagnostics as JSON with a stable schema, for scripts and other tools."""

from __future__ import annotations

import json
from typing import Any

from charter.model.diagnostics import Diagnostic
from charter.outputs.interface import DiagnosticFormat, DiagnosticReport


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
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


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

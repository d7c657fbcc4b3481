"""Diagnostics as a GitLab Code Quality report (a JSON array, the Code Climate subset GitLab
reads from `artifacts: reports: codequality`), so a merge request shows them in its widget. Paths
are from the project's root (`CI_PROJECT_DIR`, else the working directory) when the strategy
repository lies inside it."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

from charter.model.diagnostics import Diagnostic, Severity
from charter.model.repository import ORGANIZATION_FILE
from charter.outputs.interface import DiagnosticFormat, DiagnosticReport
from charter.outputs.workspace_paths import workspace_prefix

# GitLab's scale is info, minor, major, critical, blocker; an error fails the gate, so it ranks
# above what only warns.
SEVERITIES = {
    Severity.ERROR: "critical",
    Severity.WARNING: "minor",
    Severity.INFO: "info",
    Severity.OFF: "info",
}


class GitlabFormat(DiagnosticFormat):
    """One issue per diagnostic with a fingerprint that survives line moves and is unique in the
    report (GitLab shows only the first of two issues with one fingerprint)."""

    name = "gitlab"

    def render(self, report: DiagnosticReport) -> str:
        prefix = workspace_prefix(report.root, "CI_PROJECT_DIR")
        seen: Counter[str] = Counter()
        issues = []
        for diagnostic in report.diagnostics:
            identity = diagnostic.fingerprint
            seen[identity] += 1
            issues.append(_issue(diagnostic, f"{identity}|{seen[identity]}", prefix))
        return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(diagnostic: Diagnostic, identity: str, prefix: str) -> dict[str, Any]:
    location = diagnostic.location
    description = diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")
    return {
        "description": description,
        "check_name": diagnostic.code,
        "fingerprint": hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest(),
        "severity": SEVERITIES[diagnostic.severity],
        "location": {
            "path": prefix + (location.path if location else ORGANIZATION_FILE),
            "lines": {"begin": max(location.line, 1) if location else 1},
        },
    }

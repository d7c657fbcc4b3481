"""Diagnostics as SARIF 2.1.0, for code-scanning services (GitHub, Azure DevOps, GitLab)."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from importlib.metadata import PackageNotFoundError, metadata
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from charter.model.codes import Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.repository import ORGANIZATION_FILE
from charter.outputs.interface import DiagnosticFormat, DiagnosticReport

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "charter/v1"

LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.OFF: "none",
}


class SarifFormat(DiagnosticFormat):
    """One run of the tool `charter`: a rule for each code the diagnostics use, a result for each
    diagnostic, paths relative to `%SRCROOT%` (the repository root). `informationUri` is the
    project's Homepage URL from its package metadata unless one is given."""

    name = "sarif"

    def __init__(self, information_uri: str | None = None) -> None:
        self.information_uri = information_uri or project_homepage()

    def render(self, report: DiagnosticReport) -> str:
        codes = sorted({diagnostic.code for diagnostic in report.diagnostics})
        rule_index = {code: index for index, code in enumerate(codes)}
        driver: dict[str, Any] = {"name": "charter", "version": report.version}
        if self.information_uri:
            driver["informationUri"] = self.information_uri
        driver["rules"] = [_rule(code, report.rules.get(code)) for code in codes]
        root_uri = report.root.absolute().as_uri().rstrip("/") + "/"
        run = {
            "tool": {"driver": driver},
            "originalUriBaseIds": {SRCROOT: {"uri": root_uri}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(diagnostic, rule_index[diagnostic.code]) for diagnostic in report.diagnostics],
        }
        log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
        return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


@cache
def project_homepage() -> str | None:
    """The Homepage (or first) project URL from Charter's installed metadata, if it declares one."""
    try:
        urls = metadata("charter").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    labelled = dict(url.split(", ", 1) for url in urls if ", " in url)
    return labelled.get("Homepage") or next(iter(labelled.values()), None)


def _rule(code: str, rule: Rule | None) -> dict[str, Any]:
    if rule is None:
        return {"id": code, "name": code, "shortDescription": {"text": code}}
    return {
        "id": code,
        "name": _pascal_case(rule.title),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": rule.fix},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.area]},
    }


def _result(diagnostic: Diagnostic, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": LEVELS[diagnostic.severity],
        "message": {"text": diagnostic.message},
    }
    # GitHub code scanning rejects the whole log if one result has no location, so a finding about
    # the repository as a whole points at the file that marks the repository root.
    location = diagnostic.location or Location(ORGANIZATION_FILE)
    result["locations"] = [{"physicalLocation": _physical_location(location)}]
    fingerprint = hashlib.sha256(diagnostic.fingerprint.encode("utf-8")).hexdigest()
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    properties = {
        **({"entity": diagnostic.entity} if diagnostic.entity else {}),
        **({"hint": diagnostic.hint} if diagnostic.hint else {}),
        **dict(diagnostic.properties),
    }
    if properties:
        result["properties"] = properties
    return result


def _physical_location(location: Location) -> dict[str, Any]:
    if PurePosixPath(location.path).is_absolute():
        artifact = {"uri": "file://" + quote(location.path)}
    else:
        # Relative even when it leaves the repository (`../shared/x.yaml`): SARIF resolves it
        # against %SRCROOT% like any relative reference.
        artifact = {"uri": quote(location.path), "uriBaseId": SRCROOT}
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if location.line >= 1:  # SARIF requires startLine >= 1: no region when the line is unknown.
        region = {"startLine": location.line}
        if location.column >= 1:
            region["startColumn"] = location.column
        physical["region"] = region
    return physical


def _pascal_case(title: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^0-9A-Za-z]+", title) if word)

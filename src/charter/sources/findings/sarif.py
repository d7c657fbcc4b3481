"""SARIF 2.1.0 from any tool: each run is one scan by `runs[].tool.driver.name` of the repository
its `versionControlProvenance` names (else the image Trivy names in the run's properties), at the
end time of its last invocation. A result whose rule id is a vulnerability id (Trivy's CVE rules,
Grype's `CVE-...-package` rules) is a vulnerability in a package; any other result is a code
finding keyed by rule, location and `partialFingerprints`. Results are streamed one by one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from charter.model.finding import Finding, FindingSeverity
from charter.sources.findings.fields import FieldError, Node, value_text
from charter.sources.findings.identity import (
    SARIF_LEVELS,
    canonical_ids,
    code_key,
    is_vulnerability_id,
    severity_of_score,
    vulnerability_key,
)
from charter.sources.findings.jsonstream import JsonValue, stream_values
from charter.sources.findings.scan import FileContents, Scan, each_good, newest_vector

SARIF_VERSION = "2.1.0"
_RESULT = "runs.item.results.item"
_RULE = "runs.item.tool.driver.rules.item"
_WANTED = (
    "version",
    "runs.item.tool.driver.name",
    _RULE,
    "runs.item.tool.extensions",
    _RESULT,
    "runs.item.versionControlProvenance",
    "runs.item.invocations",
    "runs.item.properties",
)
_RUN_INDEX = re.compile(r"\$\.runs\[(\d+)\]")
# Grype names its SARIF rules `<vulnerability id>-<package>`.
_ID_AND_PACKAGE = re.compile(r"(CVE-\d{4}-\d{4,}|GHSA(?:-[0-9a-z]{4}){3})-(.+)", re.IGNORECASE)
_MESSAGE_FIELDS = re.compile(r"^(Package|Installed Version|Fixed Version):\s*(.+?)\s*$", re.MULTILINE)


@dataclass(slots=True)
class _Run:
    scan: Scan = field(default_factory=lambda: Scan("", ""))
    rules: list[Node] = field(default_factory=list)
    rules_by_id: dict[str, Node] = field(default_factory=dict)
    tool_seen: bool = False
    pending: list[JsonValue] = field(default_factory=list)


def read_sarif(path: Path) -> FileContents:
    contents = FileContents()
    runs: dict[int, _Run] = {}
    for value in stream_values(path, _WANTED):
        if value.prefix == "version":
            _check_version(value)
            continue
        index = int(match.group(1)) if (match := _RUN_INDEX.match(value.json_path)) else 0
        run = runs.setdefault(index, _Run())
        if value.prefix == _RESULT:
            if run.tool_seen:
                run.scan.findings.extend(each_good(contents, (value,), partial(_finding, run=run)))
            else:  # a file that puts results before the tool: resolved at the end
                run.pending.append(value)
        elif value.prefix == _RULE:
            rule = Node(value.value, value.json_path)
            run.rules.append(rule)
            rule_id = rule.text("id")
            if rule_id is not None:
                run.rules_by_id.setdefault(rule_id, rule)
        elif value.prefix == "runs.item.tool.driver.name":
            run.scan.scanner = value_text(value) or ""
            run.tool_seen = True
        elif value.prefix == "runs.item.tool.extensions":
            _extension_rules(value, run)
        else:
            _run_metadata(value, run)
    for run in runs.values():
        if not run.scan.scanner:
            raise FieldError("$.runs[*].tool.driver.name", "is missing", "SARIF requires the tool's name.")
        run.scan.findings.extend(each_good(contents, run.pending, partial(_finding, run=run)))
        contents.scans.append(run.scan)
    return contents


def _check_version(value: JsonValue) -> None:
    version = value.value
    if version != SARIF_VERSION:
        raise FieldError(
            value.json_path,
            f"SARIF version {version!r}: only {SARIF_VERSION} is read",
            "Have the tool write SARIF 2.1.0.",
            code="IMP031",
        )


def _extension_rules(value: JsonValue, run: _Run) -> None:
    extensions = Node({"extensions": value.value}, value.json_path.rsplit(".", 1)[0])
    for extension in extensions.nodes("extensions"):
        for rule in extension.nodes("rules"):
            rule_id = rule.text("id")
            if rule_id is not None:
                run.rules_by_id.setdefault(rule_id, rule)


def _run_metadata(value: JsonValue, run: _Run) -> None:
    holder = Node({"value": value.value}, value.json_path.rsplit(".", 1)[0])
    name = value.prefix.rsplit(".", 1)[-1]
    if name == "versionControlProvenance":
        for index, item in enumerate(holder.array("value")):
            provenance = Node(item, f"{value.json_path}[{index}]")
            uri = provenance.text("repositoryUri")
            if uri and run.scan.repository is None:
                run.scan.repository = uri
                run.scan.target = uri
    elif name == "invocations":
        times: list[datetime] = []
        for index, item in enumerate(holder.array("value")):
            invocation = Node(item, f"{value.json_path}[{index}]")
            moment = invocation.timestamp("endTimeUtc") or invocation.timestamp("startTimeUtc")
            if moment is not None:
                times.append(moment)
        if times:
            run.scan.scanned_at = max(times)
    elif name == "properties" and value.value is not None:
        properties = Node(value.value, value.json_path)
        image = properties.text("imageName")
        tags = properties.texts("repoTags") if properties.has("repoTags") else ()
        if not run.scan.target:
            run.scan.target = tags[0] if tags else image or ""


def _finding(value: JsonValue, run: _Run) -> Finding:
    result = Node(value.value, value.json_path)
    rule_id, rule = _rule_of(result, run)
    severity = _severity(result, rule)
    location = _first_location(result)
    message = _message(result)
    title = _rule_text(rule, "shortDescription") or (message.splitlines()[0] if message else rule_id)
    identity = _vulnerability_identity(rule_id)
    scanner = run.scan.scanner
    if identity is None:
        return Finding(
            key=code_key(rule_id, location[0], location[1], _fingerprints(result)),
            scanner=scanner,
            target="",
            severity=severity,
            title=title,
            rule_id=rule_id,
            path=location[0],
            line=location[1],
        )
    vulnerability_id, package = identity
    details = dict(_MESSAGE_FIELDS.findall(message)) if message else {}
    canonical, aliases = canonical_ids(vulnerability_id, ())
    vector, score = newest_vector(_rule_vectors(rule)) if rule is not None else (None, None)
    fixed = details.get("Fixed Version")
    package = package or details.get("Package")
    return Finding(
        key=vulnerability_key(canonical, package, None),
        scanner=scanner,
        target="",
        severity=severity,
        title=title,
        vulnerability_id=canonical,
        aliases=aliases,
        rule_id=rule_id,
        package=package,
        package_version=details.get("Installed Version"),
        fixed_versions=tuple(part.strip() for part in fixed.split(",") if part.strip()) if fixed else (),
        cvss_vector=vector,
        cvss_score=score,
        path=location[0],
    )


def _rule_of(result: Node, run: _Run) -> tuple[str, Node | None]:
    """The result's rule id and, when the run declares it, the rule (by `ruleIndex`, else by id)."""
    reference = result.node("rule")
    rule_id = result.text("ruleId") or (reference.text("id") if reference else None)
    index = result.integer("ruleIndex")
    if index is None and reference is not None:
        index = reference.integer("index")
    rule = run.rules[index] if index is not None and 0 <= index < len(run.rules) else None
    if rule is None and rule_id is not None:
        rule = run.rules_by_id.get(rule_id)
    if rule_id is None and rule is not None:
        rule_id = rule.text("id")
    if rule_id is None:
        raise FieldError(result.at("ruleId"), "is missing, and no rule is referenced", "Give each result its ruleId.")
    return rule_id, rule


def _severity(result: Node, rule: Node | None) -> FindingSeverity:
    level = result.text("level")  # read (and type-checked) even when a security-severity decides
    level_path = result.at("level")
    for holder in (result, rule):
        properties = holder.node("properties") if holder is not None else None
        score = properties.cvss_score("security-severity") if properties is not None else None
        if score is not None:
            return severity_of_score(score)
    if level is None and rule is not None:
        configuration = rule.node("defaultConfiguration")
        level = configuration.text("level") if configuration else None
        level_path = configuration.at("level") if configuration else level_path
    if level is None:
        return SARIF_LEVELS["warning"]  # SARIF's default level
    if level not in SARIF_LEVELS:
        raise FieldError(level_path, f"{level!r} is not a SARIF level", "Use error, warning, note or none.")
    return SARIF_LEVELS[level]


def _first_location(result: Node) -> tuple[str | None, int | None]:
    for location in result.nodes("locations"):
        physical = location.node("physicalLocation")
        if physical is None:
            continue
        artifact = physical.node("artifactLocation")
        region = physical.node("region")
        return (artifact.text("uri") if artifact else None), (region.integer("startLine") if region else None)
    return None, None


def _message(result: Node) -> str:
    message = result.node("message")
    return (message.text("text") or "") if message else ""


def _rule_text(rule: Node | None, name: str) -> str | None:
    if rule is None:
        return None
    holder = rule.node(name)
    return holder.text("text") if holder else None


def _fingerprints(result: Node) -> str | None:
    prints = result.node("partialFingerprints")
    if prints is None or not prints.data:
        return None
    return ";".join(f"{name}={prints.text(name, numbers=True) or ''}" for name in sorted(prints.data))


def _vulnerability_identity(rule_id: str) -> tuple[str, str | None] | None:
    """(vulnerability id, package) when the rule names a vulnerability, else None (a code finding)."""
    if is_vulnerability_id(rule_id):
        return rule_id, None
    match = _ID_AND_PACKAGE.fullmatch(rule_id)
    if match:
        return match.group(1), match.group(2)
    return None


def _rule_vectors(rule: Node) -> Iterator[tuple[str, float | None, Node, str]]:
    """Trivy's `cvssv3_vector` / `cvssv2_vector` (and any `cvss*_vector`) rule properties."""
    properties = rule.node("properties")
    if properties is None:
        return
    for name in sorted(properties.data):
        if name.startswith("cvss") and name.endswith("_vector"):
            vector = properties.text(name)
            if vector:
                stem = name.removesuffix("_vector")
                score = properties.cvss_score(f"{stem}_baseScore") if properties.has(f"{stem}_baseScore") else None
                if score is None and properties.has(f"{stem}_score"):
                    score = properties.cvss_score(f"{stem}_score")
                yield vector, score, properties, name

"""CycloneDX 1.4-1.6 JSON with `vulnerabilities[]`: an SBOM with the vulnerabilities a tool found
(a finding for each component a vulnerability `affects`), and a VEX (a vulnerability's `analysis`
says whether the product is affected). The target is the BOM's subject (`metadata.component`: its
purl without version, else its name), the scan time `metadata.timestamp`, the scanner the first of
`metadata.tools`. A vulnerability whose analysis state is not_affected, false_positive or
resolved is a VEX statement, not a finding; a document with statements only and no components is
a VEX document, not a scan, as is any file read with `--input-format cyclonedx-vex`.
Components and vulnerabilities are streamed; only a small record of each component is kept, to
resolve `affects[].ref`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from charter.model.finding import SUPPRESSING_VEX_STATES, Finding, FindingSeverity, VexState, VexStatement
from charter.sources.findings.fields import FieldError, Node
from charter.sources.findings.identity import (
    canonical_ids,
    highest,
    purl_base,
    severity_named,
    vulnerability_key,
)
from charter.sources.findings.jsonstream import stream_values
from charter.sources.findings.scan import FileContents, Scan, each_good, newest_vector

SCANNER = "CycloneDX"
ANALYSIS_STATES: dict[str, VexState] = {
    "not_affected": "not_affected",
    "false_positive": "false_positive",
    "resolved": "resolved",
    "resolved_with_pedigree": "resolved",
    "exploitable": "affected",
    "in_triage": "under_investigation",
}
# CycloneDX may give a vector without the `CVSS:3.x/` its rating's method names.
_VECTOR_PREFIXES = {"CVSSV3": "CVSS:3.0/", "CVSSV31": "CVSS:3.1/", "CVSSV4": "CVSS:4.0/"}


@dataclass(frozen=True, slots=True)
class _Part:
    name: str
    version: str | None
    purl: str | None

    @property
    def product(self) -> str:
        return self.purl or self.name


@dataclass(slots=True)
class _Bom:
    parts: dict[str, _Part] = field(default_factory=dict)
    subject_ref: str | None = None
    subject: _Part | None = None
    timestamp: datetime | None = None
    tool: str | None = None
    vulnerabilities: list[Node] = field(default_factory=list)
    components_seen: bool = False


def read_cyclonedx(path: Path, *, statements_only: bool = False) -> FileContents:
    contents = FileContents()
    bom = _Bom()
    wanted = ("specVersion", "metadata", "components.item", "vulnerabilities.item")
    for value in stream_values(path, wanted):
        if value.prefix == "specVersion":
            if not isinstance(value.value, str):
                raise FieldError(value.json_path, 'must be text, such as "1.5"')
        elif value.prefix == "metadata":
            _metadata(Node(value.value, value.json_path), bom)
        elif value.prefix == "components.item":
            bom.components_seen = True
            _collect_parts(Node(value.value, value.json_path), bom.parts)
        else:
            bom.vulnerabilities.append(Node(value.value, value.json_path))
    subject = bom.subject
    target = (purl_base(subject.purl) if subject.purl else subject.name) if subject else ""
    scan = Scan(bom.tool or SCANNER, target, bom.timestamp)
    source = str(path)
    for findings, statements in each_good(
        contents, bom.vulnerabilities, lambda node: _vulnerability(node, bom, scan.scanner, source)
    ):
        scan.findings.extend(() if statements_only else findings)
        contents.statements.extend(statements)
    contents.issued_at = bom.timestamp
    # A document of statements about its subject alone, listing no components, is a VEX, not a scan.
    vex_only = bool(contents.statements) and not scan.findings and not bom.components_seen
    if not statements_only and not vex_only:
        contents.scans.append(scan)
    return contents


def _metadata(metadata: Node, bom: _Bom) -> None:
    bom.timestamp = metadata.timestamp("timestamp")
    component = metadata.node("component")
    if component is not None:
        bom.subject = _part(component)
        bom.subject_ref = component.text("bom-ref")
        _collect_parts(component, bom.parts)
    tools = metadata.data.get("tools")
    if isinstance(tools, list):  # 1.4: a list of tools
        names = [Node(item, f"{metadata.at('tools')}[{index}]").text("name") for index, item in enumerate(tools)]
    elif isinstance(tools, dict):  # 1.5 and later: {components: [...], services: [...]}
        holder = Node(tools, metadata.at("tools"))
        names = [item.text("name") for item in (*holder.nodes("components"), *holder.nodes("services"))]
    else:
        names = []
    bom.tool = next((name for name in names if name), None)


def _part(component: Node) -> _Part:
    name = component.required_text("name")
    group = component.text("group")
    return _Part(f"{group}/{name}" if group else name, component.text("version", numbers=True), component.text("purl"))


def _collect_parts(component: Node, parts: dict[str, _Part]) -> None:
    reference = component.text("bom-ref")
    if reference is not None:
        parts[reference] = _part(component)
    for child in component.nodes("components"):
        _collect_parts(child, parts)


def _vulnerability(node: Node, bom: _Bom, scanner: str, source: str) -> tuple[list[Finding], list[VexStatement]]:
    identifier = node.required_text("id")
    canonical, aliases = canonical_ids(identifier, tuple(ref.required_text("id") for ref in node.nodes("references")))
    analysis = node.node("analysis")
    state = _state(analysis) if analysis else None
    affected = [_affected(ref, bom) for ref in node.nodes("affects")] or [None]
    statements = []
    if analysis is not None and state is not None:
        statements = [
            VexStatement(
                canonical,
                state,
                analysis.text("justification"),
                analysis.text("detail"),
                part.product if part else None,
                source,
            )
            for part in affected
        ]
    if state in SUPPRESSING_VEX_STATES:
        return [], statements
    severity, vector, score = _ratings(node)
    packages = [None if part is bom.subject else part for part in affected]
    findings = [
        Finding(
            key=vulnerability_key(canonical, part.name if part else None, part.purl if part else None),
            scanner=scanner,
            target="",
            severity=severity,
            title=_title(node) or canonical,
            vulnerability_id=canonical,
            aliases=aliases,
            package=part.name if part else None,
            package_version=part.version if part else None,
            purl=part.purl if part else None,
            cvss_vector=vector,
            cvss_score=score,
        )
        for part in packages
    ]
    return findings, statements


def _affected(reference: Node, bom: _Bom) -> _Part | None:
    ref = reference.required_text("ref")
    if ref == bom.subject_ref:
        return bom.subject
    return bom.parts.get(ref) or _Part(ref, None, ref if ref.startswith("pkg:") else None)


def _state(analysis: Node) -> VexState | None:
    text = analysis.text("state")
    if text is None:
        return None
    state = ANALYSIS_STATES.get(text)
    if state is None:
        raise FieldError(
            analysis.at("state"),
            f"{text!r} is not a CycloneDX analysis state",
            f"Use one of {', '.join(ANALYSIS_STATES)}.",
        )
    return state


def _ratings(node: Node) -> tuple[FindingSeverity, str | None, float | None]:
    severities: list[FindingSeverity] = []
    vectors: list[tuple[str, float | None, Node, str]] = []
    for rating in node.nodes("ratings"):
        text = rating.text("severity")
        severity = severity_named(text)
        if text is not None and severity is None:
            raise FieldError(rating.at("severity"), f"{text!r} is not a CycloneDX severity")
        if severity is not None:
            severities.append(severity)
        vector = rating.text("vector")
        if vector:
            vectors.append((_with_prefix(vector, rating.text("method")), rating.cvss_score("score"), rating, "vector"))
    found_vector, score = newest_vector(vectors)
    return highest(severities), found_vector, score


def _with_prefix(vector: str, method: str | None) -> str:
    if vector.startswith("CVSS:") or method is None:
        return vector
    return _VECTOR_PREFIXES.get(method.upper(), "") + vector


def _title(node: Node) -> str | None:
    description = node.text("description")
    return description.strip().splitlines()[0][:200] if description else None

"""pip-audit's JSON (`pip-audit -f json`): the current `{"dependencies": [...], "fixes": [...]}` and
the older top-level list of dependencies. Each vulnerability of a dependency is a finding on that
PyPI package; pip-audit gives no severity (unknown) and does not say what it audited, so the target
is `--repository`, else the file's name. Streamed dependency by dependency."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from charter.model.finding import Finding
from charter.sources.findings.fields import Node
from charter.sources.findings.identity import canonical_ids, vulnerability_key
from charter.sources.findings.jsonstream import stream_values
from charter.sources.findings.scan import FileContents, Scan, each_good
from charter.sources.records import first_text

SCANNER = "pip-audit"


def read_pip_audit(path: Path) -> FileContents:
    contents = FileContents()
    scan = Scan(SCANNER, "")
    prefix = "item" if first_text(path, 64).startswith("[") else "dependencies.item"
    for value in stream_values(path, (prefix,)):
        dependency = Node(value.value, value.json_path)
        for found in each_good(contents, (dependency,), lambda item: list(dependency_findings(item))):
            scan.findings.extend(found)
    contents.scans.append(scan)
    return contents


def dependency_findings(dependency: Node) -> Iterator[Finding]:
    """The findings of one dependency (none when pip-audit skipped it); raises FieldError."""
    name = dependency.required_text("name")
    version = dependency.text("version", numbers=True)
    purl = f"pkg:pypi/{name.lower()}@{version}" if version else f"pkg:pypi/{name.lower()}"
    for vulnerability in dependency.nodes("vulns"):
        identifier = vulnerability.required_text("id")
        canonical, aliases = canonical_ids(identifier, vulnerability.texts("aliases"))
        description = vulnerability.text("description")
        yield Finding(
            key=vulnerability_key(canonical, name, purl),
            scanner=SCANNER,
            target="",
            severity="unknown",
            title=_summary(description) if description else identifier,
            vulnerability_id=canonical,
            aliases=aliases,
            package=name,
            package_version=version,
            purl=purl,
            fixed_versions=vulnerability.texts("fix_versions"),
        )


def _summary(text: str, limit: int = 200) -> str:
    sentence = text.strip().split(". ", 1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"

"""The scanner formats Charter reads, each with its reader, and telling them apart from the start of
the file (the keys each tool writes first), so `--input-format` is needed only for a file that does
not say."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Location, Severity
from charter.model.file_formats import FindingFormat
from charter.sources.findings.cyclonedx import read_cyclonedx
from charter.sources.findings.grype import read_grype
from charter.sources.findings.jsonstream import CODES as JSON_CODES
from charter.sources.findings.npm_audit import read_npm_audit
from charter.sources.findings.openvex import read_openvex
from charter.sources.findings.osv import read_osv
from charter.sources.findings.pip_audit import read_pip_audit
from charter.sources.findings.sarif import read_sarif
from charter.sources.findings.scan import FileContents
from charter.sources.findings.trivy import read_trivy
from charter.sources.records import ImportFileError, first_text

CODES = Codes(
    Rule(
        "IMP030",
        "Unknown scanner format",
        Severity.ERROR,
        rationale="Charter could not tell which scanner wrote the file, so it cannot read its findings.",
        fix=(
            "Pass `--input-format` (sarif, trivy, grype, pip-audit, npm-audit, osv, cyclonedx, cyclonedx-vex, "
            "openvex), or export the scan in one of these formats."
        ),
        example="""\
$ charter import findings facts/scans/report.json     # JSON that no scanner Charter reads writes
""",
    ),
    uses=(JSON_CODES["IMP032"],),
)
diagnostic = CODES.diagnostic


READERS: dict[FindingFormat, Callable[[Path], FileContents]] = {
    FindingFormat.SARIF: read_sarif,
    FindingFormat.TRIVY: read_trivy,
    FindingFormat.GRYPE: read_grype,
    FindingFormat.PIP_AUDIT: read_pip_audit,
    FindingFormat.NPM_AUDIT: read_npm_audit,
    FindingFormat.OSV: read_osv,
    FindingFormat.CYCLONEDX: read_cyclonedx,
    FindingFormat.CYCLONEDX_VEX: lambda path: read_cyclonedx(path, statements_only=True),
    FindingFormat.OPENVEX: read_openvex,
}

# How far into a file its format is looked for: every tool writes its telling keys near the start.
_SNIFF_BYTES = 65536


def _key(name: str) -> re.Pattern[str]:
    """A JSON key `"name":` (not inside a string, where its quotes would be escaped)."""
    return re.compile(r'(?<!\\)"' + re.escape(name) + r'"\s*:')


_SIGNS: tuple[tuple[FindingFormat, tuple[re.Pattern[str], ...]], ...] = (
    (FindingFormat.CYCLONEDX, (re.compile(r'"bomFormat"\s*:\s*"CycloneDX"'),)),
    (FindingFormat.OPENVEX, (re.compile(r'"@context"\s*:\s*"https?://openvex\.dev'),)),
    (FindingFormat.SARIF, (_key("runs"), re.compile(r'"(version|\$schema)"\s*:'))),
    (FindingFormat.TRIVY, (_key("SchemaVersion"), re.compile(r'"(ArtifactName|Results)"\s*:'))),
    (FindingFormat.GRYPE, (_key("matches"),)),
    (FindingFormat.NPM_AUDIT, (re.compile(r'"(auditReportVersion|advisories)"\s*:'),)),
    (FindingFormat.PIP_AUDIT, (_key("dependencies"), re.compile(r'"(vulns|skip_reason|fixes)"\s*:'))),
    (FindingFormat.PIP_AUDIT, (re.compile(r"^\[\s*\{"), _key("vulns"))),
    (FindingFormat.OSV, (_key("results"), _key("packages"))),
    (FindingFormat.OSV, (_key("id"), re.compile(r'"(affected|modified|schema_version)"\s*:'))),
)


def detect_format(path: Path) -> FindingFormat:
    """The format the file's content shows; IMP030 when none does."""
    start = first_text(path, _SNIFF_BYTES)
    for found, signs in _SIGNS:
        if all(sign.search(start) for sign in signs):
            return found
    if start[:1] in ("{", "[") and path.stat().st_size <= _SNIFF_BYTES:
        _raise_when_not_json(path)  # a short JSON file cut off is said to be cut off, not unknown
    what = "an empty file" if not start else "not a scanner format Charter knows"
    raise ImportFileError(
        diagnostic(
            "IMP030",
            f"cannot tell which scanner wrote {path}: {what}",
            Location(str(path)),
        )
    )


def _raise_when_not_json(path: Path) -> None:
    """IMP032, with the line and column where parsing stopped, when the file is not complete JSON."""
    try:
        json.loads(path.read_bytes())
    except json.JSONDecodeError as error:
        raise ImportFileError(
            diagnostic(
                "IMP032",
                f"{path} is not complete JSON: {error.msg} at line {error.lineno}, column {error.colno}",
                Location(str(path), error.lineno, error.colno),
            )
        ) from None
    except (UnicodeDecodeError, OSError):
        return

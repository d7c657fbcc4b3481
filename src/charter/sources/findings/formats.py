"""The scanner formats Charter reads, each with its reader, and telling them apart from the start of
the file (the keys each tool writes first), so `--input-format` is needed only for a file that does
not say."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
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
from charter.sources.limits import too_deep
from charter.sources.records import ImportFileError, first_text, past_limit

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


# How far into a file its format is looked for: every tool writes its telling keys near the start.
_SNIFF_BYTES = 65536


def _key(name: str) -> re.Pattern[str]:
    """A JSON key `"name":` (not inside a string, where its quotes would be escaped)."""
    return re.compile(r'(?<!\\)"' + re.escape(name) + r'"\s*:')


@dataclass(frozen=True, slots=True)
class ScannerFormat:
    """One scanner format: its name (`--input-format`), its reader, and how its content is recognised:
    any one of `signs`, every pattern of it found near the start of the file."""

    name: str
    read: Callable[[Path], FileContents]
    signs: tuple[tuple[re.Pattern[str], ...], ...] = ()


def _read_vex_of_cyclonedx(path: Path) -> FileContents:
    return read_cyclonedx(path, statements_only=True)


# Every scanner format, in the order detection tries them. Adding a format is a reader module and
# one entry here (its name also in `model/file_formats.FindingFormat`, so `--input-format` offers
# it without loading the readers; a test holds the two lists equal).
SCANNER_FORMATS: tuple[ScannerFormat, ...] = (
    ScannerFormat(FindingFormat.CYCLONEDX, read_cyclonedx, ((re.compile(r'"bomFormat"\s*:\s*"CycloneDX"'),),)),
    ScannerFormat(FindingFormat.OPENVEX, read_openvex, ((re.compile(r'"@context"\s*:\s*"https?://openvex\.dev'),),)),
    ScannerFormat(FindingFormat.SARIF, read_sarif, ((_key("runs"), re.compile(r'"(version|\$schema)"\s*:')),)),
    ScannerFormat(
        FindingFormat.TRIVY, read_trivy, ((_key("SchemaVersion"), re.compile(r'"(ArtifactName|Results)"\s*:')),)
    ),
    ScannerFormat(FindingFormat.GRYPE, read_grype, ((_key("matches"),),)),
    ScannerFormat(FindingFormat.NPM_AUDIT, read_npm_audit, ((re.compile(r'"(auditReportVersion|advisories)"\s*:'),),)),
    ScannerFormat(
        FindingFormat.PIP_AUDIT,
        read_pip_audit,
        (
            (_key("dependencies"), re.compile(r'"(vulns|skip_reason|fixes)"\s*:')),
            (re.compile(r"^\[\s*\{"), _key("vulns")),
        ),
    ),
    ScannerFormat(
        FindingFormat.OSV,
        read_osv,
        ((_key("results"), _key("packages")), (_key("id"), re.compile(r'"(affected|modified|schema_version)"\s*:'))),
    ),
    ScannerFormat(FindingFormat.CYCLONEDX_VEX, _read_vex_of_cyclonedx),  # only when named: it is CycloneDX
)


def reader_of(name: str) -> Callable[[Path], FileContents]:
    """The reader of the scanner format named `name`."""
    for scanner_format in SCANNER_FORMATS:
        if scanner_format.name == name:
            return scanner_format.read
    raise KeyError(name)


def detect_format(path: Path) -> str:
    """The name of the format the file's content shows; IMP030 when none does."""
    start = first_text(path, _SNIFF_BYTES)
    for scanner_format in SCANNER_FORMATS:
        if any(all(sign.search(start) for sign in signs) for signs in scanner_format.signs):
            return scanner_format.name
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
    except RecursionError:
        raise past_limit(path, too_deep()) from None
    except (UnicodeDecodeError, OSError):
        return

"""What every reader works with: the file being read, and the collector it hands entities, SLOs,
records and diagnostics to. Readers never raise on bad input; they report and go on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from charter.load.yaml12 import DocumentMarks, YamlDocument
from charter.model.catalog import CatalogEntity
from charter.model.codes import Codes, Rule
from charter.model.decision import CODES as DECISION_CODES
from charter.model.decision import Decision
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.estate import CODES as ESTATE_CODES
from charter.model.incident import Incident
from charter.model.kinds import CharterEntity
from charter.model.organization import Organization
from charter.model.radar import RadarEntry
from charter.model.slo import Slo, SloIndicator

# The loader's codes: every reader reports what it finds through `LoadContext.report`.
CODES = Codes(
    Rule(
        "SCH001",
        "YAML syntax error",
        Severity.ERROR,
        rationale="A file that does not parse hides everything it declares from every check.",
        fix="Fix the YAML (or JSON) at the reported line and column.",
        example="""\
# catalog/payments.yaml
metadata:
  name: payments
   title: Payments      # one space too far: YAML reads no mapping here
""",
    ),
    Rule(
        "SCH002",
        "Duplicate key",
        Severity.ERROR,
        rationale="YAML parsers disagree on which of two equal keys wins; the strategy must not depend on it.",
        fix="Remove or rename one of the two keys.",
        example="""\
# catalog/payments.yaml
metadata:
  name: payments
  name: payments-api    # the same key twice
""",
    ),
    Rule(
        "SCH003",
        "Invalid document",
        Severity.ERROR,
        rationale="A field with the wrong type or a missing required field makes the entity meaningless.",
        fix="Correct the field named in the message; `charter schema` gives editor completion.",
        example="""\
# catalog/payments.yaml
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: payments}
spec:
  owner: payments
  dependsOn: resource:orders-db      # a list is expected: [resource:orders-db]
""",
    ),
    Rule(
        "SCH004",
        "Unknown kind or apiVersion",
        Severity.ERROR,
        rationale="A document Charter cannot classify is silently absent from every report otherwise.",
        fix="Use a kind Charter reads (see README) or move the file out of the strategy folders.",
        example="""\
# catalog/payments.yaml
apiVersion: acme.example/v1     # neither Backstage, OpenSLO, Sloth, Pyrra nor charter.dev/v1
kind: Service
metadata: {name: payments}
""",
    ),
    Rule(
        "SCH005",
        "Unreadable file",
        Severity.ERROR,
        rationale="Files that are not UTF-8 text (or are binary) cannot be read as strategy.",
        fix="Save the file as UTF-8 text, or remove it from the strategy folders.",
        example="""\
# catalog/logo.yaml: a PNG saved under a .yaml name, bytes 89 50 4E 47 0D 0A 1A 0A 00 ...
""",
    ),
    Rule(
        "SCH006",
        "Empty file",
        Severity.WARNING,
        rationale="An empty file in a strategy folder is usually a mistake or a leftover.",
        fix="Add content or delete the file.",
        example="""\
# catalog/payments.yaml: zero bytes
""",
    ),
    Rule(
        "SCH007",
        "File too large",
        Severity.ERROR,
        rationale="Strategy files are small; a huge file is almost always generated output committed by mistake.",
        fix="Split the file, or move generated data out of the strategy folders.",
        example="""\
# catalog/export.yaml: 48 MiB of entities dumped by a script
""",
    ),
    Rule(
        "SCH008",
        "Unreachable path",
        Severity.ERROR,
        rationale="A symlink loop or a path that cannot be opened stops part of the repository from loading.",
        fix="Remove the loop or fix the link.",
        example="""\
$ ln -s . catalog/loop      # a symlink to its own folder
""",
    ),
    Rule(
        "SCH009",
        "Kind kept without checks",
        Severity.INFO,
        rationale="Kinds defined by Backstage plugins (Template, Environment, ...) are kept but not checked.",
        fix="Nothing to do; suppress with `spec.diagnostics: {SCH009: off}` if it is noise.",
        example="""\
# catalog/templates.yaml
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: new-service}
""",
    ),
    Rule(
        "SCH010",
        "Not a document mapping",
        Severity.ERROR,
        rationale="Every YAML document in the strategy must be a mapping with apiVersion and kind.",
        fix="Make the document a mapping, or remove it.",
        example="""\
# catalog/payments.yaml
- name: payments        # a list of names, not an entity
- name: search
""",
    ),
    Rule(
        "SCH011",
        "Not a record",
        Severity.INFO,
        rationale="A Markdown file without the front matter of an incident or decision is not read as one.",
        fix="Add the front matter if the file is meant to be a record.",
        example="""\
<!-- incidents/offsite-notes.md: no front matter -->
# Notes from the reliability offsite
""",
    ),
    Rule(
        "SCH012",
        "Unknown status",
        Severity.WARNING,
        rationale="A decision or record status outside the known set is not understood by any rule.",
        fix="Use one of: proposed, accepted, rejected, deprecated, superseded.",
        example="""\
<!-- decisions/0007-use-postgres.md -->
---
status: pending         # not proposed, accepted, rejected, deprecated or superseded
date: 2026-03-01
---
# Use PostgreSQL for orders
""",
    ),
    Rule(
        "SCH013",
        "More than one Organization",
        Severity.ERROR,
        rationale="`charter.yaml` holds the only Organization; a second one makes policies ambiguous.",
        fix="Keep one Organization document, in charter.yaml.",
        example="""\
# catalog/acme.yaml: a second Organization besides charter.yaml's
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
""",
    ),
    Rule(
        "REF002",
        "Duplicate entity",
        Severity.ERROR,
        rationale="Two entities with the same kind, namespace and name: one silently replaces the other.",
        fix="Rename or remove one of them.",
        example="""\
# catalog/payments.yaml and catalog/legacy/payments.yaml, both:
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: payments}
""",
    ),
    Rule(
        "REF003",
        "Location target not found",
        Severity.ERROR,
        rationale="A Location that points at nothing loads nothing.",
        fix="Correct the target path, or remove the Location.",
        example="""\
# catalog/locations.yaml
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: teams}
spec: {target: ./teams/*.yaml}      # catalog/teams/ holds no .yaml file
""",
    ),
    Rule(
        "REF004",
        "Location target outside the repository",
        Severity.ERROR,
        rationale="Charter reads only the strategy repository and the roots named in `spec.sources.catalog`.",
        fix="Add the target's folder to `spec.sources.catalog`, or move the file into the repository.",
        example="""\
# catalog/locations.yaml
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: platform}
spec: {type: url, target: "https://github.com/acme/platform/blob/main/catalog-info.yaml"}
""",
    ),
    Rule(
        "SCH014",
        "Symlink out of the repository",
        Severity.ERROR,
        rationale="A symlink in the strategy folders that leads outside the repository and the "
        "`sources.catalog` roots would make checks read files nobody reviews with the strategy.",
        fix="Replace the symlink with the file, or add its folder to `spec.sources.catalog`.",
        example="""\
$ ln -s /srv/shared/team.yaml catalog/team.yaml      # read from outside the repository
""",
    ),
    Rule(
        "REF009",
        "Location pattern too broad",
        Severity.ERROR,
        rationale="A glob that reaches far more files than any strategy holds (`/**/*.yaml`) walks "
        "whole filesystems instead of a repository.",
        fix="Name the folder the files are in, with a narrower pattern.",
        example="""\
# catalog/locations.yaml
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: everything}
spec: {targets: ["../../**/*.yaml"]}
""",
    ),
    uses=(ESTATE_CODES["REF001"], DECISION_CODES["REF006"]),
)
diagnostic = CODES.diagnostic


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file of the strategy repository: its repo-relative path (POSIX) and its text."""

    path: str
    text: str

    def location(self, line: int = 0, column: int = 0, document: int = 0) -> Location:
        return Location(self.path, line, column, document)

    def document_location(self, document: YamlDocument) -> Location:
        return Location(self.path, document.line, document.column, document.index)


@dataclass
class LoadContext:
    """Collects what the readers produce, in file order."""

    organizations: list[Organization] = field(default_factory=list)
    entities: list[CatalogEntity | CharterEntity] = field(default_factory=list)
    slos: list[Slo] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    radar: list[RadarEntry] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # OpenSLO SLIs by name, and the SLOs waiting for one (`indicatorRef` read before its SLI).
    openslo_indicators: dict[str, SloIndicator] = field(default_factory=dict)
    openslo_waiting: dict[str, list[tuple[int, Location]]] = field(default_factory=dict)
    # The marks of the file being read, found in one pass however many of its lines diagnostics need.
    marks: DocumentMarks | None = None

    def report(
        self,
        code: str,
        message: str,
        location: Location | None,
        *,
        entity: str | None = None,
        hint: str | None = None,
    ) -> None:
        """Record a diagnostic with the code's default severity; `hint` defaults to the code's fix."""
        self.diagnostics.append(diagnostic(code, message, location, entity=entity, hint=hint))

    def locate(self, source: SourceFile, document: YamlDocument, path: Sequence[str | int]) -> tuple[int, int]:
        """The line and column of `path` in the document (of its nearest existing parent), parsing
        the file's marks once for all its diagnostics; the document's own position when it cannot."""
        if self.marks is None or self.marks.text is not source.text:
            self.marks = DocumentMarks(source.text)
        return self.marks.locate(document.index, path) or (document.line, document.column)

    def report_validation_error(
        self,
        error: ValidationError,
        source: SourceFile,
        document: YamlDocument,
        *,
        entity: str | None = None,
        prefix: Sequence[str | int] = (),
    ) -> None:
        """One SCH003 per Pydantic error, at the line of the offending field."""
        for detail in error.errors(include_url=False):
            path = (*prefix, *detail["loc"])
            where = ".".join(str(step) for step in path) or "document"
            position = self.locate(source, document, path)
            self.report(
                "SCH003",
                f"{where}: {_describe(detail)}",
                Location(source.path, position[0], position[1], document.index),
                entity=entity,
                hint=_hint(detail),
            )


def document_entity(data: Mapping[str, Any], kind: str | None = None) -> str | None:
    """`kind:name` of a raw document, for diagnostics about a document that may not validate."""
    metadata = data.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    if not isinstance(name, str):
        return None
    return f"{(kind or str(data.get('kind', '?'))).lower()}:{name}"


def _describe(detail: Any) -> str:
    kind = detail["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    message = str(detail["msg"]).removeprefix("Value error, ")
    value = detail.get("input")
    if isinstance(value, str | int | float | bool) and kind not in ("missing",):
        return f"{message} (got {value!r})"
    return message


def _hint(detail: Any) -> str:
    kind = detail["type"]
    if kind == "missing":
        return "add the field; `charter schema` writes JSON Schemas for editor completion"
    if kind == "extra_forbidden":
        return "remove the field or correct its spelling (field names are camelCase)"
    if kind.startswith("literal_error"):
        return "use one of the values the message lists"
    return "correct the value to the expected type"

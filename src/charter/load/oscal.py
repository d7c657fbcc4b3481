"""Reading the OSCAL catalogs and profiles a ControlSet names (JSON or YAML, local files in the
strategy repository) and resolving them into the obligation's requirement list. A problem is an
OscalError naming the file and the JSON path; `control_set_requirements` turns it into CTL003."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from charter.analysis.security.oscal_profiles import OscalError, OscalRequirements, requirements_of
from charter.load.yaml12 import YamlError, parse_yaml_documents
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.estate import Estate
from charter.model.kinds import ControlSet, OscalSource
from charter.model.refs import EntityRef

CODES = Codes(
    Rule(
        "CTL003",
        "OSCAL source unusable",
        Severity.ERROR,
        rationale=(
            "The OSCAL profile or catalog a ControlSet names cannot be read or resolved, so its requirement list is "
            "unknown."
        ),
        fix="Fix the file at the reported JSON path, or point `spec.oscal` at a local JSON or YAML catalog or profile.",
        example="""\
# controls/nist.yaml
spec:
  obligation: nist-800-53-moderate
  oscal: oscal/moderate-profile.json    # the file's imports name a catalog that is not there
""",
    ),
)
diagnostic = CODES.diagnostic


YAML_SUFFIXES = (".yaml", ".yml")


def read_oscal_document(path: Path, shown: str) -> Mapping[str, Any]:
    """One OSCAL document, by suffix JSON or YAML (1.2, as the rest of Charter reads YAML)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise OscalError(f"cannot read the file ({error.__class__.__name__}: {error})", shown) from None
    if path.suffix.lower() in YAML_SUFFIXES:
        try:
            documents = parse_yaml_documents(text)
        except YamlError as error:
            raise OscalError(
                f"YAML error at line {error.line}, column {error.column}: {error.message}", shown
            ) from None
        data: Any = documents[0].data if documents else None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise OscalError(f"JSON error at line {error.lineno}, column {error.colno}: {error.msg}", shown) from None
    if not isinstance(data, dict):
        raise OscalError("an OSCAL document is an object with a `catalog` or `profile` key", shown)
    return data


@dataclass
class RepositoryDocuments:
    """The lookup the resolver calls: an href relative to the document naming it, inside the
    repository; an import whose file is not there falls back on the ControlSet's `catalog`."""

    root: Path
    fallback: str | None = None
    cache: dict[str, Mapping[str, Any]] = field(default_factory=dict)

    def __call__(self, href: str, referrer: str) -> tuple[str, Mapping[str, Any]]:
        if "://" in href:
            if self.fallback is None:
                raise OscalError(f"import {href!r} is a URL; Charter reads local files only", referrer)
            return self.read(self.fallback, referrer)
        key = _normalise(PurePosixPath(referrer).parent / href.split("#", 1)[0])
        if key is not None and (self.root / key).is_file():
            return self.read(key, referrer)
        if self.fallback is not None:
            return self.read(self.fallback, referrer)
        raise OscalError(
            f"import {href!r} is not a file in the repository; copy the catalog in, or name it as `oscal.catalog`",
            referrer,
        )

    def read(self, key: str, referrer: str | None = None) -> tuple[str, Mapping[str, Any]]:
        normal = _normalise(PurePosixPath(key))
        if normal is None or not (self.root / normal).is_file():
            raise OscalError(f"{key!r} is not a file in the repository", referrer or key)
        real = (self.root / normal).resolve()
        if not real.is_relative_to(self.root.resolve()):
            raise OscalError(f"{key!r} is a symlink to {real}, outside the repository: not read", referrer or key)
        if normal not in self.cache:
            self.cache[normal] = read_oscal_document(self.root / normal, normal)
        return normal, self.cache[normal]


def _normalise(path: PurePosixPath) -> str | None:
    """A repo-relative path with `..` folded; None when it leaves the repository."""
    parts: list[str] = []
    for part in path.parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts) if parts else None


def resolve_oscal_source(root: Path, source: OscalSource) -> OscalRequirements:
    """The requirement list of a ControlSet's `oscal`: the profile resolved, else the whole catalog."""
    documents = RepositoryDocuments(root, source.catalog)
    key, document = documents.read(source.profile or source.catalog or "")
    return requirements_of(key, document, documents)


def oscal_problem(control_set: ControlSet, error: OscalError) -> Diagnostic:
    """CTL003 at the ControlSet's `oscal`, naming the OSCAL file and the JSON path."""
    where = control_set.location.at("spec", "oscal") if control_set.location else Location(error.document)
    return diagnostic(
        "CTL003",
        f"OSCAL source of {control_set.ref.short}: {error.document} at {error.json_path}: {error.message}",
        where,
        entity=control_set.ref.short,
    )


def control_set_requirements(root: Path, estate: Estate) -> tuple[dict[EntityRef, OscalRequirements], list[Diagnostic]]:
    """The resolved requirement list of every ControlSet that names an OSCAL source, and a
    diagnostic for each that cannot be resolved."""
    resolved: dict[EntityRef, OscalRequirements] = {}
    problems: list[Diagnostic] = []
    for control_set in estate.control_sets:
        if control_set.spec.oscal is None:
            continue
        try:
            resolved[control_set.ref] = resolve_oscal_source(root.resolve(), control_set.spec.oscal)
        except OscalError as error:
            problems.append(oscal_problem(control_set, error))
    return resolved, problems

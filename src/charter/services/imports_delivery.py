"""`charter import deployments|pulls`: deployment records and GitHub pull requests from files, each
file in its own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from charter.analysis.component_sources import component_key, component_scopes
from charter.analysis.delivery.production import is_production
from charter.model.delivery import Deployment
from charter.model.diagnostics import Diagnostic
from charter.model.errors import UsageError
from charter.model.file_formats import DeploymentFormat
from charter.model.refs import parse_ref
from charter.services.context import Context
from charter.services.imports import FileImport, ImportOutcome, ImportReport, import_all_or_nothing, import_each
from charter.sources.deployments import DeploymentImportOptions, read_deployment_file
from charter.sources.pulls import read_pulls_file
from charter.sources.records import Skipped
from charter.store.database import Store
from charter.store.deployments import write_deployments, write_pull_requests


@dataclass(frozen=True, slots=True)
class DeploymentImportRequest:
    """The files to import, their format (None: from the extension, else the content) and the
    component of records that name none."""

    files: tuple[Path, ...]
    input_format: DeploymentFormat | None = None
    component: str | None = None


@dataclass(frozen=True, slots=True)
class DeploymentImport:
    """One file's import and how many of its deployments went to production."""

    report: ImportReport
    production: int


def import_deployment_files(context: Context, request: DeploymentImportRequest) -> ImportOutcome:
    """Import deployments, checking components against the catalog and counting production by
    charter.yaml's production environments."""
    known = frozenset(component_scopes(context.estate))
    if request.component is not None:
        _require_known_component(request.component, known)
    options = DeploymentImportOptions(
        request.input_format, request.component, known, tuple(context.policies.production_environments)
    )

    def one(store: Store, path: Path) -> FileImport:
        result = import_deployments(store, path, options)
        return FileImport(result.report, f"deployments ({result.production} production)")

    return import_each(context, request.files, one)


def _require_known_component(text: str, known: frozenset[str]) -> None:
    """`--component` names a component of the catalog, or the import is a usage error (exit 2): a
    record's unknown component is only a warning, but a name the user typed is checked."""
    try:
        ref = parse_ref(text, default_kind="component")
    except ValueError as error:
        raise UsageError(f"--component: {error}") from None
    if ref.kind != "component" or component_key(ref) not in known:
        raise UsageError(f"--component: {text!r} is not a component of the catalog")


def import_deployments(store: Store, path: Path, options: DeploymentImportOptions) -> DeploymentImport:
    """Import one file of deployments in one transaction: all its records, or none when one is bad."""
    production = 0

    def counted(stream: Iterable[Deployment | Diagnostic | Skipped]) -> Iterator[Deployment | Diagnostic | Skipped]:
        nonlocal production
        for item in stream:
            if isinstance(item, Deployment) and is_production(item.environment, options.production_environments):
                production += 1
            yield item

    report = import_all_or_nothing(store, path, counted(read_deployment_file(path, options)), write_deployments)
    return DeploymentImport(report, 0 if report.failed else production)


@dataclass(frozen=True, slots=True)
class PullImportRequest:
    """The files to import, and the repository of pulls whose export lacks `base.repo.name`."""

    files: tuple[Path, ...]
    repository: str | None = None


def import_pull_files(context: Context, request: PullImportRequest) -> ImportOutcome:
    """Import merged pull requests, so a squashed pull request's lead time starts at its first commit."""
    return import_each(
        context,
        request.files,
        lambda store, path: FileImport(import_pulls(store, path, request.repository), "pull requests"),
    )


def import_pulls(store: Store, path: Path, repository: str | None = None) -> ImportReport:
    """Import one GitHub pulls export in one transaction: all its merged pulls, or none when one is bad."""
    return import_all_or_nothing(store, path, read_pulls_file(path, repository), write_pull_requests)

"""Reports over the facts in the store: code health per component and the delivery metrics, read
from the store and computed by `analysis`, plus the metric values every `charter sync` snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from charter.analysis.codehealth import CodeHealth, CodeHealthOptions, FileChangeRow, analyze_code_health
from charter.analysis.component_sources import ComponentSource, component_sources
from charter.model.organization import GitSource, Policies
from charter.store.database import Store
from charter.store.schema import file_changes
from charter.workspace import Workspace


@dataclass(frozen=True, slots=True)
class ComponentCodeHealth:
    source: ComponentSource
    health: CodeHealth


def _policies(workspace: Workspace) -> Policies:
    organization = workspace.estate.organization
    return organization.spec.policies if organization else Policies()


def _git(workspace: Workspace) -> GitSource:
    organization = workspace.estate.organization
    return organization.spec.sources.git if organization else GitSource()


def component_rows(connection: Connection, source: ComponentSource) -> Iterator[FileChangeRow]:
    """The component's file changes, oldest first, streamed: its repository, under its path prefix."""
    query = select(
        file_changes.c.sha,
        file_changes.c.path,
        file_changes.c.old_path,
        file_changes.c.additions,
        file_changes.c.deletions,
        file_changes.c.author_email,
        file_changes.c.authored_at,
    ).where(file_changes.c.repository == source.repository)
    if source.path_prefix:
        query = query.where(file_changes.c.path.startswith(source.path_prefix + "/", autoescape=True))
    query = query.order_by(file_changes.c.authored_at, file_changes.c.id)
    result = connection.execution_options(yield_per=20_000).execute(query)
    for row in result:
        yield (row[0], row[1], row[2], row[3], row[4], row[5], row[6])


def code_health(
    workspace: Workspace, store: Store, today: datetime, component: str | None = None
) -> list[ComponentCodeHealth]:
    """Code health of every component mapped to a mined repository (or of the one named)."""
    sources, _problems = component_sources(workspace.estate)
    if component is not None:
        sources = [source for source in sources if component in (source.component, source.ref.short, str(source.ref))]
    options = CodeHealthOptions(today=today, bots=_policies(workspace).bots, exclude=_git(workspace).exclude)
    found = []
    with store.engine.connect() as connection:
        for source in sources:
            health = analyze_code_health(component_rows(connection, source), options)
            found.append(ComponentCodeHealth(source, health))
    return found

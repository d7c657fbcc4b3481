"""`codehealth`: hotspots, change coupling, knowledge concentration, bus factor, author turnover and
the share of changes AI coding agents made, per component on its repository's default branch, from
the git history `charter sync` mined into the store; plus the code health metric values a snapshot
records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from charter.analysis.codehealth.authors import AuthorKind, AuthorRecognizer, AutomatedAuthor, recognizer
from charter.analysis.codehealth.health import (
    CodeHealth,
    CodeHealthOptions,
    agent_change_share,
    analyze_code_health,
)
from charter.analysis.codehealth.mainline import Mainline, mainline
from charter.analysis.component_sources import ComponentSource, component_sources
from charter.analysis.metrics import METRICS
from charter.model.errors import NotFound
from charter.model.git_records import DefaultBranch
from charter.model.metric_values import MetricValue, organization_ref, scope_from_stored
from charter.model.organization import BotRule, Policies
from charter.model.refs import EntityRef
from charter.services.context import Context
from charter.services.parsed_history import ParsedHistory
from charter.store.git_history import (
    FileChangeRow,
    known_head,
    mined_repositories,
    read_commit_authors,
    read_file_changes,
    read_head_files,
)

if TYPE_CHECKING:
    from charter.outputs.views import codehealth as view

AGENT_CHANGE_SHARE = "code_health.agent_change_share"


@dataclass(frozen=True, slots=True)
class ComponentCodeHealth:
    """`branch` is the default branch described (None: the store has not read it yet)."""

    source: ComponentSource
    branch: DefaultBranch | None
    health: CodeHealth


def author_recognizer(policies: Policies) -> AuthorRecognizer:
    """`policies.bots` before the bots and agents Charter ships (unless `shippedBots: false`). A plain
    string is a glob on the name or on the e-mail."""
    rules: list[AutomatedAuthor] = []
    for entry in policies.bots:
        if isinstance(entry, BotRule):
            label = entry.label or entry.name or entry.email or ""
            rules.append(AutomatedAuthor(label, AuthorKind(entry.kind), entry.name, entry.email))
        else:
            rules += [
                AutomatedAuthor(entry, AuthorKind.BOT, name=entry),
                AutomatedAuthor(entry, AuthorKind.BOT, email=entry),
            ]
    return recognizer(rules, shipped=policies.shipped_bots)


class _Repositories:
    """Each mined repository's default branch and history, read once however many components it holds."""

    def __init__(self, connection: Connection, recognise: AuthorRecognizer) -> None:
        self._connection = connection
        self._recognise = recognise
        self.mined = mined_repositories(connection)
        self._mainlines: dict[str, tuple[DefaultBranch | None, Mainline]] = {}

    def mainline(self, repository: str) -> tuple[DefaultBranch | None, Mainline]:
        if repository not in self._mainlines:
            branch = known_head(self._connection, repository)
            commits = read_commit_authors(self._connection, repository)
            self._mainlines[repository] = (branch, mainline(branch and branch.sha, commits, self._recognise))
        return self._mainlines[repository]


@dataclass(frozen=True, slots=True)
class ComponentHistory:
    """What code health reads of one component from the store, whatever the date it is measured at."""

    branch: DefaultBranch | None
    mainline: Mainline
    head_files: dict[str, int | None]
    changes: list[FileChangeRow]


# By (repository, path prefix): the histories a series of code health computations reads once.
CodeHistories = dict[tuple[str, str | None], ComponentHistory]


def parsed_code_histories(context: Context, parsed: Iterable[ParsedHistory]) -> CodeHistories:
    """The whole-repository histories code health reads (key: the repository, no path), from the
    histories a sync has just mined from the start and written, as `code_health` reads them from the
    store: the default branch and its files at the head as the mining read them (else from the
    store), the commits as parsed."""
    recognise = author_recognizer(context.policies)
    histories: CodeHistories = {}
    for history in parsed:
        branch, head_files = history.head if history.head is not None else _stored_head(context, history.repository)
        walked = mainline(branch and branch.sha, history.authors, recognise)
        histories[history.repository, None] = ComponentHistory(branch, walked, head_files, history.file_changes())
    return histories


def _stored_head(context: Context, repository: str) -> tuple[DefaultBranch | None, dict[str, int | None]]:
    with context.required_store().engine.connect() as connection:
        return known_head(connection, repository), read_head_files(connection, repository)


def code_health(
    context: Context, today: datetime, component: str | None = None, histories: CodeHistories | None = None
) -> list[ComponentCodeHealth]:
    """Code health of every component mapped to a mined repository (or of the one named: its key,
    short or full reference), on the repository's default branch; components whose repository was
    never mined are left out rather than shown empty. `histories` keeps what is read for the next
    call of a series (a backfill) and gives back what an earlier one read."""
    sources, _problems = component_sources(context.estate)
    if component is not None:
        sources = [source for source in sources if component in (source.component, source.ref.short, str(source.ref))]
    options = CodeHealthOptions(today=today, exclude=context.git_source.exclude)
    found = []
    with context.required_store().engine.connect() as connection:
        repositories = _Repositories(connection, author_recognizer(context.policies))
        for source in sources:
            if source.repository not in repositories.mined:
                continue
            key = (source.repository, source.path_prefix)
            if histories is not None and key in histories:
                found.append(_health_in_hand(source, histories[key], options))
                continue
            branch, history = repositories.mainline(source.repository)
            head_files = read_head_files(connection, source.repository, source.path_prefix)
            rows: Iterable[FileChangeRow] = read_file_changes(
                connection, source.repository, path_prefix=source.path_prefix
            )
            if histories is not None:
                kept = list(rows)
                histories[key] = ComponentHistory(branch, history, head_files, kept)
                rows = kept
            found.append(ComponentCodeHealth(source, branch, analyze_code_health(rows, head_files, history, options)))
    return found


def code_health_metric_values(
    context: Context, today: datetime, histories: CodeHistories | None = None
) -> list[MetricValue]:
    """The code health metrics of every component mapped to a mined repository, as of `today`; the
    agent change share also per team, system and the organisation (each commit counted once).
    `histories`: the components' histories read for an earlier date of the same series, reused."""
    return _metric_values(context, code_health(context, today, histories=histories))


def code_health_metric_values_of(context: Context, today: datetime, histories: CodeHistories) -> list[MetricValue]:
    """`code_health_metric_values` of the components whose history is in hand, without the store:
    for a caller that knows every other component's repository is not mined (`code_health` leaves
    those out), and that may not use the store (a child forked while its parent writes)."""
    sources, _problems = component_sources(context.estate)
    options = CodeHealthOptions(today=today, exclude=context.git_source.exclude)
    found = [
        _health_in_hand(source, read, options)
        for source in sources
        if (read := histories.get((source.repository, source.path_prefix))) is not None
    ]
    return _metric_values(context, found)


def _health_in_hand(source: ComponentSource, read: ComponentHistory, options: CodeHealthOptions) -> ComponentCodeHealth:
    health = analyze_code_health(read.changes, read.head_files, read.mainline, options)
    return ComponentCodeHealth(source, read.branch, health)


def _metric_values(context: Context, found: list[ComponentCodeHealth]) -> list[MetricValue]:
    values = [
        MetricValue(metric, item.source.ref, value, METRICS[metric].unit.value)
        for item in found
        for metric, value in item.health.metric_values().items()
    ]
    organization = context.estate.organization
    org = organization_ref(organization.metadata.name if organization else "org")
    groups: dict[EntityRef, list[ComponentCodeHealth]] = {}
    for item in found:
        scopes = [scope_from_stored("team", item.source.team)] if item.source.team else []
        scopes += [scope_from_stored("system", item.source.system)] if item.source.system else []
        for scope in [*scopes, org]:
            groups.setdefault(scope, []).append(item)
    unit = METRICS[AGENT_CHANGE_SHARE].unit.value
    for scope, items in groups.items():
        commits = {(item.source.repository, sha) for item in items for sha in item.health.window_commits}
        agents = {(item.source.repository, sha) for item in items for sha in item.health.agent_commits}
        values.append(MetricValue(AGENT_CHANGE_SHARE, scope, agent_change_share(len(agents), len(commits)), unit))
    return values


def code_health_report(context: Context, as_of: datetime, component: str | None = None) -> view.CodeHealthReport:
    """Code health per component as of `as_of` (the end of its recent window), or of the one named.
    Raises NotFound when a component is named and none such is mapped to a mined repository."""
    from charter.services.codehealth_views import code_health_view

    found = code_health(context, as_of, component)
    if component is not None and not found:
        raise NotFound(f"no component `{component}` mapped to a repository (annotation charter.dev/repo)")
    return code_health_view([(item.source, item.branch, item.health) for item in found])

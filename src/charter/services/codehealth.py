"""`codehealth`: hotspots, change coupling, knowledge concentration, bus factor and author turnover
per component, from the git history `charter sync` mined into the store; plus the code health
metric values a snapshot records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from charter.analysis.codehealth.health import CodeHealth, CodeHealthOptions, FileHealth, analyze_code_health
from charter.analysis.component_sources import ComponentSource, component_sources
from charter.analysis.metrics import METRICS
from charter.model.errors import NotFound
from charter.model.metric_values import MetricValue
from charter.outputs.views import codehealth as view
from charter.services.context import Context
from charter.store.git_history import read_file_changes
from charter.store.schema import git_repositories


@dataclass(frozen=True, slots=True)
class ComponentCodeHealth:
    source: ComponentSource
    health: CodeHealth


def code_health(context: Context, today: datetime, component: str | None = None) -> list[ComponentCodeHealth]:
    """Code health of every component mapped to a mined repository (or of the one named: its key,
    short or full reference); components whose repository was never mined are left out rather
    than shown empty."""
    sources, _problems = component_sources(context.estate)
    if component is not None:
        sources = [source for source in sources if component in (source.component, source.ref.short, str(source.ref))]
    options = CodeHealthOptions(today=today, bots=context.policies.bots, exclude=context.git_source.exclude)
    found = []
    with context.required_store().engine.connect() as connection:
        mined = set(connection.execute(select(git_repositories.c.name)).scalars())
        for source in sources:
            if source.repository not in mined:
                continue
            rows = read_file_changes(connection, source.repository, path_prefix=source.path_prefix)
            found.append(ComponentCodeHealth(source, analyze_code_health(rows, options)))
    return found


def code_health_metric_values(context: Context, today: datetime) -> list[MetricValue]:
    """The code health metrics of every component mapped to a mined repository, as of `today`."""
    return [
        MetricValue(metric, item.source.ref, value, METRICS[metric].unit.value)
        for item in code_health(context, today)
        for metric, value in item.health.metric_values().items()
    ]


def code_health_report(context: Context, as_of: datetime, component: str | None = None) -> view.CodeHealthReport:
    """Code health per component as of `as_of` (the end of its recent window), or of the one named.
    Raises NotFound when a component is named and none such is mapped to a mined repository."""
    found = code_health(context, as_of, component)
    if component is not None and not found:
        raise NotFound(f"no component `{component}` mapped to a repository (annotation charter.dev/repo)")
    return view.CodeHealthReport(components=[_component_view(item) for item in found])


def _file_view(file: FileHealth) -> view.FileHealth:
    return view.FileHealth(
        path=file.path,
        lines=file.lines,
        commits=file.commits,
        commits_in_window=file.commits_in_window,
        churn_in_window=file.churn_in_window,
        hotspot_score=file.hotspot_score,
        hotspot=file.hotspot,
        last_changed=file.last_changed,
        age_days=file.age_days,
        top_author=file.knowledge.top_author,
        top_author_share=file.knowledge.top_author_share,
        bus_factor=file.knowledge.bus_factor,
    )


def _component_view(item: ComponentCodeHealth) -> view.ComponentCodeHealth:
    source, health = item.source, item.health
    files = [_file_view(file) for file in health.files]
    knowledge = health.knowledge
    return view.ComponentCodeHealth(
        component=source.component,
        team=source.team,
        system=source.system,
        repository=source.repository,
        path=source.path_prefix,
        window=view.Window(start=health.window_start, end=health.today),
        metrics=health.metric_values(),
        files=len(files),
        hotspot_count=health.hotspot_count,
        churn_in_window=health.churn_in_window,
        churn=health.churn,
        knowledge=view.Knowledge(
            basis=knowledge.basis.value,
            authors=knowledge.authors,
            top_author=knowledge.top_author,
            top_author_share=knowledge.top_author_share,
            bus_factor=knowledge.bus_factor,
        ),
        author_turnover=view.AuthorTurnover(
            previous_authors=health.previous_authors, departed=health.departed_authors, ratio=health.author_turnover
        ),
        hotspots=[file for file in files if file.hotspot],
        couplings=[
            view.Coupling(first=pair.first, second=pair.second, support=pair.support, confidence=pair.confidence)
            for pair in health.couplings
        ],
        stale_couplings=[
            view.StaleCoupling(
                stale=pair.stale_path,
                hotspot=pair.hotspot_path,
                support=pair.support,
                confidence=pair.confidence,
                stale_last_changed=pair.stale_last_changed,
                stale_age_days=pair.stale_age_days,
            )
            for pair in health.stale_couplings
        ],
        all_files=files,
    )

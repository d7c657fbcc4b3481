"""Code health (`services/codehealth.py`) as `charter codehealth`'s view model."""

from __future__ import annotations

from collections.abc import Sequence

from charter.analysis.codehealth.health import CodeHealth, FileHealth
from charter.analysis.component_sources import ComponentSource
from charter.model.git_records import DefaultBranch
from charter.outputs.views import codehealth as view

# A component's code health: its source, the default branch described (None: not read yet), the health.
ComponentHealth = tuple[ComponentSource, DefaultBranch | None, CodeHealth]


def code_health_view(found: Sequence[ComponentHealth]) -> view.CodeHealthReport:
    return view.CodeHealthReport(components=[_component_view(*item) for item in found])


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


def _branch_name(branch: DefaultBranch | None) -> str | None:
    """`main` for `refs/heads/main`, `origin/main` for a remote-tracking branch, `HEAD` when detached."""
    if branch is None:
        return None
    return branch.ref.removeprefix("refs/heads/").removeprefix("refs/remotes/")


def _component_view(
    source: ComponentSource, branch: DefaultBranch | None, health: CodeHealth
) -> view.ComponentCodeHealth:
    files = [_file_view(file) for file in health.files]
    knowledge = health.knowledge
    return view.ComponentCodeHealth(
        component=source.component,
        team=source.team,
        system=source.system,
        repository=source.repository,
        path=source.path_prefix,
        branch=_branch_name(branch),
        head=branch.sha if branch else None,
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
        changes_in_window=len(health.window_commits),
        agent_changes_in_window=len(health.agent_commits),
        agent_change_share=health.agent_change_share,
        automated_changes=[
            view.AutomatedChanges(label=changes.label, kind=changes.kind.value, commits=changes.commits)
            for changes in health.automated_changes
        ],
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

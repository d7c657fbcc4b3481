"""`charter codehealth`'s view: per component mapped to a mined repository, on its default branch, its
hotspots, change coupling, stale files coupled to hot ones, knowledge concentration, author turnover,
and the changes bots and AI coding agents made."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from charter.outputs.views.base import IsoDateTime, ReportView, View


class Window(View):
    """The recent window the measures are taken over: [start, end)."""

    start: IsoDateTime
    end: IsoDateTime


class Knowledge(View):
    """Who holds the knowledge: the basis is `recent`, `all_history` or `none`."""

    basis: str
    authors: int
    top_author: str | None
    top_author_share: float | None
    bus_factor: int | None


class AuthorTurnover(View):
    previous_authors: int
    departed: int
    ratio: float | None  # None when the previous window had no author


class FileHealth(View):
    path: str
    lines: int | None  # at the head of the default branch; None for a binary file
    commits: int
    commits_in_window: int
    churn_in_window: int
    hotspot_score: int | None
    hotspot: bool
    last_changed: IsoDateTime | None  # None: no commit of the default branch changed it (a merge made it)
    age_days: int | None
    top_author: str | None
    top_author_share: float | None
    bus_factor: int | None


class Coupling(View):
    first: str
    second: str
    support: int
    confidence: float


class StaleCoupling(View):
    stale: str
    hotspot: str
    support: int
    confidence: float
    stale_last_changed: IsoDateTime
    stale_age_days: int


class AutomatedChanges(View):
    """The recent window's commits one bot or AI coding agent made; `kind` is `bot` or `agent`."""

    label: str
    kind: str
    commits: int


class ComponentCodeHealth(View):
    component: str
    team: str | None
    system: str | None
    repository: str
    path: str | None  # the component's folder in a monorepo
    branch: str | None  # the default branch described (None: `charter sync` has not read it yet)
    head: str | None  # the commit at its head
    window: Window
    metrics: dict[str, float | None]  # registry metric name → value
    files: int
    hotspot_count: int | None  # None when there is no file at all
    churn_in_window: int
    churn: int
    knowledge: Knowledge
    author_turnover: AuthorTurnover
    changes_in_window: int  # commits in the window
    agent_changes_in_window: int  # of which an AI coding agent authored or co-authored
    agent_change_share: float | None  # None when the window has no commit
    automated_changes: list[AutomatedChanges]  # by bots and agents, most first
    hotspots: list[FileHealth]
    couplings: list[Coupling]
    stale_couplings: list[StaleCoupling]
    # Every file that exists, hottest first, for the CSV; the JSON lists the hotspots only.
    all_files: list[FileHealth] = Field(exclude=True)


class CodeHealthReport(ReportView):
    report: ClassVar[str] = "codehealth"

    components: list[ComponentCodeHealth]

"""The application service the commands share: a strategy repository loaded into an Estate
(through the store's parse cache when there is one), checked, with exact locations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from charter.analysis.checks.check import run_check
from charter.analysis.checks.context import CheckContext
from charter.analysis.checks.standards import MetricValues
from charter.load.files import repo_path_exists
from charter.load.repository import load_strategy_repo, pinpoint
from charter.model.diagnostics import Diagnostic
from charter.model.estate import Estate
from charter.model.organization import GitSource, Policies
from charter.model.refs import EntityRef, ReferenceError_, parse_ref
from charter.store.database import Store


@dataclass
class Workspace:
    root: Path
    estate: Estate
    store: Store | None = None

    def check(self, today: date | None = None) -> list[Diagnostic]:
        """Every diagnostic `charter check` reports, with lines resolved."""
        context = CheckContext(today or date.today(), self.path_exists)
        return sorted(pinpoint(run_check(self.estate, context), self.root), key=Diagnostic.sort_key)

    def metric_values(self) -> MetricValues:
        """Latest stored value of each metric per entity (none until `charter sync` has run)."""
        snapshot = self.store.latest_snapshot() if self.store else None
        if snapshot is None:
            return {}
        values: dict[tuple[str, EntityRef], float] = {}
        for item in snapshot.values:
            if item.value is None:
                continue
            try:
                values[(item.metric, parse_ref(item.scope_ref, default_kind=item.scope_kind))] = item.value
            except ReferenceError_:
                continue
        return values

    @property
    def policies(self) -> Policies:
        """`spec.policies` of charter.yaml, or the defaults when there is none."""
        organization = self.estate.organization
        return organization.spec.policies if organization else Policies()

    @property
    def git_source(self) -> GitSource:
        """`spec.sources.git` of charter.yaml, or the defaults."""
        organization = self.estate.organization
        return organization.spec.sources.git if organization else GitSource()

    def path_exists(self, relative: str) -> bool:
        """Answers analysis's questions about paths (`services/check.py` records them per run)."""
        return repo_path_exists(self.root, relative)


def open_workspace(root: Path, store: Store | None = None) -> Workspace:
    """Load the repository, through the store's parse cache when a store is given."""
    cache = store.parse_cache if store else None
    return Workspace(root.resolve(), load_strategy_repo(root, cache), store)

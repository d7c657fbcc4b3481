"""The application service the commands share: a strategy repository loaded into an Estate
(through the store's parse cache when there is one), checked, with exact locations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from charter.analysis.check import run_check
from charter.analysis.governance import CheckContext
from charter.analysis.standards import MetricValues
from charter.load.repository import ParseCache, load_strategy_repo, pinpoint
from charter.model.diagnostics import Diagnostic
from charter.model.estate import Estate


@dataclass
class Workspace:
    root: Path
    estate: Estate

    def check(self, today: date | None = None) -> list[Diagnostic]:
        """Every diagnostic `charter check` reports, with lines resolved."""
        context = CheckContext(today or date.today(), self.path_exists)
        return sorted(pinpoint(run_check(self.estate, context), self.root), key=Diagnostic.sort_key)

    def metric_values(self) -> MetricValues:
        """Latest stored value of each metric per entity (none until `charter sync` has run)."""
        return {}

    def path_exists(self, relative: str) -> bool:
        candidate = (self.root / relative.split("#", 1)[0]).resolve()
        return candidate.is_relative_to(self.root) and candidate.exists()


def open_workspace(root: Path, cache: ParseCache | None = None) -> Workspace:
    return Workspace(root.resolve(), load_strategy_repo(root, cache))

"""Checking a loaded strategy repository: every diagnostic `charter check` reports, with exact
lines, the declarations of their codes, and the answers to the path questions the rules asked
(recorded for this run alone, so that a cached result can tell when one of them changes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from charter.analysis.checks.check import CHECK_CODES, run_check
from charter.analysis.checks.context import CheckContext
from charter.load.context import CODES as LOAD_CODES
from charter.load.files import repo_path_exists
from charter.load.repository import pinpoint
from charter.model.codes import Codes
from charter.model.diagnostics import Diagnostic
from charter.services.cached_check import CheckedStrategy
from charter.services.context import Context

# Every code a check reports: the loader's and the rules'.
STRATEGY_CODES = Codes(uses=(*LOAD_CODES, *CHECK_CODES))


@dataclass
class PathProbe:
    """Answers the rules' questions about repo-relative paths and remembers each answer. One per
    check run: the answers belong to that run's result."""

    root: Path
    answers: dict[str, bool] = field(default_factory=dict)

    def __call__(self, relative: str) -> bool:
        exists = repo_path_exists(self.root, relative)
        self.answers[relative] = exists
        return exists


def is_declared(code: str) -> bool:
    """Whether any module declares `code`: the check's own codes first, then, only for a code that
    is not one of them, the whole catalogue (which imports every declaring module)."""
    if code in STRATEGY_CODES:
        return True
    from charter.services.code_registry import code_catalogue

    return code in code_catalogue()


def check_strategy(context: Context, today: date) -> CheckedStrategy:
    """Every diagnostic of the repository as of `today`: the loader's, every governance rule's and
    every standard's, with suppressions and severity settings applied."""
    probe = PathProbe(context.root)
    found = run_check(context.estate, CheckContext(today, probe, is_declared))
    diagnostics = tuple(sorted(pinpoint(found, context.root), key=Diagnostic.sort_key))
    rules = {item.code: STRATEGY_CODES[item.code] for item in diagnostics if item.code in STRATEGY_CODES}
    return CheckedStrategy(diagnostics, rules, dict(probe.answers))

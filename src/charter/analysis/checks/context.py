"""What a governance rule reads besides the Estate, and the shape every governance rule has."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from charter.model.diagnostics import Diagnostic
from charter.model.estate import Estate


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Today's date (rules are pure, so the clock is passed in), a way to ask whether a
    repo-relative path exists, and whether a diagnostic code exists at all (for settings that name
    codes; None: they are not checked)."""

    today: date
    path_exists: Callable[[str], bool]
    is_declared: Callable[[str], bool] | None = None


GovernanceRule = Callable[[Estate, CheckContext], Iterator[Diagnostic]]

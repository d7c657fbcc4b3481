"""What the roadmap committed at the start of a review period: the initiatives as the strategy
repository's files were then, read from its git history (the last commit before the period), so an
initiative moved to a later quarter since still counts as slipped. A repository without git history
from before the period is read as it is now, and the review says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from charter.model.kinds import Initiative
from charter.services.context import Context
from charter.services.strategy_past import strategy_history

ROADMAP = "roadmap"


@dataclass(frozen=True, slots=True)
class Commitments:
    initiatives: list[Initiative]
    source: str  # where they were read from, as the review shows it


def commitments_at(context: Context, moment: datetime) -> Commitments:
    """The initiatives of the roadmap as committed at `moment`."""
    history = strategy_history(context.root)
    commit = history.commit_at(moment) if history is not None else None
    if history is None or commit is None:
        return Commitments(
            list(context.estate.initiatives),
            "the roadmap files as they are now (no git history of the strategy repository before the period)",
        )
    estate = history.read(commit, (ROADMAP,))
    return Commitments(
        list(estate.initiatives), f"the roadmap files at commit {commit[:12]}, the last before the period"
    )

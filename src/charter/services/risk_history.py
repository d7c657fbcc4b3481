"""The risk register a snapshot records for a moment: built from the risk files as they were then in
the strategy repository's git history (the last commit at or before the moment), so a snapshot
backfilled for a past day holds that day's register, not today's. For moments at or after the last
commit the files as they are stand in (uncommitted edits included), and outside git always; before
the first commit, the first commit's files, the earliest register known."""

from __future__ import annotations

from datetime import datetime

from charter.analysis.risk.register import build_register, register_states
from charter.model.estate import Estate
from charter.model.risk_states import RiskState
from charter.services.context import Context
from charter.services.strategy_past import strategy_history

RISKS = "risks"


class RegistersOverTime:
    """Risk registers at moments of one strategy repository, each past commit read once."""

    def __init__(self, context: Context) -> None:
        self._context = context
        self._history = strategy_history(context.root)
        self._read: dict[str, Estate] = {}

    def states_at(self, moment: datetime) -> list[RiskState]:
        """What a snapshot taken at `moment` stores of the register."""
        return register_states(build_register(self._estate_at(moment), moment.date()))

    def _estate_at(self, moment: datetime) -> Estate:
        history = self._history
        if history is None:
            return self._context.estate
        commit = history.commit_at(moment) or history.commits[-1][0]
        if commit == history.head:
            return self._context.estate
        if commit not in self._read:
            self._read[commit] = history.read(commit, (RISKS,))
        return self._read[commit]

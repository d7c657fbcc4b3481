"""The plugin behind "every declared code is emitted by some test": it counts the diagnostics
Charter's own code creates, not the ones tests build by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from charter.model.diagnostics import Diagnostic, Severity
from charter.services.context import load_context
from charter.services.strategy_check import check_strategy
from tests.emitted_codes import EmittedCodes
from tests.strategy import write_repo


def test_codes_charter_emits_are_recorded_and_hand_made_ones_are_not(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    plugin = request.config.pluginmanager.get_plugin("charter-emitted-codes")
    assert isinstance(plugin, EmittedCodes)
    seen, plugin.codes = plugin.codes, set()
    try:
        Diagnostic("XYZ001", Severity.ERROR, "built by a test")
        write_repo(tmp_path, {"catalog/empty.yaml": ""})
        check_strategy(load_context(tmp_path, None), date(2026, 11, 24))
        assert plugin.codes == {"SCH006"}
    finally:
        plugin.codes |= seen

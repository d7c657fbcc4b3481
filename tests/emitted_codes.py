"""A pytest plugin (registered in conftest.py): records the code of every diagnostic Charter's own
code creates during the session, and of every SLO status verdict, and at the end of a run of the
whole suite fails it when a declared code was never emitted (declare codes only once something
emits them, and test that something) or an emitted code is declared nowhere."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from charter.analysis.reliability.slo_status import Verdict
from charter.model.diagnostics import Diagnostic

TESTS = Path(__file__).resolve().parent
SHARED_FIXTURES = TESTS.parents[1] / "shared" / "fixtures"
# Frames that only pass a diagnostic on: the declarations' factories and `dataclasses.replace`.
_PASSING_ON = ("charter.model.codes", "dataclasses")
_EMITTERS: tuple[type, ...] = (Diagnostic, Verdict)


def _made_by_charter(frame: FrameType | None) -> bool:
    while frame is not None and frame.f_globals.get("__name__", "") in _PASSING_ON:
        frame = frame.f_back
    return frame is not None and str(frame.f_globals.get("__name__", "")).startswith("charter.")


class EmittedCodes:
    """The codes seen, and whether the session ran the whole suite."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.codes: set[str] = set()
        self.deselected = 0
        self.originals: dict[type, Callable[..., None]] = {}

    def start(self) -> None:
        for kind in _EMITTERS:
            original = vars(kind)["__init__"]
            self.originals[kind] = original

            def recording(item: Any, code: str, *args: Any, __original: Any = original, **kwargs: Any) -> None:
                __original(item, code, *args, **kwargs)
                if _made_by_charter(sys._getframe(1)):
                    self.codes.add(code)

            setattr(kind, "__init__", recording)  # noqa: B010 - replacing a method is the point

    def stop(self) -> None:
        for kind, original in self.originals.items():
            setattr(kind, "__init__", original)  # noqa: B010

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    def whole_suite(self, session: pytest.Session) -> bool:
        option = self.config.option
        paths = {Path(str(arg).split("::")[0]).resolve() for arg in self.config.args}
        return (
            not option.keyword
            and not option.markexpr
            and not option.collectonly
            and not self.deselected
            and paths <= {TESTS, TESTS.parent}
            and not session.shouldfail
            and not session.shouldstop
        )

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.stop()
        if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            return
        from charter.services.code_registry import code_catalogue

        declared = {rule.code for rule in code_catalogue()}
        problems = [f"{code}: emitted, but no module declares it" for code in sorted(self.codes - declared)]
        silent = sorted(declared - self.codes) if self.whole_suite(session) else []
        if SHARED_FIXTURES.is_dir():
            problems += [f"{code}: declared, but no test emits it" for code in silent]
        elif silent:  # some codes are emitted only by the tests that read the shared fixtures
            self._report("diagnostic codes", [f"not emitted without ../shared/fixtures: {', '.join(silent)}"])
        if problems:
            self._report("diagnostic codes", problems, red=True)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _report(self, title: str, lines: list[str], red: bool = False) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.section(title, sep="=", red=red, yellow=not red)
            for line in lines:
                reporter.line(line)


def pytest_configure(config: pytest.Config) -> None:
    plugin = EmittedCodes(config)
    plugin.start()
    config.pluginmanager.register(plugin, "charter-emitted-codes")

"""What the command line imports before it works, held structurally (which modules are loaded, not
how long it took): help and parsing load no heavy library and no use case, and an unchanged re-sync
loads neither numpy nor the metric providers nor the escalation rules, and a first sync, which measures,
loads no report view. Each in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_sync_delivery import STRATEGY, Clone
from tests.strategy import write_repo

# The command runs through the real root command in a fresh interpreter, then lists what is loaded.
PROBE = """\
import json, sys
from charter.cli.app import app
try:
    app(sys.argv[1:], prog_name="charter")
except SystemExit:
    pass
print("\\nMODULES " + json.dumps(sorted(sys.modules)))
"""
# Never needed to show help or to parse a command line.
HEAVY = (
    "numpy",
    "sqlalchemy",
    "alembic",
    "pyarrow",
    "httpx",
    "highspy",
    "fastapi",
    "jinja2",
    "dask",
    "distributed",
    "yaml",
    "charter.services",
    "charter.analysis",
    "charter.load",
    "charter.store",
    "charter.sources",
)
# Never needed by a sync whose snapshot's inputs are unchanged.
MEASURING = (
    "numpy",
    "alembic",
    "pyarrow",
    "httpx",
    "highspy",
    "charter.services.metrics",
    "charter.services.snapshot",
    "charter.services.escalations",
    "charter.analysis.codehealth",
    "charter.analysis.escalations",
)


def loaded_modules(*arguments: str, env: dict[str, str] | None = None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *arguments], capture_output=True, text=True, env=env, check=False
    )
    assert "MODULES " in done.stdout, done.stderr
    modules: list[str] = json.loads(done.stdout.rsplit("MODULES ", 1)[1])
    return set(modules)


def under(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(name for name in modules if any(name == top or name.startswith(top + ".") for top in packages))


@pytest.mark.parametrize(
    "arguments",
    [["--help"], ["-h"], ["sync", "--help"], ["check", "--help"], ["import", "--help"], ["sync", "--no-such-option"]],
    ids=" ".join,
)
def test_help_and_parsing_load_nothing_heavy(arguments: list[str]) -> None:
    modules = loaded_modules(*arguments)
    assert "charter.cli.app" in modules  # the probe ran the real command line
    assert under(modules, HEAVY) == []


def test_an_unchanged_resync_loads_no_metric_provider(tmp_path: Path) -> None:
    clone = Clone(tmp_path / "clones" / "payments")
    clone.commit("c1", 1)
    clone.git("tag", "v1.0.0", day=2)
    repo = write_repo(tmp_path / "org", STRATEGY)
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "CHARTER_DATABASE_URL": ""}
    command = ("sync", "--repo", str(repo), "--quiet", "--as-of", "2026-10-13")
    first = loaded_modules(*command, env=environment)
    assert "charter.services.metrics.providers" in first  # the first sync measures
    # and builds no report: only the views' package and their base class, which a gated report names
    assert under(first, ("charter.outputs.views",)) == ["charter.outputs.views", "charter.outputs.views.base"]
    again = loaded_modules(*command, env=environment)
    assert "charter.services.sync" in again
    assert under(again, MEASURING) == []

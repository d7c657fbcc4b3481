"""The sample organisation as `make demo` builds it: generated, every fact imported, one sync at a
fixed date. Built once per test session and shared by the tests that only read it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter.cli.app import app

AS_OF = "2026-11-01"


def run_charter(*arguments: str) -> str:
    """Run one charter command on the demo's own SQLite store; it must succeed without a traceback."""
    result = CliRunner().invoke(app, list(arguments), env={"CHARTER_DATABASE_URL": ""})
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "org"
    run_charter("demo", str(root), "--size", "small")
    facts = root / "facts"
    run_charter("import", "deployments", "--repo", str(root), str(facts / "deployments.jsonl"))
    run_charter("import", "incidents", "--repo", str(root), *map(str, sorted(facts.glob("incidents-*"))))
    run_charter("import", "sli", "--repo", str(root), str(facts / "sli.csv"))
    run_charter("import", "findings", "--repo", str(root), *map(str, sorted((facts / "scans").iterdir())))
    run_charter("import", "kev", "--repo", str(root), str(facts / "kev.json"))
    run_charter("import", "epss", "--repo", str(root), str(facts / "epss.csv"))
    run_charter("import", "scorecard", "--repo", str(root), *map(str, sorted((facts / "scorecard").glob("*.json"))))
    run_charter("sync", "--repo", str(root), "--as-of", AS_OF, "--quiet")
    return root

"""The sample organisation as `make demo` builds it: generated, every fact imported, one sync at a
fixed date. Built once per test session and shared by the tests that only read it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_charter

AS_OF = "2026-11-01"


def charter_output(*arguments: str) -> str:
    """What one charter command prints on the demo's own SQLite store; it must succeed."""
    result = run_charter(*arguments, env={"CHARTER_DATABASE_URL": ""})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "org"
    charter_output("demo", str(root), "--size", "small")
    facts = root / "facts"
    charter_output("import", "deployments", "--repo", str(root), str(facts / "deployments.jsonl"))
    charter_output("import", "incidents", "--repo", str(root), *map(str, sorted(facts.glob("incidents-*"))))
    charter_output("import", "sli", "--repo", str(root), str(facts / "sli.csv"))
    charter_output("import", "findings", "--repo", str(root), *map(str, sorted((facts / "scans").iterdir())))
    charter_output("import", "kev", "--repo", str(root), str(facts / "kev.json"))
    charter_output("import", "epss", "--repo", str(root), str(facts / "epss.csv"))
    charter_output("import", "scorecard", "--repo", str(root), *map(str, sorted((facts / "scorecard").glob("*.json"))))
    charter_output("sync", "--repo", str(root), "--as-of", AS_OF, "--quiet")
    return root

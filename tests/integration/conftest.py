"""The sample organisation as `make demo` builds it: generated, every fact imported, one sync at a
fixed date and a weekly history of snapshots over the two quarters before it. Built once per test
session and shared by the tests that only read it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import charter_output

AS_OF = "2026-11-01"
HISTORY_SINCE = "2026-05-03"  # 26 weeks before AS_OF: `charter snapshot --every 1w` backfills from here


def demo_output(*arguments: str) -> str:
    """What one charter command prints on the demo's own SQLite store; it must succeed."""
    return charter_output(*arguments, env={"CHARTER_DATABASE_URL": ""})


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "org"
    demo_output("demo", str(root), "--size", "small")
    facts = root / "facts"
    demo_output("import", "deployments", "--repo", str(root), str(facts / "deployments.jsonl"))
    demo_output("import", "incidents", "--repo", str(root), *map(str, sorted(facts.glob("incidents-*"))))
    demo_output("import", "sli", "--repo", str(root), str(facts / "sli.csv"))
    demo_output("import", "findings", "--repo", str(root), *map(str, sorted((facts / "scans").iterdir())))
    demo_output("import", "kev", "--repo", str(root), str(facts / "kev.json"))
    demo_output("import", "epss", "--repo", str(root), str(facts / "epss.csv"))
    demo_output("import", "scorecard", "--repo", str(root), *map(str, sorted((facts / "scorecard").glob("*.json"))))
    demo_output("sync", "--repo", str(root), "--as-of", AS_OF, "--quiet")
    demo_output("snapshot", "--repo", str(root), "--since", HISTORY_SINCE, "--until", AS_OF, "--every", "1w")
    return root

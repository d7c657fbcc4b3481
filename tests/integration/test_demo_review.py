"""The review `make demo` ends with (`charter review --since 2026Q3 --until 2026-10-31`) tells the
quarter's story from the demo's own history: the strategy repository's dated commits (a risk opened,
one raised, one closed; initiatives committed to the quarter delivered or moved on) and scans taken
across the period, so the weekly snapshots it compares differ in their risk registers and in their
security findings, not only in the metrics of deployments and incidents."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.conftest import demo_output

SECURITY = "security."


def test_the_review_of_the_demo_quarter_tells_its_story(demo: Path) -> None:
    review = json.loads(
        demo_output("review", "--repo", str(demo), "--since", "2026Q3", "--until", "2026-10-31", "--format", "json")
    )

    assert review["trend"] and review["snapshots"] >= 13
    risks = review["risks"]
    assert risks["opened"], risks
    assert risks["closed"] or risks["levelChanges"], risks
    delivered = review["delivered"]
    assert delivered and all(item["committed"] == "2026Q3" and item["status"] == "done" for item in delivered)
    assert review["slipped"] and all(item["committed"] == "2026Q3" for item in review["slipped"])
    assert review["commitmentsFrom"].startswith("the roadmap files at commit ")
    moved = [item for item in review["improved"] + review["regressed"] if item["scopeKind"] == "org"]
    security = {
        item["metric"]: (item["before"], item["after"]) for item in moved if item["metric"].startswith(SECURITY)
    }
    assert security, moved
    assert all(before != after for before, after in security.values())

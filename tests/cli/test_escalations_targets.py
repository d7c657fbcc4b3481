"""ESC008 end to end: the targets tests' snapshots (tests/services/test_targets_service.py), in which
goal `safe` (tier-1 incidents, summed, at most 1 by 2027-01-10) is off track on 2027-01-20 and named
only by a proposed initiative; its twin commits that initiative. Before the first snapshot the rule
has no data: not evaluated, never a breach, and not an error."""

from __future__ import annotations

from pathlib import Path

from charter.store.database import open_store
from tests.escalations_strategy import escalations_json, open_items, raised
from tests.services.test_targets_service import FILES, ORGANIZATION, TAKEN, _values
from tests.strategy import write_repo

PROPOSED = "spec: {type: reliability, owner: group:search, goals: [safe]}"
COMMITTED = "spec: {type: reliability, owner: group:search, goals: [safe], committed: {quarter: 2027Q1}}"


def _repo(root: Path, initiatives: str) -> Path:
    files = {**FILES, "roadmap/initiatives.yaml": initiatives}
    repo = write_repo(root, files, organization=ORGANIZATION)
    with open_store(repo) as store:
        for index, taken in enumerate(TAKEN):
            store.write_snapshot(taken, None, _values(index))
    return repo


def test_an_off_track_target_of_an_unfunded_goal_is_raised(tmp_path: Path) -> None:
    data = escalations_json(_repo(tmp_path, FILES["roadmap/initiatives.yaml"]), "--as-of", "2027-01-20")
    assert raised(data) == [("ESC008", "goal:safe target:reliability.incidents.count {tier: 1}")]
    [item] = open_items(data).values()
    assert item["severity"] == "warning" and item["owner"] is None  # an organisation-wide target
    assert item["location"] == "charter.yaml:13:11"
    assert [(entry["kind"], entry["ref"]) for entry in item["evidence"]] == [
        ("target", "reliability.incidents.count <= 1 by 2027-01-10"),
        ("initiative", "initiative:fewer-pages"),
    ]


def test_the_twin_whose_goal_is_funded_is_not_raised(tmp_path: Path) -> None:
    initiatives = FILES["roadmap/initiatives.yaml"].replace(PROPOSED, COMMITTED)
    assert initiatives != FILES["roadmap/initiatives.yaml"]
    assert raised(escalations_json(_repo(tmp_path, initiatives), "--as-of", "2027-01-20")) == []


def test_before_the_first_snapshot_targets_are_not_evaluated(tmp_path: Path) -> None:
    data = escalations_json(_repo(tmp_path, FILES["roadmap/initiatives.yaml"]), "--as-of", "2026-12-01")
    assert raised(data) == []
    assert {"code": "ESC008", "reason": "no snapshot by then to evaluate the targets against"} in data["notEvaluated"]


def test_an_organisation_wide_target_escalates_to_its_goals_owner(tmp_path: Path) -> None:
    organization = ORGANIZATION.replace("    - id: safe\n", "    - id: safe\n      owner: group:search\n")
    assert organization != ORGANIZATION
    repo = _repo(tmp_path, FILES["roadmap/initiatives.yaml"])
    (repo / "charter.yaml").write_text(organization)
    [item] = open_items(escalations_json(repo, "--as-of", "2027-01-20")).values()
    assert item["owner"] == "group:search"

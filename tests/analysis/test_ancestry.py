"""What each deployment shipped, by git ancestry, on hand-built histories with lead times worked out
by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from charter.analysis.delivery.ancestry import CommitNode, UnknownDeployedCommit, shipped_changes
from charter.model.delivery import Deployment, PullRequest

T0 = datetime(2026, 3, 2, tzinfo=UTC)
HOUR = 3600.0
DAY = 24 * HOUR


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


class History:
    """A history graph written commit by commit: sha, parents, author time in hours after T0."""

    def __init__(self) -> None:
        self.graph: dict[str, CommitNode] = {}

    def commit(self, sha: str, *parents: str, hour: float) -> History:
        self.graph[sha] = CommitNode(tuple(parents), at(hour), len(parents) > 1)
        return self


def deployed(deployment_id: str, sha: str | None, hour: float) -> Deployment:
    return Deployment(deployment_id, "payments", "production", sha, at(hour))


def shipped_shas(history: History, *deployments: Deployment, horizon_days: int = 365) -> dict[str, list[str]]:
    result = shipped_changes(history.graph, deployments, horizon_days=horizon_days)
    return {deployment_id: [change.sha for change in changes] for deployment_id, changes in result.shipped.items()}


def lead_hours(history: History, *deployments: Deployment) -> dict[str, dict[str, float]]:
    result = shipped_changes(history.graph, deployments, horizon_days=365)
    return {
        deployment_id: {change.sha: change.lead_seconds / HOUR for change in changes}
        for deployment_id, changes in result.shipped.items()
    }


def test_a_linear_history_ships_every_commit_with_its_lead_time() -> None:
    history = History().commit("a", hour=0).commit("b", "a", hour=1).commit("c", "b", hour=2)
    assert lead_hours(history, deployed("v1", "c", 10)) == {"v1": {"a": 10.0, "b": 9.0, "c": 8.0}}


def test_a_merge_commit_is_left_out_and_both_sides_are_shipped() -> None:
    history = (
        History()
        .commit("a", hour=0)
        .commit("b", "a", hour=1)  # main
        .commit("f", "a", hour=2)  # feature branch
        .commit("m", "b", "f", hour=3)  # the merge
    )
    assert lead_hours(history, deployed("v1", "m", 5)) == {"v1": {"a": 5.0, "b": 4.0, "f": 3.0}}


def test_a_second_deployment_ships_only_the_new_commits() -> None:
    history = History().commit("a", hour=0).commit("b", "a", hour=1).commit("c", "b", hour=3).commit("d", "c", hour=4)
    assert lead_hours(history, deployed("v1", "b", 2), deployed("v2", "d", 6)) == {
        "v1": {"a": 2.0, "b": 1.0},
        "v2": {"c": 3.0, "d": 2.0},
    }


def test_a_release_from_a_maintenance_branch_ships_the_back_port_and_main_keeps_the_original() -> None:
    history = (
        History()
        .commit("a", hour=0)
        .commit("b", "a", hour=1)  # v1.0, deployed at hour 2
        .commit("fix", "b", hour=3)  # the fix, made on main
        .commit("d", "fix", hour=4)  # v1.1, deployed at hour 8
        .commit("fix-backport", "b", hour=5)  # cherry-picked onto release/1.0: v1.0.1, deployed at hour 6
    )
    result = lead_hours(
        history, deployed("v1.0", "b", 2), deployed("v1.0.1", "fix-backport", 6), deployed("v1.1", "d", 8)
    )
    assert result == {
        "v1.0": {"a": 2.0, "b": 1.0},
        "v1.0.1": {"fix-backport": 1.0},
        "v1.1": {"fix": 5.0, "d": 4.0},  # main's commits not in v1.0; not the back-port
    }


def test_a_rollback_to_an_older_commit_ships_nothing_and_later_releases_ship_only_new_work() -> None:
    history = History().commit("a", hour=0).commit("b", "a", hour=2).commit("c", "b", hour=6)
    result = shipped_shas(
        history, deployed("v1", "a", 1), deployed("v2", "b", 3), deployed("rollback", "a", 5), deployed("v3", "c", 7)
    )
    assert result == {"v1": ["a"], "v2": ["b"], "rollback": [], "v3": ["c"]}


def test_the_first_deployment_counts_only_commits_inside_the_history_horizon() -> None:
    history = (
        History()
        .commit("ancient", hour=0)
        .commit("edge", "ancient", hour=10 * 24)  # exactly 90 days before the deployment: inside
        .commit("recent", "edge", hour=95 * 24)
        .commit("next", "recent", hour=101 * 24)
    )
    result = shipped_shas(
        history, deployed("v1", "recent", 100 * 24), deployed("v2", "next", 102 * 24), horizon_days=90
    )
    assert result == {"v1": ["edge", "recent"], "v2": ["next"]}  # `ancient` is never shipped


def test_the_horizon_applies_until_a_deployment_commit_is_found_in_the_history() -> None:
    history = History().commit("old", hour=0).commit("new", "old", hour=20 * 24)
    result = shipped_changes(
        history.graph, [deployed("lost", "f00d", 20 * 24), deployed("v1", "new", 21 * 24)], horizon_days=10
    )
    assert result.unknown_commits == (UnknownDeployedCommit("lost", "f00d"),)
    assert {key: [change.sha for change in value] for key, value in result.shipped.items()} == {
        "lost": [],
        "v1": ["new"],
    }


def test_a_squashed_pull_request_starts_its_lead_time_at_its_first_commit() -> None:
    history = History().commit("squash", hour=10).commit("late", "squash", hour=11).commit("plain", "late", hour=12)
    pulls = {
        "squash": PullRequest("payments", 1, "squash", at(1), at(10), first_commit_at=at(2)),
        "late": PullRequest("payments", 2, "late", at(11), at(11), first_commit_at=at(11.5)),  # after: kept
        "plain": PullRequest("payments", 3, "plain", at(12), at(12), first_commit_at=None),
    }
    result = shipped_changes(history.graph, [deployed("v1", "plain", 20)], horizon_days=30, pull_requests_by_sha=pulls)
    assert [(change.sha, change.lead_start, change.lead_seconds / HOUR) for change in result.shipped["v1"]] == [
        ("squash", at(2), 18.0),
        ("late", at(11), 9.0),
        ("plain", at(12), 8.0),
    ]


def test_a_monorepo_component_counts_only_its_commits_but_walks_through_the_others() -> None:
    history = (
        History()
        .commit("ours-1", hour=0)
        .commit("theirs", "ours-1", hour=1)
        .commit("ours-2", "theirs", hour=2)
        .commit("theirs-2", "ours-2", hour=3)
        .commit("ours-3", "theirs-2", hour=4)
    )
    result = shipped_changes(
        history.graph,
        [deployed("v1", "theirs", 1.5), deployed("v2", "ours-3", 5)],
        horizon_days=30,
        relevant_shas={"ours-1", "ours-2", "ours-3"},
    )
    assert {key: [change.sha for change in value] for key, value in result.shipped.items()} == {
        "v1": ["ours-1"],
        "v2": ["ours-2", "ours-3"],
    }


def test_a_commit_authored_after_its_deployment_has_lead_time_zero() -> None:
    history = History().commit("skewed", hour=5)
    assert lead_hours(history, deployed("v1", "skewed", 4)) == {"v1": {"skewed": 0.0}}


def test_deployments_are_taken_in_finish_order_whatever_order_they_come_in() -> None:
    history = History().commit("a", hour=0).commit("b", "a", hour=1)
    later_first = shipped_shas(history, deployed("v2", "b", 3), deployed("v1", "a", 2))
    assert later_first == {"v1": ["a"], "v2": ["b"]}
    same_time = shipped_shas(history, deployed("z", "b", 3), deployed("y", "b", 3))
    assert same_time == {"y": ["a", "b"], "z": []}  # ties by id


def test_a_parent_outside_the_mined_history_ends_the_walk() -> None:
    history = History().commit("tip", "not-mined", hour=1)
    assert shipped_shas(history, deployed("v1", "tip", 2)) == {"v1": ["tip"]}


def test_a_deployment_without_a_commit_ships_nothing() -> None:
    history = History().commit("a", hour=0)
    result = shipped_changes(history.graph, [deployed("v0", None, 1), deployed("v1", "a", 2)], horizon_days=30)
    assert result.unknown_commits == ()
    assert [change.sha for change in result.shipped["v1"]] == ["a"]
    assert result.shipped["v0"] == []


def test_a_hundred_thousand_commit_history_is_walked_without_recursion() -> None:
    count = 100_000
    graph = {
        f"c{index}": CommitNode((f"c{index - 1}",) if index else (), at(index / 60), False) for index in range(count)
    }
    half = count // 2
    result = shipped_changes(
        graph,
        [deployed("half", f"c{half - 1}", count / 60), deployed("tip", f"c{count - 1}", count / 60 + 1)],
        horizon_days=3650,
    )
    assert len(result.shipped["half"]) == half
    assert len(result.shipped["tip"]) == count - half
    assert result.shipped["tip"][0].sha == f"c{half}"


def test_later_deployments_count_old_commits_the_horizon_is_for_the_first_only() -> None:
    history = (
        History()
        .commit("base", hour=99 * 24)
        .commit("slow", "base", hour=100 * 24)  # a long-lived branch
        .commit("main", "base", hour=101 * 24)
        .commit("merge", "main", "slow", hour=300 * 24)
    )
    result = shipped_changes(
        history.graph, [deployed("v1", "main", 102 * 24), deployed("v2", "merge", 301 * 24)], horizon_days=90
    )
    assert [(change.sha, change.lead_seconds / DAY) for change in result.shipped["v2"]] == [("slow", 201.0)]

"""Code health describes the default branch: its files at the head with their sizes there, and the
history of the commits reachable from its head; commits on abandoned branches (and tags left on them)
count for nothing. Worked out by hand on small commit graphs and rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from charter.analysis.codehealth.authors import AuthorKind, recognizer
from charter.analysis.codehealth.health import (
    CodeHealth,
    CodeHealthOptions,
    FileChangeRow,
    Knowledge,
    KnowledgeBasis,
    Mainline,
    analyze_code_health,
)
from charter.analysis.codehealth.mainline import CommitAuthorRow, mainline

TODAY = datetime(2025, 1, 1, tzinfo=UTC)
ANN, BOB = "ann@example.com", "bob@example.com"


def change(sha: str, path: str, added: int, deleted: int, author: str = ANN, days_ago: float = 10) -> FileChangeRow:
    return (sha, path, None, added, deleted, author, TODAY - timedelta(days=days_ago))


def analyze(rows: list[FileChangeRow], head: dict[str, int | None], history: Mainline) -> CodeHealth:
    ordered = sorted(rows, key=lambda row: row[6])
    return analyze_code_health(iter(ordered), head, history, CodeHealthOptions(today=TODAY, min_support=2))


def commit(
    sha: str, parents: str = "", name: str = "Ann", email: str = ANN, co_authors: str | None = ""
) -> CommitAuthorRow:
    return (sha, parents, name, email, co_authors)


# main: m1 - m2 ------- m3 (merge of f1) - m4 (head)
#              \\- f1 -/
# abandoned:   m2 - x1 - x2 (a tag `exp` on x2; its branch deleted)
GRAPH = [
    commit("m1"),
    commit("m2", "m1"),
    commit("f1", "m2", "Bob", BOB),
    commit("m3", "m2 f1"),
    commit("m4", "m3"),
    commit("x1", "m2", "Bob", BOB),
    commit("x2", "x1", "Bob", BOB),
]


def test_the_default_branch_is_every_commit_its_head_reaches_merged_branches_included() -> None:
    history = mainline("m4", GRAPH, recognizer())
    assert history.commits == {"m1", "m2", "f1", "m3", "m4"}
    assert mainline("x2", GRAPH, recognizer()).commits == {"m1", "m2", "x1", "x2"}


def test_a_head_that_was_not_mined_reaches_nothing() -> None:
    assert mainline("f" * 40, GRAPH, recognizer()).commits == frozenset()
    assert mainline(None, GRAPH, recognizer()).commits == frozenset()


def test_commits_off_the_default_branch_count_for_nothing() -> None:
    rows = [
        change("m1", "app.py", 100, 0, days_ago=400),
        change("m1", "util.py", 20, 0, days_ago=400),
        change("m2", "app.py", 10, 5, days_ago=50),
        change("f1", "app.py", 3, 0, author=BOB, days_ago=40),
        change("f1", "util.py", 1, 0, author=BOB, days_ago=40),
        # The abandoned branch rewrote app.py twice with util.py, and added a file main never had.
        *(
            change(sha, path, 500, 0, author=BOB, days_ago=days)
            for sha, days in (("x1", 30), ("x2", 20))
            for path in ("app.py", "util.py")
        ),
        change("x2", "experiment.py", 900, 0, author=BOB, days_ago=20),
        change("m4", "app.py", 2, 2, days_ago=5),
    ]
    head = {"app.py": 108, "util.py": 21}
    health = analyze(rows, head, mainline("m4", GRAPH, recognizer()))

    files = {file.path: file for file in health.files}
    assert set(files) == {"app.py", "util.py"}
    assert (files["app.py"].lines, files["app.py"].commits, files["app.py"].commits_in_window) == (108, 4, 3)
    assert files["app.py"].hotspot_score == 3 * 108
    # Together in m1 and f1: support 2, not the 4 the abandoned x1 and x2 would make it.
    assert [(pair.first, pair.second, pair.support) for pair in health.couplings] == [("util.py", "app.py", 2)]
    assert health.knowledge == Knowledge(KnowledgeBasis.RECENT, 2, ANN, 12 / 16, 1)
    assert health.window_commits == {"m2", "f1", "m4"}
    assert health.churn == 120 + 15 + 4 + 4


def test_sizes_are_the_heads_not_the_sum_of_history() -> None:
    # A change made on two branches and merged (a cherry-pick) is in history twice but in the file once.
    rows = [change("m1", "CHANGES.rst", 1663, 0, days_ago=100), change("f1", "CHANGES.rst", 72, 0, days_ago=90)]
    health = analyze(rows, {"CHANGES.rst": 1663}, mainline("m4", GRAPH, recognizer()))
    [changes] = health.files
    assert (changes.lines, changes.hotspot_score) == (1663, 2 * 1663)


def test_a_file_at_the_head_that_no_commit_of_the_branch_changed_is_listed_without_a_last_change() -> None:
    # Made by a merge's conflict resolution: merges carry no file changes of their own.
    health = analyze([change("m1", "a.py", 3, 0)], {"a.py": 3, "resolved.py": 12}, Mainline(frozenset({"m1"})))
    resolved = next(file for file in health.files if file.path == "resolved.py")
    assert (resolved.lines, resolved.commits, resolved.last_changed, resolved.age_days) == (12, 0, None, None)
    assert (resolved.hotspot_score, resolved.hotspot) == (0, False)
    assert resolved.knowledge.basis is KnowledgeBasis.NONE


CLAUDE = "Claude <noreply@anthropic.com>"
AGENT_GRAPH = [
    commit("h1"),
    commit("a1", "h1", "Copilot", "198982749+Copilot@users.noreply.github.com"),
    commit("h2", "a1", co_authors=f"Bob <{BOB}>\n{CLAUDE}"),
    commit("d1", "h2", "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
    commit("old", "d1", "Claude", "noreply@anthropic.com"),
    commit("lock", "old", co_authors=CLAUDE),
    commit("h3", "lock", co_authors=None),  # mined before trailers were read
]


def test_agents_are_no_people_but_their_share_of_changes_is_counted() -> None:
    rows = [
        change("h1", "a.py", 10, 0, days_ago=30),
        change("a1", "a.py", 80, 0, author="198982749+Copilot@users.noreply.github.com", days_ago=25),
        change("h2", "a.py", 5, 0, days_ago=20),  # Ann wrote it with Claude: Ann keeps the knowledge
        change("d1", "a.py", 1, 1, author="49699333+dependabot[bot]@users.noreply.github.com", days_ago=15),
        change("old", "a.py", 50, 0, author="noreply@anthropic.com", days_ago=500),  # before the window
        change("lock", "poetry.lock", 10, 10, days_ago=5),  # only a lockfile: not a change of the code
        change("h3", "a.py", 1, 0, days_ago=1),
    ]
    history = mainline("h3", AGENT_GRAPH, recognizer())
    health = analyze(rows, {"a.py": 145}, history)

    assert health.knowledge == Knowledge(KnowledgeBasis.RECENT, 1, ANN, 1.0, 1)
    assert health.previous_authors == 0  # the agent's commit in the previous window is no person's
    assert health.window_commits == {"h1", "a1", "h2", "d1", "h3"}
    assert health.agent_commits == {"a1", "h2"}
    assert health.agent_change_share == 2 / 5
    assert health.metric_values()["code_health.agent_change_share"] == 2 / 5
    assert [(item.label, item.kind, item.commits) for item in health.automated_changes] == [
        ("Claude", AuthorKind.AGENT, 1),
        ("Dependabot", AuthorKind.BOT, 1),
        ("GitHub Copilot", AuthorKind.AGENT, 1),
    ]
    assert health.files[0].commits_in_window == 5  # every change counts for the hotspot


def test_no_commit_in_the_window_is_no_agent_share() -> None:
    health = analyze([change("h1", "a.py", 1, 0, days_ago=800)], {"a.py": 1}, mainline("h1", AGENT_GRAPH, recognizer()))
    assert (health.agent_change_share, health.automated_changes) == (None, ())

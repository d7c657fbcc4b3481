"""Code health from hand-written file-change rows and files at the head, every number worked out by hand."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta

import pytest

from charter.analysis.codehealth.authors import AuthorKind, AutomatedAuthor, recognizer
from charter.analysis.codehealth.health import (
    CodeHealth,
    CodeHealthOptions,
    Coupling,
    FileChangeRow,
    FileHealth,
    Knowledge,
    KnowledgeBasis,
    Mainline,
    StaleCoupling,
    analyze_code_health,
)
from charter.analysis.codehealth.patterns import DEFAULT_EXCLUDES, compile_path_globs

TODAY = datetime(2025, 1, 1, tzinfo=UTC)
ANN, BOB, CY, DAVE = "ann@example.com", "bob@example.com", "cy@example.com", "dave@example.com"
DEPENDABOT = "49699333+dependabot[bot]@users.noreply.github.com"
NAMES = {DEPENDABOT: "dependabot[bot]"}


def at(days_ago: float) -> datetime:
    return TODAY - timedelta(days=days_ago)


def change(
    sha: str,
    path: str,
    added: int | None,
    deleted: int | None,
    *,
    author: str = ANN,
    days_ago: float = 10,
    old_path: str | None = None,
) -> FileChangeRow:
    return (sha, path, old_path, added, deleted, author, at(days_ago))


def on_mainline(rows: Iterable[FileChangeRow], rules: Iterable[AutomatedAuthor] = ()) -> Mainline:
    """Every row's commit on the default branch; authors recognised by e-mail (and a bot's name)."""
    recognise = recognizer(list(rules))
    authored_by = {}
    for sha, *_, email, _ in rows:
        found = recognise.recognise(NAMES.get(email, email.split("@")[0]), email)
        if found is not None:
            authored_by[sha] = found
    return Mainline(frozenset(row[0] for row in rows), authored_by)


def analyze(
    rows: list[FileChangeRow],
    head: Mapping[str, int | None],
    mainline: Mainline | None = None,
    **options: object,
) -> CodeHealth:
    """Rows sorted by author time (stable, so the test's order holds within one time), read once; every
    commit on the default branch unless `mainline` says otherwise."""
    ordered = sorted(rows, key=lambda row: row[6])
    history = on_mainline(rows) if mainline is None else mainline
    return analyze_code_health(iter(ordered), head, history, CodeHealthOptions(today=TODAY, **options))  # type: ignore[arg-type]


def every_path(rows: Iterable[FileChangeRow], lines: int = 1) -> dict[str, int | None]:
    """A head holding every path the rows name, each `lines` long."""
    return {row[1]: lines for row in rows}


def by_path(health: CodeHealth) -> dict[str, FileHealth]:
    return {file.path: file for file in health.files}


def test_a_rename_chain_keeps_the_history_under_the_newest_name_and_a_reused_name_starts_afresh() -> None:
    health = analyze(
        [
            change("c1", "a.py", 100, 0, days_ago=800),
            change("c2", "b.py", 5, 5, old_path="a.py", days_ago=400),
            change("c3", "c.py", 10, 0, old_path="b.py", author=BOB, days_ago=100),
            change("c4", "a.py", 7, 0, author=CY, days_ago=50),
        ],
        head={"c.py": 110, "a.py": 7},
    )
    files = by_path(health)
    assert set(files) == {"c.py", "a.py"}
    renamed = files["c.py"]
    assert (renamed.lines, renamed.commits, renamed.commits_in_window) == (110, 3, 1)
    assert (renamed.last_changed, renamed.age_days) == (at(100), 100)
    assert renamed.knowledge == Knowledge(KnowledgeBasis.RECENT, 1, BOB, 1.0, 1)
    reused = files["a.py"]
    assert (reused.lines, reused.commits, reused.age_days) == (7, 1, 50)


def test_a_rename_onto_a_path_that_already_has_history_joins_both() -> None:
    # A rebased commit authored before the rename it was applied after: new.py has rows before the rename.
    health = analyze(
        [
            change("c1", "old.py", 50, 0, days_ago=300),
            change("c2", "new.py", 3, 0, author=BOB, days_ago=200),
            change("c3", "new.py", 0, 0, old_path="old.py", days_ago=100),
            change("c4", "new.py", 1, 1, days_ago=90),
        ],
        head={"new.py": 53},
    )
    assert [(file.path, file.lines, file.commits) for file in health.files] == [("new.py", 53, 4)]


def test_a_binary_file_has_no_size_and_is_never_a_hotspot() -> None:
    health = analyze(
        [
            *(change(f"b{index}", "logo.png", None, None, days_ago=index) for index in range(1, 4)),
            change("t1", "main.py", 10, 0, days_ago=5),
        ],
        head={"logo.png": None, "main.py": 10},
    )
    files = by_path(health)
    logo = files["logo.png"]
    assert (logo.lines, logo.hotspot_score, logo.hotspot, logo.commits_in_window) == (None, None, False, 3)
    assert logo.knowledge.basis is KnowledgeBasis.NONE
    assert (files["main.py"].hotspot_score, files["main.py"].hotspot) == (10, True)
    assert (health.hotspot_count, health.churn_in_window, health.churn) == (1, 10, 10)


def test_hotspots_are_the_top_decile_of_frequency_times_size_among_files_changed_in_the_window() -> None:
    rows = [
        # f01..f12: file i gets i commits in the window adding 10 lines each: size 10 i, score i * 10 i.
        change(f"f{index:02}-{commit}", f"f{index:02}.py", 10, 0, days_ago=1 + commit)
        for index in range(1, 13)
        for commit in range(index)
    ]
    rows += [change("old", "old.py", 5000, 0, days_ago=500)]  # big, but not changed in the window
    rows += [change(f"gone{commit}", "gone.py", 500, 0, days_ago=30 + commit) for commit in range(20)]
    rows += [change("delete", "gone.py", 0, 10_000, days_ago=20)]  # deleted: not at the head
    head = {f"f{index:02}.py": 10 * index for index in range(1, 13)} | {"old.py": 5000}
    health = analyze(rows, head)
    files = by_path(health)
    assert "gone.py" not in files
    # 12 candidates (old.py has no change in the window, gone.py is gone): ceil(12 / 10) = 2 hotspots.
    assert [file.path for file in health.hotspots] == ["f12.py", "f11.py"]
    assert (files["f12.py"].hotspot_score, files["f11.py"].hotspot_score) == (1440, 1210)
    assert (files["f10.py"].hotspot_score, files["f10.py"].hotspot) == (1000, False)
    assert (files["old.py"].hotspot_score, files["old.py"].hotspot, files["old.py"].age_days) == (0, False, 500)
    assert health.hotspot_count == 2
    assert health.files[0].path == "f12.py"
    assert health.churn_in_window == 10 * (12 * 13 // 2) + 20 * 500 + 10_000
    assert health.metric_values()["code_health.hotspot_count"] == 2.0


def test_files_tied_at_the_decile_threshold_are_all_hotspots() -> None:
    rows = [change(f"c{index}", f"f{index}.py", 10, 0) for index in range(3)]
    assert analyze(rows, every_path(rows, 10)).hotspot_count == 3


def test_a_deleted_file_is_not_a_hotspot_even_when_it_changed_most() -> None:
    rows = [change(f"c{commit}", "doomed.py", 100, 0, days_ago=50 - commit) for commit in range(10)]
    rows += [change("kill", "doomed.py", 0, 1000, days_ago=5), change("keep", "kept.py", 3, 0, days_ago=5)]
    health = analyze(rows, head={"kept.py": 3})
    assert [file.path for file in health.files] == ["kept.py"]
    assert [file.path for file in health.hotspots] == ["kept.py"]


def _coupling_rows() -> list[FileChangeRow]:
    rows = []
    for commit in range(4):
        rows += [
            change(f"ab{commit}", "a.py", 1, 0, days_ago=60 - commit),
            change(f"ab{commit}", "b.py", 1, 0, days_ago=60 - commit),
        ]
    rows += [change("a", "a.py", 1, 0, days_ago=50)]
    for commit in range(2):
        rows += [
            change(f"bc{commit}", "b.py", 1, 0, days_ago=40 - commit),
            change(f"bc{commit}", "c.py", 1, 0, days_ago=40 - commit),
        ]
    # A bulk commit of 51 files touching a and b says nothing about coupling.
    rows += [change("bulk", path, 1, 0, days_ago=30) for path in ["a.py", "b.py", *(f"gen/{n}.py" for n in range(49))]]
    return rows


def test_change_coupling_counts_commits_with_both_files_and_skips_bulk_commits() -> None:
    health = analyze(_coupling_rows(), every_path(_coupling_rows()))
    # a: 5 commits besides the bulk one, b: 6; a with b: 4, so confidence 4 / 5 from a's side.
    assert health.couplings == (Coupling("a.py", "b.py", 4, 0.8, 5, 6),)
    assert by_path(health)["a.py"].commits == 6  # the bulk commit is still a change of a.py


def test_change_coupling_below_min_support_is_left_out_and_top_n_keeps_the_strongest() -> None:
    head = every_path(_coupling_rows())
    health = analyze(_coupling_rows(), head, min_support=2)
    assert health.couplings == (Coupling("a.py", "b.py", 4, 0.8, 5, 6), Coupling("c.py", "b.py", 2, 1.0, 2, 6))
    assert analyze(_coupling_rows(), head, min_support=2, top_couplings=1).couplings == health.couplings[:1]


def test_a_commit_of_exactly_the_maximum_changeset_size_still_counts_for_coupling() -> None:
    paths = ["a.py", "b.py", *(f"gen/{n}.py" for n in range(48))]
    rows = [change(f"c{commit}", path, 1, 0, days_ago=10 + commit) for commit in range(3) for path in paths]
    couplings = analyze(rows, every_path(rows), top_couplings=2000).couplings
    coupling = {(item.first, item.second): item for item in couplings}
    assert len(coupling) == 50 * 49 // 2
    assert coupling["a.py", "b.py"] == Coupling("a.py", "b.py", 3, 1.0, 3, 3)


def test_commits_sharing_an_author_time_are_told_apart_by_sha() -> None:
    rows = [
        change("c1", "a.py", 1, 0, days_ago=5),
        change("c2", "c.py", 1, 0, days_ago=5),
        change("c1", "b.py", 1, 0, days_ago=5),
        change("c2", "d.py", 1, 0, days_ago=5),
    ]
    pairs = {(item.first, item.second) for item in analyze(rows, every_path(rows), min_support=1).couplings}
    assert pairs == {("a.py", "b.py"), ("c.py", "d.py")}


def test_knowledge_is_the_top_authors_share_of_recent_lines_and_the_bus_factor_covers_more_than_half() -> None:
    health = analyze(
        [
            change("k1", "owned.py", 60, 0, author=ANN),
            change("k2", "owned.py", 30, 0, author=BOB),
            change("k3", "owned.py", 10, 5, author=CY),
            change("k4", "owned.py", 1000, 0, author=DAVE, days_ago=400),  # before the window
            change("k5", "owned.py", 5000, 0, author=DEPENDABOT),  # a bot
            change("s1", "shared.py", 40, 0, author=ANN),
            change("s2", "shared.py", 35, 0, author=BOB),
            change("s3", "shared.py", 25, 0, author=CY),
            change("h1", "halves.py", 50, 0, author=ANN, days_ago=500),
            change("h2", "halves.py", 50, 0, author=BOB, days_ago=500),
        ],
        head={"owned.py": 6095, "shared.py": 100, "halves.py": 100},
    )
    files = by_path(health)
    assert files["owned.py"].knowledge == Knowledge(KnowledgeBasis.RECENT, 3, ANN, 0.6, 1)
    assert files["owned.py"].commits_in_window == 4  # the bot's commit is still a change
    assert files["shared.py"].knowledge == Knowledge(KnowledgeBasis.RECENT, 3, ANN, 0.4, 2)
    # No line in the window: all history; exactly half is not more than half.
    assert files["halves.py"].knowledge == Knowledge(KnowledgeBasis.ALL_HISTORY, 2, ANN, 0.5, 2)
    # Component, recent lines: ann 100, bob 65, cy 35 of 200: ann + bob = 165 > 100.
    assert health.knowledge == Knowledge(KnowledgeBasis.RECENT, 3, ANN, 0.5, 2)
    assert health.metric_values()["code_health.knowledge_concentration"] == 0.5
    assert health.metric_values()["code_health.bus_factor"] == 2.0


def test_author_turnover_is_the_share_of_last_periods_people_gone_this_period() -> None:
    health = analyze(
        [
            change("p1", "x.py", 1, 0, author=ANN, days_ago=500),
            change("p2", "x.py", 1, 0, author=BOB, days_ago=400),
            change("p3", "x.py", 1, 0, author=CY, days_ago=700),
            change("p4", "x.py", 1, 0, author=DEPENDABOT, days_ago=600),  # bots are not people
            change("p5", "x.py", 1, 0, author="eve@example.com", days_ago=800),  # before the previous window
            change("r1", "x.py", 1, 0, author=ANN, days_ago=100),
            change("r2", "x.py", 1, 0, author=DAVE, days_ago=10),
        ],
        head={"x.py": 7},
    )
    assert (health.previous_authors, health.departed_authors) == (3, 2)
    assert health.author_turnover == pytest.approx(2 / 3)
    assert health.metric_values()["code_health.author_turnover"] == pytest.approx(2 / 3)


def test_lockfiles_vendored_and_generated_files_are_left_out_by_default() -> None:
    left_out = [
        "package-lock.json",
        "web/yarn.lock",
        "web/node_modules/react/index.js",
        "vendor/github.com/x/y.go",
        "svc/vendor/lib.go",
        "api/v1/service.pb.go",
        "proto/service_pb2.py",
        "static/app.min.js",
        "third_party/zlib/zlib.c",
    ]
    rows = [change("c1", path, 100, 0, author=BOB) for path in left_out]
    rows += [change("c1", "src/main.py", 10, 0), change("c1", "src/vendor.py", 5, 0)]
    health = analyze(rows, every_path(rows), min_support=1)
    assert [file.path for file in health.files] == ["src/main.py", "src/vendor.py"]
    assert health.churn_in_window == 15
    assert health.couplings == (Coupling("src/main.py", "src/vendor.py", 1, 1.0, 1, 1),)
    assert health.knowledge == Knowledge(KnowledgeBasis.RECENT, 1, ANN, 1.0, 1)


def test_the_exclude_list_replaces_the_defaults_and_an_empty_one_keeps_everything() -> None:
    rows = [change("c1", path, 1, 0) for path in ["package-lock.json", "vendor/a.go", "svc/vendor/b.go"]]
    assert [file.path for file in analyze(rows, every_path(rows), exclude=["vendor/**"]).files] == [
        "package-lock.json",
        "svc/vendor/b.go",
    ]
    assert len(analyze(rows, every_path(rows), exclude=[]).files) == 3


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("package-lock.json", "package-lock.json", True),
        ("package-lock.json", "web/app/package-lock.json", True),
        ("package-lock.json", "package-lock.json.bak", False),
        ("*.min.js", "static/js/app.min.js", True),
        ("*.min.js", "static/js/app.js", False),
        ("vendor/", "vendor/a/b.go", True),
        ("vendor/", "svc/vendor/b.go", True),
        ("vendor/", "src/vendor.go", False),
        ("vendor/**", "svc/vendor/b.go", False),
        ("**/vendor/**", "svc/vendor/b.go", True),
        ("**/*.pb.go", "api.pb.go", True),
        ("src/*.py", "src/a/b.py", False),
        ("src/**/*.py", "src/a/b.py", True),
        ("src/**/*.py", "src/b.py", True),
        ("data[1].csv", "data[1].csv", True),
        ("data[1].csv", "data1.csv", False),
        ("?.py", "a.py", True),
    ],
)
def test_path_globs_read_like_gitignore(pattern: str, path: str, matches: bool) -> None:
    assert compile_path_globs([pattern])(path) is matches


def test_the_default_excludes_compile_and_keep_ordinary_source() -> None:
    is_excluded = compile_path_globs(DEFAULT_EXCLUDES)
    assert not any(map(is_excluded, ["src/main.go", "go.mod", "README.md", "distance.py", "lib/vendor_api.py"]))
    assert all(map(is_excluded, ["go.sum", "a/b/Cargo.lock", "web/dist/bundle.js", "android/gradle/wrapper/x.jar"]))
    assert all(map(is_excluded, ["gradle.lockfile", "app/buildscript-gradle.lockfile", "web/bun.lock"]))


def test_a_custom_bot_rule_leaves_that_author_out_of_people_metrics() -> None:
    rows = [change("c1", "a.py", 90, 0, author="ci@build.example.com"), change("c2", "a.py", 10, 0, author=ANN)]
    head = {"a.py": 100}
    assert analyze(rows, head).knowledge.top_author == "ci@build.example.com"
    ci = AutomatedAuthor("CI", AuthorKind.BOT, email="ci@*")
    health = analyze(rows, head, on_mainline(rows, [ci]))
    assert health.knowledge == Knowledge(KnowledgeBasis.RECENT, 1, ANN, 1.0, 1)
    assert by_path(health)["a.py"].commits_in_window == 2  # still a change


def test_stale_files_still_coupled_with_a_hotspot_are_listed() -> None:
    rows = []
    for commit in range(3):  # old.py and hot.py changed together long ago
        days_ago = 700 - commit * 100
        rows += [
            change(f"o{commit}", "old.py", 10, 0, days_ago=days_ago),
            change(f"o{commit}", "hot.py", 10, 0, days_ago=days_ago),
        ]
    for commit in range(3):  # fresh.py changes with hot.py in the window: coupled, not stale
        rows += [
            change(f"f{commit}", "fresh.py", 1, 0, days_ago=50 - commit),
            change(f"f{commit}", "hot.py", 100, 0, days_ago=50 - commit),
        ]
    rows += [change(f"h{commit}", "hot.py", 100, 0, days_ago=20 - commit) for commit in range(5)]
    health = analyze(rows, head={"old.py": 30, "fresh.py": 3, "hot.py": 830})
    assert [file.path for file in health.hotspots] == ["hot.py"]
    assert health.stale_couplings == (StaleCoupling("old.py", "hot.py", 3, 1.0, at(500), 500),)
    assert by_path(health)["old.py"].age_days == 500


def test_no_rows_give_no_numbers_and_no_crash() -> None:
    health = analyze([], head={})
    assert (health.files, health.couplings, health.stale_couplings) == ((), (), ())
    assert (health.hotspot_count, health.author_turnover, health.churn) == (None, None, 0)
    assert health.knowledge == Knowledge(KnowledgeBasis.NONE, 0, None, None, None)
    assert health.metric_values() == {
        "code_health.hotspot_count": None,
        "code_health.bus_factor": None,
        "code_health.knowledge_concentration": None,
        "code_health.author_turnover": None,
        "code_health.agent_change_share": None,
    }


def test_rows_out_of_author_time_order_are_refused_naming_the_row() -> None:
    rows = [change("late", "a.py", 1, 0, days_ago=1), change("early", "a.py", 1, 0, days_ago=2)]
    with pytest.raises(ValueError, match="ordered by authored_at: early"):
        analyze_code_health(iter(rows), {"a.py": 2}, on_mainline(rows), CodeHealthOptions(today=TODAY))


def test_rows_are_read_in_one_pass_from_a_generator() -> None:
    def rows() -> Iterator[FileChangeRow]:
        for commit in range(3):
            yield change(f"c{commit}", "a.py", 2, 1, days_ago=30 - commit)

    history = Mainline(frozenset({"c0", "c1", "c2"}))
    health = analyze_code_health(rows(), {"a.py": 3}, history, CodeHealthOptions(today=TODAY))
    assert [(file.path, file.lines, file.commits) for file in health.files] == [("a.py", 3, 3)]


def test_a_change_made_after_today_is_not_counted_however_it_would_have_counted() -> None:
    """Code health as of a past day (`--as-of`, a backfilled snapshot) is the history as it stood then:
    a later change by a new author, later churn and a later agent commit count for nothing."""
    before = [
        change("c1", "a.py", 10, 0, author=ANN, days_ago=40),
        change("c2", "a.py", 5, 2, author=BOB, days_ago=5),
        change("c2", "b.py", 3, 0, author=BOB, days_ago=5),
    ]
    after = [
        change("c3", "a.py", 100, 50, author=CY, days_ago=-1),
        change("c3", "b.py", 7, 7, author=CY, days_ago=-1),
        change("c4", "a.py", 1, 1, author=DAVE, days_ago=-30),
    ]
    rows = before + after
    health = analyze(rows, head=every_path(rows), mainline=on_mainline(rows))
    alone = analyze(before, head=every_path(rows), mainline=on_mainline(rows))

    assert health == alone
    assert (health.churn, health.churn_in_window, health.window_commits) == (20, 20, frozenset({"c1", "c2"}))
    assert health.knowledge.authors == 2  # Ann and Bob; Cy and Dave came later
    assert [(file.path, file.commits) for file in sorted(health.files, key=lambda file: file.path)] == [
        ("a.py", 2),
        ("b.py", 1),
    ]

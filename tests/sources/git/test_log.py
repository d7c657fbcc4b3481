"""The streaming readers over git: exact commit records, refs and tags of histories built here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from charter.model.delivery import CommitRecord, FileChange, TagRecord
from charter.sources.git.log import GitError, iter_commits, read_refs, read_tags
from tests.sources.git.gitrepos import ALICE, BOB, CAROL, T0, Repo, build_history, git


def at(offset: int) -> datetime:
    return datetime.fromtimestamp(T0 + offset, UTC)


def record(
    sha: str,
    parents: tuple[str, ...],
    author: tuple[str, str],
    authored: int,
    files: tuple[FileChange, ...] = (),
    committed: int | None = None,
) -> CommitRecord:
    return CommitRecord(
        sha, parents, author[0], author[1], at(authored), at(authored if committed is None else committed), files
    )


def by_sha(records: list[CommitRecord]) -> dict[str, CommitRecord]:
    """Records keyed by sha, each commit's files in path order (git's order within a commit is not part
    of the contract)."""
    return {
        commit.sha: CommitRecord(
            commit.sha,
            commit.parents,
            commit.author_name,
            commit.author_email,
            commit.authored_at,
            commit.committed_at,
            tuple(sorted(commit.files, key=lambda change: change.path)),
        )
        for commit in records
    }


def all_tips(path: Path) -> list[str]:
    return list(read_refs(path).values())


def test_every_shape_of_history_is_mined_exactly(make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("shapes")
    s = build_history(repo)

    mined = list(iter_commits(repo.path, all_tips(repo.path), []))

    binary = FileChange("logo.bin", None, None)
    expected = {
        s["c1"]: record(s["c1"], (), ALICE, 0, (FileChange("a.txt", 3, 0), binary, FileChange("old/name.txt", 1, 0))),
        s["c2"]: record(
            s["c2"], (s["c1"],), BOB, 100, (FileChange("a.txt", 1, 1), FileChange("new/name.txt", 0, 0, "old/name.txt"))
        ),
        s["s1"]: record(s["s1"], (s["c2"],), CAROL, 200, (FileChange("side.txt", 1, 0),)),
        s["c3"]: record(s["c3"], (s["c2"],), ALICE, 300),
        s["m"]: record(s["m"], (s["c3"], s["s1"]), ALICE, 400),
        s["c4"]: record(s["c4"], (s["m"],), BOB, 500, (binary,)),
        s["r"]: record(s["r"], (s["c4"],), ALICE, 600, (binary,)),
        s["f1"]: record(s["f1"], (s["m"],), CAROL, 700, (FileChange("a.txt", 1, 1),)),
        # A cherry-pick keeps the author and author time; the committer is whoever picked it, when.
        s["cp"]: record(s["cp"], (s["r"],), CAROL, 700, (FileChange("a.txt", 1, 1),), committed=800),
        s["sq"]: record(s["sq"], (s["cp"],), BOB, 1000, (FileChange("q.txt", 2, 0),)),
        s["x1"]: record(s["x1"], (s["sq"],), CAROL, 1100, (FileChange("r.txt", 1, 0),), committed=1200),
        s["a1"]: record(s["a1"], (s["sq"],), BOB, 1300, (FileChange("ab.txt", 2, 0),)),
    }
    assert by_sha(mined) == expected
    assert len(mined) == len(expected)
    # The squashed branch's own commits and the commit before the rebase are gone from every ref.
    assert {s["q1"], s["q2"], s["x1_before"]}.isdisjoint(commit.sha for commit in mined)
    assert [commit.is_merge for commit in mined].count(True) == 1


def test_excluded_tips_are_not_walked_again(make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("history")
    s = build_history(repo)

    mined = list(iter_commits(repo.path, [s["cp"]], [s["m"]]))

    assert [commit.sha for commit in mined] == [s["cp"], s["r"], s["c4"]]


def test_refs_lead_to_commits_only(make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("history")
    s = build_history(repo)

    refs = read_refs(repo.path)

    assert sorted(refs) == [
        "refs/heads/fix",
        "refs/heads/main",
        "refs/heads/reb",
        "refs/tags/exp",
        "refs/tags/light",
        "refs/tags/nested",
        "refs/tags/side-tag",
        "refs/tags/v1",
    ]
    assert refs["refs/heads/main"] == s["sq"]
    assert refs["refs/tags/light"] == s["c3"]
    assert refs["refs/tags/v1"] == git(repo.path, "rev-parse", "v1")  # the tag object itself


def test_tags_give_their_commit_and_deployment_time(make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("history")
    s = build_history(repo)

    assert read_tags(repo.path) == [
        TagRecord("exp", s["a1"], at(1350), annotated=True),
        TagRecord("light", s["c3"], at(300), annotated=False),
        TagRecord("nested", s["c2"], at(1400), annotated=True),
        TagRecord("side-tag", s["s1"], at(250), annotated=True),
        TagRecord("v1", s["c2"], at(150), annotated=True),
    ]


def test_mailmap_joins_two_addresses_of_one_person_also_in_a_bare_clone(
    make_repo: Callable[[str], Repo], tmp_path: Path
) -> None:
    repo = make_repo("mapped")
    repo.write(".mailmap", "Bob Baker <bob@example.com> <bob@home.example>\n")
    first = repo.commit("work address", T0, BOB)
    second = repo.commit("home address", T0 + 60, ("bob", "bob@home.example"), empty=True)
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(tmp_path / "mapped-bare.git"))

    for path in (repo.path, tmp_path / "mapped-bare.git"):
        authors = {
            commit.sha: (commit.author_name, commit.author_email) for commit in iter_commits(path, [first, second], [])
        }
        assert authors == {first: BOB, second: BOB}


def test_author_names_that_are_not_utf8_do_not_stop_mining(tmp_path: Path) -> None:
    repository = tmp_path / "latin1.git"
    git(tmp_path, "init", "-q", "--bare", str(repository))
    message = b"caf\xe9\n"
    stream = (
        b"commit refs/heads/main\nmark :1\n"
        b"author Ren\xe9 M\xfcller <rene@example.com> 1700000000 +0200\n"
        b"committer Ren\xe9 M\xfcller <rene@example.com> 1700000060 +0200\n"
        b"data %d\n%s\nM 100644 inline caf\xe9.txt\ndata 3\nhi\n\n" % (len(message), message)
    )
    git(repository, "fast-import", "--quiet", stdin=stream)

    (commit,) = iter_commits(repository, ["refs/heads/main"], [])

    assert commit.author_name == "Ren\ufffd M\ufffdller"
    assert commit.author_email == "rene@example.com"
    assert commit.authored_at == datetime.fromtimestamp(1_700_000_000, UTC)
    assert commit.committed_at == datetime.fromtimestamp(1_700_000_060, UTC)
    assert commit.files == (FileChange("caf\ufffd.txt", 1, 0),)


def test_paths_with_spaces_quotes_and_tabs_are_kept_as_they_are(make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("odd-paths")
    repo.write('dir with space/"quoted"\tand tab.txt', "x\ny\n")
    repo.write("\x1estarts-with-separator.txt", "z\n")
    first = repo.commit("odd", T0)
    (repo.path / "dir with space" / '"quoted"\tand tab.txt').rename(repo.path / "dir with space" / "plain.txt")
    second = repo.commit("rename", T0 + 60)

    commits = by_sha(list(iter_commits(repo.path, [second], [])))

    assert commits[first].files == (
        FileChange("\x1estarts-with-separator.txt", 1, 0),
        FileChange('dir with space/"quoted"\tand tab.txt', 2, 0),
    )
    assert commits[second].files == (
        FileChange("dir with space/plain.txt", 0, 0, 'dir with space/"quoted"\tand tab.txt'),
    )


def test_a_user_configuration_that_changes_log_output_is_overridden(make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("configured")
    repo.write("a.txt", "a\n")
    first = repo.commit("a", T0)
    for key, value in (
        ("log.showSignature", "true"),
        ("diff.renames", "false"),
        ("color.ui", "always"),
        ("diff.algorithm", "histogram"),
        ("log.mailmap", "false"),
    ):
        git(repo.path, "config", key, value)

    (commit,) = iter_commits(repo.path, [first], [])

    assert commit.files == (FileChange("a.txt", 1, 0),)


def test_git_failing_mid_log_raises_after_what_it_read(make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("broken")
    repo.write("a.txt", "a\n")
    repo.commit("a", T0)
    repo.write("a.txt", "a\nb\n")
    head = repo.commit("b", T0 + 60)
    older_tree = git(repo.path, "rev-parse", "HEAD~1^{tree}")
    (repo.path / ".git" / "objects" / older_tree[:2] / older_tree[2:]).unlink()

    with pytest.raises(GitError) as raised:
        list(iter_commits(repo.path, [head], []))
    assert raised.value.returncode != 0
    assert older_tree in raised.value.detail or "bad" in raised.value.detail or "unable" in raised.value.detail


def test_no_tips_runs_no_git(tmp_path: Path) -> None:
    assert list(iter_commits(tmp_path / "nowhere", [], [])) == []

"""The default branch of a clone and its files at the head, held against what plain git says
(`git ls-tree -r`, `git show BRANCH:path`), and read by the mining only when the head moved."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from charter.model.git_records import DefaultBranch
from charter.sources.git.head import read_default_branch, read_head_files
from charter.sources.git.log import read_ref_listing
from charter.sources.git.mine import MinedRepository, RepositoryJob, mine_repository
from tests.sources.git.gitrepos import BOB, T0, Repo, build_history, git, git_env


def git_lines(content: bytes) -> int:
    """Lines as git counts them: a last line without a newline counts too."""
    return content.count(b"\n") + (1 if content and not content.endswith(b"\n") else 0)


def git_head_listing(repo: Path, ref: str) -> dict[str, int | None]:
    """`git ls-tree -r` of the ref, blobs only, each with its lines from `git show REF:path` (None when git
    calls it binary: a NUL byte in its first 8,000)."""
    listing = {}
    for entry in git(repo, "ls-tree", "-r", "-z", ref).split("\0"):
        if not entry:
            continue
        described, path = entry.split("\t", 1)
        if described.split()[1] != "blob":
            continue
        content = git_bytes(repo, "show", f"{ref}:{path}")
        listing[path] = None if b"\0" in content[:8000] else git_lines(content)
    return listing


def git_bytes(repo: Path, *arguments: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *arguments], capture_output=True, env=git_env(), check=True).stdout


def mined(job: RepositoryJob) -> MinedRepository:
    result = mine_repository(job)
    result.discard()
    return result


def test_the_head_files_are_git_ls_tree_with_the_lines_git_show_gives(make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("history")
    build_history(repo)
    repo.write("no-newline.txt", "one\ntwo")
    repo.write("dir with space/é.py", "x = 1\n")
    repo.commit("odd files", T0 + 2000, BOB)
    repo.run("rm", "-q", "a.txt", at=T0 + 2100)
    repo.commit("delete a.txt", T0 + 2100, BOB)
    head = repo.sha("main")

    files = dict(read_head_files(repo.path, head))

    assert files == git_head_listing(repo.path, "main")
    assert files["no-newline.txt"] == 2 and files["logo.bin"] is None
    assert "a.txt" not in files and "ab.txt" not in files  # deleted; only on an abandoned, tagged branch


def test_a_submodule_is_not_a_file_of_the_repository(make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("outer")
    repo.write("a.py", "a\n")
    repo.commit("a", T0)
    repo.run("update-index", "--add", "--cacheinfo", f"160000,{repo.sha('HEAD')},vendored-lib")
    repo.run("commit", "-q", "-m", "submodule", at=T0 + 60)
    assert "vendored-lib" in git(repo.path, "ls-tree", "-r", "HEAD")

    assert read_head_files(repo.path, repo.sha("HEAD")) == [("a.py", 1)]


def test_origin_head_names_the_default_branch_over_the_branch_checked_out(
    make_repo: Callable[[str], Repo], tmp_path: Path
) -> None:
    upstream = make_repo("upstream")
    upstream.write("a.py", "a\n")
    upstream.commit("a", T0)
    upstream.run("checkout", "-q", "-b", "feature")
    upstream.write("b.py", "b\n")
    upstream.commit("b", T0 + 60)
    upstream.run("checkout", "-q", "main")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream.path), str(clone))
    git(clone, "checkout", "-q", "-b", "mine", "origin/feature")

    branch = read_default_branch(clone, *read_ref_listing(clone))

    assert branch == DefaultBranch("refs/remotes/origin/main", upstream.sha("main"))


def test_a_bare_clone_takes_the_branch_its_head_names(make_repo: Callable[[str], Repo], tmp_path: Path) -> None:
    upstream = make_repo("upstream")
    upstream.write("a.py", "a\n")
    upstream.commit("a", T0)
    upstream.run("branch", "-q", "-m", "main", "trunk-of-old")
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(upstream.path), str(bare))

    assert read_default_branch(bare, *read_ref_listing(bare)) == DefaultBranch(
        "refs/heads/trunk-of-old", upstream.sha("HEAD")
    )


@pytest.mark.parametrize(
    ("branches", "expected"),
    [(["master", "main"], "refs/heads/main"), (["master"], "refs/heads/master"), (["topic"], "HEAD")],
)
def test_a_detached_head_falls_back_to_main_master_then_itself(
    make_repo: Callable[[str], Repo], branches: list[str], expected: str
) -> None:
    repo = make_repo("detached")
    repo.write("a.py", "a\n")
    first = repo.commit("a", T0)
    repo.write("a.py", "a\nb\n")
    second = repo.commit("b", T0 + 60)
    repo.run("checkout", "-q", "--detach", second)
    for branch in branches:
        repo.run("branch", "-q", "-f", branch, first)
    if "main" not in branches:
        repo.run("branch", "-q", "-D", "main")

    branch = read_default_branch(repo.path, *read_ref_listing(repo.path))

    assert branch == DefaultBranch(expected, second if expected == "HEAD" else first)


def test_a_repository_without_commits_has_no_default_branch(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "empty")
    assert read_default_branch(repo.path, {}, {}) is None
    assert mined(RepositoryJob("empty", str(repo.path))).head_files is None  # nothing to read, nothing known


def test_the_mining_reads_the_head_only_when_it_moved(make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("small")
    repo.write("a.py", "a\n")
    repo.commit("a", T0)
    first = mined(RepositoryJob("small", str(repo.path)))
    assert first.default_branch == DefaultBranch("refs/heads/main", repo.sha("main"))
    assert first.head_files == [("a.py", 1)]

    unchanged = mined(RepositoryJob("small", str(repo.path), known_refs=first.refs, known_head=first.default_branch))
    assert (unchanged.changed, unchanged.head_files) == (False, None)

    # A store upgraded from before heads were read knows the refs but no head: only the head is read.
    upgraded = mined(RepositoryJob("small", str(repo.path), known_refs=first.refs, known_head=None))
    assert (upgraded.changed, upgraded.head_files) == (False, [("a.py", 1)])

    repo.run("checkout", "-q", "-b", "side")
    repo.write("b.py", "b\n")
    repo.commit("b on a side branch", T0 + 60)
    side = mined(RepositoryJob("small", str(repo.path), known_refs=first.refs, known_head=first.default_branch))
    # The work tree now has `side` checked out: with no origin, HEAD names the default branch.
    assert side.changed and side.default_branch == DefaultBranch("refs/heads/side", repo.sha("side"))
    assert side.head_files == [("a.py", 1), ("b.py", 1)]

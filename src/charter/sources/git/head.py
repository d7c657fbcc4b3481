"""The branch code health describes and its files at the head, read from one clone.

The default branch is the one the remote says (`refs/remotes/origin/HEAD`, which `git clone` sets),
else the branch `HEAD` names (in a bare or mirror clone, the remote's default; in a work tree, the
branch checked out), else, with `HEAD` detached, the first of `main`, `master` and `trunk` that
exists (local, then `origin`'s), else the detached `HEAD` itself. `git remote set-head origin --auto`
fixes a clone whose `origin/HEAD` is missing or stale.

The files at the head are git's own listing of that commit's tree, each with its lines counted by
git as `--numstat` counts them (so they agree with the mined history): a last line without a
newline counts, a binary file has no count. Submodules are not files of the repository."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from charter.model.git_records import DefaultBranch, HeadFileRow
from charter.sources.git.log import GitError, run_git

ORIGIN_HEAD = "refs/remotes/origin/HEAD"
# With HEAD detached and no origin/HEAD, the conventional names, in this order.
CONVENTIONAL_DEFAULTS = tuple(
    f"{prefix}/{name}" for prefix in ("refs/heads", "refs/remotes/origin") for name in ("main", "master", "trunk")
)
# Options that pin diff-tree's output whatever the user's configuration says.
_HEAD_LINES_OPTIONS = (
    "diff-tree",
    "-r",
    "-z",
    "--numstat",
    "--no-renames",
    "--no-textconv",
    "--no-ext-diff",
    "--ignore-submodules=all",
)


def read_default_branch(repo: Path, refs: Mapping[str, str], symbolic: Mapping[str, str]) -> DefaultBranch | None:
    """The default branch among the mined `refs` (see the module's docstring) and its head commit, given
    the symbolic refs beside them (`read_ref_listing`); None for a repository without a commit. A
    branch's ref names its commit, so git is asked only about HEAD, and only without an origin/HEAD."""
    target = symbolic.get(ORIGIN_HEAD)
    if target is None or target not in refs:
        target = _head_branch(repo)
    if target is not None and target in refs:
        return DefaultBranch(target, refs[target])
    for candidate in CONVENTIONAL_DEFAULTS:
        if candidate in refs:
            return DefaultBranch(candidate, refs[candidate])
    return _detached_head(repo)


def _head_branch(repo: Path) -> str | None:
    try:
        return run_git(repo, "symbolic-ref", "-q", "HEAD").strip() or None
    except GitError:  # detached
        return None


def _detached_head(repo: Path) -> DefaultBranch | None:
    try:
        sha = run_git(repo, "rev-parse", "--verify", "-q", "HEAD^{commit}").strip()
    except GitError:  # an unborn branch: no commit yet
        return None
    return DefaultBranch("HEAD", sha) if sha else None


def read_head_files(repo: Path, sha: str) -> list[HeadFileRow]:
    """Every file in the tree of commit `sha`, by path, with its lines (None: binary): the diff of
    the empty tree against it."""
    empty_tree = run_git(repo, "hash-object", "-t", "tree", "--stdin", stdin="").strip()
    output = run_git(repo, *_HEAD_LINES_OPTIONS, empty_tree, sha)
    files: list[HeadFileRow] = []
    for entry in output.split("\0"):
        if not entry:
            continue
        added, _deleted, path = entry.split("\t", 2)
        files.append((path, None if added == "-" else int(added)))
    files.sort()
    return files

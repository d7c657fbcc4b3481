"""Real git repositories for the tests: plain git commands with fixed names and dates, and no user
or system configuration."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

T0 = 1_700_000_000
ALICE = ("Alice Archer", "alice@example.com")
BOB = ("Bob Baker", "bob@example.com")
CAROL = ("Carol Cole", "carol@example.com")


def git_env(author: tuple[str, str] = ALICE, at: int = T0, committer_at: int | None = None) -> dict[str, str]:
    """An environment where git ignores the user's configuration and dates are the ones given."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "EMAIL"))}
    committed = at if committer_at is None else committer_at
    environment.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME=author[0],
        GIT_AUTHOR_EMAIL=author[1],
        GIT_AUTHOR_DATE=f"@{at} +0000",
        GIT_COMMITTER_NAME=author[0],
        GIT_COMMITTER_EMAIL=author[1],
        GIT_COMMITTER_DATE=f"@{committed} +0000",
    )
    return environment


def git(repo: Path, *arguments: str, env: dict[str, str] | None = None, stdin: bytes | None = None) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repo), *arguments], input=stdin, capture_output=True, env=env or git_env(), check=False
    )
    if completed.returncode != 0:
        raise AssertionError(f"git {' '.join(arguments)} failed: {completed.stderr.decode(errors='replace')}")
    return completed.stdout.decode(errors="replace").strip()


class Repo:
    """A non-bare repository on branch `main`, written to with plain git commands."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        git(path, "init", "-q", "-b", "main")

    def write(self, relative: str, content: str | bytes) -> None:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")

    def run(
        self, *arguments: str, author: tuple[str, str] = ALICE, at: int = T0, committer_at: int | None = None
    ) -> str:
        return git(self.path, *arguments, env=git_env(author, at, committer_at))

    def commit(
        self,
        message: str,
        at: int,
        author: tuple[str, str] = ALICE,
        *,
        committer_at: int | None = None,
        empty: bool = False,
    ) -> str:
        self.run("add", "-A", author=author, at=at)
        extra = ["--allow-empty"] if empty else []
        self.run("commit", "-q", "-m", message, *extra, author=author, at=at, committer_at=committer_at)
        return self.sha("HEAD")

    def sha(self, revision: str) -> str:
        return git(self.path, "rev-parse", revision)


def build_history(repo: Repo) -> dict[str, str]:
    """A history with every shape mining must get right, by name: a binary file, a rename, a side branch
    merged with a merge commit, an empty commit, a revert, a cherry-pick, a squash merge (its branch
    deleted), a rebased branch, and a tag on a branch that was deleted; annotated, lightweight, nested
    and tree tags. Each commit is one minute apart after T0 (see the test that lists them)."""
    shas: dict[str, str] = {}
    repo.write("a.txt", "1\n2\n3\n")
    repo.write("logo.bin", bytes(range(256)) * 4)
    repo.write("old/name.txt", "keep\n")
    shas["c1"] = repo.commit("c1", T0, ALICE)
    repo.write("a.txt", "1\ntwo\n3\n")
    (repo.path / "new").mkdir()
    (repo.path / "old" / "name.txt").rename(repo.path / "new" / "name.txt")
    shas["c2"] = repo.commit("c2: edit and rename", T0 + 100, BOB)
    repo.run("tag", "-a", "v1", "-m", "release 1", at=T0 + 150)
    repo.run("checkout", "-q", "-b", "side")
    repo.write("side.txt", "s\n")
    shas["s1"] = repo.commit("s1 on side", T0 + 200, CAROL)
    repo.run("tag", "-a", "side-tag", "-m", "on the side branch", at=T0 + 250)
    repo.run("checkout", "-q", "main")
    shas["c3"] = repo.commit("c3: empty", T0 + 300, ALICE, empty=True)
    repo.run("tag", "light")
    repo.run("merge", "-q", "--no-ff", "-m", "merge side", "side", at=T0 + 400)
    shas["m"] = repo.sha("HEAD")
    repo.run("branch", "-q", "-D", "side")
    repo.write("logo.bin", bytes(range(255, -1, -1)) * 4)
    shas["c4"] = repo.commit("c4: new logo", T0 + 500, BOB)
    repo.run("revert", "--no-edit", shas["c4"], at=T0 + 600)
    shas["r"] = repo.sha("HEAD")
    repo.run("checkout", "-q", "-b", "fix", shas["m"])
    repo.write("a.txt", "1\ntwo\nthree\n")
    shas["f1"] = repo.commit("f1: fix", T0 + 700, CAROL)
    repo.run("checkout", "-q", "main")
    repo.run("cherry-pick", shas["f1"], at=T0 + 800)
    shas["cp"] = repo.sha("HEAD")
    repo.run("checkout", "-q", "-b", "feat")
    repo.write("q.txt", "q1\n")
    shas["q1"] = repo.commit("q1", T0 + 900, BOB)
    repo.write("q.txt", "q1\nq2\n")
    shas["q2"] = repo.commit("q2", T0 + 950, BOB)
    repo.run("checkout", "-q", "main")
    repo.run("merge", "-q", "--squash", "feat", at=T0 + 1000)
    shas["sq"] = repo.commit("squashed feat", T0 + 1000, BOB)
    repo.run("branch", "-q", "-D", "feat")
    repo.run("checkout", "-q", "-b", "reb", shas["c2"])
    repo.write("r.txt", "r\n")
    shas["x1_before"] = repo.commit("x1", T0 + 1100, CAROL)
    repo.run("rebase", "-q", "main", at=T0 + 1200)
    shas["x1"] = repo.sha("HEAD")
    repo.run("checkout", "-q", "main")
    repo.run("checkout", "-q", "-b", "abandoned")
    repo.write("ab.txt", "a\nb\n")
    shas["a1"] = repo.commit("a1", T0 + 1300, BOB)
    repo.run("tag", "-a", "exp", "-m", "experiment", at=T0 + 1350)
    repo.run("checkout", "-q", "main")
    repo.run("branch", "-q", "-D", "abandoned")
    repo.run("tag", "-a", "tree-tag", "-m", "a tree", "main^{tree}", at=T0 + 1360)
    repo.run("tag", "-a", "nested", "-m", "a tag of a tag", "v1", at=T0 + 1400)
    return shas

"""Finding clones under the roots: bare and non-bare, a root that is itself a clone, first root wins."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from charter.sources.git.clones import find_clones
from tests.sources.git.gitrepos import Repo, git


def test_bare_and_non_bare_clones_are_found_by_name(make_repo: Callable[[str], Repo], tmp_path: Path) -> None:
    first = tmp_path / "first"
    second = tmp_path / "second"
    make_repo("first/payments")
    git(tmp_path, "init", "-q", "--bare", str(first / "ledger.git"))
    (first / "notes").mkdir()
    (first / "README.md").write_text("not a clone\n", encoding="utf-8")
    make_repo("second/payments")
    solo = make_repo("solo")

    clones = find_clones([first, second, solo.path, tmp_path / "absent"])

    assert clones == {"payments": first / "payments", "ledger": first / "ledger.git", "solo": solo.path}

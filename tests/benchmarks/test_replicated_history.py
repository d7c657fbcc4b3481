"""`benchmarks/replicated_history.py`: copies of a real history chained into one repository keep every
commit's real diffs under `copy<k>/`, their dates after the copy before, their tags as release tags
with a shifted major version, and HEAD reaching every copy. On psf/requests' history
(../shared/repos/requests.bundle, skipped when absent) and on a small history built here with what
requests lacks (quoted paths, a second root, a lightweight tag beside an annotated one)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _benchmark_module(name: str) -> ModuleType:
    """A module of `benchmarks/` (scripts, not a package: they import each other by file name), loaded
    from its file whatever the working directory and however pytest was started."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(name) or importlib.util.module_from_spec(spec)
    if name not in sys.modules:
        sys.modules[name] = module  # dataclasses look their module up while the class is made
        spec.loader.exec_module(module)
    return module


_replicated = _benchmark_module("replicated_history")
COMPLETE, Copy, TimeSlices = _replicated.COMPLETE, _replicated.Copy, _replicated.TimeSlices
file_command, replica_time, replicate, time_slices = (
    _replicated.file_command,
    _replicated.replica_time,
    _replicated.replicate,
    _replicated.time_slices,
)

# ../shared beside the project (the nearest folder above it that has one, so a git worktree finds it too).
BUNDLE = next(
    (
        folder / "shared" / "repos" / "requests.bundle"
        for folder in Path(__file__).resolve().parents
        if (folder / "shared" / "repos" / "requests.bundle").is_file()
    ),
    Path("../shared/repos/requests.bundle"),
)


def git(repository: Path, *arguments: str) -> str:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    done = subprocess.run(["git", "-C", str(repository), *arguments], capture_output=True, env=environment)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout.decode("utf-8", errors="surrogateescape")


def numstat_history(repository: Path, revisions: str) -> list[tuple[int, str, list[tuple[str, ...]]]]:
    """Each commit of `revisions`: its author timestamp, author and subject, and its numstat rows
    (added, deleted, path, or added, deleted, old path, new path for a rename) as the miner asks git."""
    output = git(repository, "log", "-z", "--numstat", "-M", "--no-diff-merges", "--format=@@%at %an %s", revisions)
    commits: list[tuple[int, str, list[tuple[str, ...]]]] = []
    tokens = iter(output.split("\0"))
    for token in tokens:
        token = token.lstrip("\n")
        if token.startswith("@@"):
            stamp, _, described = token[2:].partition(" ")
            commits.append((int(stamp), described, []))
        elif token:
            added, deleted, path = token.split("\t", 2)
            commits[-1][2].append((added, deleted, path) if path else (added, deleted, next(tokens), next(tokens)))
    return commits


@pytest.fixture(scope="module")
def requests_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The bundle's history twice (`copies=2`), and a plain clone of the bundle to compare with."""
    if not BUNDLE.is_file():
        pytest.skip("../shared/repos/requests.bundle is not present")
    root = tmp_path_factory.mktemp("replica")
    source = root / "source.git"
    subprocess.run(["git", "clone", "-q", "--mirror", str(BUNDLE), str(source)], check=True)
    built = replicate(BUNDLE, root / "replica.git", 2)
    return built.target, source


def test_every_ref_of_the_bundle_is_there_twice(requests_twice: tuple[Path, Path]) -> None:
    replica, source = requests_twice
    assert int(git(replica, "rev-list", "--count", "--all")) == 2 * int(git(source, "rev-list", "--count", "--all"))
    assert int(git(replica, "rev-list", "--count", "HEAD")) == 2 * int(git(source, "rev-list", "--count", "HEAD"))
    branches = set(git(replica, "for-each-ref", "--format=%(refname)", "refs/heads").split())
    originals = git(source, "for-each-ref", "--format=%(refname:strip=2)", "refs/heads").split()
    assert branches == {f"refs/heads/copy{k}/{name}" for k in (0, 1) for name in originals} - {
        "refs/heads/copy1/main"
    } | {"refs/heads/main"}
    assert git(replica, "symbolic-ref", "HEAD").strip() == "refs/heads/main"


def test_the_head_tree_holds_copy_0_at_the_root_and_copy_1_under_its_folder(requests_twice: tuple[Path, Path]) -> None:
    replica, source = requests_twice
    original = git(source, "rev-parse", "main^{tree}").strip()
    assert git(replica, "rev-parse", "HEAD:copy1").strip() == original
    at_root = git(replica, "ls-tree", "HEAD").splitlines()
    assert sorted([*git(source, "ls-tree", "main").splitlines(), f"040000 tree {original}\tcopy1"]) == sorted(at_root)


def test_copy_1_tags_are_release_tags_with_the_major_version_shifted(requests_twice: tuple[Path, Path]) -> None:
    replica, source = requests_twice
    kinds = "--format=%(refname:strip=2) %(objecttype)"
    originals = dict(line.split() for line in git(source, "for-each-ref", kinds, "refs/tags").splitlines())
    replicated = dict(line.split() for line in git(replica, "for-each-ref", kinds, "refs/tags").splitlines())
    assert replicated["v12.31.0"] == originals["v2.31.0"]
    assert replicated["v12.34.0.dev1"] == originals["v2.34.0.dev1"]
    assert replicated["copy1-2.0"] == originals["2.0"]
    assert {name: kind for name, kind in replicated.items() if name in originals} == originals
    assert len(replicated) == 2 * len(originals)
    assert sorted(kind for name, kind in replicated.items() if name not in originals) == sorted(originals.values())
    tagged = git(replica, "rev-parse", "v12.31.0^{commit}").strip()
    assert git(replica, "merge-base", "--is-ancestor", "refs/heads/copy0/main", tagged) == ""


def test_heads_first_parent_chain_reaches_copy_0(requests_twice: tuple[Path, Path]) -> None:
    replica, _ = requests_twice
    chain = git(replica, "rev-list", "--first-parent", "HEAD").split()
    copy0_tip = git(replica, "rev-parse", "refs/heads/copy0/main").strip()
    assert copy0_tip in chain
    assert chain[-1] == git(replica, "rev-list", "--max-parents=0", "refs/heads/copy0/main").split()[0]


def test_copy_1_diffs_are_the_real_ones_under_copy1_and_later(requests_twice: tuple[Path, Path]) -> None:
    """Every commit of copy 1's main against the bundle's: same author and subject, the same numstat
    with `copy1/` before each path (renames included); copy 0's the same at the root. Each copy's
    times are the bundle's squeezed into its half of the span, in the same order, copy 1 after copy 0."""
    replica, source = requests_twice
    original = numstat_history(source, "main")
    first = numstat_history(replica, "refs/heads/copy0/main")
    second = numstat_history(replica, "refs/heads/copy0/main..HEAD")
    assert len(original) == len(first) == len(second) > 6000
    assert any(len(row) == 4 for _, _, rows in first for row in rows), "no rename to hold"
    times = time_slices(source, 2)
    for (stamp, described, rows), (at0, described0, rows0), (at1, described1, rows1) in zip(
        original, first, second, strict=True
    ):
        assert (at0, described0, rows0) == (replica_time(stamp, 0, times), described, rows)
        assert (at1, described1) == (replica_time(stamp, 1, times), described)
        assert rows1 == [(*row[:2], *(f"copy1/{path}" for path in row[2:])) for row in rows]
    assert max(stamp for stamp, _, _ in first) < min(stamp for stamp, _, _ in second)
    assert max(stamp for stamp, _, _ in second) <= max(stamp for stamp, _, _ in original) + 86_400  # as recent


def test_a_complete_replica_is_reused(requests_twice: tuple[Path, Path]) -> None:
    replica, _ = requests_twice
    assert (replica / COMPLETE).is_file()
    again = replicate(BUNDLE, replica, 2)
    assert (again.seconds, again.commits) == (0.0, int(git(replica, "rev-list", "--count", "--all")))


def small_history(folder: Path) -> Path:
    """A bundle of a history with quoted paths, a rename, a branch with a second root and a lightweight
    tag beside an annotated one."""
    work = folder / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    git(work, "config", "user.name", "Ada")
    git(work, "config", "user.email", "ada@example.com")
    (work / "plain.txt").write_text("one\n")
    (work / "été.txt").write_text("a\nb\n")
    (work / 'say "hi"\there.txt').write_text("x\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "first")
    git(work, "tag", "-a", "v1.0.0", "-m", "release")
    git(work, "mv", "été.txt", "renamed été.txt")
    (work / "plain.txt").write_text("one\ntwo\n")
    git(work, "commit", "-q", "-am", "second")
    git(work, "tag", "light")
    git(work, "checkout", "-q", "--orphan", "pages")
    git(work, "rm", "-q", "-rf", ".")
    (work / "index.html").write_text("<p>\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "pages")
    git(work, "checkout", "-q", "main")
    git(work, "bundle", "create", "-q", str(folder / "small.bundle"), "--all")
    return folder / "small.bundle"


def test_quoted_paths_second_roots_and_lightweight_tags_are_replicated(tmp_path: Path) -> None:
    built = replicate(small_history(tmp_path), tmp_path / "replica.git", 3)
    replica = built.target
    assert (built.commits, built.head_commits) == (9, 6)
    files = git(replica, "ls-tree", "-r", "-z", "--name-only", "HEAD").split("\0")[:-1]
    assert sorted(files) == sorted(
        f"{prefix}{name}"
        for prefix in ("", "copy1/", "copy2/")
        for name in ("plain.txt", "renamed été.txt", 'say "hi"\there.txt')
    )
    pages = git(replica, "ls-tree", "-r", "-z", "--name-only", "refs/heads/copy2/pages").split("\0")
    assert "copy2/index.html" in pages and "copy1/plain.txt" in pages
    kinds = git(replica, "for-each-ref", "--format=%(refname:strip=2) %(objecttype)", "refs/tags").splitlines()
    assert sorted(kinds) == sorted(
        ["v1.0.0 tag", "v11.0.0 tag", "v21.0.0 tag", "light commit", "copy1-light commit", "copy2-light commit"]
    )


@pytest.mark.parametrize(
    ("line", "rewritten"),
    [
        (b"M 100644 :7 src/a b.py\n", b"M 100644 :107 copy2/src/a b.py\n"),
        (b'M 100644 :7 "\\303\\251t\\303\\251.txt"\n', b'M 100644 :107 "copy2/\\303\\251t\\303\\251.txt"\n'),
        (
            b"M 160000 0123456789abcdef0123456789abcdef01234567 lib\n",
            b"M 160000 0123456789abcdef0123456789abcdef01234567 copy2/lib\n",
        ),
        (b"D docs/old.rst\n", b"D copy2/docs/old.rst\n"),
        (b'R "a \\"b\\".txt" c.txt\n', b'R "copy2/a \\"b\\".txt" copy2/c.txt\n'),
        (b'C a.txt "d e\\tf.txt"\n', b'C copy2/a.txt "copy2/d e\\tf.txt"\n'),
        (b"deleteall\n", b"D copy2\n"),
    ],
)
def test_file_commands_move_under_the_copys_folder(line: bytes, rewritten: bytes) -> None:
    copy = Copy(2, False, b"refs/heads/main", mark_offset=100, times=TimeSlices(0, 1, 3), parent_of_roots=b":5")
    assert file_command(copy, line) == rewritten

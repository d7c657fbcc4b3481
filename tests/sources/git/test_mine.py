"""Mining one repository: first and incremental minings, rewritten history, fetching, remote clones,
bad repositories, and the log git writes that carries the commits to the client."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from charter.model.git_records import CommitRow, FileRow
from charter.sources.git import follow
from charter.sources.git.log import read_refs, write_log
from charter.sources.git.mine import MinedRepository, MiningFailed, RepositoryJob, mine_into_log, mine_repository
from tests.sources.git.gitrepos import BOB, T0, Repo, build_history, git


def mined_rows(mined: MinedRepository) -> list[CommitRow]:
    try:
        return [row for batch in mined.batches() for row in batch.commits]
    finally:
        mined.discard()


def mined_shas(mined: MinedRepository) -> list[str]:
    return [row[1] for row in mined_rows(mined)]


def codes(mined: MinedRepository) -> list[str]:
    return [problem.code for problem in mined.problems]


def small_repo(make_repo: Callable[[str], Repo], name: str = "small") -> tuple[Repo, list[str]]:
    repo = make_repo(name)
    shas = []
    for index in range(3):
        repo.write("a.txt", "".join(f"{line}\n" for line in range(index + 1)))
        shas.append(repo.commit(f"commit {index}", T0 + 60 * index))
    return repo, shas


def test_first_mining_takes_everything_in_batches(
    make_repo: Callable[[str], Repo], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follow, "CHUNK_SIZE", 700)
    repo = make_repo("history")
    s = build_history(repo)

    mined = mine_repository(RepositoryJob("history", str(repo.path)))

    assert (mined.ok, mined.changed, mined.full, mined.problems) == (True, True, True, [])
    assert mined.refs == read_refs(repo.path)
    assert [tag.name for tag in mined.tags] == ["exp", "light", "nested", "side-tag", "v1"]
    batches = list(mined.batches())
    mined.discard()
    assert len(batches) > 2 and mined.commit_count == 12
    rows = {row[1]: row for batch in batches for row in batch.commits}
    files: dict[str, list[FileRow]] = {}
    for batch in batches:
        for file_row in batch.files:
            files.setdefault(file_row[1], []).append(file_row)
    assert set(rows) == {s[name] for name in ("c1", "c2", "s1", "c3", "m", "c4", "r", "f1", "cp", "sq", "x1", "a1")}
    # repository, sha, parents, author, email, authored, committed, is_merge, additions, deletions (text
    # files only), files changed, Co-authored-by trailers
    alice = "alice@example.com"
    assert rows[s["c1"]] == ("history", s["c1"], "", "Alice Archer", alice, T0, T0, False, 4, 0, 3, "")
    assert files[s["c1"]] == [
        ("history", s["c1"], "a.txt", None, 3, 0, alice, T0),
        ("history", s["c1"], "logo.bin", None, None, None, alice, T0),
        ("history", s["c1"], "old/name.txt", None, 1, 0, alice, T0),
    ]
    merge = ("history", s["m"], f"{s['c3']} {s['s1']}", "Alice Archer", alice, T0 + 400, T0 + 400, True, 0, 0, 0, "")
    assert rows[s["m"]] == merge
    assert s["m"] not in files


def test_unchanged_refs_mine_nothing_and_leave_no_log(make_repo: Callable[[str], Repo]) -> None:
    repo, _ = small_repo(make_repo)
    first = mine_repository(RepositoryJob("small", str(repo.path)))
    first.discard()

    again = mine_repository(RepositoryJob("small", str(repo.path), known_refs=first.refs))

    assert (again.ok, again.changed, again.log_path, again.problems) == (True, False, None, [])
    assert again.refs == first.refs
    assert list(again.batches()) == []


def test_new_commits_are_mined_incrementally(make_repo: Callable[[str], Repo]) -> None:
    repo, _ = small_repo(make_repo)
    first = mine_repository(RepositoryJob("small", str(repo.path)))
    first.discard()
    repo.write("b.txt", "b\n")
    added = repo.commit("new", T0 + 600, BOB)
    repo.run("branch", "topic")

    again = mine_repository(RepositoryJob("small", str(repo.path), known_refs=first.refs))

    assert (again.ok, again.changed, again.full, again.problems) == (True, True, False, [])
    assert [row[1] for row in mined_rows(again)] == [added]
    assert again.refs == {"refs/heads/main": added, "refs/heads/topic": added}


def test_deleting_a_merged_branch_is_not_a_rewrite(make_repo: Callable[[str], Repo]) -> None:
    repo, shas = small_repo(make_repo)
    repo.run("branch", "old", shas[1])
    first = mine_repository(RepositoryJob("small", str(repo.path)))
    first.discard()
    repo.run("branch", "-D", "old")

    again = mine_repository(RepositoryJob("small", str(repo.path), known_refs=first.refs))

    assert (again.changed, again.full, codes(again), mined_rows(again)) == (True, False, [], [])


@pytest.mark.parametrize("collect_garbage", [False, True], ids=["objects-kept", "objects-pruned"])
def test_force_push_is_detected_and_mined_again_from_the_start(
    make_repo: Callable[[str], Repo], collect_garbage: bool
) -> None:
    repo, shas = small_repo(make_repo)
    first = mine_repository(RepositoryJob("small", str(repo.path)))
    first.discard()
    repo.run("reset", "-q", "--hard", shas[1])
    repo.write("c.txt", "c\n")
    replacement = repo.commit("rewritten", T0 + 900)
    if collect_garbage:
        repo.run("reflog", "expire", "--expire=now", "--all")
        repo.run("gc", "-q", "--prune=now")
        with pytest.raises(AssertionError):
            git(repo.path, "cat-file", "-e", shas[2])  # the mined tip no longer exists at all

    again = mine_repository(RepositoryJob("small", str(repo.path), known_refs=first.refs))

    assert (again.ok, again.changed, again.full) == (True, True, True)
    assert codes(again) == ["GIT007"]
    assert "small" in again.problems[0].message and "refs/heads/main" in again.problems[0].message
    assert sorted(row[1] for row in mined_rows(again)) == sorted([shas[0], shas[1], replacement])


def test_a_deleted_unmerged_branch_means_mining_again(make_repo: Callable[[str], Repo]) -> None:
    repo, shas = small_repo(make_repo)
    repo.run("checkout", "-q", "-b", "spike", shas[0])
    repo.write("spike.txt", "s\n")
    repo.commit("spike", T0 + 30)
    repo.run("checkout", "-q", "main")
    first = mine_repository(RepositoryJob("small", str(repo.path)))
    first.discard()
    repo.run("branch", "-q", "-D", "spike")

    again = mine_repository(RepositoryJob("small", str(repo.path), known_refs=first.refs))

    assert (again.full, codes(again)) == (True, ["GIT007"])
    assert sorted(row[1] for row in mined_rows(again)) == sorted(shas)


def test_a_repository_without_commits_mines_to_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    git(tmp_path, "init", "-q", str(empty))

    mined = mine_repository(RepositoryJob("empty", str(empty)))

    assert (mined.ok, mined.changed, mined.refs, codes(mined)) == (True, True, {}, [])
    assert mined_rows(mined) == []


def test_a_path_that_does_not_exist_is_not_a_repository(tmp_path: Path) -> None:
    mined = mine_repository(RepositoryJob("ghost", str(tmp_path / "ghost")))

    assert (mined.ok, codes(mined), mined.log_path) == (False, ["GIT001"], None)
    assert "ghost" in mined.problems[0].message
    assert mined.problems[0].location is not None and mined.problems[0].location.path == str(tmp_path / "ghost")


def test_a_plain_folder_inside_another_clone_is_not_taken_for_it(make_repo: Callable[[str], Repo]) -> None:
    repo, _ = small_repo(make_repo)
    plain = repo.path / "docs"
    plain.mkdir()

    mined = mine_repository(RepositoryJob("docs", str(plain)))

    assert (mined.ok, codes(mined)) == (False, ["GIT001"])
    assert "not a git repository" in mined.problems[0].message


def test_a_shallow_clone_is_refused(make_repo: Callable[[str], Repo], tmp_path: Path) -> None:
    repo, _ = small_repo(make_repo)
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.path}", str(shallow))

    mined = mine_repository(RepositoryJob("shallow", str(shallow)))

    assert (mined.ok, codes(mined), mined.commit_count) == (False, ["GIT002"], 0)
    assert "shallow" in mined.problems[0].message


def test_a_corrupt_object_fails_the_repository_and_drops_its_log(make_repo: Callable[[str], Repo]) -> None:
    repo, shas = small_repo(make_repo)
    tree = git(repo.path, "rev-parse", f"{shas[0]}^{{tree}}")
    loose = repo.path / ".git" / "objects" / tree[:2] / tree[2:]
    loose.chmod(0o644)
    loose.write_bytes(b"not a zlib stream")

    mined = mine_repository(RepositoryJob("small", str(repo.path)))

    assert (mined.ok, codes(mined), mined.log_path) == (False, ["GIT003"], None)
    assert "small" in mined.problems[0].message


def test_fetch_updates_the_clone_before_mining(make_repo: Callable[[str], Repo], tmp_path: Path) -> None:
    upstream, _ = small_repo(make_repo, "upstream")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream.path), str(clone))
    first = mine_repository(RepositoryJob("clone", str(clone)))
    first.discard()
    upstream.write("later.txt", "later\n")
    later = upstream.commit("later", T0 + 3600)

    without_fetch = mine_repository(RepositoryJob("clone", str(clone), known_refs=first.refs))
    with_fetch = mine_repository(RepositoryJob("clone", str(clone), known_refs=first.refs, fetch=True))

    assert without_fetch.changed is False
    assert (with_fetch.ok, with_fetch.full, codes(with_fetch)) == (True, False, [])
    assert [row[1] for row in mined_rows(with_fetch)] == [later]
    assert with_fetch.refs["refs/remotes/origin/main"] == later


def test_a_failed_fetch_is_a_warning_and_the_clone_is_still_mined(
    make_repo: Callable[[str], Repo], tmp_path: Path
) -> None:
    repo, shas = small_repo(make_repo)
    repo.run("remote", "add", "origin", str(tmp_path / "gone.git"))

    mined = mine_repository(RepositoryJob("small", str(repo.path), fetch=True))

    assert (mined.ok, codes(mined)) == (True, ["GIT008"])
    assert sorted(row[1] for row in mined_rows(mined)) == sorted(shas)


def test_a_remote_repository_is_cloned_into_the_cache_then_fetched(
    make_repo: Callable[[str], Repo], tmp_path: Path
) -> None:
    upstream, shas = small_repo(make_repo, "upstream")
    cache = tmp_path / "cache"
    job = RepositoryJob(
        "upstream", str(tmp_path / "not-here"), remote_url=f"file://{upstream.path}", cache_dir=str(cache)
    )

    first = mine_repository(job)
    assert (first.ok, codes(first)) == (True, [])
    assert sorted(row[1] for row in mined_rows(first)) == sorted(shas)
    assert (cache / "upstream.git" / "HEAD").is_file()
    assert [path.name for path in cache.iterdir()] == ["upstream.git"]

    upstream.write("more.txt", "more\n")
    more = upstream.commit("more", T0 + 7200)
    second = mine_repository(
        RepositoryJob("upstream", job.location, job.remote_url, known_refs=first.refs, cache_dir=str(cache))
    )
    assert [row[1] for row in mined_rows(second)] == [more]


def test_a_remote_that_cannot_be_cloned_fails_the_repository(tmp_path: Path) -> None:
    job = RepositoryJob(
        "lost",
        str(tmp_path / "not-here"),
        remote_url=f"file://{tmp_path / 'missing.git'}",
        cache_dir=str(tmp_path / "cache"),
    )

    mined = mine_repository(job)

    assert (mined.ok, codes(mined)) == (False, ["GIT008"])
    assert list((tmp_path / "cache").iterdir()) == []


def test_jobs_and_results_survive_pickling(make_repo: Callable[[str], Repo]) -> None:
    repo, shas = small_repo(make_repo)
    job = RepositoryJob("small", str(repo.path), known_refs={"refs/heads/main": shas[0]}, fetch=False)
    assert pickle.loads(pickle.dumps(job)) == job

    packed = mine_repository(job).packed()
    assert packed.log_path is None and packed.log_frames
    copied: MinedRepository = pickle.loads(pickle.dumps(packed))

    assert mined_shas(copied) == [shas[2], shas[1]]


def whole_log(repo: Repo, tmp_path: Path) -> bytes:
    path = tmp_path / "whole.log"
    with open(path, "wb") as log:
        write_log(repo.path, list(read_refs(repo.path).values()), [], log)
    return path.read_bytes()


def test_a_log_still_being_written_is_followed_to_its_end(make_repo: Callable[[str], Repo], tmp_path: Path) -> None:
    repo, shas = small_repo(make_repo)
    whole = whole_log(repo, tmp_path)
    # Git writes the log in pieces that end anywhere, even inside a commit's object name.
    pieces = [whole[:5], whole[5:130], whole[130:-3], whole[-3:]]
    live_path = tmp_path / "live.log"
    live = open(live_path, "wb")  # noqa: SIM115 (written piece by piece as the reader waits)
    live.write(pieces.pop(0))
    live.flush()

    def still_running(timeout: float) -> bool:
        # Stands in for git: each time the reader waits, one more piece appears.
        if timeout > 0 and pieces:
            live.write(pieces.pop(0))
            live.flush()
        return bool(pieces)

    followed = MinedRepository("small", str(repo.path), changed=True, full=True, log_path=str(live_path))
    followed.still_running = still_running

    assert [row[1] for row in mined_rows(followed)] == list(reversed(shas))
    assert (followed.commit_count, followed.ok) == (3, True)
    live.close()


def test_a_followed_log_that_ends_in_failure_raises(make_repo: Callable[[str], Repo], tmp_path: Path) -> None:
    repo, _ = small_repo(make_repo)
    job = RepositoryJob("failing", str(tmp_path / "failing"))
    failed = mine_into_log(job, str(tmp_path / "never.log"))
    assert failed.ok is False and not (tmp_path / "never.log").exists()

    # Git wrote part of the log, then failed: what it wrote is not written to the store.
    part = tmp_path / "part.log"
    part.write_bytes(whole_log(repo, tmp_path)[:200])
    live = MinedRepository("failing", job.location, changed=True, log_path=str(part))
    live.still_running = lambda timeout: False
    live.ok, live.problems = False, failed.problems
    with pytest.raises(MiningFailed) as raised:
        list(live.batches())
    assert [problem.code for problem in raised.value.problems] == ["GIT001"]


def test_a_log_git_did_not_write_as_asked_fails_with_its_reason(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.log"
    garbage.write_bytes(b"fatal: something else entirely\n")
    mined = MinedRepository("odd", str(tmp_path), changed=True, log_path=str(garbage))

    with pytest.raises(MiningFailed) as raised:
        list(mined.batches())

    (problem,) = raised.value.problems
    assert problem.code == "GIT003"
    assert "`odd`" in problem.message and "does not start with a commit" in problem.message

"""Generated git histories: valid repositories (git fsck), exact commit counts, release tags on the
branches they claim (maintenance tags out of main's reach), the `.mailmap`, the odd cases mining must
survive (renames, binaries, empty commits, a latin-1 author), determinism, bare clones and monorepos."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from charter.demo.history import (
    REALISTIC_LAYOUT,
    FileLayout,
    HistoryError,
    HistoryFacts,
    HistorySpec,
    MergeStyles,
    write_history,
)

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2026, 7, 1, tzinfo=UTC)
SPEC = HistorySpec(
    commits=600,
    seed=5,
    start=START,
    end=END,
    release_every=20,
    maintenance_branches=3,
    backports=1.0,
    renames=0.05,
    binaries=0.03,
    empty_commits=0.02,
)


def git(repo: Path, *arguments: str) -> bytes:
    environment = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", *arguments], cwd=repo, env=environment, capture_output=True, check=True)
    return done.stdout


def text(repo: Path, *arguments: str) -> str:
    return git(repo, *arguments).decode("utf-8", "replace")


def is_ancestor(repo: Path, commit: str, of: str) -> bool:
    environment = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", "merge-base", "--is-ancestor", commit, of], cwd=repo, env=environment, check=False)
    assert done.returncode in (0, 1)
    return done.returncode == 0


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> HistoryFacts:
    return write_history(tmp_path_factory.mktemp("history") / "service", SPEC)


def test_the_repository_is_valid_and_checked_out(history: HistoryFacts) -> None:
    repo = history.path
    done = subprocess.run(
        ["git", "fsck", "--strict", "--no-progress"],
        cwd=repo,
        capture_output=True,
        check=False,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull},
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert text(repo, "rev-parse", "--is-bare-repository").strip() == "false"
    assert text(repo, "status", "--porcelain") == ""
    assert (repo / ".mailmap").is_file() and (repo / "poetry.lock").is_file()


def test_commit_count_is_exact(history: HistoryFacts) -> None:
    assert history.commits == SPEC.commits
    assert int(text(history.path, "rev-list", "--all", "--count")) == SPEC.commits


def test_facts_match_the_refs(history: HistoryFacts) -> None:
    repo = history.path
    heads = text(repo, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads")
    assert dict(line.split() for line in heads.splitlines()) == history.branches
    assert history.head == history.branches["main"] == text(repo, "rev-parse", "HEAD").strip()
    # An annotated tag peels to its commit (`%(*objectname)`); a lightweight one is the commit itself.
    tags = text(repo, "for-each-ref", "--format=%(refname:short) %(objectname) %(*objectname)", "refs/tags")
    peeled = {}
    for line in tags.splitlines():
        name, target, commit = line.split(" ")
        peeled[name] = commit or target
    assert peeled == history.tags
    mainline = text(repo, "rev-list", "--first-parent", "--reverse", "main").split()
    assert [commit.sha for commit in history.mainline] == mainline


def test_releases_are_cut_every_n_mainline_commits(history: HistoryFacts) -> None:
    on_main = [release for release in history.releases if release.branch == "main"]
    assert len(on_main) == (len(history.mainline) - 1) // SPEC.release_every
    assert [release.name for release in on_main[:3]] == ["v1.0.0", "v1.1.0", "v1.2.0"]
    position = {commit.sha: index for index, commit in enumerate(history.mainline)}
    assert [position[release.sha] for release in on_main[:3]] == [20, 40, 60]
    annotated = {release.annotated for release in history.releases}
    assert annotated == {True, False}


def test_tag_times_are_the_tagger_date_or_the_commit_date(history: HistoryFacts) -> None:
    repo = history.path
    listing = text(
        repo,
        "for-each-ref",
        "--format=%(refname:short) %(taggerdate:unix) %(*committerdate:unix) %(committerdate:unix)",
        "refs/tags",
    )
    for line in listing.splitlines():
        name, *times = line.split(" ")
        release = next(release for release in history.releases if release.name == name)
        expected = int(times[0]) if release.annotated else int(times[2])
        assert release.tagged_at == datetime.fromtimestamp(expected, UTC), name
        assert START <= release.tagged_at <= END


def test_maintenance_tags_sit_on_their_branch_out_of_mains_reach(history: HistoryFacts) -> None:
    repo = history.path
    maintenance = [release for release in history.releases if release.branch != "main"]
    branches = sorted(name for name in history.branches if name.startswith("release/"))
    assert len(branches) == SPEC.maintenance_branches
    assert maintenance
    for release in maintenance:
        major, minor, patch = (int(part) for part in re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)", release.name).groups())
        assert patch >= 1 and release.branch == f"release/{major}.{minor}"
        assert f"v{major}.{minor}.0" in history.tags
        assert is_ancestor(repo, history.tags[f"v{major}.{minor}.0"], release.sha)
        assert is_ancestor(repo, release.sha, release.branch)
        assert not is_ancestor(repo, release.sha, "main"), release.name
    for release in history.releases:
        if release.branch == "main":
            assert is_ancestor(repo, release.sha, "main")


def test_backports_are_cherry_picks_of_main_commits(history: HistoryFacts) -> None:
    repo = history.path
    picked = 0
    for branch in (name for name in history.branches if name.startswith("release/")):
        log = text(repo, "log", "--format=%H%x00%an%x00%at%x00%B%x01", f"main..{branch}")
        for record in filter(None, (entry.strip() for entry in log.split("\x01"))):
            sha, author, authored, body = record.split("\x00")
            match = re.search(r"\(cherry picked from commit ([0-9a-f]{40})\)", body)
            assert match, f"{sha} on {branch} is not a back-port"  # backports=1.0: every fix is one
            original = match.group(1)
            assert is_ancestor(repo, original, "main")
            assert text(repo, "log", "-1", "--format=%an%x00%at", original).strip() == f"{author}\x00{authored}"
            picked += 1
    assert picked == sum(1 for release in history.releases if release.branch != "main")


def test_the_odd_cases_are_there(history: HistoryFacts) -> None:
    repo = history.path
    numstat = text(repo, "log", "--all", "-M", "--numstat", "--format=")
    assert re.search(r"^\d+\t\d+\t\S*\{?\S* => \S*", numstat, re.MULTILINE), "no rename"
    assert re.search(r"^-\t-\t\S+\.png$", numstat, re.MULTILINE), "no binary file"
    trees = dict(line.split(" ", 1) for line in text(repo, "log", "--all", "--format=%H %T").splitlines())
    empty = [
        line
        for line in text(repo, "log", "--all", "--no-merges", "--format=%T %P").splitlines()
        if len(line.split()) == 2 and trees[line.split()[1]] == line.split()[0]
    ]
    assert empty, "no empty commit"
    assert int(text(repo, "rev-list", "--merges", "--count", "main")) > 0
    squashed = re.findall(
        r"\(#\d+\)$", text(repo, "log", "--first-parent", "--no-merges", "--format=%s", "main"), re.MULTILINE
    )
    assert squashed


def test_an_author_name_is_latin_1_not_utf_8(history: HistoryFacts) -> None:
    names = set(git(history.path, "log", "--all", "--format=%an").splitlines())
    assert "José Müller".encode("latin-1") in names
    assert "José Müller".encode() not in names
    with pytest.raises(UnicodeDecodeError):
        "José Müller".encode("latin-1").decode("utf-8")


def test_mailmap_folds_one_persons_two_identities(history: HistoryFacts) -> None:
    repo = history.path
    raw = set(git(repo, "log", "--all", "--format=%an <%ae>").splitlines())
    assert {b"ada <ada@laptop.local>", b"Ada Okafor <ada.okafor@acme.example>"} <= raw
    mapped = set(git(repo, "log", "--all", "--format=%aN <%aE>").splitlines())
    assert b"Ada Okafor <ada.okafor@acme.example>" in mapped
    assert not any(b"laptop.local" in identity for identity in mapped)
    assert len(mapped) == len(raw) - 1


def test_bots_only_bump_the_lockfile(history: HistoryFacts) -> None:
    log = text(history.path, "log", "--all", "--author=\\[bot\\]", "--name-only", "--format=%x00%an")
    commits = [entry.split("\n", 1) for entry in log.split("\x00") if entry]
    assert commits
    for author, files in commits:
        assert author.endswith("[bot]") and files.split() == ["poetry.lock"]


def test_dates_stay_in_the_span(history: HistoryFacts) -> None:
    dates = [int(value) for value in text(history.path, "log", "--all", "--format=%ct").split()]
    assert min(dates) >= START.timestamp() and max(dates) < END.timestamp()
    authored = [int(value) for value in text(history.path, "log", "--all", "--format=%at").split()]
    assert min(authored) >= START.timestamp()


def test_people_commit_on_weekday_working_hours(history: HistoryFacts) -> None:
    moments = [
        datetime.fromtimestamp(int(value), UTC) for value in text(history.path, "log", "--all", "--format=%ct").split()
    ]
    working = [moment for moment in moments if moment.weekday() < 5 and 8 <= moment.hour < 19]
    assert len(working) / len(moments) > 0.75
    assert len(working) < len(moments)  # and some at night or at weekends


def test_same_spec_same_shas_other_seed_other_history(tmp_path: Path) -> None:
    spec = replace(SPEC, commits=150, release_every=10)
    first = write_history(tmp_path / "one", spec)
    second = write_history(tmp_path / "two", spec)
    other = write_history(tmp_path / "three", replace(spec, seed=6))
    assert text(first.path, "rev-parse", "HEAD") == text(second.path, "rev-parse", "HEAD")
    assert first.tags == second.tags and first.branches == second.branches
    assert other.head != first.head


def test_bare_repository_with_mailmap_from_head(tmp_path: Path) -> None:
    facts = write_history(tmp_path / "bare.git", replace(SPEC, commits=120, bare=True, release_every=10))
    repo = facts.path
    assert text(repo, "rev-parse", "--is-bare-repository").strip() == "true"
    assert int(text(repo, "rev-list", "--all", "--count")) == 120
    assert subprocess.run(["git", "fsck", "--strict", "--no-progress"], cwd=repo, capture_output=True).stdout == b""
    assert not (repo / ".mailmap").exists()
    mapped = set(git(repo, "log", "--all", "--format=%aE").splitlines())  # mailmap.blob defaults to HEAD:.mailmap
    assert b"ada@laptop.local" not in mapped and b"ada.okafor@acme.example" in mapped


def test_monorepo_commits_each_touch_one_prefix_and_tags_name_it(tmp_path: Path) -> None:
    prefixes = ("services/payments", "services/ledger")
    spec = replace(
        SPEC,
        commits=300,
        path_prefixes=prefixes,
        tag_pattern="{name}/v{major}.{minor}.{patch}",
        branch_pattern="release/{name}/{major}.{minor}",
        merge_styles=MergeStyles(merge=0.3, squash=0.4, rebase=0.3),
    )
    facts = write_history(tmp_path / "mono", spec)
    repo = facts.path
    root = text(repo, "rev-list", "--max-parents=0", "main").strip()
    log = text(repo, "log", "--all", "--diff-merges=first-parent", "--name-only", "--format=%x00%H")
    touched_by: dict[str, set[str]] = {}
    for entry in filter(None, log.split("\x00")):
        sha, *files = entry.split()
        touched_by[sha] = {prefix for prefix in prefixes for path in files if path.startswith(prefix + "/")}
        assert all(path.startswith(prefixes) for path in files) or sha == root, sha
    assert len(touched_by) == 300
    assert all(len(touched) <= 1 for sha, touched in touched_by.items() if sha != root)
    for commit in facts.mainline[1:]:
        assert touched_by[commit.sha] <= {commit.prefix}
    names = {release.name.split("/", 1)[0] for release in facts.releases}
    assert names == {"payments", "ledger"}
    for release in facts.releases:
        assert re.fullmatch(r"(payments|ledger)/v\d+\.\d+\.\d+", release.name)
        if release.branch != "main":
            assert release.branch.startswith(f"release/{release.line}/")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"commits": 0}, "commits"),
        ({"start": datetime(2026, 1, 1)}, "timezone-aware"),
        ({"path_prefixes": ("a", "b")}, "needs {name}"),
        ({"tag_pattern": "{name}/v{major}.{minor}.{patch}"}, "only monorepo"),
        ({"backports": 1.5}, "backports"),
        ({"merge_styles": MergeStyles(0, 0, 0)}, "merge_styles"),
        ({"layout": FileLayout(file_lines=(40, 8))}, "file_lines"),
    ],
)
def test_impossible_specs_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        replace(SPEC, **changes)  # type: ignore[arg-type]


def source_line_counts(repo: Path, under: str) -> list[int]:
    paths = text(repo, "ls-tree", "-r", "--name-only", "HEAD", under).split()
    return [len(git(repo, "show", f"HEAD:{path}").splitlines()) for path in paths if path.endswith(".py")]


def test_file_sizes_follow_the_layout(tmp_path: Path) -> None:
    small = write_history(tmp_path / "small", replace(SPEC, commits=150, release_every=10))
    realistic = write_history(tmp_path / "real", replace(SPEC, commits=150, release_every=10, layout=REALISTIC_LAYOUT))

    small_lines = source_line_counts(small.path, "src")
    real_lines = source_line_counts(realistic.path, "src")
    assert max(small_lines) <= 100 and len(small_lines) < 40
    # Files start with 60 to 400 lines (edits add or remove a few), in ten source folders of 15.
    assert min(real_lines) >= 40 and max(real_lines) > 300 and len(real_lines) >= 150
    assert (
        len(
            {
                path.rsplit("/", 1)[0]
                for path in text(realistic.path, "ls-tree", "-r", "--name-only", "HEAD", "src").split()
            }
        )
        == 10
    )


def test_a_non_empty_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        write_history(tmp_path, SPEC)


def test_git_refusing_the_stream_is_a_clear_error(tmp_path: Path) -> None:
    spec = replace(SPEC, commits=100, release_every=5, tag_pattern="v{major}..{minor}.{patch}")
    with pytest.raises(HistoryError, match=r"git fast-import in .* failed: .*v1\.\."):
        write_history(tmp_path / "refused", spec)

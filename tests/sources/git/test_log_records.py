"""Parsing git's log into store rows: whatever sizes the chunks come in, the same rows; odd author
names and paths taken as they are; output that is not a log refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.model.git_records import CommitBatch
from charter.sources.git.log import read_refs, write_log
from charter.sources.git.log_records import LogParser, UnreadableLog, parse_log
from tests.sources.git.gitrepos import ALICE, T0, Repo, build_history


@pytest.fixture(scope="module")
def history_log(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    repo = Repo(tmp_path_factory.mktemp("records") / "history")
    build_history(repo)
    # A name with a record separator in it, where a naive split would start a new commit.
    repo.write("odd.txt", "odd\n")
    repo.commit("odd author", T0 + 5000, ("Rob \x1eSeparator", "rob@example.com"))
    repo.run("mv", "odd.txt", "renamed odd.txt")
    repo.commit("rename", T0 + 5100)
    repo.write("agent.txt", "by an agent\n")
    repo.commit(f"{AGENT_MESSAGE}", T0 + 5200)
    log_path = repo.path.parent / "history.log"
    with open(log_path, "wb") as log:
        write_log(repo.path, list(read_refs(repo.path).values()), [], log)
    return log_path.read_bytes()


AGENT_MESSAGE = """with two co-authors

Signed-off-by: Alice Archer <alice@example.com>
Co-Authored-By: Claude <noreply@anthropic.com>
co-authored-by: Bob Baker
 <bob@example.com>
"""


def in_pieces(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(cut % (len(data) + 1) for cut in cuts)})
    return [data[start:end] for start, end in zip(points, points[1:], strict=False)]


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=1 << 20), max_size=12))
def test_chunks_of_any_size_give_the_rows_of_the_whole_log(history_log: bytes, cuts: list[int]) -> None:
    whole = parse_log("history", [history_log])

    assert parse_log("history", in_pieces(history_log, cuts)) == whole


def test_rows_hold_what_git_wrote(history_log: bytes) -> None:
    parsed = parse_log("history", [history_log])

    commits = {row[1]: row for row in parsed.commits}
    assert len(commits) == len(parsed.commits) == 15
    odd = next(row for row in parsed.commits if row[3] == "Rob \x1eSeparator")
    assert odd[4:7] == ("rob@example.com", T0 + 5000, T0 + 5000)
    renamed = [row for row in parsed.files if row[3] == "odd.txt"]
    assert [(row[2], row[3], row[4], row[5], row[6]) for row in renamed] == [
        ("renamed odd.txt", "odd.txt", 0, 0, ALICE[1])
    ]
    # Every file row belongs to a commit of the log, with that commit's author and time.
    for _, sha, _, _, _, _, email, authored in parsed.files:
        assert (commits[sha][4], commits[sha][5]) == (email, authored)
    # A commit's totals are the sums over its text files.
    for _, sha, _, _, _, _, _, _, additions, deletions, changed, _ in parsed.commits:
        mine = [row for row in parsed.files if row[1] == sha]
        assert changed == len(mine)
        assert additions == sum(row[4] or 0 for row in mine) and deletions == sum(row[5] or 0 for row in mine)


def test_co_authored_by_trailers_are_kept_one_a_line_whatever_their_case_or_folding(history_log: bytes) -> None:
    parsed = parse_log("history", [history_log])
    trailers = {row[11] for row in parsed.commits}
    assert trailers == {"", "Claude <noreply@anthropic.com>\nBob Baker <bob@example.com>"}


def test_the_stamp_turns_each_time_into_what_the_store_binds(history_log: bytes) -> None:
    stamped = parse_log("history", [history_log], stamp=lambda seconds: f"t{seconds - T0}")
    plain = parse_log("history", [history_log])

    assert [row[5] for row in stamped.commits] == [f"t{row[5] - T0}" for row in plain.commits]
    assert [row[7] for row in stamped.files] == [f"t{row[7] - T0}" for row in plain.files]


def test_nothing_is_returned_before_a_commit_is_complete(history_log: bytes) -> None:
    parser = LogParser("history")
    first_end = history_log.index(b"\x1e", 1)

    assert parser.feed(history_log[: first_end + 10]) == CommitBatch([], [])
    assert len(parser.feed(history_log[first_end + 10 : first_end + 60]).commits) == 1
    assert parser.commits == 1


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        (b"fatal: not a git repository\n", "does not start with a commit"),
        (b"\x1e" + b"a" * 40 + b"\0only two fields", "a commit record with 2 fields"),
        (b"\x1e" + b"a" * 40 + b"\0\0A\0a@example.com\0yesterday\0today\0", "invalid literal for int"),
        (b"\x1e" + b"a" * 40 + b"\0\0A\0a@example.com\x001\x001\0\0\n3\t4\t\0old.txt", "list index out of range"),
    ],
)
def test_output_that_is_not_a_log_is_refused(output: bytes, reason: str) -> None:
    with pytest.raises(UnreadableLog, match=reason):
        parse_log("odd", [output])

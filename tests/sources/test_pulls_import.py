"""Importing a GitHub pulls API export: merged pulls stored with their first commit time, unmerged
ones skipped and counted, every bad object a diagnostic at its JSON path and nothing written. On
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from charter.model.delivery import PullRequest
from charter.model.diagnostics import Location
from charter.services.imports_delivery import import_pulls
from charter.store.database import Store, open_store
from charter.store.deployments import read_pull_requests
from charter.store.schema import pull_requests

MERGE_1 = "1" * 40
MERGE_2 = "2" * 40


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = (
        f"sqlite:///{tmp_path / 'charter.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    )
    with open_store(tmp_path, url) as opened:
        yield opened


def stored(store: Store, repository: str) -> list[PullRequest]:
    with store.engine.connect() as connection:
        return read_pull_requests(connection, repository)


def row_count(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(pull_requests)).scalar_one()


def pull(number: int, merged_at: str | None, merge_commit_sha: str | None, **extra: object) -> dict[str, object]:
    """A pull as `GET /repos/{o}/{r}/pulls?state=closed` returns it (trimmed)."""
    return {
        "url": f"https://api.github.com/repos/acme/checkout/pulls/{number}",
        "id": 1000 + number,
        "number": number,
        "state": "closed",
        "title": f"Change {number}",
        "user": {"login": "octocat"},
        "created_at": "2024-05-01T09:00:00Z",
        "updated_at": "2024-05-02T09:00:00Z",
        "closed_at": merged_at or "2024-05-02T09:00:00Z",
        "merged_at": merged_at,
        "merge_commit_sha": merge_commit_sha,
        "head": {"ref": f"change-{number}", "sha": "f" * 40, "repo": {"name": "checkout-fork"}},
        "base": {"ref": "main", "sha": "e" * 40, "repo": {"name": "checkout", "full_name": "acme/checkout"}},
        **extra,
    }


def commit(date: str) -> dict[str, object]:
    """A commit as `GET .../pulls/{n}/commits` returns it (trimmed)."""
    return {
        "sha": "d" * 40,
        "commit": {
            "author": {"name": "Ada", "email": "ada@example.com", "date": date},
            "committer": {"name": "GitHub", "email": "noreply@github.com", "date": "2024-05-02T12:00:00Z"},
            "message": "work",
        },
    }


def export(tmp_path: Path, *pulls: object) -> Path:
    path = tmp_path / "pulls.json"
    path.write_text(json.dumps(list(pulls)), encoding="utf-8")
    return path


def test_merged_pulls_are_stored_with_their_first_commit_time(store: Store, tmp_path: Path) -> None:
    path = export(
        tmp_path,
        # the earliest author date of the commits, whatever their order
        pull(7, "2024-05-02T10:00:00Z", MERGE_1,
             commits=[commit("2024-04-30T08:00:00Z"), commit("2024-04-29T17:30:00+02:00")]),
        pull(8, "2024-05-03T10:00:00Z", MERGE_2.upper(), first_commit_at="2024-04-28T00:00:00Z"),
        pull(9, None, None),  # closed without merging: skipped
        pull(10, "2024-05-04T10:00:00Z", None, commits=3),  # the single-pull endpoint's count: no first commit
    )  # fmt: skip
    report = import_pulls(store, path)
    assert (report.imported, report.skipped, report.diagnostics) == (3, 1, [])
    created = datetime(2024, 5, 1, 9, tzinfo=UTC)
    assert stored(store, "checkout") == [
        PullRequest("checkout", 7, MERGE_1, created, datetime(2024, 5, 2, 10, tzinfo=UTC),
                    datetime(2024, 4, 29, 15, 30, tzinfo=UTC)),
        PullRequest("checkout", 8, MERGE_2, created, datetime(2024, 5, 3, 10, tzinfo=UTC),
                    datetime(2024, 4, 28, tzinfo=UTC)),
        PullRequest("checkout", 10, None, created, datetime(2024, 5, 4, 10, tzinfo=UTC), None),
    ]  # fmt: skip


def test_reimport_is_idempotent_and_updates_changed_pulls(store: Store, tmp_path: Path) -> None:
    path = export(tmp_path, pull(7, "2024-05-02T10:00:00Z", MERGE_1))
    import_pulls(store, path)
    import_pulls(store, path)
    assert row_count(store) == 1
    export(tmp_path, pull(7, "2024-05-02T10:00:00Z", MERGE_1, first_commit_at="2024-04-01T00:00:00Z"))
    import_pulls(store, path)
    assert [p.first_commit_at for p in stored(store, "checkout")] == [datetime(2024, 4, 1, tzinfo=UTC)]


def test_repository_comes_from_base_else_the_option(store: Store, tmp_path: Path) -> None:
    without_base = {key: value for key, value in pull(3, "2024-05-02T10:00:00Z", MERGE_1).items() if key != "base"}
    path = export(tmp_path, pull(2, "2024-05-02T10:00:00Z", MERGE_1), without_base)
    assert import_pulls(store, path, repository="shop").imported == 2
    assert [p.number for p in stored(store, "checkout")] == [2]
    assert [p.number for p in stored(store, "shop")] == [3]


BAD: dict[str, tuple[dict[str, object], str, str]] = {
    "number missing": ({"number": None}, "$[1].number", "`number` must be the pull request's number"),
    "bad merged_at": ({"merged_at": "tuesday"}, "$[1].merged_at", "`merged_at` is not an ISO 8601 time: 'tuesday'"),
    "created_at missing": ({"created_at": None}, "$[1].created_at", "`created_at` is missing"),
    "short merge sha": (
        {"merge_commit_sha": "abc"}, "$[1].merge_commit_sha", "`merge_commit_sha` is not a full commit id: 'abc'",
    ),
    "commit without author date": (
        {"commits": [commit("2024-04-30T08:00:00Z"), {"sha": "d" * 40, "commit": {"author": {"name": "Ada"}}}]},
        "$[1].commits[1].commit.author.date", "`commit.author.date` is missing",
    ),
    "commit not an object": (
        {"commits": ["d" * 40]}, "$[1].commits[0]", "`commits[]` must be a JSON object, not a JSON string",
    ),
    "no repository": (
        {"base": {"ref": "main"}}, "$[1].base.repo.name", "`base.repo.name` is missing, so the repository is not known",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", BAD)
def test_a_bad_pull_is_reported_at_its_json_path_and_nothing_is_written(
    store: Store, tmp_path: Path, name: str
) -> None:
    change, json_path, message = BAD[name]
    path = export(
        tmp_path, pull(1, "2024-05-02T10:00:00Z", MERGE_1), {**pull(2, "2024-05-02T10:00:00Z", MERGE_2), **change}
    )
    report = import_pulls(store, path)
    assert [(d.code, d.message, d.location) for d in report.diagnostics] == [
        ("IMP002", f"{json_path}: {message}", Location(str(path)))
    ]
    assert report.failed and report.imported == 0 and row_count(store) == 0


def test_pages_written_one_after_another_are_unreadable_with_the_fix(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "pulls.json"
    page = json.dumps([pull(1, "2024-05-02T10:00:00Z", MERGE_1)])
    path.write_text(page + "\n" + page + "\n", encoding="utf-8")
    (found,) = import_pulls(store, path).diagnostics
    assert (found.code, found.location) == ("IMP001", Location(str(path), 2, 1))
    assert "`gh api --paginate` writes: add `--slurp`" in found.message
    assert row_count(store) == 0

"""Pull requests from a GitHub pulls API export, for `charter import pulls`, so that a squashed pull
request's lead time starts at its first commit.

The file is the JSON array `GET /repos/{owner}/{repo}/pulls?state=closed` returns (with
`gh api --paginate --slurp`, pages are merged into one array). Read from each pull: `number`,
`created_at`, `merged_at`, `merge_commit_sha` and the repository, `base.repo.name` (else the
`--repository` option; the name must be the clone's directory name that `charter.dev/repo` uses).
The GitHub API does not give the first commit's time with the pull: a pull may carry either a
`first_commit_at` time or a `commits` array as `GET .../pulls/{number}/commits` returns it (the
earliest `commit.author.date` is taken). Without either, lead time starts at the commits' own
author times. Pulls that were closed without being merged are skipped and counted. The export is
one JSON document and is loaded whole."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from charter.model.delivery import PullRequest
from charter.model.diagnostics import Diagnostic
from charter.sources.records import (
    BadRecord,
    FirstPlaces,
    Place,
    Skipped,
    from_bad_record,
    json_array,
    mapping_value,
    required_timestamp,
    text_value,
    timestamp_value,
)

_FULL_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")
_EXPORT_HINT = (
    "Export pulls as the GitHub API returns them (`gh api --paginate --slurp repos/OWNER/REPO/pulls?state=closed`)."
)


def read_pulls_file(path: Path, repository: str | None = None) -> Iterator[PullRequest | Diagnostic | Skipped]:
    """Every merged pull of the export, Skipped for the others, an IMP002 diagnostic for each bad
    one. Raises ImportFileError (IMP001) when the file is not a JSON array."""
    numbers = FirstPlaces("pull request")
    for index, item in enumerate(json_array(path, "GitHub pull requests")):
        place = Place(str(path), 0, f"$[{index}]")
        try:
            pull = github_pull(item, place, repository)
        except BadRecord as error:
            yield from_bad_record(error)
            continue
        duplicate = None if isinstance(pull, Skipped) else numbers.duplicate(f"{pull.repository}#{pull.number}", place)
        yield pull if duplicate is None else duplicate


def github_pull(item: object, place: Place, default_repository: str | None = None) -> PullRequest | Skipped:
    """One pull object; Skipped when it was not merged. Raises BadRecord."""
    if not isinstance(item, dict):
        raise BadRecord("a pull request must be a JSON object", place, _EXPORT_HINT)
    number = item.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 2**31:
        raise BadRecord("`number` must be the pull request's number", place.field("number"), _EXPORT_HINT)
    repository = _repository(item, place, default_repository)
    created = required_timestamp(item.get("created_at"), place.field("created_at"), "created_at")
    merged = timestamp_value(item.get("merged_at"), place.field("merged_at"), "merged_at")
    if merged is None:
        return Skipped("not merged")
    if merged < created:
        raise BadRecord(
            f"`merged_at` ({merged.isoformat()}) is before `created_at` ({created.isoformat()})",
            place.field("merged_at"),
            _EXPORT_HINT,
        )
    return PullRequest(
        repository=repository,
        number=number,
        merge_commit_sha=_merge_commit_sha(item.get("merge_commit_sha"), place.field("merge_commit_sha")),
        created=created,
        merged=merged,
        first_commit_at=_first_commit_at(item, place),
    )


def _repository(item: dict[str, object], place: Place, default: str | None) -> str:
    base_place = place.field("base")
    base = item.get("base")
    repo: object = None
    if base is not None:
        repo = mapping_value(base, base_place, "base").get("repo")
    name: str | None = None
    if repo is not None:
        repo_place = base_place.field("repo")
        name_value = mapping_value(repo, repo_place, "base.repo").get("name")
        name = text_value(name_value, repo_place.field("name"), "base.repo.name")
    name = name or default
    if name is None:
        raise BadRecord(
            "`base.repo.name` is missing, so the repository is not known",
            base_place.field("repo").field("name"),
            "Pass `--repository NAME` (the clone's directory name), or export pulls with their `base`.",
        )
    return name


def _merge_commit_sha(value: object, place: Place) -> str | None:
    text = text_value(value, place, "merge_commit_sha", max_length=64)
    if text is None:
        return None
    if not _FULL_SHA.fullmatch(text.lower()):
        raise BadRecord(f"`merge_commit_sha` is not a full commit id: {text!r}", place, _EXPORT_HINT)
    return text.lower()


def _first_commit_at(item: dict[str, object], place: Place) -> datetime | None:
    """`first_commit_at` when given, else the earliest author date of the `commits` array."""
    given = timestamp_value(item.get("first_commit_at"), place.field("first_commit_at"), "first_commit_at")
    if given is not None:
        return given
    commits = item.get("commits")
    if commits is None or isinstance(commits, int):  # the pull endpoint's `commits` is a count
        return None
    commits_place = place.field("commits")
    if not isinstance(commits, list):
        raise BadRecord("`commits` must be a JSON array of commits", commits_place, _EXPORT_HINT)
    dates = [_author_date(commit, commits_place.field(index)) for index, commit in enumerate(commits)]
    return min(dates, default=None)


def _author_date(commit: object, place: Place) -> datetime:
    outer = mapping_value(commit, place, "commits[]")
    inner_place = place.field("commit")
    inner = mapping_value(outer.get("commit"), inner_place, "commit")
    author_place = inner_place.field("author")
    author = mapping_value(inner.get("author"), author_place, "commit.author")
    return required_timestamp(author.get("date"), author_place.field("date"), "commit.author.date")

"""OpenSSF Scorecard results, for `charter import scorecard FILE`.

The file is what `scorecard --repo=github.com/org/name --format=json` writes: `date`, `repo`
(`name`, `commit`), `scorecard` (version), the aggregate `score`, and `checks`, each with `name`,
`score` (0 to 10, or -1 when Scorecard could not decide: kept as no score), `reason` and `details`.
The repository maps to the components whose `charter.dev/repo` (or `backstage.io/source-location`)
names it by its last segment (`github.com/org/name` -> `name`). A result replaces the stored checks
of its repository; a file with a bad check changes nothing."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from pathlib import Path

from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.security_facts import ScorecardCheck
from charter.sources.limits import SCORECARD_ERA
from charter.sources.records import (
    PLAUSIBLE_TIME_HINT,
    TIMESTAMP_HINT,
    BadRecord,
    FirstPlaces,
    ImportFileError,
    Place,
    from_bad_record,
    json_document,
    mapping_value,
    parse_timestamp,
    required_text,
    text_value,
)

CODES = Codes(
    Rule(
        "IMP042",
        "Scorecard file in an unknown shape",
        Severity.ERROR,
        rationale="A file that is not an OpenSSF Scorecard JSON result has no checks to compare with the policy.",
        fix="Write the result with `scorecard --repo=... --format=json` and import that file.",
        example="""\
# facts/scorecard/payments.json
{"score": 7.2}      # scorecard --format=json writes repo, checks, ...
""",
    ),
    Rule(
        "IMP043",
        "Scorecard result for a repository no component names",
        Severity.WARNING,
        rationale="Gaps of a repository that no component maps to have no owner and count for no one.",
        fix="Set `charter.dev/repo` (or `backstage.io/source-location`) on the components built from it.",
        example="""\
# facts/scorecard/tools.json
{"repo": {"name": "github.com/acme/tools"}, "checks": [...]}
# and no component has charter.dev/repo: tools
""",
    ),
)
diagnostic = CODES.diagnostic


INCONCLUSIVE = -1


def read_scorecard_file(
    path: Path, known_repositories: Collection[str] | None = None
) -> Iterator[ScorecardCheck | Diagnostic]:
    """Every check of the result, or IMP002 naming the JSON path of each bad one. Raises
    ImportFileError: IMP001 when the file is not JSON, IMP042 when it is not a Scorecard result."""
    document = json_document(path)
    if not isinstance(document, dict) or not isinstance(document.get("checks"), list) or "repo" not in document:
        raise ImportFileError(
            diagnostic(
                "IMP042",
                f"{path} is not an OpenSSF Scorecard result: it needs `repo` and a `checks` array",
                Location(str(path), 1, 1),
            )
        )
    root = Place(str(path), 0, "$")
    try:
        repo = mapping_value(document["repo"], root.field("repo"), "repo")
        repository = required_text(repo.get("name"), root.field("repo").field("name"), "repo.name")
        commit = text_value(repo.get("commit"), root.field("repo").field("commit"), "repo.commit", max_length=64)
        scored_at = _time(document.get("date"), root.field("date"))
    except BadRecord as error:
        yield from_bad_record(error)
        return
    result = ScorecardCheck(repository, "", None, "", scored_at, (), commit)
    if known_repositories is not None and result.repository_name not in known_repositories:
        yield diagnostic(
            "IMP043",
            f"{path}: no component names repository {result.repository_name!r} ({repository}); its checks are "
            "imported but count for no one",
            Location(str(path), 1, 1),
        )
    names = FirstPlaces("check")
    for index, item in enumerate(document["checks"]):
        place = root.field("checks").field(index)
        try:
            check = _check(item, place, result)
        except BadRecord as error:
            yield from_bad_record(error)
            continue
        yield names.duplicate(check.check, place) or check


def _check(item: object, place: Place, result: ScorecardCheck) -> ScorecardCheck:
    if not isinstance(item, dict):
        raise BadRecord("a check must be a JSON object", place)
    name = required_text(item.get("name"), place.field("name"), "name", max_length=200)
    score = item.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float) or not (score == INCONCLUSIVE or 0 <= score <= 10):
        raise BadRecord(
            f"`score` must be a number from 0 to 10, or -1 (inconclusive), not {score!r}",
            place.field("score"),
            "Import the file as Scorecard wrote it.",
        )
    details = item.get("details")
    if details is None:
        details = []
    if not isinstance(details, list) or not all(isinstance(line, str) for line in details):
        raise BadRecord("`details` must be an array of text", place.field("details"))
    reason = text_value(item.get("reason"), place.field("reason"), "reason", max_length=4000) or ""
    return ScorecardCheck(
        result.repository,
        name,
        None if score == INCONCLUSIVE else int(score),
        reason,
        result.scored_at,
        tuple(details),
        result.repo_commit,
    )


def _time(value: object, place: Place) -> datetime:
    text = required_text(value, place, "date", max_length=64, hint=TIMESTAMP_HINT)
    try:
        moment = parse_timestamp(text)
    except (ValueError, OverflowError):
        raise BadRecord(f"`date` is not an ISO 8601 time: {text!r}", place, TIMESTAMP_HINT) from None
    problem = SCORECARD_ERA.problem(moment)
    if problem is not None:
        raise BadRecord(f"`date` {problem}", place, PLAUSIBLE_TIME_HINT)
    return moment

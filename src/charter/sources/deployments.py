"""Deployment records from files, for `charter import deployments`.

Two kinds of file:

- Records any pipeline can write, one per deployment, as JSON Lines (`.jsonl`, `.ndjson`) or CSV
  with a header row (`.csv`). Fields: `component`, `environment`, `sha` (also read from `commit`,
  `commitSha` or `commit_sha`), `finished`, optional `started`, `status`, `id`, `rollbackOf`,
  `hotfixFor`, `incident`. Field names match ignoring case, `_` and `-`; other fields are ignored.
  `sha` is the full commit id. Times are ISO 8601; a time without a zone is read as UTC, and the
  file gets an IMP005 warning naming the first such line and how many there are. `status` is
  success (the default when absent), failure, in_progress or cancelled; other words tools write are
  read by a fixed table (succeeded / successful / ok as success, failed / error as failure, canceled
  / aborted as cancelled, running / pending / queued as in_progress), each with an IMP006 warning
  naming its first line and how it was read; any other word is a bad record (IMP002). The identity
  is `id` when given, else `<component>@<sha>@<finished>`; ids starting with `tag:` belong to release
  tags and are refused.
- A GitHub deployments export (`.json`): the array `GET /repos/{owner}/{repo}/deployments` returns,
  each object optionally with a `statuses` array as `GET .../deployments/{id}/statuses` returns.
  The deployment's status is its latest final status (success; failure and error read as failure);
  `finished` is that status's `created_at`, `started` the deployment's `created_at`. GitHub marks a
  deployment `inactive` only after it succeeded, so a deployment whose statuses hold `inactive` and
  no other final state counts as a success that finished by its first `inactive` status. A
  deployment with no final status (no statuses, or only queued / pending / in_progress) is skipped
  and counted. The identity is `github:<id>`. The export does not say which repository each object
  came from, so the component is `payload.component` when the deployment's payload names one, else
  the `--component` option (an error when neither does).

In every format `--component` also fills in records that name no component. Components are written
the way the catalog keys them (`checkout`, `Component:default/Checkout` -> `checkout`). JSON Lines
and CSV are streamed; a GitHub export is one JSON document and is loaded whole."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from charter.model.codes import Codes, Rule
from charter.model.delivery import Deployment, DeploymentStatus
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.file_formats import DeploymentFormat
from charter.model.refs import parse_ref
from charter.sources.records import CODES as RECORD_CODES
from charter.sources.records import (
    BadRecord,
    FirstPlaces,
    ImportFileError,
    Place,
    RawRecord,
    Skipped,
    commit_sha_value,
    csv_records,
    field_key,
    first_text,
    from_bad_record,
    json_array,
    jsonl_records,
    mapping_value,
    required_text,
    required_timestamp,
    text_value,
    timestamp_value,
)

CODES = Codes(
    Rule(
        "IMP004",
        "Record names an unknown component",
        Severity.WARNING,
        rationale="A record for a component the catalog does not have cannot be counted for any owner.",
        fix="Add the component to the catalog, or fix the component name in the source.",
        example="""\
# facts/deployments.jsonl
{"id": "d1", "component": "paymnets", "sha": "a1b2c3", "finished": "2026-03-01T10:00:00Z"}
""",
    ),
    Rule(
        "IMP005",
        "Deployment time without a zone",
        Severity.WARNING,
        rationale=(
            "A time without a zone names a different moment in every zone; it is read as UTC, which may be hours off."
        ),
        fix="Write times with `Z` or an offset (2026-10-01T14:30:00Z), or confirm the pipeline writes UTC.",
        example="""\
# facts/deployments.jsonl
{"id": "d1", "component": "payments", "sha": "a1b2c3", "finished": "2026-03-01T10:00:00"}
""",
    ),
    Rule(
        "IMP006",
        "Deployment status read by a rule",
        Severity.WARNING,
        rationale=(
            "A status word outside success, failure, in_progress and cancelled (`ok`, `succeeded`) is read by a "
            "fixed table; a word that meant something else would miscount deployments."
        ),
        fix="Write one of success, failure, in_progress, cancelled, or check the word was read as intended.",
        example="""\
# facts/deployments.jsonl
{"id": "d1", "component": "payments", "sha": "a1b2c3", "finished": "2026-03-01T10:00:00Z", "status": "ok"}
""",
    ),
    uses=(RECORD_CODES["IMP003"],),
)
diagnostic = CODES.diagnostic


# Each field of a plain record and the (normalised) names it is read from.
COMPONENT = ("component",)
ENVIRONMENT = ("environment",)
SHA = ("sha", "commit", "commitsha")
STARTED = ("started", "startedat")
FINISHED = ("finished", "finishedat")
STATUS = ("status",)
ID = ("id",)
ROLLBACK_OF = ("rollbackof",)
HOTFIX_FOR = ("hotfixfor",)
INCIDENT = ("incident",)

STATUS_NAMES: dict[str, DeploymentStatus] = {
    **dict.fromkeys(("success", "succeeded", "successful", "ok"), DeploymentStatus.SUCCESS),
    **dict.fromkeys(("failure", "failed", "error", "errored"), DeploymentStatus.FAILURE),
    **dict.fromkeys(("in_progress", "in-progress", "running", "pending", "queued"), DeploymentStatus.IN_PROGRESS),
    **dict.fromkeys(("cancelled", "canceled", "aborted"), DeploymentStatus.CANCELLED),
}
# GitHub's deployment status states, and the final ones with what they mean here.
GITHUB_STATES = frozenset({"error", "failure", "inactive", "in_progress", "queued", "pending", "success"})
GITHUB_FINAL = {
    "success": DeploymentStatus.SUCCESS,
    "failure": DeploymentStatus.FAILURE,
    "error": DeploymentStatus.FAILURE,
}
_GITHUB_KEYS = frozenset({"created_at", "task", "statuses", "statuses_url", "original_environment"})
_RESERVED_PREFIX = "tag:"


@dataclass(frozen=True, slots=True)
class DeploymentImportOptions:
    """How to read a file: its format (None: from the extension, else the content), the component
    of records that name none, the catalog's component keys (None: no IMP004 check), and which
    environments are production (for the summary)."""

    input_format: DeploymentFormat | None = None
    component: str | None = None
    known_components: Collection[str] | None = None
    production_environments: Sequence[str] = ("prod(uction)?",)


def read_deployment_file(path: Path, options: DeploymentImportOptions) -> Iterator[Deployment | Diagnostic | Skipped]:
    """Every deployment of the file, an IMP002 diagnostic for each bad record, an IMP004 warning
    for the first record of each component the catalog lacks. Raises ImportFileError (IMP001, IMP003)
    when the file as a whole cannot be read."""
    chosen = options.input_format or detect_format(path)
    reader = _READERS[chosen]
    yield from _warn_unknown_components(reader(path, options, options.input_format is None), options)


def detect_format(path: Path) -> DeploymentFormat:
    """The format from the extension (.jsonl, .ndjson, .csv; .json is a GitHub export), else from the content."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return DeploymentFormat.JSONL
    if suffix == ".csv":
        return DeploymentFormat.CSV
    if suffix == ".json":
        return DeploymentFormat.GITHUB
    start = first_text(path)
    if start.startswith("["):
        return DeploymentFormat.GITHUB
    if start.startswith("{"):
        return DeploymentFormat.JSONL
    header = {field_key(name) for name in start.partition("\n")[0].split(",")}
    if header & set(SHA) and header & set(FINISHED):
        return DeploymentFormat.CSV
    raise _unknown_format(path, "its content is not JSON Lines, CSV with a header row, or a JSON array")


def _unknown_format(path: Path, reason: str) -> ImportFileError:
    return ImportFileError(
        diagnostic(
            "IMP003",
            f"cannot tell the format of {path}: {reason}",
            Location(str(path)),
            hint="Pass `--input-format jsonl`, `csv` or `github` (JSON Lines, CSV with a header row, "
            "or a GitHub deployments API export).",
        )
    )


# Plain records ---------------------------------------------------------------------------------

_Parsed = tuple[Deployment, Place] | Diagnostic | Skipped


def _jsonl(path: Path, options: DeploymentImportOptions, _detected: bool) -> Iterator[_Parsed]:
    yield from _plain(jsonl_records(path), options)


def _csv(path: Path, options: DeploymentImportOptions, _detected: bool) -> Iterator[_Parsed]:
    required = {"environment": ENVIRONMENT, "sha": SHA, "finished": FINISHED}
    if options.component is None:
        required = {"component": COMPONENT, **required}
    yield from _plain(csv_records(path, required), options)


def _plain(records: Iterable[RawRecord | Diagnostic], options: DeploymentImportOptions) -> Iterator[_Parsed]:
    lenient = ReadByRule()
    for record in records:
        if isinstance(record, Diagnostic):
            yield record
            continue
        try:
            yield plain_deployment(record, options.component, lenient), record.place
        except BadRecord as error:
            yield from_bad_record(error)
    yield from lenient.diagnostics()


class ReadByRule:
    """What a file's records gave that is read by a documented rule rather than as written: times
    without a zone (read as UTC) and status words outside the four Charter names (read by
    `STATUS_NAMES`). Each becomes one warning for the file, at its first line, with a count."""

    def __init__(self) -> None:
        self.zoneless: tuple[Place, str, str] | None = None  # the first: place, field, value
        self.zoneless_count = 0
        self.statuses: dict[str, tuple[Place, int]] = {}  # word -> first place, count

    def time(self, value: object, place: Place, name: str) -> None:
        """Note `value` (already read as a time) when it names no zone."""
        if isinstance(value, str) and datetime.fromisoformat(value.strip()).tzinfo is None:
            self.zoneless_count += 1
            if self.zoneless is None:
                self.zoneless = (place, name, value)

    def status(self, word: str, place: Place) -> None:
        first, count = self.statuses.get(word, (place, 0))
        self.statuses[word] = (first, count + 1)

    def diagnostics(self) -> Iterator[Diagnostic]:
        if self.zoneless is not None:
            place, name, value = self.zoneless
            yield diagnostic(
                "IMP005",
                f"{_records(self.zoneless_count)} a time without a zone (first: `{name}` {value!r}); read as UTC",
                place.location(),
            )
        for word, (place, count) in self.statuses.items():
            known = STATUS_NAMES[word.lower()]
            yield diagnostic(
                "IMP006",
                f"{_records(count)} `status` {word!r}, which is not one of {', '.join(DeploymentStatus)}; "
                f"read as {known.value}",
                place.location(),
            )


def _records(count: int) -> str:
    return "1 record gives" if count == 1 else f"{count} records give"


def plain_deployment(
    record: RawRecord, default_component: str | None = None, lenient: ReadByRule | None = None
) -> Deployment:
    """One JSON Lines or CSV record as a Deployment; raises BadRecord. `lenient` hears of what is read
    by a rule (a time without a zone, a status word outside Charter's names)."""
    place = record.place
    component = component_value(record.get(*COMPONENT), place, default_component)
    sha = commit_sha_value(record.get(*SHA), place, "sha")
    finished = required_timestamp(record.get(*FINISHED), place, "finished")
    started = timestamp_value(record.get(*STARTED), place, "started")
    if lenient is not None:
        lenient.time(record.get(*FINISHED), place, "finished")
        lenient.time(record.get(*STARTED), place, "started")
    if started is not None and started > finished:
        raise BadRecord(
            f"`started` ({started.isoformat()}) is after `finished` ({finished.isoformat()})",
            place,
            "Swap the two times, or correct the one that is wrong.",
        )
    given_id = text_value(record.get(*ID), place, "id", numbers=True)
    if given_id is not None and given_id.startswith(_RESERVED_PREFIX):
        raise BadRecord(
            f"`id` {given_id!r} starts with `tag:`, which names release-tag deployments",
            place,
            "Use another id, or leave `id` out to have one derived from component, sha and finished.",
        )
    return Deployment(
        id=given_id or Deployment.derived_id(component, sha, finished),
        component=component,
        environment=required_text(record.get(*ENVIRONMENT), place, "environment", max_length=200),
        commit_sha=sha,
        finished=finished,
        status=status_value(record.get(*STATUS), place, lenient),
        started=started,
        rollback_of=text_value(record.get(*ROLLBACK_OF), place, "rollbackOf"),
        hotfix_for=text_value(record.get(*HOTFIX_FOR), place, "hotfixFor"),
        incident=text_value(record.get(*INCIDENT), place, "incident"),
    )


def status_value(value: object, place: Place, lenient: ReadByRule | None = None) -> DeploymentStatus:
    text = text_value(value, place, "status", max_length=64)
    if text is None:
        return DeploymentStatus.SUCCESS
    found = STATUS_NAMES.get(text.lower())
    if found is None:
        raise BadRecord(
            f"`status` {text!r} is not a deployment status",
            place,
            "Use success, failure, in_progress or cancelled.",
        )
    if lenient is not None and text.lower() != found.value:
        lenient.status(text, place)
    return found


def component_value(value: object, place: Place, default: str | None) -> str:
    """The component as the catalog keys it: `[component:][namespace/]name`, case-insensitive."""
    text = text_value(value, place, "component") or default
    if text is None:
        raise BadRecord(
            "`component` is missing", place, "Name the component in the record, or pass `--component NAME`."
        )
    try:
        return _component_key(text)
    except ValueError as error:
        raise BadRecord(f"`component` {text!r}: {error}", place) from None


@lru_cache(maxsize=4096)
def _component_key(text: str) -> str:
    """Raises ValueError. Cached: a file names few components many times."""
    # Imported here: the analysis package is heavy, and `charter`'s start-up should not pay for it.
    from charter.analysis.component_sources import component_key

    ref = parse_ref(text, default_kind="component")
    if ref.kind != "component":
        raise ValueError(f"names a {ref.kind}, not a component")
    return component_key(ref)


# GitHub deployments export ---------------------------------------------------------------------


def _github(path: Path, options: DeploymentImportOptions, detected: bool) -> Iterator[_Parsed]:
    items = json_array(path, "GitHub deployments")
    if detected and items and isinstance(items[0], dict) and not _GITHUB_KEYS & items[0].keys():
        raise _unknown_format(
            path, "a JSON array, but not of GitHub deployments (write deployment records as JSON Lines)"
        )
    for index, item in enumerate(items):
        place = Place(str(path), 0, f"$[{index}]")
        try:
            found = github_deployment(item, place, options.component)
        except BadRecord as error:
            yield from_bad_record(error)
            continue
        yield found if isinstance(found, Skipped) else (found, place)


def github_deployment(item: object, place: Place, default_component: str | None = None) -> Deployment | Skipped:
    """One object of a GitHub deployments export; Skipped when it has no final status. Raises BadRecord."""
    if not isinstance(item, dict):
        raise BadRecord("a deployment must be a JSON object", place)
    number = text_value(item.get("id"), place.field("id"), "id", numbers=True)
    if number is None:
        raise BadRecord("`id` is missing", place.field("id"), "Export the deployments as the GitHub API returns them.")
    payload = _payload(item.get("payload"), place.field("payload"))
    component_place = place.field("payload").field("component")
    try:
        component = component_value(payload.get("component"), component_place, default_component)
    except BadRecord as error:
        if payload.get("component") is None:
            error.hint = "Pass `--component NAME` for the repository the export came from."
        raise
    sha = commit_sha_value(item.get("sha"), place.field("sha"), "sha")
    environment = required_text(item.get("environment"), place.field("environment"), "environment", max_length=200)
    created = required_timestamp(item.get("created_at"), place.field("created_at"), "created_at")
    outcome = _final_status(item.get("statuses"), place.field("statuses"))
    if outcome is None:
        return Skipped("no final status")
    status, finished = outcome
    return Deployment(
        id=f"github:{number}",
        component=component,
        environment=environment,
        commit_sha=sha,
        finished=finished,
        status=status,
        started=created,
        source="github",
    )


def _payload(value: object, place: Place) -> Mapping[str, object]:
    """GitHub gives `payload` as an object, or as the JSON text it was created with, or empty."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return {}
        if not isinstance(value, dict):
            return {}
    return mapping_value(value, place, "payload")


def _final_status(statuses: object, place: Place) -> tuple[DeploymentStatus, datetime] | None:
    if statuses is None:
        return None
    if not isinstance(statuses, list):
        raise BadRecord("`statuses` must be a JSON array", place, "Export statuses as the GitHub API returns them.")
    final: list[tuple[datetime, str]] = []
    inactive: list[datetime] = []
    for index, status in enumerate(statuses):
        state, at = _github_status(status, place.field(index))
        if state in GITHUB_FINAL:
            final.append((at, state))
        elif state == "inactive":
            inactive.append(at)
    if final:
        at, state = max(final)
        return GITHUB_FINAL[state], at
    if inactive:
        return DeploymentStatus.SUCCESS, min(inactive)
    return None


def _github_status(status: object, place: Place) -> tuple[str, datetime]:
    if not isinstance(status, dict):
        raise BadRecord("a deployment status must be a JSON object", place)
    state = required_text(status.get("state"), place.field("state"), "state", max_length=64).lower()
    if state not in GITHUB_STATES:
        raise BadRecord(
            f"`state` {state!r} is not a GitHub deployment status state",
            place.field("state"),
            f"Use one of {', '.join(sorted(GITHUB_STATES))}.",
        )
    return state, required_timestamp(status.get("created_at"), place.field("created_at"), "created_at")


# Both ------------------------------------------------------------------------------------------

_READERS: dict[DeploymentFormat, Callable[[Path, DeploymentImportOptions, bool], Iterator[_Parsed]]] = {
    DeploymentFormat.JSONL: _jsonl,
    DeploymentFormat.CSV: _csv,
    DeploymentFormat.GITHUB: _github,
}


def _warn_unknown_components(
    parsed: Iterable[_Parsed], options: DeploymentImportOptions
) -> Iterator[Deployment | Diagnostic | Skipped]:
    known = options.known_components
    warned: set[str] = set()
    ids = FirstPlaces("deployment id")
    for item in parsed:
        if not isinstance(item, tuple):
            yield item
            continue
        deployment, place = item
        duplicate = ids.duplicate(deployment.id, place)
        if duplicate is not None:
            yield duplicate
            continue
        if known is not None and deployment.component not in known and deployment.component not in warned:
            warned.add(deployment.component)
            yield _unknown_component(deployment.component, place)
        yield deployment


def _unknown_component(component: str, place: Place) -> Diagnostic:
    where = f" (first at {place.json_path})" if place.json_path else ""
    return diagnostic(
        "IMP004",
        f"component {component!r} is not in the catalog{where}; its deployments are imported anyway",
        place.location(),
        entity=f"component:{component}",
    )

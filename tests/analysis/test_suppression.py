"""Suppressions need a reason and may expire; severity settings raise, lower or turn off codes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from charter.analysis.checks.suppression import parse_ignore_annotation
from charter.model.diagnostics import Diagnostic
from charter.services.context import load_context
from charter.services.strategy_check import check_strategy
from tests.strategy import write_repo

TODAY = date(2026, 11, 24)

TEAM = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: payments}\nspec: {type: team, children: []}\n"


def _component(ignore: str | None) -> str:
    annotation = f'    charter.dev/ignore: "{ignore}"\n' if ignore is not None else ""
    return (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: vendor-app\n  annotations:\n"
        f'    charter.dev/tier: "2"\n{annotation}'
        "spec: {type: service, lifecycle: production, owner: group:nobody}\n"
    )


def _check(root: Path) -> tuple[Diagnostic, ...]:
    return check_strategy(load_context(root, None), TODAY).diagnostics


def _codes(root: Path) -> list[str]:
    return sorted(d.code for d in _check(root))


def test_annotation_with_reason_suppresses(tmp_path: Path) -> None:
    write_repo(
        tmp_path, {"catalog/t.yaml": TEAM, "catalog/a.yaml": _component("OWN003: owned by the vendor, see ADR-0012")}
    )
    assert _codes(tmp_path) == []


def test_annotation_without_reason_does_not_suppress_and_is_reported(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/t.yaml": TEAM, "catalog/a.yaml": _component("OWN003")})
    assert _codes(tmp_path) == ["OWN003", "SUP001"]


def test_expired_suppression_is_reported(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/t.yaml": TEAM, "catalog/a.yaml": _component("OWN003: vendor; until 2026-06-30")})
    assert _codes(tmp_path) == ["OWN003", "SUP002"]


def test_unexpired_suppression_applies(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/t.yaml": TEAM, "catalog/a.yaml": _component("OWN003: vendor; until 2027-06-30")})
    assert _codes(tmp_path) == []


def test_unknown_code_in_suppression(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/t.yaml": TEAM, "catalog/a.yaml": _component("OWN003,XYZ999: vendor")})
    assert _codes(tmp_path) == ["SUP003"]


def _organization(extra: str) -> str:
    return "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\nspec:\n" + extra


def test_spec_ignore_by_file_and_entity(tmp_path: Path) -> None:
    organization = _organization(
        "  ignore:\n    - {code: OWN003, file: 'catalog/*.yaml', reason: migrating owners, until: 2027-01-31}\n"
    )
    write_repo(tmp_path, {"catalog/t.yaml": TEAM, "catalog/a.yaml": _component(None)}, organization=organization)
    assert _codes(tmp_path) == []


def test_spec_ignore_for_another_entity_does_not_apply(tmp_path: Path) -> None:
    organization = _organization("  ignore:\n    - {code: OWN003, entity: component:other, reason: vendor}\n")
    write_repo(tmp_path, {"catalog/t.yaml": TEAM, "catalog/a.yaml": _component(None)}, organization=organization)
    assert _codes(tmp_path) == ["OWN003"]


def test_severity_override_and_off(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {"catalog/t.yaml": TEAM, "catalog/a.yaml": _component(None)},
        organization=_organization("  diagnostics: {OWN003: warning}\n"),
    )
    [item] = _check(tmp_path)
    assert (item.code, item.severity.value) == ("OWN003", "warning")
    write_repo(tmp_path, {}, organization=_organization("  diagnostics: {OWN003: 'off', NOPE01: error}\n"))
    assert _codes(tmp_path) == ["SUP003"]


def test_annotation_grammar() -> None:
    assert parse_ignore_annotation(
        "OWN002, REL001: owned by vendor, see ADR-0012; until 2027-03-31\nREL003: later"
    ) == [
        (["OWN002", "REL001"], "owned by vendor, see ADR-0012", date(2027, 3, 31)),
        (["REL003"], "later", None),
    ]

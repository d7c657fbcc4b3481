"""`charter check` as a use case: the report it returns (narrowed by select, ignore and baselines,
with the declarations of its codes), the result kept in the store on both dialects, and the path
questions one run asked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import charter.services.check
from charter.model.diagnostics import Severity
from charter.model.errors import InputError
from charter.services.check import CheckOptions, check_repository, checked_repository
from charter.services.context import load_context
from charter.services.strategy_check import check_strategy
from charter.store.database import open_store
from tests.strategy import write_repo

TODAY = date(2026, 11, 24)
NO_STORE = CheckOptions(as_of=TODAY, use_store=False)

TEAM = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: payments}\nspec: {type: team, children: []}\n"
SERVICE = (
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n"
    "  annotations: {{charter.dev/tier: '1', charter.dev/on-call: x}}\n"
    "spec: {{type: service, lifecycle: production, owner: payments}}\n"
)
MIGRATION = (
    "apiVersion: charter.dev/v1\nkind: Initiative\nmetadata: {name: move}\n"
    "spec:\n  type: migration\n  owner: payments\n  migration:\n    rollbackPlan: docs/rollback.md\n"
    "    successCriteria: [ok]\n    observability: [docs/dashboards.md]\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_repo(tmp_path, {"catalog/team.yaml": TEAM, "catalog/svc.yaml": SERVICE.format(name="svc")})


def _codes(outcome: charter.services.check.CheckOutcome) -> list[str]:
    return [item.code for item in outcome.report.diagnostics]


def test_the_report_carries_the_declarations_of_its_codes(repo: Path) -> None:
    outcome = check_repository(repo, NO_STORE)
    assert _codes(outcome) == ["REL001", "REL003"]
    report = outcome.report
    assert set(report.rules) == {"REL001", "REL003"}
    assert report.title("REL003") == "Tier-1 service without runbook"
    assert report.root == repo.resolve() and report.failed and outcome.baseline_written is None


def test_select_ignore_and_the_gate(repo: Path) -> None:
    assert _codes(check_repository(repo, CheckOptions(as_of=TODAY, use_store=False, select=("REL003",)))) == ["REL003"]
    ignored = check_repository(repo, CheckOptions(as_of=TODAY, use_store=False, ignore=("REL001",)))
    assert _codes(ignored) == ["REL003"] and not ignored.report.failed  # a warning
    never = check_repository(repo, CheckOptions(as_of=TODAY, use_store=False, fail_on=Severity.OFF))
    assert not never.report.failed


def test_a_baseline_leaves_out_what_it_accepted(repo: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    written = check_repository(repo, CheckOptions(as_of=TODAY, use_store=False, write_baseline=baseline))
    assert written.baseline_written == 2 and len(written.report.diagnostics) == 2
    write_repo(repo, {"catalog/other.yaml": SERVICE.format(name="other")})
    later = check_repository(repo, CheckOptions(as_of=TODAY, use_store=False, baseline=baseline))
    assert {item.entity for item in later.report.diagnostics} == {"component:other"}


def test_an_unreadable_baseline_and_a_missing_repository_are_input_errors(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "baseline.json").write_text("{not json")
    with pytest.raises(InputError, match="baseline"):
        check_repository(repo, CheckOptions(use_store=False, baseline=tmp_path / "baseline.json"))
    with pytest.raises(InputError, match="not a strategy repository"):
        check_repository(tmp_path / "catalog", NO_STORE)


def test_a_kept_result_is_the_answer_with_its_declarations(
    repo: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(repo, database_url) as store:
        first = checked_repository(repo, store, TODAY)

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the repository was loaded although nothing changed")

    monkeypatch.setattr(charter.services.check, "load_context", refuse)
    with open_store(repo, database_url) as store:
        again = checked_repository(repo, store, TODAY)
    assert again == first
    assert again.rules["REL001"] == first.rules["REL001"] and again.rules["REL001"].example


def test_one_run_records_the_paths_its_rules_asked_about(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/team.yaml": TEAM, "roadmap/move.yaml": MIGRATION, "docs/rollback.md": "# Back\n"})
    checked = check_strategy(load_context(tmp_path, None), TODAY)
    assert checked.probes == {"docs/rollback.md": True, "docs/dashboards.md": False}
    assert [item.code for item in checked.diagnostics] == ["MIG004"]
    assert check_strategy(load_context(tmp_path, None), TODAY).probes == checked.probes  # nothing shared


def _settings(codes: str) -> str:
    return (
        f"apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {{name: acme}}\nspec:\n  diagnostics: {{{codes}}}\n"
    )


def test_settings_may_name_any_declared_code_and_no_other(tmp_path: Path) -> None:
    # SEC001 is reported by `charter security`, not by the check: it is still a code.
    write_repo(tmp_path, {}, organization=_settings("OWN002: warning, SEC001: 'off', IMP999: error"))
    [unknown] = check_strategy(load_context(tmp_path, None), TODAY).diagnostics
    assert (unknown.code, unknown.message) == ("SUP003", "spec.diagnostics names unknown code 'IMP999'")


LOCATION = (
    "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: teams}\nspec: {target: ./teams/*.yaml}\n"
)
SECOND_ORGANIZATION = "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\n"


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ({"catalog/list.yaml": "- name: payments\n- name: search\n"}, "SCH010"),
        ({"catalog/acme.yaml": SECOND_ORGANIZATION}, "SCH013"),
        ({"catalog/locations.yaml": LOCATION}, "REF003"),
    ],
)
def test_the_loader_reports_what_it_cannot_read(tmp_path: Path, files: dict[str, str], code: str) -> None:
    write_repo(tmp_path, files)
    assert code in [item.code for item in check_strategy(load_context(tmp_path, None), TODAY).diagnostics]

"""`charter check` as a use case: the report it returns (narrowed by select, ignore and baselines,
with the declarations of its codes), the result kept in the repository's local cache, and the path
questions one run asked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import charter.services.check
from charter.model.diagnostics import Severity
from charter.model.errors import InputError, UsageError
from charter.services.check import CheckOptions, check_repository, checked_repository
from charter.services.context import load_context
from charter.services.strategy_check import check_strategy
from charter.store.local_cache import LocalCache
from tests.strategy import write_repo

TODAY = date(2026, 11, 24)
NO_CACHE = CheckOptions(as_of=TODAY, use_cache=False)

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
    outcome = check_repository(repo, NO_CACHE)
    assert _codes(outcome) == ["REL001", "REL003"]
    report = outcome.report
    assert set(report.rules) == {"REL001", "REL003"}
    assert report.title("REL003") == "Tier-1 service without runbook"
    assert report.root == repo.resolve() and report.failed and outcome.baseline_written is None


def test_select_ignore_and_the_gate(repo: Path) -> None:
    assert _codes(check_repository(repo, CheckOptions(as_of=TODAY, use_cache=False, select=("REL003",)))) == ["REL003"]
    ignored = check_repository(repo, CheckOptions(as_of=TODAY, use_cache=False, ignore=("REL001",)))
    assert _codes(ignored) == ["REL003"] and not ignored.report.failed  # a warning
    never = check_repository(repo, CheckOptions(as_of=TODAY, use_cache=False, fail_on=Severity.OFF))
    assert not never.report.failed


def test_a_baseline_leaves_out_what_it_accepted(repo: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    written = check_repository(repo, CheckOptions(as_of=TODAY, use_cache=False, write_baseline=baseline))
    assert written.baseline_written == 2 and len(written.report.diagnostics) == 2
    write_repo(repo, {"catalog/other.yaml": SERVICE.format(name="other")})
    later = check_repository(repo, CheckOptions(as_of=TODAY, use_cache=False, baseline=baseline))
    assert {item.entity for item in later.report.diagnostics} == {"component:other"}


def test_an_unreadable_baseline_and_a_missing_repository_are_input_errors(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "baseline.json").write_text("{not json")
    with pytest.raises(InputError, match="baseline"):
        check_repository(repo, CheckOptions(use_cache=False, baseline=tmp_path / "baseline.json"))
    with pytest.raises(InputError, match="not a strategy repository"):
        check_repository(tmp_path / "catalog", NO_CACHE)


def test_a_kept_result_is_the_answer_with_its_declarations(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = checked_repository(repo, LocalCache.open(repo), TODAY)

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the repository was loaded although nothing changed")

    monkeypatch.setattr(charter.services.check, "load_checked_context", refuse)
    again = checked_repository(repo, LocalCache.open(repo), TODAY)
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


def test_selectors_are_codes_or_prefixes_of_codes_even_when_nothing_matches_them(repo: Path) -> None:
    # SEC001 is `charter security`'s and GIT is the git mining's area: codes, though no check reports them.
    options = CheckOptions(as_of=TODAY, use_cache=False, select=("SEC001", "git"), ignore=("MIG",))
    assert _codes(check_repository(repo, options)) == []
    with pytest.raises(UsageError) as raised:
        check_repository(repo, CheckOptions(as_of=TODAY, use_cache=False, select=("REL",), ignore=("REL0003", "Q")))
    first, second = str(raised.value).split("\n")
    assert first.startswith("--ignore REL0003 names no diagnostic code; did you mean REL003 or ")
    assert second == "--ignore Q names no diagnostic code; `charter rules` lists every code"


def test_writing_a_baseline_does_not_fail_the_gate(repo: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    outcome = check_repository(repo, CheckOptions(as_of=TODAY, use_cache=False, write_baseline=baseline))
    assert outcome.baseline_written == 2 and not outcome.report.failed
    assert _codes(outcome) == ["REL001", "REL003"] and baseline.exists()


def test_settings_may_name_any_declared_code_and_no_other(tmp_path: Path) -> None:
    # SEC001 is reported by `charter security`, not by the check: it is still a code.
    write_repo(tmp_path, {}, organization=_settings("OWN002: warning, SEC001: 'off', IMP999: error"))
    [unknown] = check_strategy(load_context(tmp_path, None), TODAY).diagnostics
    assert (unknown.code, unknown.message) == ("SUP003", "spec.diagnostics names unknown code 'IMP999'")


def test_an_unknown_code_in_settings_is_an_error_that_suggests_the_closest_codes(tmp_path: Path) -> None:
    write_repo(tmp_path, {}, organization=_settings("OWN02: warning, XYZ999: 'off'"))
    misspelt, unknown = check_strategy(load_context(tmp_path, None), TODAY).diagnostics
    assert (misspelt.code, misspelt.severity, misspelt.message) == (
        "SUP003",
        Severity.ERROR,
        "spec.diagnostics names unknown code 'OWN02'",
    )
    assert misspelt.hint is not None and misspelt.hint.startswith("Did you mean OWN002 or ")
    assert misspelt.location is not None and (misspelt.location.path, misspelt.location.line) == ("charter.yaml", 5)
    assert unknown.hint == "Use a code from `charter rules`."  # nothing looks like it
    assert check_repository(tmp_path, CheckOptions(as_of=TODAY, use_cache=False)).report.failed


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

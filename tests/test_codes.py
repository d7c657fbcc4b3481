"""Diagnostic codes are declared once, beside the code that emits them, in one shape; the registry
lists every declaring module, and the catalogue it builds is what `charter rules` prints."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from charter.model.codes import AREAS, Catalogue, Codes, Rule
from charter.model.diagnostics import Location, Severity
from charter.services.code_registry import DECLARING_MODULES, code_catalogue, declarations
from charter.services.code_table import REGENERATE, code_table, table_in, with_code_table
from charter.services.context import load_context
from charter.services.strategy_check import check_strategy
from tests.strategy import write_repo

SOURCE = Path(__file__).resolve().parents[1] / "src" / "charter"
CATALOGUE = code_catalogue()


def _rule(code: str = "REL001", **changes: object) -> Rule:
    fields: dict[str, object] = {
        "title": "Tier-1 service without SLO",
        "severity": Severity.ERROR,
        "rationale": "Why.",
        "fix": "Add an SLO.",
        "example": "# catalog/payments.yaml\n",
        **changes,
    }
    return Rule(code, **fields)  # type: ignore[arg-type]


def _modules_declaring_codes() -> set[str]:
    """Every module of the package whose `CODES` table declares at least one Rule."""
    found = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(target, ast.Name) and target.id == "CODES" for target in node.targets)
                and isinstance(node.value, ast.Call)
                and node.value.args
            ):
                module = path.relative_to(SOURCE.parent).with_suffix("").as_posix().replace("/", ".")
                found.add(module)
    return found


def test_every_module_that_declares_codes_is_in_the_registry() -> None:
    assert _modules_declaring_codes() == {module.__name__ for module in DECLARING_MODULES}


def test_the_registry_lists_each_module_once() -> None:
    names = [module.__name__ for module in DECLARING_MODULES]
    assert len(names) == len(set(names))


def test_every_code_is_declared_once_and_documented() -> None:
    assert len(CATALOGUE) == len({rule.code for rule in CATALOGUE}) > 100
    for rule in CATALOGUE:
        assert rule.title and rule.rationale and rule.fix, rule.code
        assert rule.example.endswith("\n") and rule.example.strip(), rule.code
        assert rule.severity is not Severity.OFF, rule.code


def test_the_catalogue_lists_codes_by_area() -> None:
    order = list(AREAS)
    positions = [order.index(rule.code[:3]) for rule in CATALOGUE]
    assert positions == sorted(positions)


def test_areas_without_codes_yet_stay_declared() -> None:
    assert {"ESC", "TGT", "CAP"} <= set(AREAS)


def test_codes_a_module_uses_are_the_declarations_of_another_module() -> None:
    declared = {rule.code: rule for rule in CATALOGUE}
    for module in DECLARING_MODULES:
        for rule in declarations(module):
            assert declared[rule.code] is rule, f"{module.__name__} uses {rule.code} as declared elsewhere"


def test_every_code_written_in_the_source_is_declared() -> None:
    written = {
        code
        for path in SOURCE.rglob("*.py")
        if "demo" not in path.relative_to(SOURCE).parts
        for code in re.findall(r'"([A-Z]{3}\d{3})"', path.read_text(encoding="utf-8"))
    }
    assert written - {rule.code for rule in CATALOGUE} == set()


def test_a_diagnostic_starts_from_its_declaration() -> None:
    rule = _rule()
    made = rule.diagnostic("no SLO", Location("catalog/a.yaml", 3), entity="component:a")
    assert (made.code, made.severity, made.hint, made.entity) == (
        "REL001",
        Severity.ERROR,
        "Add an SLO.",
        "component:a",
    )
    assert rule.diagnostic("no SLO", hint="do this").hint == "do this"
    assert rule.area == "reliability mechanisms"


def test_a_module_emits_only_the_codes_of_its_table() -> None:
    own, other = _rule("REL001"), _rule("REL002")
    codes = Codes(own, uses=(other,))
    assert [rule.code for rule in codes.declared] == ["REL001"]
    assert {rule.code for rule in codes} == {"REL001", "REL002"}
    assert codes.diagnostic("REL002", "m").code == "REL002"
    with pytest.raises(KeyError):
        codes.diagnostic("REL003", "m")
    with pytest.raises(ValueError, match="twice"):
        Codes(own, own)


@pytest.mark.parametrize("code", ["REL01", "rel001", "XYZ001", "REL0001"])
def test_a_code_is_an_area_and_three_digits(code: str) -> None:
    with pytest.raises(ValueError, match="not a code"):
        _rule(code)


def test_two_modules_cannot_declare_one_code() -> None:
    with pytest.raises(ValueError, match="two modules"):
        Catalogue([_rule(), _rule()])


@pytest.mark.parametrize(
    ("asked", "suggested"),
    [("rel1", "REL001"), ("REL01", "REL001"), ("own02", "OWN002"), ("SEC0001", "SEC001"), ("IMP4", "IMP004")],
)
def test_an_unknown_code_gets_the_closest_codes(asked: str, suggested: str) -> None:
    assert CATALOGUE.closest(asked)[0] == suggested
    assert CATALOGUE.closest("nothing like it") == []


def test_the_readme_table_of_codes_is_generated_from_the_declarations() -> None:
    readme = (SOURCE.parents[1] / "README.md").read_text(encoding="utf-8")
    assert table_in(readme) == code_table(), f"README.md's table of codes is out of date: run `{REGENERATE}`"
    assert with_code_table(readme) == readme


def test_the_code_table_lists_code_area_severity_and_title() -> None:
    lines = code_table().splitlines()
    assert lines[0] == "| Code | Area | Severity | Title |"
    assert lines[2] == "| SCH001 | schema and parse | error | YAML syntax error |"
    assert len(lines) == 2 + len(CATALOGUE)
    with pytest.raises(ValueError, match="markers"):
        table_in("no table here")


# Codes whose example is a whole catalog file: written into a repository, it gives the code.
WHOLE_FILE_EXAMPLES = ("SCH003", "SCH004", "SCH009", "REF003", "REF004", "OWN001")


@pytest.mark.parametrize("code", WHOLE_FILE_EXAMPLES)
def test_a_whole_file_example_triggers_its_code(code: str, tmp_path: Path) -> None:
    rule = CATALOGUE.get(code)
    assert rule is not None
    first, _, body = rule.example.partition("\n")
    path = first.removeprefix("# ").strip()
    write_repo(tmp_path, {path: body})
    found = check_strategy(load_context(tmp_path, None), date(2026, 11, 24)).diagnostics
    assert code in {item.code for item in found}

"""`charter rules` and `charter metrics` as use cases: the views they return, one code's whole
documentation, and the closest codes for one that does not exist."""

from __future__ import annotations

import pytest

from charter.model.errors import NotFound
from charter.services.catalogue import metrics_report, rule_documentation, rules_report, standard_checks_report


def test_every_code_with_its_declaration() -> None:
    rules = rules_report().root
    assert rules[0].code == "SCH001" and rules[0].area == "schema and parse" and rules[0].example
    data = rules_report().as_data()
    assert isinstance(data, list) and data[0]["code"] == "SCH001"
    assert set(data[0]) == {"code", "severity", "title", "rationale", "fix", "area", "example"}


def test_one_code_in_full_whatever_its_case() -> None:
    page = rule_documentation(" rel001 ")
    assert (page.code, page.area, page.severity) == ("REL001", "reliability mechanisms", "error")
    assert page.title == "Tier-1 service without SLO" and "charter.dev/tier" in page.example


def test_an_unknown_code_names_the_closest() -> None:
    with pytest.raises(NotFound, match=r"no diagnostic code 'rel1'; did you mean REL001, "):
        rule_documentation("rel1")
    with pytest.raises(NotFound, match="`charter rules` lists every code"):
        rule_documentation("nothing")


def test_standard_checks_and_metrics_are_lists() -> None:
    checks = standard_checks_report().as_data()
    assert checks[0] == {
        "check": "owner.exists",
        "description": "The entity's owner resolves to a declared Group or User.",
        "with": "-",
    }
    metrics = metrics_report().as_data()
    assert metrics[0]["metric"] == "delivery.deployment_frequency.per_day"
    assert metrics[0]["direction"] == "higher is better"

"""`charter check` on targets: each TGT code of the strategy files at the field to fix, with its
line, and a target written well that raises nothing."""

from __future__ import annotations

from pathlib import Path

from charter.services.context import load_context
from charter.services.strategy_check import check_strategy
from tests.analysis.test_governance import TEAM, TODAY, _service
from tests.strategy import write_repo

HEADER = "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\nspec:\n  goals:\n    - id: g\n"


def _found(root: Path) -> list[tuple[str, int]]:
    diagnostics = check_strategy(load_context(root, None), TODAY).diagnostics
    return [(d.code, d.location.line if d.location else 0) for d in diagnostics if d.code.startswith(("TGT", "REF007"))]


def test_each_target_problem_is_reported_at_its_field(tmp_path: Path) -> None:
    organization = HEADER + (
        "      targets:\n"
        "        - {metric: delivery.lead_time_for_changes.p50, scope: {tier: 1}, op: '<=', value: 1d}\n"  # 8: fine
        "        - {metric: reliability.slo_attainment, op: '>=', value: 99.9}\n"  # 9: 99.9% meant
        "        - metric: reliability.incidents.count\n"  # 10
        "          op: '<='\n"
        "          value: 3\n"
        "          baseline: 20%\n"  # 13: a percentage of a count
        "        - {metric: security.access_control_gaps, scope: {team: payments}, op: '==', value: 0}\n"  # 14
        "        - {metric: delivery.change_failure_rate, scope: {tier: 7}, op: '<=', value: 0.15}\n"  # 15
        "        - {metric: delivery.change_failure_rate, scope: {team: nobody}, op: '<=', value: 0.15}\n"  # 16
        "        - {metric: delivery.lead_time, op: '<=', value: 1d}\n"  # 17
    )
    write_repo(tmp_path, {"catalog/team.yaml": TEAM, "catalog/payments.yaml": _service("payments")}, organization)
    assert _found(tmp_path) == [
        ("TGT002", 9),
        ("TGT002", 13),
        ("TGT003", 14),
        ("TGT004", 15),
        ("TGT004", 16),
        ("REF007", 17),
    ]


def test_targets_written_well_raise_nothing(tmp_path: Path) -> None:
    organization = HEADER + (
        "      targets:\n"
        "        - {metric: reliability.slo_attainment, scope: {team: payments}, op: '>=', value: 99.9%,\n"
        "           baseline: 0.99}\n"
        "        - {metric: security.access_control_gaps, scope: {component: payments}, op: '==', value: 0}\n"
        "        - {metric: reliability.incidents.count, scope: {tier: 1}, op: '<=', value: 3, aggregate: sum}\n"
    )
    write_repo(tmp_path, {"catalog/team.yaml": TEAM, "catalog/payments.yaml": _service("payments")}, organization)
    assert _found(tmp_path) == []


def test_a_goal_owned_by_nobody_declared_is_a_dangling_reference(tmp_path: Path) -> None:
    organization = (
        "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\nspec:\n  goals:\n"
        "    - {id: known, owner: group:payments}\n"  # 6: the catalog's Group
        "    - {id: unknown, owner: group:nobody}\n"  # 7
    )
    write_repo(tmp_path, {"catalog/team.yaml": TEAM, "catalog/payments.yaml": _service("payments")}, organization)
    diagnostics = check_strategy(load_context(tmp_path, None), TODAY).diagnostics
    found = [(d.code, d.location.line if d.location else 0, d.entity) for d in diagnostics if d.code == "REF001"]
    assert found == [("REF001", 7, "goal:unknown")]

"""Governance rules, end to end from files: each flaw gives its code at the right place, and the
clean case gives nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from charter.model.diagnostics import Diagnostic
from charter.services.context import load_context
from charter.services.strategy_check import check_strategy
from tests.strategy import write_repo

TODAY = date(2026, 11, 24)

TEAM = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: ada}
spec: {memberOf: [payments]}
"""


def _service(
    name: str, *, tier: str = "1", owner: str = "group:payments", annotations: dict[str, str] | None = None
) -> str:
    notes = {
        "charter.dev/tier": tier,
        "charter.dev/on-call": "pagerduty:payments",
        "charter.dev/runbook": "docs/run.md",
    }
    notes.update(annotations or {})
    lines = "".join(f'    {key}: "{value}"\n' for key, value in notes.items() if value != "-")
    return (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
        f"  name: {name}\n  annotations:\n{lines}"
        f"spec:\n  type: service\n  lifecycle: production\n  owner: {owner}\n"
    )


SLOTH = """\
version: prometheus/v1
service: {service}
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{{code=~"5.."}}[{{{{.window}}}}]))
        total_query: sum(rate(http_requests_total[{{{{.window}}}}]))
    alerting:
      name: Availability
      page_alert: {{disable: true}}
      ticket_alert: {{disable: true}}
"""


def check(root: Path) -> list[Diagnostic]:
    return list(check_strategy(load_context(root, None), TODAY).diagnostics)


def codes(root: Path) -> list[tuple[str, str | None]]:
    return [(d.code, d.entity) for d in check(root)]


def test_a_well_kept_service_has_no_diagnostics(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/team.yaml": TEAM,
            "catalog/checkout.yaml": _service("checkout"),
            "slos/checkout.yaml": SLOTH.format(service="checkout"),
        },
    )
    assert check(tmp_path) == []


@pytest.mark.parametrize(
    ("annotations", "expected"),
    [
        ({"charter.dev/on-call": "-"}, "REL002"),
        ({"charter.dev/runbook": "-"}, "REL003"),
    ],
)
def test_tier_1_services_need_on_call_and_runbook(tmp_path: Path, annotations: dict[str, str], expected: str) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/team.yaml": TEAM,
            "catalog/checkout.yaml": _service("checkout", annotations=annotations),
            "slos/checkout.yaml": SLOTH.format(service="checkout"),
        },
    )
    [item] = check(tmp_path)
    assert (item.code, item.entity) == (expected, "component:checkout")
    assert item.location is not None and item.location.line == 5  # the annotations block


def test_pagerduty_plugin_annotation_counts_as_on_call(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/team.yaml": TEAM,
            "catalog/checkout.yaml": _service(
                "checkout", annotations={"charter.dev/on-call": "-", "pagerduty.com/service-id": "PABC123"}
            ),
            "slos/checkout.yaml": SLOTH.format(service="checkout"),
        },
    )
    assert check(tmp_path) == []


def test_tier_1_service_without_slo(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/team.yaml": TEAM, "catalog/checkout.yaml": _service("checkout")})
    assert codes(tmp_path) == [("REL001", "component:checkout")]


def test_tier_3_service_needs_no_mechanisms(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/team.yaml": TEAM,
            "catalog/tool.yaml": _service(
                "tool", tier="3", annotations={"charter.dev/on-call": "-", "charter.dev/runbook": "-"}
            ),
        },
    )
    assert check(tmp_path) == []


def test_ownership_rules(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/team.yaml": TEAM,
            "catalog/a.yaml": _service("by-person", tier="2", owner="user:ada"),
            "catalog/b.yaml": _service("by-ghost", tier="3", owner="group:ghosts"),
            "catalog/c.yaml": _service("by-nobody", tier="3").replace("  owner: group:payments\n", ""),
            "catalog/d.yaml": _service("by-person-low-tier", tier="3", owner="user:ada"),
        },
    )
    found = check(tmp_path)
    assert [(d.code, d.entity) for d in found] == [
        ("OWN002", "component:by-person"),
        ("OWN003", "component:by-ghost"),
        ("OWN001", "component:by-nobody"),
    ]
    own003 = found[1]
    assert own003.location is not None and (own003.location.path, own003.location.line) == ("catalog/b.yaml", 12)


def test_dangling_reference_and_duplicate(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/team.yaml": TEAM,
            "catalog/a.yaml": _service("svc", tier="3") + "  dependsOn: [resource:db]\n",
            "catalog/b.yaml": _service("svc", tier="3"),
        },
    )
    assert codes(tmp_path) == [("REF001", "component:svc"), ("REF002", "component:svc")]


def test_slo_that_joins_nothing(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/team.yaml": TEAM, "slos/orphan.yaml": SLOTH.format(service="nowhere")})
    assert codes(tmp_path) == [("REF005", "slo:nowhere-availability")]


def test_slo_joins_through_the_component_annotation(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/team.yaml": TEAM,
            "catalog/checkout.yaml": _service("checkout", annotations={"charter.dev/slos": "shop-availability"}),
            "slos/shop.yaml": SLOTH.format(service="shop"),
        },
    )
    assert check(tmp_path) == []


MIGRATION = """\
apiVersion: charter.dev/v1
kind: Initiative
metadata: {{name: move-db}}
spec:
  type: migration
  owner: group:payments
  estimate: {{teamWeeks: 6}}
  migration:
{body}
"""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("    successCriteria: [ok]\n    observability: [https://grafana.example.com/d/x]", ["MIG001"]),
        ("    rollbackPlan: docs/rollback.md\n    observability: [https://grafana.example.com/d/x]", ["MIG002"]),
        ("    rollbackPlan: docs/rollback.md\n    successCriteria: [ok]\n    observability: []", ["MIG003"]),
        (
            "    rollbackPlan: docs/missing.md\n    successCriteria: [ok]\n    observability: [slo:nope, docs/gone.md]",
            ["MIG004", "MIG004", "MIG004"],
        ),
        ("    rollbackPlan: docs/rollback.md\n    successCriteria: [ok]\n    observability: [docs/rollback.md]", []),
    ],
)
def test_migrations_need_rollback_criteria_and_observability(tmp_path: Path, body: str, expected: list[str]) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/team.yaml": TEAM,
            "roadmap/move.yaml": MIGRATION.format(body=body),
            "docs/rollback.md": "# Rollback\n",
        },
    )
    assert [d.code for d in check(tmp_path)] == expected


RISK = """\
apiVersion: charter.dev/v1
kind: Risk
metadata: {{name: {name}}}
spec:
  title: Primary database runs in one region
  category: reliability
  likelihood: 4
  impact: 5
  residual: {{likelihood: {residual_l}, impact: 5}}
{extra}
"""

COMMITTED = """\
apiVersion: charter.dev/v1
kind: Initiative
metadata: {{name: multi-region}}
spec:
  type: reliability
  owner: group:payments
  estimate: {{teamWeeks: 12}}
  committed: {{quarter: {quarter}}}
  mitigates: [risk:single-region]
"""


def _risk(name: str = "single-region", residual_l: int = 4, extra: str = "") -> str:
    base = "  owner: group:payments\n  treatment: mitigate\n  reviewBy: 2027-03-31\n"
    return RISK.format(name=name, residual_l=residual_l, extra=extra or base)


def test_risk_within_appetite_is_clean(tmp_path: Path) -> None:
    # reliability appetite is medium; residual likelihood 2 × impact 5 is "high" in the default matrix,
    # likelihood 1 × impact 5 is "medium".
    write_repo(tmp_path, {"catalog/team.yaml": TEAM, "risks/r.yaml": _risk(residual_l=1)})
    assert check(tmp_path) == []


def test_risk_above_appetite_without_acceptance(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/team.yaml": TEAM, "risks/r.yaml": _risk()})
    [item] = check(tmp_path)
    assert item.code == "RSK005" and "critical" in item.message and "medium" in item.message
    assert item.location is not None and item.location.line == 9


def test_risk_above_appetite_with_mitigation_committed_before_review(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/team.yaml": TEAM,
            "risks/r.yaml": _risk(),
            "roadmap/i.yaml": COMMITTED.format(quarter="2027Q1"),
        },
    )
    assert check(tmp_path) == []


def test_mitigation_committed_after_review_does_not_make_it_acceptable(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/team.yaml": TEAM,
            "risks/r.yaml": _risk(),
            "roadmap/i.yaml": COMMITTED.format(quarter="2027Q2"),
        },
    )
    assert [d.code for d in check(tmp_path)] == ["RSK005"]


def test_risk_register_hygiene(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/team.yaml": TEAM,
            "risks/r.yaml": _risk(residual_l=1, extra="  reviewBy: 2026-01-31\n"),
        },
    )
    assert [d.code for d in check(tmp_path)] == ["RSK001", "RSK002", "RSK004"]


def test_matrix_lookup_is_not_likelihood_times_impact(tmp_path: Path) -> None:
    # 5 × 1 and 1 × 5 have the same product but the matrix may rank them differently.
    organization = (
        "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\nspec:\n"
        "  riskAppetite: {reliability: low}\n"
        "  riskMatrix:\n    levels: [low, high]\n    grid:\n"
        "      - [low, low, low, low, high]\n" + "      - [low, low, low, low, high]\n" * 4
    )
    write_repo(
        tmp_path,
        {
            "catalog/team.yaml": TEAM,
            "risks/a.yaml": RISK.format(
                name="likely-minor",
                residual_l=5,
                extra="  owner: payments\n  treatment: accept\n  reviewBy: 2027-01-01\n",
            ).replace("impact: 5}", "impact: 1}"),
            "risks/b.yaml": RISK.format(
                name="rare-major",
                residual_l=1,
                extra="  owner: payments\n  treatment: accept\n  reviewBy: 2027-01-01\n",
            ),
        },
        organization=organization,
    )
    assert codes(tmp_path) == [("RSK005", "risk:rare-major")]


def test_capacity_names_unknown_team(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/team.yaml": TEAM,
            "roadmap/capacity.yaml": "apiVersion: charter.dev/v1\nkind: Capacity\nmetadata: {name: q1}\n"
            "spec:\n  quarter: 2027Q1\n  teams: {payments: 40, search: 20}\n",
        },
    )
    [item] = check(tmp_path)
    assert item.code == "CAP001" and "search" in item.message and item.location is not None and item.location.line == 6


def test_targets_must_name_registry_metrics_in_their_unit(tmp_path: Path) -> None:
    organization = (
        "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\nspec:\n  goals:\n"
        "    - id: faster\n      targets:\n"
        "        - {metric: delivery.lead_time_for_changes.p50, op: '<=', value: 1d, by: 2027-06-30}\n"
        "        - {metric: delivery.lead_time, op: '<=', value: 1d}\n"
        "        - {metric: delivery.lead_time_for_changes.p90, op: '<=', value: soon}\n"
    )
    write_repo(tmp_path, {}, organization=organization)
    assert [(d.code, d.location.line if d.location else 0) for d in check(tmp_path)] == [("REF007", 9), ("TGT001", 10)]


def test_lines_are_exact_in_later_documents_of_a_file(tmp_path: Path) -> None:
    later = "---\n# a comment\n\n" + _service("third", tier="3", owner="group:ghosts")
    write_repo(tmp_path, {"catalog/many.yaml": TEAM + later})
    [item] = check(tmp_path)
    text = (tmp_path / "catalog" / "many.yaml").read_text().splitlines()
    assert item.code == "OWN003" and item.location is not None
    assert text[item.location.line - 1].strip() == "owner: group:ghosts"
    assert item.location.column == text[item.location.line - 1].index("group:ghosts") + 1


def test_open_risk_without_review_date(tmp_path: Path) -> None:
    extra = "  owner: group:payments\n  treatment: mitigate\n"
    write_repo(tmp_path, {"catalog/team.yaml": TEAM, "risks/r.yaml": _risk(residual_l=1, extra=extra)})
    assert codes(tmp_path) == [("RSK003", "risk:single-region")]


def test_risk_category_without_appetite(tmp_path: Path) -> None:
    organization = (
        "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\nspec:\n"
        "  riskAppetite: {security: low}\n"
    )
    write_repo(tmp_path, {"catalog/team.yaml": TEAM, "risks/r.yaml": _risk(residual_l=1)}, organization=organization)
    [item] = check(tmp_path)
    assert (item.code, item.entity) == ("RSK006", "category:reliability")
    assert item.location is not None and item.location.path == "charter.yaml"

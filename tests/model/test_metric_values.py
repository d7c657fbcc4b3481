"""A metric value's scope is an entity reference, stored as the (scope_kind, scope_ref) strings
snapshots have always held, and read back to the same reference."""

from __future__ import annotations

import pytest

from charter.model.metric_values import MetricValue, organization_ref, scope_from_stored, stored_scope
from charter.model.refs import EntityRef, parse_ref


@pytest.mark.parametrize(
    ("scope", "stored"),
    [
        (parse_ref("component:payments"), ("component", "component:payments")),
        (parse_ref("component:billing/ledger"), ("component", "component:billing/ledger")),
        (parse_ref("group:team-a"), ("team", "group:team-a")),
        (parse_ref("system:shop"), ("system", "system:shop")),
        (organization_ref("Acme"), ("org", "Acme")),
    ],
)
def test_a_scope_is_stored_as_before_and_read_back_to_the_same_reference(
    scope: EntityRef, stored: tuple[str, str]
) -> None:
    value = MetricValue("reliability.incidents.count", scope, 1.0, "count")

    assert stored_scope(scope) == (value.scope_kind, value.scope_ref) == stored
    assert scope_from_stored(*stored) == scope

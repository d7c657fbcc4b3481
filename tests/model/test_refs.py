from __future__ import annotations

import pytest

from charter.model.refs import EntityRef, ReferenceError_, parse_ref


@pytest.mark.parametrize(
    ("text", "default_kind", "namespace", "expected"),
    [
        ("team-a", "group", "default", EntityRef("group", "default", "team-a")),
        ("group:team-a", None, "default", EntityRef("group", "default", "team-a")),
        ("Group:Ops/Team-A", None, "default", EntityRef("group", "ops", "team-a")),
        ("ops/team-a", "group", "default", EntityRef("group", "ops", "team-a")),
        ("user:guest", "group", "development", EntityRef("user", "development", "guest")),
        ("team-a", "group", "payments", EntityRef("group", "payments", "team-a")),
        ("  component:checkout ", None, "default", EntityRef("component", "default", "checkout")),
    ],
)
def test_parse_ref_accepts_every_backstage_form(
    text: str, default_kind: str | None, namespace: str, expected: EntityRef
) -> None:
    assert parse_ref(text, default_kind=default_kind, default_namespace=namespace) == expected


@pytest.mark.parametrize("text", ["", "   ", "group:", "component:ns/", "/name", "checkout"])
def test_parse_ref_rejects_incomplete_references(text: str) -> None:
    with pytest.raises(ReferenceError_):
        parse_ref(text, default_kind=None)


def test_short_form_leaves_out_the_default_namespace() -> None:
    assert EntityRef("group", "default", "a").short == "group:a"
    assert EntityRef("group", "ops", "a").short == "group:ops/a"

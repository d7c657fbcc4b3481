"""Resolving OSCAL profiles into requirement lists: include-all, with-ids, matching globs,
exclusions, child controls, back-matter imports, nested profiles, and the errors that name the
document and the JSON path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from charter.analysis.security.oscal_profiles import (
    OscalError,
    OscalRequirements,
    catalog_controls,
    control_key,
    requirements_of,
)


def _control(identifier: str, title: str, *children: dict[str, Any], label: str | None = None) -> dict[str, Any]:
    control: dict[str, Any] = {"id": identifier, "class": "test", "title": title}
    if label:
        control["props"] = [
            {"name": "label", "value": label.lower(), "class": "zero-padded"},
            {"name": "label", "value": label},
        ]
    if children:
        control["controls"] = list(children)
    return control


CATALOG = {
    "catalog": {
        "uuid": "00000000-0000-4000-8000-000000000001",
        "metadata": {"title": "Test catalog"},
        "groups": [
            {
                "id": "ac",
                "title": "Access",
                "controls": [
                    _control("ac-1", "Policy", label="AC-1"),
                    _control(
                        "ac-2",
                        "Accounts",
                        _control("ac-2.1", "Automated account management", label="AC-2(1)"),
                        _control("ac-2.2", "Temporary accounts", _control("ac-2.2.1", "Deep one")),
                        label="AC-2",
                    ),
                ],
            },
            {
                "id": "au",
                "title": "Audit",
                "controls": [_control("au-2", "Event logging"), _control("au-3", "Content")],
            },
        ],
        "controls": [_control("pm-1", "Program plan")],
    }
}


def _lookup(documents: Mapping[str, Mapping[str, Any]]) -> Any:
    def lookup(href: str, referrer: str) -> tuple[str, Mapping[str, Any]]:
        if href not in documents:
            raise OscalError(f"no document {href!r}", referrer)
        return href, documents[href]

    return lookup


def _profile(*imports: dict[str, Any], back_matter: dict[str, Any] | None = None) -> dict[str, Any]:
    profile: dict[str, Any] = {"uuid": "p", "metadata": {"title": "Test profile"}, "imports": list(imports)}
    if back_matter is not None:
        profile["back-matter"] = back_matter
    return {"profile": profile}


def _resolve(profile: dict[str, Any], **documents: Mapping[str, Any]) -> OscalRequirements:
    return requirements_of("profile.json", profile, _lookup({"catalog.json": CATALOG, **documents}))


def test_catalog_controls_are_flattened_in_document_order_with_parents_and_labels() -> None:
    controls = list(catalog_controls("catalog.json", CATALOG))

    assert [(c.id, c.parent) for c in controls] == [
        ("ac-1", None),
        ("ac-2", None),
        ("ac-2.1", "ac-2"),
        ("ac-2.2", "ac-2"),
        ("ac-2.2.1", "ac-2.2"),
        ("au-2", None),
        ("au-3", None),
        ("pm-1", None),
    ]
    assert [c.label for c in controls[:3]] == ["AC-1", "AC-2", "AC-2(1)"]
    assert controls[5].label == "AU-2"  # no label prop: the id, upper-cased


def test_include_all_takes_every_control() -> None:
    resolved = _resolve(_profile({"href": "catalog.json", "include-all": {}}))

    assert resolved.ids == ("ac-1", "ac-2", "ac-2.1", "ac-2.2", "ac-2.2.1", "au-2", "au-3", "pm-1")
    assert resolved.title == "Test profile"
    assert resolved.documents == ("profile.json", "catalog.json")


def test_with_ids_selects_only_those_controls_even_nested_ones() -> None:
    resolved = _resolve(_profile({"href": "catalog.json", "include-controls": [{"with-ids": ["au-3", "ac-2.1"]}]}))

    assert resolved.ids == ("ac-2.1", "au-3")


def test_with_child_controls_adds_every_descendant() -> None:
    resolved = _resolve(
        _profile({"href": "catalog.json", "include-controls": [{"with-ids": ["ac-2"], "with-child-controls": "yes"}]})
    )

    assert resolved.ids == ("ac-2", "ac-2.1", "ac-2.2", "ac-2.2.1")


def test_matching_globs_and_exclusions_combine() -> None:
    resolved = _resolve(
        _profile(
            {
                "href": "catalog.json",
                "include-controls": [{"matching": [{"pattern": "ac-*"}]}, {"with-ids": ["pm-1"]}],
                "exclude-controls": [{"matching": [{"pattern": "ac-2.?"}]}, {"with-ids": ["ac-1"]}],
            }
        )
    )

    # ac-* matches ac-1, ac-2, ac-2.1, ac-2.2, ac-2.2.1; ac-2.? removes ac-2.1 and ac-2.2; ac-1 is excluded.
    assert resolved.ids == ("ac-2", "ac-2.2.1", "pm-1")


def test_exclusion_with_children_removes_the_subtree() -> None:
    resolved = _resolve(
        _profile(
            {
                "href": "catalog.json",
                "include-all": {},
                "exclude-controls": [{"with-ids": ["ac-2"], "with-child-controls": "yes"}],
            }
        )
    )

    assert resolved.ids == ("ac-1", "au-2", "au-3", "pm-1")


def test_back_matter_import_uses_the_json_rlink() -> None:
    back_matter = {
        "resources": [
            {
                "uuid": "84cbf061-eb87-4ec1-8112-1f529232e907",
                "rlinks": [
                    {"href": "catalog.xml", "media-type": "application/oscal.catalog+xml"},
                    {"href": "catalog.json", "media-type": "application/oscal.catalog+json"},
                ],
            }
        ]
    }
    profile = _profile(
        {"href": "#84cbf061-eb87-4ec1-8112-1f529232e907", "include-controls": [{"with-ids": ["au-2"]}]},
        back_matter=back_matter,
    )

    assert _resolve(profile).ids == ("au-2",)


def test_a_profile_can_import_a_profile_and_the_union_of_imports_keeps_first_order() -> None:
    base = _profile({"href": "catalog.json", "include-controls": [{"with-ids": ["ac-1", "ac-2", "ac-2.1", "au-2"]}]})
    overlay = _profile(
        {"href": "base.json", "include-all": {}, "exclude-controls": [{"with-ids": ["ac-1"]}]},
        {"href": "catalog.json", "include-controls": [{"with-ids": ["pm-1", "ac-2"]}]},
    )

    resolved = _resolve(overlay, **{"base.json": base})

    assert resolved.ids == ("ac-2", "ac-2.1", "au-2", "pm-1")
    assert resolved.documents == ("profile.json", "base.json", "catalog.json")


@pytest.mark.parametrize(
    ("profile", "message", "json_path"),
    [
        (_profile({"href": "catalog.json"}), "include-all", "$.profile.imports[0]"),
        (_profile({"include-all": {}}), "href", "$.profile.imports[0].href"),
        (_profile({"href": "#nope", "include-all": {}}), "no back-matter resource", "$.profile.imports[0].href"),
        (
            _profile(
                {"href": "catalog.json", "include-controls": [{"with-ids": ["ac-1"], "with-child-controls": "1"}]}
            ),
            "yes",
            "$.profile.imports[0].include-controls[0].with-child-controls",
        ),
        ({"profile": {"imports": []}}, "at least one import", "$.profile.imports"),
    ],
    ids=["no-include", "no-href", "unknown-uuid", "bad-child-flag", "no-imports"],
)
def test_unusable_profiles_name_the_json_path(profile: dict[str, Any], message: str, json_path: str) -> None:
    with pytest.raises(OscalError, match=message) as raised:
        _resolve(profile)

    assert raised.value.document == "profile.json"
    assert raised.value.json_path == json_path


def test_profiles_importing_each_other_are_reported_not_looped() -> None:
    looping = _profile({"href": "profile.json", "include-all": {}})

    with pytest.raises(OscalError, match="profile.json -> profile.json"):
        requirements_of("profile.json", looping, _lookup({"profile.json": looping}))


def test_a_catalog_control_without_id_names_its_path() -> None:
    broken = {"catalog": {"metadata": {"title": "x"}, "groups": [{"controls": [{"title": "no id"}]}]}}

    with pytest.raises(OscalError) as raised:
        requirements_of("broken.json", broken, _lookup({}))

    assert raised.value.json_path == "$.catalog.groups[0].controls[0].id"


@pytest.mark.parametrize(
    ("written", "key"),
    [("AC-2(1)", "ac-2.1"), ("ac-02.1", "ac-2.1"), ("AC-02", "ac-2"), ("ia-2.12", "ia-2.12"), ("CC6.1", "cc6.1")],
)
def test_control_key_folds_the_ways_nist_ids_are_written(written: str, key: str) -> None:
    assert control_key(written) == key

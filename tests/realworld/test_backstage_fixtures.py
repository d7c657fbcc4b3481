"""Backstage's own example descriptors, read as Backstage writes them."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from charter.model.refs import EntityRef
from charter.services.context import load_context
from charter.services.strategy_check import check_strategy
from tests.strategy import write_repo


def test_backstage_examples_load_with_relations_both_ways(shared_fixtures: Path, tmp_path: Path) -> None:
    write_repo(tmp_path, {})
    shutil.copytree(shared_fixtures / "backstage", tmp_path / "catalog")
    workspace = load_context(tmp_path, None)
    estate = workspace.estate
    refs = {ref.short for ref in estate.entities}
    assert {
        "component:artist-lookup",
        "component:alternative/different-namespace",
        "system:artist-engagement-portal",
        "resource:artists-db",
        "domain:artists",
        "api:hello-world",
        "group:team-a",
        "group:backstage",
        "location:example-groups",
    } <= refs
    team_a = EntityRef("group", "default", "team-a")
    lookup = EntityRef("component", "default", "artist-lookup")
    assert team_a in estate.related(lookup, "ownedBy") and lookup in estate.related(team_a, "ownerOf")
    portal = EntityRef("system", "default", "artist-engagement-portal")
    assert lookup in estate.related(portal, "hasPart") and portal in estate.related(lookup, "partOf")
    assert EntityRef("group", "default", "backstage") in estate.related(team_a, "childOf")
    # The subset references groups and users it does not include: diagnostics, not crashes.
    checked = check_strategy(workspace, date.today()).diagnostics
    found = {(d.code, d.entity) for d in checked}
    assert ("OWN003", "api:hello-world") in found
    assert ("REF001", "domain:artists") in found
    assert all(d.location is not None and d.location.line > 0 for d in checked)

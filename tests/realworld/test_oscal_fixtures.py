"""NIST's own OSCAL content: the SP 800-53 rev5 LOW baseline profile, resolved against the
resolved LOW catalog (the full catalog it imports is not among the fixtures), gives exactly the
LOW controls; the files stay in ../shared/fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charter.analysis.security.oscal_profiles import OscalError, catalog_controls
from charter.load.oscal import resolve_oscal_source
from charter.model.kinds import OscalSource

PROFILE = "NIST_SP-800-53_rev5_LOW-baseline_profile.json"
RESOLVED_CATALOG = "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json"


def test_low_profile_resolves_to_the_controls_of_the_resolved_low_catalog(shared_fixtures: Path) -> None:
    root = shared_fixtures / "oscal"
    catalog = json.loads((root / RESOLVED_CATALOG).read_text(encoding="utf-8"))
    expected = [control.id for control in catalog_controls(RESOLVED_CATALOG, catalog)]
    profile = json.loads((root / PROFILE).read_text(encoding="utf-8"))
    with_ids = profile["profile"]["imports"][0]["include-controls"][0]["with-ids"]

    resolved = resolve_oscal_source(root, OscalSource(profile=PROFILE, catalog=RESOLVED_CATALOG))

    assert len(resolved.ids) == len(expected) == 149
    assert sorted(resolved.ids) == sorted(expected) == sorted(with_ids)
    assert resolved.ids[:4] == ("ac-1", "ac-2", "ac-3", "ac-7")
    assert "ia-2.12" in resolved.ids and "ac-2.1" not in resolved.ids
    labels = {control.id: control.label for control in resolved.controls}
    assert (labels["ac-2"], labels["ia-2.1"]) == ("AC-2", "IA-2(1)")
    assert resolved.title == "NIST Special Publication 800-53 Revision 5.1.1 LOW IMPACT BASELINE"


def test_the_component_definition_is_not_a_requirement_list(shared_fixtures: Path) -> None:
    with pytest.raises(OscalError, match="neither a `catalog` nor a `profile`"):
        resolve_oscal_source(shared_fixtures / "oscal", OscalSource(catalog="component-definition.json"))

"""The demo's control sets: the NIST one gets a synthetic OSCAL catalog and profile that resolve to
exactly its requirements, and every planned requirement of a required obligation is planted as
the CTL002 that `charter check` reports."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from charter.analysis.checks.governance import CheckContext
from charter.analysis.checks.governance_controls import check_controls
from charter.analysis.security.oscal_profiles import control_key
from charter.demo.catalog import build_catalog
from charter.demo.controls import control_sources
from charter.demo.plan import Planted
from charter.demo.profiles import SMALL
from charter.demo.strategy import control_documents
from charter.load.oscal import control_set_requirements
from charter.load.repository import load_strategy_repo
from tests.strategy import write_repo

COMPLIANCE = ["soc2", "nist-800-53-moderate"]
ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  compliance: [soc2, nist-800-53-moderate]
"""


def _control_repo(tmp_path: Path, seed: int) -> tuple[Path, list[dict[str, object]], Planted]:
    rng = random.Random(seed)
    catalog = build_catalog(rng, SMALL, Planted())
    documents = control_documents(rng, SMALL, catalog)
    planted = Planted()
    tmp_path.mkdir(parents=True, exist_ok=True)
    files = control_sources(documents, COMPLIANCE, SMALL.reference_date, planted)
    for document in documents:
        files[f"controls/{document['metadata']['name']}.yaml"] = yaml.safe_dump(document, sort_keys=False)
    return write_repo(tmp_path, files, organization=ORGANIZATION), documents, planted


def test_the_nist_control_set_resolves_to_exactly_its_requirements(tmp_path: Path) -> None:
    root, documents, _ = _control_repo(tmp_path, seed=3)
    estate = load_strategy_repo(root)

    resolved, problems = control_set_requirements(root, estate)

    assert problems == []
    nist = next(item for item in documents if item["metadata"]["name"] == "nist-800-53-moderate")  # type: ignore[index]
    assert nist["spec"]["oscal"] == {"profile": "controls/oscal/nist-800-53-moderate-profile.json"}  # type: ignore[index]
    listed = sorted(control_key(item["id"]) for item in nist["spec"]["requirements"])  # type: ignore[index]
    [requirements] = resolved.values()
    assert sorted(requirements.ids) == listed
    assert not any(identifier.startswith("zz-") for identifier in requirements.ids)  # excluded by the profile


def test_planted_ctl002_is_what_check_reports(tmp_path: Path) -> None:
    planted_somewhere = 0
    for seed in range(6):
        root, _, planted = _control_repo(tmp_path / str(seed), seed)
        estate = load_strategy_repo(root)
        context = CheckContext(SMALL.reference_date, lambda path, root=root: (root / path).exists())

        reported = {item.entity for item in check_controls(estate, context)}

        assert reported == set(planted.flaws.get("CTL002", []))
        planted_somewhere += len(reported)
    assert planted_somewhere > 0


def test_an_obligation_with_no_control_set_is_planted_as_ctl001(tmp_path: Path) -> None:
    planted = Planted()

    files = control_sources([], COMPLIANCE, SMALL.reference_date, planted)

    assert files == {}
    assert planted.flaws == {"CTL001": ["obligation:nist-800-53-moderate", "obligation:soc2"]}
    root = write_repo(tmp_path, {}, organization=ORGANIZATION)
    context = CheckContext(SMALL.reference_date, lambda path: False)
    reported = {item.entity for item in check_controls(load_strategy_repo(root), context)}
    assert reported == set(planted.flaws["CTL001"])

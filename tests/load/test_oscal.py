"""Reading OSCAL files from the strategy repository: JSON and YAML, imports relative to the
profile, the ControlSet's catalog standing in for an import outside the repository, and CTL003
for a file that cannot be used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charter.analysis.security.oscal_profiles import OscalError
from charter.load.oscal import control_set_requirements, resolve_oscal_source
from charter.load.repository import load_strategy_repo
from charter.model.kinds import OscalSource
from tests.strategy import write_repo

CATALOG = {
    "catalog": {
        "uuid": "00000000-0000-4000-8000-000000000001",
        "metadata": {"title": "Small catalog"},
        "groups": [{"id": "ac", "title": "Access", "controls": [
            {"id": "ac-1", "title": "Policy"},
            {"id": "ac-2", "title": "Accounts", "controls": [{"id": "ac-2.1", "title": "Automation"}]},
        ]}],
    }
}  # fmt: skip
PROFILE_YAML = """\
profile:
  uuid: 00000000-0000-4000-8000-000000000002
  metadata: {title: Small baseline}
  imports:
    - href: ../catalogs/small.json
      include-controls:
        - with-ids: [ac-2, ac-2.1]
"""


def test_a_yaml_profile_imports_a_json_catalog_relative_to_itself(tmp_path: Path) -> None:
    write_repo(tmp_path, {"oscal/catalogs/small.json": json.dumps(CATALOG), "oscal/profiles/small.yaml": PROFILE_YAML})

    resolved = resolve_oscal_source(tmp_path, OscalSource(profile="oscal/profiles/small.yaml"))

    assert resolved.ids == ("ac-2", "ac-2.1")
    assert resolved.documents == ("oscal/profiles/small.yaml", "oscal/catalogs/small.json")


def test_the_control_set_catalog_stands_in_for_an_import_outside_the_repository(tmp_path: Path) -> None:
    profile = PROFILE_YAML.replace("../catalogs/small.json", "../../../../elsewhere/catalog.json")
    write_repo(tmp_path, {"controls/oscal/catalog.json": json.dumps(CATALOG), "oscal/p.yaml": profile})

    resolved = resolve_oscal_source(
        tmp_path, OscalSource(profile="oscal/p.yaml", catalog="controls/oscal/catalog.json")
    )

    assert resolved.ids == ("ac-2", "ac-2.1")


def test_a_catalog_alone_requires_every_control(tmp_path: Path) -> None:
    write_repo(tmp_path, {"controls/oscal/catalog.json": json.dumps(CATALOG)})

    resolved = resolve_oscal_source(tmp_path, OscalSource(catalog="controls/oscal/catalog.json"))

    assert resolved.ids == ("ac-1", "ac-2", "ac-2.1")
    assert resolved.title == "Small catalog"


def test_an_import_that_is_not_in_the_repository_says_what_to_do(tmp_path: Path) -> None:
    write_repo(tmp_path, {"oscal/profiles/small.yaml": PROFILE_YAML})

    with pytest.raises(OscalError, match="name it as `oscal.catalog`") as raised:
        resolve_oscal_source(tmp_path, OscalSource(profile="oscal/profiles/small.yaml"))

    assert raised.value.document == "oscal/profiles/small.yaml"


def test_truncated_json_names_the_file_and_the_line(tmp_path: Path) -> None:
    write_repo(tmp_path, {"controls/oscal/catalog.json": '{\n  "catalog": {\n    "metadata": '})

    with pytest.raises(OscalError, match=r"JSON error at line 3") as raised:
        resolve_oscal_source(tmp_path, OscalSource(catalog="controls/oscal/catalog.json"))

    assert raised.value.document == "controls/oscal/catalog.json"


CONTROL_SET = """\
apiVersion: charter.dev/v1
kind: ControlSet
metadata: {name: nist-low}
spec:
  obligation: nist-800-53-low
  oscal: {profile: oscal/profiles/small.yaml}
  requirements:
    - {id: AC-2, status: implemented, evidence: [docs/access.md]}
"""


def test_control_set_requirements_reports_ctl003_at_the_control_set(tmp_path: Path) -> None:
    write_repo(tmp_path, {"controls/nist.yaml": CONTROL_SET, "oscal/profiles/small.yaml": "profile: [\n"})
    estate = load_strategy_repo(tmp_path)

    resolved, problems = control_set_requirements(tmp_path, estate)

    assert resolved == {}
    assert [(item.code, item.entity) for item in problems] == [("CTL003", "controlset:nist-low")]
    assert "oscal/profiles/small.yaml" in problems[0].message
    assert problems[0].location is not None and problems[0].location.path == "controls/nist.yaml"


def test_control_set_requirements_resolves_every_control_set_with_a_source(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "controls/nist.yaml": CONTROL_SET,
            "oscal/profiles/small.yaml": PROFILE_YAML,
            "oscal/catalogs/small.json": json.dumps(CATALOG),
        },
    )
    estate = load_strategy_repo(tmp_path)

    resolved, problems = control_set_requirements(tmp_path, estate)

    assert problems == []
    assert {str(ref): found.ids for ref, found in resolved.items()} == {
        "controlset:default/nist-low": ("ac-2", "ac-2.1")
    }


def test_an_oscal_file_that_is_a_symlink_out_of_the_repository_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "catalog.json").write_text(json.dumps(CATALOG), encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    write_repo(repo, {})
    (repo / "oscal").mkdir()
    (repo / "oscal" / "catalog.json").symlink_to(tmp_path / "outside" / "catalog.json")

    with pytest.raises(OscalError, match="is a symlink to .*outside the repository: not read"):
        resolve_oscal_source(repo, OscalSource(catalog="oscal/catalog.json"))

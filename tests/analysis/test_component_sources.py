"""Components map to repositories by annotation, else by Backstage's source location."""

from __future__ import annotations

import pytest

from charter.analysis.component_sources import (
    component_sources,
    repository_from_source_location,
)
from charter.load.repository import load_strategy_repo
from tests.strategy import write_repo

CATALOG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments-team}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: checkout}
spec: {owner: payments-team}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  annotations:
    charter.dev/repo: payments.git
    charter.dev/release-tags: 'v\\d+\\.\\d+\\.\\d+'
spec: {type: service, lifecycle: production, owner: payments-team, system: checkout}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  annotations:
    backstage.io/source-location: url:https://github.com/acme/monorepo/tree/main/ledger/
    charter.dev/path: /ledger/
    charter.dev/release-tags: 'ledger/v(['
spec: {type: service, lifecycle: production, owner: payments-team}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: unmapped}
spec: {type: library, lifecycle: production, owner: payments-team}
"""


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("url:https://github.com/acme/payments/tree/main/", "payments"),
        ("url:https://github.com/acme/payments.git", "payments"),
        ("url:https://gitlab.com/acme/group/ledger/-/tree/main/src", "ledger"),
        ("url:https://bitbucket.org/acme/web/src/main/", "web"),
        ("dir:../billing", "billing"),
    ],
)
def test_repository_from_source_location(location, expected):
    assert repository_from_source_location(location) == expected


def test_components_map_to_repositories_paths_and_release_patterns(tmp_path):
    estate = load_strategy_repo(write_repo(tmp_path, {"catalog/all.yaml": CATALOG}))
    sources, problems = component_sources(estate)

    by_name = {source.component: source for source in sources}
    assert set(by_name) == {"payments", "ledger"}
    payments = by_name["payments"]
    assert (payments.repository, payments.path_prefix, payments.team, payments.system) == (
        "payments",
        None,
        "group:payments-team",
        "system:checkout",
    )
    assert payments.release_tag("v1.2.3")
    assert not payments.release_tag("v1.2.3-rc1")  # the pattern must match the whole name
    assert (by_name["ledger"].repository, by_name["ledger"].path_prefix) == ("monorepo", "ledger")
    assert by_name["ledger"].release_tags is None

    [problem] = problems
    assert problem.code == "GIT006"
    assert problem.location is not None and problem.location.path == "catalog/all.yaml"


def test_check_reports_a_release_tag_pattern_that_is_not_a_regular_expression(tmp_path):
    from datetime import date

    from charter.services.context import load_context
    from charter.services.strategy_check import check_strategy

    context = load_context(write_repo(tmp_path, {"catalog/all.yaml": CATALOG}), None)
    found = [item for item in check_strategy(context, date.today()).diagnostics if item.code == "GIT006"]
    assert [(item.entity, item.location.line if item.location else None) for item in found] == [
        ("component:default/ledger", 27)  # the annotation's line in catalog/all.yaml
    ]

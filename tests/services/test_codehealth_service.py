"""The code health use cases over a store on SQLite and PostgreSQL: a small history of one
component's repository, mined into the store; the numbers are worked out by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from charter.model.errors import NotFound
from charter.model.metric_values import MetricValue
from charter.model.refs import EntityRef
from charter.outputs.views.codehealth import AuthorTurnover, Knowledge
from charter.services.codehealth import code_health_metric_values, code_health_report
from charter.services.context import Context, load_context
from charter.sources.git.mine import RepositoryJob, mine_repository
from charter.store import open_store
from charter.store.git_history import write_mined_repository
from tests.sources.git.gitrepos import ALICE, BOB, T0, Repo
from tests.strategy import write_repo

DAY = 86400
AS_OF = datetime.fromtimestamp(T0 + 10 * DAY, UTC)
PAYMENTS = EntityRef("component", "default", "payments")
FILES = {
    "catalog/all.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: team-a}
        spec: {type: team, children: []}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: payments
          annotations: {charter.dev/repo: payments}
        spec: {type: service, lifecycle: production, owner: team-a}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: orders
          annotations: {charter.dev/repo: orders}
        spec: {type: service, lifecycle: production, owner: team-a}
        """,
}


def lines(count: int, start: int = 0) -> str:
    return "".join(f"line {index}\n" for index in range(start, start + count))


def payments_history(repo: Repo) -> None:
    """a.py: 10 + 5 + 1 lines by Alice in 3 commits; b.py: 4 + 1 by Alice and 2 by Bob, in 3."""
    repo.write("a.py", lines(10))
    repo.write("b.py", lines(4))
    repo.commit("c1", T0, ALICE)
    repo.write("a.py", lines(15))
    repo.commit("c2", T0 + DAY, ALICE)
    repo.write("b.py", lines(6))
    repo.commit("c3", T0 + 2 * DAY, BOB)
    repo.write("a.py", lines(16))
    repo.write("b.py", lines(7))
    repo.commit("c4", T0 + 3 * DAY, ALICE)


@pytest.fixture
def context(database_url: str, tmp_path: Path) -> Iterator[Context]:
    (tmp_path / "org").mkdir()
    root = write_repo(tmp_path / "org", FILES)
    repo = Repo(tmp_path / "clones" / "payments")
    payments_history(repo)
    with open_store(root, database_url) as store:
        mined = mine_repository(RepositoryJob("payments", str(repo.path)))  # `orders` is never mined
        try:
            with store.transaction() as connection:
                write_mined_repository(connection, mined, AS_OF)
        finally:
            mined.discard()
        yield load_context(root, store)


def test_the_report_holds_each_mined_component_with_its_hotspots_and_knowledge(context: Context) -> None:
    report = code_health_report(context, AS_OF)
    [payments] = report.components  # orders' repository was never mined: left out, not shown empty
    assert (payments.component, payments.team, payments.repository, payments.path) == (
        "payments",
        "group:team-a",
        "payments",
        None,
    )
    assert (payments.window.start, payments.window.end) == (AS_OF - timedelta(days=365), AS_OF)
    assert (payments.files, payments.hotspot_count, payments.churn_in_window) == (2, 1, 23)
    # Scores: a.py 3 commits × 16 lines = 48, b.py 3 × 7 = 21; the top decile of two files is one.
    assert [(file.path, file.hotspot_score, file.lines) for file in payments.hotspots] == [("a.py", 48, 16)]
    assert [(file.path, file.hotspot) for file in payments.all_files] == [("a.py", True), ("b.py", False)]
    assert payments.knowledge == Knowledge(
        basis="recent", authors=2, top_author=ALICE[1], top_author_share=21 / 23, bus_factor=1
    )
    assert payments.author_turnover == AuthorTurnover(previous_authors=0, departed=0, ratio=None)
    assert (payments.couplings, payments.stale_couplings) == ([], [])  # changed together twice: below support 3
    assert payments.metrics == {
        "code_health.hotspot_count": 1.0,
        "code_health.bus_factor": 1.0,
        "code_health.knowledge_concentration": 21 / 23,
        "code_health.author_turnover": None,
        "code_health.agent_change_share": 0.0,
    }


def test_the_json_lists_the_hotspots_and_not_every_file(context: Context) -> None:
    [data] = code_health_report(context, AS_OF).as_data()["components"]
    assert (data["files"], data["hotspotCount"], data["churnInWindow"]) == (2, 1, 23)
    assert [file["path"] for file in data["hotspots"]] == ["a.py"]
    assert data["hotspots"][0]["commitsInWindow"] == 3 and data["authorTurnover"]["ratio"] is None
    assert "allFiles" not in data and "all_files" not in data


@pytest.mark.parametrize("named", ["payments", "component:payments", "component:default/payments"])
def test_one_component_is_named_by_key_or_reference(context: Context, named: str) -> None:
    assert [item.component for item in code_health_report(context, AS_OF, named).components] == ["payments"]


@pytest.mark.parametrize("named", ["orders", "nope"])
def test_a_component_with_no_mined_repository_is_not_found(context: Context, named: str) -> None:
    with pytest.raises(NotFound, match=f"no component `{named}` mapped to a repository"):
        code_health_report(context, AS_OF, named)


def test_metric_values_are_scoped_by_the_component_reference(context: Context) -> None:
    values = code_health_metric_values(context, AS_OF)
    assert MetricValue("code_health.hotspot_count", PAYMENTS, 1.0, "count") in values
    assert {(value.scope_kind, value.scope_ref) for value in values} == {
        ("component", "component:payments"),
        ("team", "group:team-a"),  # the agent change share only
        ("org", "acme"),
    }
    assert {value.metric for value in values} == {
        "code_health.hotspot_count",
        "code_health.bus_factor",
        "code_health.knowledge_concentration",
        "code_health.author_turnover",
        "code_health.agent_change_share",
    }

"""Code health of a real repository mined into the store (SQLite and PostgreSQL) describes its default
branch, held against plain git: the files `git ls-tree -r main` lists, their lines as `git show
main:path` has them, and the non-merge commits `git rev-list --full-history main -- path` reaches;
never what a side branch, an abandoned branch with a tag on it, or a deleted file left behind. A
monorepo component sees its folder on the default branch only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from charter.services.codehealth import ComponentCodeHealth, code_health, code_health_metric_values
from charter.services.context import Context, load_context
from charter.store import open_store
from charter.store.git_history import known_head
from tests.sources.git.gitrepos import ALICE, BOB, CAROL, T0, Repo, git
from tests.sources.git.mining import mine_and_write
from tests.sources.git.test_head import git_head_listing
from tests.strategy import write_repo

DAY = 86400
AS_OF = datetime.fromtimestamp(T0 + 30 * DAY, UTC)
CATALOG = """\
    apiVersion: backstage.io/v1alpha1
    kind: Group
    metadata: {name: team-a}
    spec: {type: team, children: []}
    ---
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: shop
      annotations: {charter.dev/repo: shop}
    spec: {type: service, lifecycle: production, owner: team-a}
    ---
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: billing
      annotations: {charter.dev/repo: shop, charter.dev/path: billing}
    spec: {type: service, lifecycle: production, owner: team-a}
    """


def lines(count: int, start: int = 0) -> str:
    return "".join(f"line {index}\n" for index in range(start, start + count))


def shop_history(repo: Repo) -> None:
    """main: files created, edited, renamed and deleted; a feature branch merged; a release branch with a
    tag that never came back (rewriting a file and adding one); an experiment branch deleted but tagged;
    and a branch checked out that main never merged."""
    at = T0
    repo.write("app.py", lines(40))
    repo.write("billing/invoice.py", lines(30))
    repo.write("old_tests.py", lines(25))
    repo.write("helpers.py", lines(10))
    repo.commit("start", at, ALICE)
    for step in range(1, 4):
        repo.write("app.py", lines(40 + step))
        repo.write("helpers.py", lines(10 + step))
        repo.commit(f"app and helpers {step}", at + step * DAY, ALICE)
    repo.run("tag", "v1.0")
    repo.run("checkout", "-q", "-b", "release/1.0")
    repo.write("app.py", lines(400, start=1000))  # a maintenance rewrite: never on main
    repo.write("billing/legacy.py", lines(70))
    repo.commit("hotfix on 1.0", at + 5 * DAY, CAROL)
    repo.run("tag", "v1.0.1")
    repo.run("checkout", "-q", "main")
    repo.run("checkout", "-q", "-b", "feature")
    repo.write("billing/invoice.py", lines(36))
    repo.write("app.py", lines(44))
    repo.commit("feature: invoices", at + 6 * DAY, BOB)
    repo.run("checkout", "-q", "main")
    repo.run("mv", "helpers.py", "shop_helpers.py")
    repo.commit("rename helpers", at + 7 * DAY, ALICE)
    repo.run("merge", "-q", "--no-ff", "-m", "merge feature", "feature", at=at + 8 * DAY)
    repo.run("branch", "-q", "-D", "feature")
    repo.run("rm", "-q", "old_tests.py")
    repo.commit("delete the old tests", at + 9 * DAY, BOB)
    repo.run("checkout", "-q", "-b", "experiment")
    repo.write("app.py", lines(900))
    repo.write("experiment.py", lines(50))
    repo.commit("experiment", at + 10 * DAY, CAROL)
    repo.run("tag", "-a", "exp-1", "-m", "tried it", at=at + 10 * DAY)
    repo.run("checkout", "-q", "main")
    repo.run("branch", "-q", "-D", "experiment")
    repo.write("app.py", lines(45))
    repo.commit("app 5", at + 11 * DAY, ALICE)
    repo.run("checkout", "-q", "-b", "wip")
    repo.write("wip.py", lines(5))
    repo.commit("work in progress", at + 12 * DAY, BOB)
    repo.run("checkout", "-q", "main")


@pytest.fixture
def shop(database_url: str, tmp_path: Path) -> Iterator[tuple[Context, Path]]:
    (tmp_path / "org").mkdir()
    root = write_repo(tmp_path / "org", {"catalog/all.yaml": CATALOG})
    repo = Repo(tmp_path / "clones" / "shop")
    shop_history(repo)
    with open_store(root, database_url) as store:
        mine_and_write(store, "shop", repo.path, AS_OF)
        yield load_context(root, store), repo.path


def git_commits_touching(clone: Path, path: str) -> int:
    return int(git(clone, "rev-list", "--count", "--no-merges", "--full-history", "main", "--", path))


def by_component(found: list[ComponentCodeHealth]) -> dict[str, ComponentCodeHealth]:
    return {item.source.component: item for item in found}


def test_code_health_is_the_default_branchs_files_sizes_and_history(shop: tuple[Context, Path]) -> None:
    context, clone = shop
    item = by_component(code_health(context, AS_OF))["shop"]
    files = {file.path: file for file in item.health.files}

    assert item.branch is not None and item.branch.sha == git(clone, "rev-parse", "main")
    assert {path: file.lines for path, file in files.items()} == git_head_listing(clone, "main")
    assert set(files) == {"app.py", "billing/invoice.py", "shop_helpers.py"}  # not old_tests.py, legacy.py, ...
    for path in ("app.py", "billing/invoice.py"):
        assert files[path].commits == git_commits_touching(clone, path), path
    # The rename is followed: helpers.py's history is shop_helpers.py's.
    assert files["shop_helpers.py"].commits == 5
    # Carol only committed on the release and experiment branches: she holds no knowledge of main.
    assert "carol@example.com" not in {file.knowledge.top_author for file in item.health.files}
    assert item.health.knowledge.authors == 2
    assert not any("legacy" in pair.first + pair.second for pair in item.health.couplings)


def test_a_monorepo_component_sees_its_folder_on_the_default_branch(shop: tuple[Context, Path]) -> None:
    context, clone = shop
    billing = by_component(code_health(context, AS_OF, "billing"))["billing"]
    assert [(file.path, file.lines, file.commits) for file in billing.health.files] == [
        ("billing/invoice.py", 36, git_commits_touching(clone, "billing/invoice.py"))
    ]


def test_a_repository_whose_head_was_never_read_has_no_files_until_the_next_sync(
    shop: tuple[Context, Path],
) -> None:
    context, clone = shop
    store = context.required_store()
    with store.transaction() as connection:
        connection.exec_driver_sql("UPDATE git_repositories SET default_branch = NULL, head_sha = NULL")
        connection.exec_driver_sql("DELETE FROM git_head_files")
    item = by_component(code_health(context, AS_OF))["shop"]
    assert (item.branch, item.health.files, item.health.hotspot_count) == (None, (), None)

    assert mine_and_write(store, "shop", clone, AS_OF).head_files  # refs unchanged: only the head is read
    with store.engine.connect() as connection:
        assert known_head(connection, "shop") is not None
    assert len(by_component(code_health(context, AS_OF))["shop"].health.files) == 3


ORGANIZATION_WITH_BOTS = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  policies:
    bots:
      - "ci-robot"                                              # a glob on the name or the e-mail
      - {email: "*@agents.acme.example", kind: agent, label: "Acme agent"}
"""
COPILOT = ("Copilot", "198982749+Copilot@users.noreply.github.com")
DEPENDABOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")


def test_bots_and_agents_by_name_and_e_mail_stay_out_of_knowledge_and_agents_have_their_share(
    database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "org").mkdir()
    root = write_repo(tmp_path / "org", {"catalog/all.yaml": CATALOG, "charter.yaml": ORGANIZATION_WITH_BOTS})
    repo = Repo(tmp_path / "clones" / "shop")
    authors = [ALICE, COPILOT, ("Ci Robot", "ci-robot@acme.example"), ("Builder", "b7@agents.acme.example"), DEPENDABOT]
    for step, author in enumerate(authors):
        repo.write("app.py", lines(10 * (step + 1)))
        repo.commit(f"change {step}", T0 + step * DAY, author)
    repo.write("app.py", lines(70))
    repo.commit("with Claude\n\nCo-Authored-By: Claude Opus 4.7 <noreply@anthropic.com>", T0 + 6 * DAY, BOB)

    with open_store(root, database_url) as store:
        mine_and_write(store, "shop", repo.path, AS_OF)
        item = by_component(code_health(load_context(root, store), AS_OF))["shop"]

    health = item.health
    # Alice added 10 lines and Bob 20 (with Claude: his own knowledge); the 40 that Copilot, the robot,
    # Acme's agent and Dependabot added are nobody's.
    knowledge = health.knowledge
    assert (knowledge.authors, knowledge.top_author, knowledge.top_author_share) == (2, BOB[1], 2 / 3)
    assert (len(health.window_commits), len(health.agent_commits), health.agent_change_share) == (6, 3, 0.5)
    assert sorted((changes.label, changes.kind.value, changes.commits) for changes in health.automated_changes) == [
        ("Acme agent", "agent", 1),
        ("Claude", "agent", 1),
        ("Dependabot", "bot", 1),
        ("GitHub Copilot", "agent", 1),
        ("ci-robot", "bot", 1),
    ]


def test_a_teams_agent_share_counts_each_commit_once_however_many_of_its_components_it_changed(
    database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "org").mkdir()
    root = write_repo(tmp_path / "org", {"catalog/all.yaml": CATALOG})
    repo = Repo(tmp_path / "clones" / "shop")
    repo.write("billing/invoice.py", lines(5))
    repo.commit("by the agent, in billing (so also in shop)", T0, COPILOT)
    repo.write("app.py", lines(5))
    repo.commit("by Alice, in shop only", T0 + DAY, ALICE)

    with open_store(root, database_url) as store:
        mine_and_write(store, "shop", repo.path, AS_OF)
        values = code_health_metric_values(load_context(root, store), AS_OF)

    shares = {value.scope_ref: value.value for value in values if value.metric == "code_health.agent_change_share"}
    # billing 1 of 1, shop 1 of 2; the team and the organisation: 1 of the 2 commits, not 2 of 3.
    assert shares == {"component:billing": 1.0, "component:shop": 0.5, "group:team-a": 0.5, "acme": 0.5}

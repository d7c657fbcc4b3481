"""The demo's security feeds: CISA KEV, FIRST EPSS and OpenSSF Scorecard files that Charter's own
importers accept whole, listing the demo scans' known-exploited CVEs, with the planted access-control
gap on an internet-facing tier-1 repository; the same bytes for the same seed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from charter.analysis.checks.governance_security import security_diagnostics
from charter.analysis.security.components import component_contexts
from charter.analysis.security.posture import SecurityFacts, SecurityPolicy, assess_security
from charter.analysis.security.remediation import FindingExceptions
from charter.demo.generate import generate_organization
from charter.demo.profiles import SMALL
from charter.demo.scans import DEMO_KEV_CVES
from charter.demo.security_feeds import DEMO_CVES, SecurityFeeds, write_security_feeds
from charter.load.repository import load_strategy_repo
from charter.services.imports_security import import_epss, import_kev, import_scorecard
from charter.store.database import open_store
from charter.store.security_facts import read_epss_scores, read_kev_entries, read_scorecard_checks

REFERENCE = date(2026, 11, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SecurityFeeds]:
    root = generate_organization(tmp_path_factory.mktemp("demo") / "acme", SMALL).destination
    return root, write_security_feeds(root, seed=3, reference=REFERENCE)


def test_charters_importers_take_the_feeds_whole(demo: tuple[Path, SecurityFeeds], tmp_path: Path) -> None:
    root, feeds = demo
    with open_store(tmp_path, f"sqlite:///{tmp_path / 'feeds.db'}") as store:
        reports = [import_kev(store, feeds.kev), import_epss(store, feeds.epss)]
        reports += [import_scorecard(store, path) for path in feeds.scorecards]
        assert [item for report in reports for item in report.diagnostics] == []
        with store.engine.connect() as connection:
            kev = read_kev_entries(connection)
            epss = read_epss_scores(connection, DEMO_CVES)
            checks = read_scorecard_checks(connection)
    assert set(DEMO_KEV_CVES) <= set(kev) and kev["CVE-2021-44228"].date_added == date(2021, 12, 10)
    assert set(epss) == set(DEMO_CVES) and all(epss[cve].epss >= 0.6 for cve in DEMO_KEV_CVES)
    assert all(score.score_date == REFERENCE for score in epss.values())
    estate = load_strategy_repo(root)
    policy = SecurityPolicy(scorecard_minimum=estate.organization.spec.policies.scorecard_minimum)  # type: ignore[union-attr]
    contexts = component_contexts(estate, policy.critical_tiers)
    at = datetime(2026, 11, 1, 12, tzinfo=UTC)
    assessment = assess_security([], SecurityFacts({}, {}, checks), contexts, policy, FindingExceptions({}), at)
    # The first repository (by name) holding an internet-facing tier-1 component has weak branch protection.
    planted = min(item.repository for item in contexts.values() if item.tier == 1 and item.internet_facing)
    wanted = f"repository github.com/acme/{planted}: Scorecard Branch-Protection is 3, below the minimum 8"
    assert [item.code for item in security_diagnostics(assessment) if item.message.startswith(wanted)] == ["SEC003"]


def test_the_same_seed_writes_the_same_feeds(demo: tuple[Path, SecurityFeeds], tmp_path: Path) -> None:
    root, feeds = demo
    again = write_security_feeds(root, seed=3, reference=REFERENCE, folder="again")
    assert again.kev.read_bytes() == feeds.kev.read_bytes() and again.epss.read_bytes() == feeds.epss.read_bytes()
    assert [path.read_bytes() for path in again.scorecards] == [path.read_bytes() for path in feeds.scorecards]
    catalog = json.loads(feeds.kev.read_text())
    assert catalog["count"] == len(catalog["vulnerabilities"]) and feeds.epss.read_text().startswith("#model_version:")

"""One Context shared by threads, as the server will share it: reports run at the same time on
one store (SQLite and PostgreSQL) give exactly what they give one after the other."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from charter.services.codehealth import code_health_report
from charter.services.context import Context, load_context
from charter.services.controls import ControlsQuery, controls_report
from charter.services.delivery import DeliveryQuery, delivery_report
from charter.services.incidents import IncidentsQuery, incidents_report
from charter.services.risks import RisksQuery, risk_register_report
from charter.services.scorecard import scorecard_report
from charter.services.security import SecurityQuery, security_report
from charter.services.slo_status import SloStatusQuery, slo_status_report
from charter.store.database import open_store
from tests.conftest import run_charter
from tests.integration.conftest import AS_OF
from tests.pg_server import PostgresServer

END = datetime.fromisoformat(AS_OF).replace(tzinfo=UTC) + timedelta(days=1)
START = END - timedelta(days=90)
DAY = date.fromisoformat(AS_OF)

REPORTS: dict[str, Callable[[Context], Any]] = {
    "delivery": lambda context: delivery_report(context, DeliveryQuery(START, END, "team")),
    "codehealth": lambda context: code_health_report(context, END),
    "incidents": lambda context: incidents_report(context, IncidentsQuery(START, END, "service")),
    "slo status": lambda context: slo_status_report(context, SloStatusQuery(as_of=END)),
    "security": lambda context: security_report(context, SecurityQuery(as_of=DAY)).view,
    "risks": lambda context: risk_register_report(context, RisksQuery(as_of=DAY)),
    "controls": lambda context: controls_report(context, ControlsQuery(as_of=DAY)).view,
    "scorecard": scorecard_report,
}


def _import_demo_facts(root: Path, url: str) -> None:
    """`make demo`'s imports and sync, into the store at `url`."""
    facts = root / "facts"
    commands = [
        ["deployments", str(facts / "deployments.jsonl")],
        ["incidents", *map(str, sorted(facts.glob("incidents-*")))],
        ["sli", str(facts / "sli.csv")],
        ["findings", *map(str, sorted((facts / "scans").iterdir()))],
        ["kev", str(facts / "kev.json")],
        ["epss", str(facts / "epss.csv")],
        ["scorecard", *map(str, sorted((facts / "scorecard").glob("*.json")))],
    ]
    for arguments in [["import", *command, "--repo", str(root)] for command in commands] + [
        ["sync", "--repo", str(root), "--as-of", AS_OF, "--quiet"]
    ]:
        result = run_charter(*arguments, env={"CHARTER_DATABASE_URL": url})
        assert result.exit_code == 0, result.output


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_context(request: pytest.FixtureRequest, demo: Path) -> Iterator[Context]:
    """The demo organisation's Context over its facts, on SQLite or on PostgreSQL."""
    url = None
    if request.param == "postgresql":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        database = server.create_database()
        url = server.url(database)
        _import_demo_facts(demo, url)
        request.addfinalizer(lambda: server.drop_database(database))
    with open_store(demo, url) as store:
        yield load_context(demo, store, clock=lambda: END)


def test_reports_on_threads_equal_reports_one_after_the_other(shared_context: Context) -> None:
    one_after_the_other = {name: report(shared_context).as_data() for name, report in REPORTS.items()}
    # Every report twice, four at a time: each runs beside others on the same Context and store.
    names = list(REPORTS) * 2
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda name: (name, REPORTS[name](shared_context).as_data()), names))
    for name, data in results:
        assert data == one_after_the_other[name], name
    assert one_after_the_other["delivery"]["scopes"], "the demo's facts were read"

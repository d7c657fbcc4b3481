"""The server's own reports on the demo organisation against golden copies in tests/golden/ (the
overview, whole and for one team, and the first page of components), on SQLite and PostgreSQL
alike, each valid against its published JSON Schema. `CHARTER_UPDATE_GOLDEN=1` rewrites them."""

from __future__ import annotations

import json
import os

import jsonschema
import pytest

from charter.services.scaffold import report_schema, report_views
from tests.integration.conftest import AS_OF
from tests.integration.serve.conftest import Served
from tests.integration.test_golden_reports import GOLDEN, contains

CALLS = {
    "overview.json": ("overview", {"as_of": AS_OF}),
    "overview-team.json": ("overview", {"as_of": AS_OF, "team": "identity-core"}),
    "components.json": ("components", {"limit": 20}),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_the_server_report_keeps_its_golden_output(served: Served, name: str) -> None:
    report, params = CALLS[name]
    with served.client(served.tokens["viewer"]) as client:
        response = client.get(f"/api/v1/{report}", params=params)
    assert response.status_code == 200, response.text
    golden_file = GOLDEN / name
    if os.environ.get("CHARTER_UPDATE_GOLDEN") == "1" and served.database_url is None:
        golden_file.write_text(json.dumps(response.json(), indent=2) + "\n", encoding="utf-8")
    problems = contains(json.loads(golden_file.read_text(encoding="utf-8")), response.json())
    assert not problems, "\n".join(problems[:20])
    jsonschema.validate(response.json(), report_schema(report_views()[report]))

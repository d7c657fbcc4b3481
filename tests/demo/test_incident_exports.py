"""The sample's incident exports import without a diagnostic, and merge with the sample's
postmortems: the linked ones become one incident each, the new ones repeat on one service."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from charter.analysis.reliability.incident_merge import merge_incidents
from charter.analysis.reliability.incidents import find_repeats
from charter.demo.incident_exports import write_incident_exports
from charter.load.repository import load_strategy_repo
from charter.model.imported_incident import ImportedIncident
from charter.sources.incidents.common import IncidentImportOptions
from charter.sources.incidents.files import read_incident_file
from tests.strategy import write_repo

CAUSES = ("config", "capacity", "infrastructure", "security")


def postmortem(number: int, service: str) -> str:
    return f"""\
        ---
        id: INC-{number:04d}
        title: Outage {number}
        severity: SEV2
        services: [{service}]
        started: 2026-0{number}-10T10:00:00Z
        acknowledged: 2026-0{number}-10T10:05:00Z
        resolved: 2026-0{number}-10T12:00:00Z
        cause: {CAUSES[number - 1]}
        ---
        # Outage {number}
        """


def test_exports_import_and_merge_with_the_postmortems(tmp_path: Path) -> None:
    files = {f"incidents/inc-{number}.md": postmortem(number, "payments" if number < 4 else "search")
             for number in range(1, 5)}  # fmt: skip
    repo = write_repo(tmp_path, files)
    pagerduty, incident_io = write_incident_exports(repo, seed=1, reference=date(2026, 11, 24))
    imported = []
    for path in (pagerduty, incident_io):
        found = list(read_incident_file(path, IncidentImportOptions()))
        assert all(isinstance(item, ImportedIncident) for item in found), found
        imported += [item.incident for item in found if isinstance(item, ImportedIncident)]
    assert len(imported) == 5 + 4  # PagerDuty: 2 linked + 3 repeats; incident.io: 2 linked + 2 repeats
    postmortems = load_strategy_repo(repo).incidents
    merged = merge_incidents(postmortems, imported)
    assert sorted(item.id for item in merged)[:4] == ["INC-0001", "INC-0002", "INC-0003", "INC-0004"]
    assert len(merged) == 4 + 3
    linked = next(item for item in merged if item.id == "INC-0001")
    assert any(alias.startswith("Q") for alias in linked.aliases)  # its PagerDuty incident
    [repeat] = find_repeats(merged, 90)
    assert (repeat.service, repeat.cause) == ("payments", "dependency")

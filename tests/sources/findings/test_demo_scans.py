"""The demo's scanner files: written as the tools write them, imported with no error, every finding
mapped to its component, the KEV CVEs on internet-facing services, Trivy and Grype merged."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path

from charter.demo.catalog import build_catalog
from charter.demo.generate import generate_organization
from charter.demo.plan import Planted
from charter.demo.profiles import SMALL
from charter.demo.scans import DEMO_KEV_CVES, write_scans
from charter.demo.writers import RepoWriter
from charter.load.repository import load_strategy_repo
from charter.model.catalog import INTERNET_FACING_ANNOTATION
from charter.services.findings import read_findings
from charter.services.imports_findings import import_findings
from charter.services.security import assess
from charter.sources.findings.components import ComponentMatcher
from charter.sources.findings.importer import FindingImportOptions
from charter.store import open_store

_DATED = re.compile(r"\.\d{4}-\d{2}-\d{2}\.json$")  # an image's earlier scan


def test_demo_scans_import_mapped_and_deduplicated(tmp_path: Path) -> None:
    root = tmp_path / "org"
    generate_organization(root, SMALL)
    components = build_catalog(random.Random(7), SMALL, Planted()).components  # as generate_organization drew them
    written = write_scans(RepoWriter(root), components, SMALL.organization, SMALL.reference_date)
    assert {Path(path).suffix for path in written} == {".json", ".sarif"}
    assert sum("grype-" in path for path in written) == 2

    options = FindingImportOptions(matcher=ComponentMatcher.from_estate(load_strategy_repo(root)))
    with open_store(root, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        results = [import_findings(store, root / path, options) for path in written]
        assert [item.code for result in results for item in result.report.diagnostics] == []
        with store.engine.connect() as connection:
            found = read_findings(connection)

    assert all(finding.component for finding in found)
    latest = [(result, path) for result, path in zip(results, written, strict=True) if _DATED.search(path) is None]
    grype_total = sum(result.findings for result, path in latest if "grype-" in path)
    assert len(found) == sum(result.findings for result, _ in latest) - grype_total  # Grype's all merged with Trivy's
    exposed = {str(component.name) for component in components if component.annotations.get(INTERNET_FACING_ANNOTATION)}
    kev = [finding for finding in found if finding.vulnerability_id in DEMO_KEV_CVES]
    assert sorted(finding.vulnerability_id for finding in kev) == sorted(DEMO_KEV_CVES)
    assert {finding.component.rsplit("/", 1)[-1] for finding in kev if finding.component} <= exposed
    assert any(finding.rule_id == "py/sql-injection" or finding.scanner == "CodeQL" for finding in found)


def test_earlier_scans_come_first_and_hold_a_backlog_fixed_since(tmp_path: Path) -> None:
    root = tmp_path / "org"
    generate_organization(root, SMALL)
    components = build_catalog(random.Random(7), SMALL, Planted()).components
    written = write_scans(RepoWriter(root), components, SMALL.organization, SMALL.reference_date)
    trivy = [path for path in written if "trivy-" in path]  # each image's scans oldest first
    images = {_DATED.sub(".json", path) for path in trivy}
    for image in images:  # a sorted listing (a shell glob) has each image's scans oldest first too
        prefix = image.removesuffix(".json") + "."
        assert [path for path in sorted(trivy) if path.startswith(prefix)] == [
            path for path in trivy if path.startswith(prefix)
        ]
    assert sum(_DATED.search(path) is not None for path in trivy) == 4 * sum(
        _DATED.search(path) is None for path in trivy
    )

    estate = load_strategy_repo(root)
    options = FindingImportOptions(matcher=ComponentMatcher.from_estate(estate))
    with open_store(root, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        results = [import_findings(store, root / path, options) for path in sorted(written)]
        with store.engine.connect() as connection:
            every = read_findings(connection, open_only=False)
            open_in_june, open_now = (
                assess(estate, connection, datetime(2026, month, 1, tzinfo=UTC)).total.open for month in (6, 11)
            )
    assert open_in_june > open_now  # the findings fixed since were open in June
    assert all(result.report.diagnostics == [] for result in results)  # none older than one imported before
    fixed = [finding for finding in every if finding.closed_at is not None]
    assert fixed and all(finding.first_seen and finding.first_seen.date() < SMALL.reference_date for finding in fixed)
    kev = [finding for finding in every if finding.vulnerability_id in DEMO_KEV_CVES]
    earliest = min(finding.first_seen for finding in every if finding.first_seen)
    assert kev and all(finding.first_seen and finding.first_seen > earliest for finding in kev)  # arrived later

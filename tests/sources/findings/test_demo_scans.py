"""The demo's scanner files: written as the tools write them, imported with no error, every finding
mapped to its component, the KEV CVEs on internet-facing services, Trivy and Grype merged."""

from __future__ import annotations

import random
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
from charter.sources.findings.components import ComponentMatcher
from charter.sources.findings.importer import FindingImportOptions
from charter.store import open_store


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
    grype_total = sum(result.findings for result, path in zip(results, written, strict=True) if "grype-" in path)
    assert len(found) == sum(result.findings for result in results) - grype_total  # Grype's all merged with Trivy's
    exposed = {str(component.name) for component in components if component.annotations.get(INTERNET_FACING_ANNOTATION)}
    kev = [finding for finding in found if finding.vulnerability_id in DEMO_KEV_CVES]
    assert sorted(finding.vulnerability_id for finding in kev) == sorted(DEMO_KEV_CVES)
    assert {finding.component.rsplit("/", 1)[-1] for finding in kev if finding.component} <= exposed
    assert any(finding.rule_id == "py/sql-injection" or finding.scanner == "CodeQL" for finding in found)

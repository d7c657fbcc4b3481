"""The file-writing use cases: the JSON Schemas of kinds and reports, and a new repository."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from charter.model.errors import UsageError
from charter.services.scaffold import create_repository, report_views, write_schemas


def test_every_report_view_has_a_schema_written(tmp_path: Path) -> None:
    names = {path.name for path in write_schemas(tmp_path)}
    assert "organization.schema.json" in names
    for report in report_views():
        assert f"{report}.report.schema.json" in names


def test_a_new_repository_is_not_written_over_an_existing_one(tmp_path: Path) -> None:
    create_repository(tmp_path, "acme", date(2026, 12, 6))
    assert (tmp_path / "charter.yaml").is_file()
    assert (tmp_path / "schemas" / "organization.schema.json").is_file()
    with pytest.raises(UsageError, match="already exists"):
        create_repository(tmp_path, "acme", date(2026, 12, 6))

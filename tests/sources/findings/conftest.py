"""Finding imports run against a store on both dialects, and write scanner files as the tools do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.store import Store, open_store


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path, database_url) as opened:
        yield opened


def write_json(path: Path, document: object) -> Path:
    """The document as the tools write it: indented JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


@pytest.fixture(params=["whole", "streamed"])
def parse_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Small files are parsed whole and large ones streamed: run a test both ways (a limit of 0
    bytes streams every file)."""
    from charter.sources.findings.jsonstream import LIMIT_VARIABLE

    if request.param == "streamed":
        monkeypatch.setenv(LIMIT_VARIABLE, "0")
    return str(request.param)

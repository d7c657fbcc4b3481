"""Helpers for tests that run every `charter import` command on hostile input: a strategy repository
whose catalog the fixtures name, a valid file for each importer, the rows of every table of the store
(to hold that a failed import wrote nothing), and a pipe that feeds a file to the command."""

from __future__ import annotations

import gzip
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select

from charter.store.database import open_store
from charter.store.schema import metadata
from tests.strategy import write_repo

SHA = "a" * 40
STRATEGY = {
    "catalog/teams.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: payments-team}
        spec: {type: team, children: []}
        """,
    "catalog/checkout.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: checkout, annotations: {charter.dev/repo: checkout}}
        spec: {type: service, lifecycle: production, owner: payments-team}
        """,
}
TRIVY = {
    "SchemaVersion": 2,
    "CreatedAt": "2026-11-01T10:00:00Z",
    "ArtifactName": "checkout:1.0",
    "Results": [
        {
            "Target": "checkout:1.0 (debian 12)",
            "Vulnerabilities": [
                {"VulnerabilityID": "CVE-2024-0001", "PkgName": "openssl", "Severity": "HIGH"},
                {"VulnerabilityID": "CVE-2024-0002", "PkgName": "zlib", "Severity": "LOW"},
            ],
        }
    ],
}
KEV = {
    "title": "CISA Catalog of Known Exploited Vulnerabilities",
    "catalogVersion": "2026.11.01",
    "vulnerabilities": [
        {
            "cveID": f"CVE-2024-000{number}",
            "vendorProject": "Acme",
            "product": "Widget",
            "vulnerabilityName": "Acme Widget flaw",
            "dateAdded": "2024-03-01",
            "dueDate": "2024-03-22",
            "knownRansomwareCampaignUse": "Unknown",
        }
        for number in (1, 2, 3)
    ],
}
SCORECARD = {
    "date": "2026-11-01T10:00:00Z",
    "repo": {"name": "github.com/acme/checkout", "commit": SHA},
    "scorecard": {"version": "v5.0.0"},
    "score": 7.1,
    "checks": [
        {"name": "Code-Review", "score": 8, "reason": "most changes reviewed", "details": []},
        {"name": "Pinned-Dependencies", "score": 3, "reason": "unpinned", "details": []},
    ],
}
PULLS = [
    {
        "number": number,
        "created_at": "2026-10-01T10:00:00Z",
        "merged_at": "2026-10-02T10:00:00Z",
        "merge_commit_sha": SHA,
        "base": {"repo": {"name": "checkout"}},
    }
    for number in (1, 2)
]
PAGERDUTY = [
    {
        "id": f"Q{number}",
        "incident_number": number,
        "title": "checkout is down",
        "status": "resolved",
        "urgency": "high",
        "created_at": "2026-10-01T10:00:00Z",
        "resolved_at": "2026-10-01T11:00:00Z",
        "service": {"id": "PSVC", "summary": "checkout"},
        "priority": {"summary": "P1"},
    }
    for number in (1, 2)
]


def valid_files(folder: Path) -> dict[str, Path]:
    """A valid file for each importer, by command name."""
    folder.mkdir(parents=True, exist_ok=True)
    deployments = "".join(
        json.dumps({"id": f"d{number}", "component": "checkout", "environment": "production", "sha": SHA,
                    "finished": f"2026-10-0{number}T10:00:00Z"}) + "\n"
        for number in (1, 2, 3)
    )  # fmt: skip
    epss = "#model_version:v2023.03.01,score_date:2026-11-01T00:00:00+0000\ncve,epss,percentile\n" + "".join(
        f"CVE-2024-000{number},0.{number}5,0.{number}9\n" for number in (1, 2, 3)
    )
    sli = "slo,timestamp,good,total\n" + "".join(
        f"checkout-availability,2026-10-01T10:0{minute}:00Z,99{minute},1000\n" for minute in range(5)
    )
    texts: dict[str, tuple[str, str | bytes]] = {
        "deployments": ("deployments.jsonl", deployments),
        "pulls": ("pulls.json", json.dumps(PULLS)),
        "incidents": ("incidents.json", json.dumps(PAGERDUTY)),
        "kev": ("kev.json", json.dumps(KEV)),
        "epss": ("epss.csv.gz", gzip.compress(epss.encode())),
        "scorecard": ("scorecard.json", json.dumps(SCORECARD)),
        "findings": ("trivy.json", json.dumps(TRIVY)),
        "sli": ("sli.csv", sli),
    }
    paths = {}
    for command, (name, content) in texts.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        paths[command] = path
    return paths


IMPORTERS = ("deployments", "pulls", "incidents", "kev", "epss", "scorecard", "findings", "sli")


def strategy_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    return write_repo(root, STRATEGY)


def stored_rows(strategy: Path, url: str | None = None) -> dict[str, int]:
    """The number of rows of every table that holds imported facts (not the store's own bookkeeping)."""
    with open_store(strategy, url) as store, store.engine.connect() as connection:
        counts = {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                  for table in metadata.sorted_tables}  # fmt: skip
    bookkeeping = {"parse_cache", "fact_generation"}  # the latter's one row is made with the store
    return {name: count for name, count in counts.items() if count and name not in bookkeeping}


@contextmanager
def piped(path: Path, content: bytes) -> Iterator[Path]:
    """A named pipe at `path` that a thread fills with `content`, as `<(cat file)` gives a command."""
    os.mkfifo(path)

    def feed() -> None:
        try:
            with path.open("wb") as pipe:
                pipe.write(content)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        yield path
    finally:
        if writer.is_alive():  # the command never opened the pipe: open it to release the writer
            with path.open("rb") as pipe:
                pipe.read()
        writer.join()

"""The technology radar: RadarEntry documents, Build-Your-Own-Radar CSV / JSON, Backstage JSON."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from textwrap import dedent

from charter.load.repository import load_strategy_repo
from charter.model.estate import Estate

ORGANIZATION = "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\n"


def load(tmp_path: Path, files: dict[str, str]) -> Estate:
    (tmp_path / "charter.yaml").write_text(ORGANIZATION)
    for name, text in files.items():
        path = tmp_path / "radar" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"))
    return load_strategy_repo(tmp_path)


def found(estate: Estate) -> list[tuple[str, str, int, str]]:
    return [
        (d.code, d.location.path if d.location else "", d.location.line if d.location else 0, d.message)
        for d in estate.load_diagnostics
    ]


def summary(estate: Estate) -> list[tuple[str, str, str, bool, int, int]]:
    return [
        (
            entry.name,
            entry.ring,
            entry.quadrant,
            entry.is_new,
            entry.moved,
            entry.location.line if entry.location else 0,
        )
        for entry in estate.radar
    ]


def test_radar_entry_documents(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "entries.yaml": """
        apiVersion: charter.dev/v1
        kind: RadarEntry
        metadata: {name: kafka, title: Apache Kafka}
        spec: {ring: Adopt, quadrant: Platforms, description: Event backbone, moved: 1, isNew: false}
        ---
        apiVersion: charter.dev/v1
        kind: RadarEntry
        metadata: {name: grpc}
        spec:
          ring: trial
          quadrant: Languages & Frameworks
          isNew: true
          updated: 2026-01-10
        """
        },
    )
    assert found(estate) == []
    assert summary(estate) == [
        ("kafka", "adopt", "Platforms", False, 1, 1),
        ("grpc", "trial", "Languages & Frameworks", True, 0, 6),
    ]
    assert estate.radar[0].title == "Apache Kafka"
    assert estate.radar[0].description == "Event backbone"
    assert estate.radar[1].updated == date(2026, 1, 10)


def test_invalid_radar_entry_document_points_at_the_field(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "bad.yaml": """
        apiVersion: charter.dev/v1
        kind: RadarEntry
        metadata: {name: cobol}
        spec:
          ring: hold
          moved: 3
        """
        },
    )
    assert [(code, line, message.split(":")[0]) for code, _, line, message in found(estate)] == [
        ("SCH003", 4, "spec.quadrant"),
        ("SCH003", 6, "spec.moved"),
    ]
    assert estate.radar == []


def test_byor_csv_with_is_new(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "radar.csv": """
        name,ring,quadrant,isNew,description
        Kafka,adopt,platforms,TRUE,"<p>Event backbone,
        used everywhere</p>"
        Grafana,trial,tools,FALSE,Dashboards

        COBOL,hold,languages & frameworks,,Legacy
        """
        },
    )
    assert found(estate) == []
    assert summary(estate) == [
        ("Kafka", "adopt", "platforms", True, 0, 2),
        ("Grafana", "trial", "tools", False, 0, 4),
        ("COBOL", "hold", "languages & frameworks", False, 0, 6),
    ]
    assert estate.radar[0].description == "<p>Event backbone,\nused everywhere</p>"


def test_byor_csv_with_status_column(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "radar.csv": """
        name,ring,quadrant,status,description
        Kafka,Adopt,Platforms,Moved In,x
        Grafana,Trial,Tools,Moved Out,x
        Backstage,Assess,Platforms,New,x
        Helm,Adopt,Tools,No Change,x
        """
        },
    )
    assert found(estate) == []
    assert [(e.name, e.is_new, e.moved) for e in estate.radar] == [
        ("Kafka", False, 1),
        ("Grafana", False, -1),
        ("Backstage", True, 0),
        ("Helm", False, 0),
    ]


def test_byor_csv_problems_are_reported_at_their_row(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "rows.csv": """
            name,ring,quadrant,isNew,description
            Kafka,adopt,platforms,maybe,x
            ,trial,tools,false,x
            Helm,adopt,tools,false,x,extra
            Grafana,trial,tools,false,x
            """,
            "header.csv": "title,ring\nKafka,adopt\n",
        },
    )
    assert [(code, path, line) for code, path, line, _ in found(estate)] == [
        ("SCH003", "radar/header.csv", 1),
        ("SCH003", "radar/rows.csv", 2),
        ("SCH003", "radar/rows.csv", 3),
        ("SCH003", "radar/rows.csv", 4),
    ]
    assert found(estate)[1][3].startswith("isNew: ")
    assert found(estate)[2][3].startswith("name: ")
    assert [entry.name for entry in estate.radar] == ["Grafana"]


def test_byor_json_list(tmp_path: Path) -> None:
    blips = [
        {"name": "Kafka", "ring": "adopt", "quadrant": "platforms", "isNew": "TRUE", "description": "x"},
        {"name": "Grafana", "ring": "trial", "quadrant": "tools", "isNew": False, "description": "x"},
        {"name": "Helm", "ring": "adopt", "description": "x"},
    ]
    estate = load(tmp_path, {"radar.json": json.dumps(blips, indent=2)})
    assert found(estate) == [("SCH003", "radar/radar.json", 16, "[2].quadrant: Field required")]
    assert summary(estate) == [
        ("Kafka", "adopt", "platforms", True, 0, 2),
        ("Grafana", "trial", "tools", False, 0, 9),
    ]


BACKSTAGE = {
    "quadrants": [{"id": "infra", "name": "Infrastructure"}, {"id": "lang", "name": "Languages"}],
    "rings": [
        {"id": "adopt", "name": "ADOPT", "color": "#5BA300"},
        {"id": "trial", "name": "TRIAL", "color": "#009EB0"},
    ],
    "entries": [
        {
            "id": "k8s",
            "key": "k8s",
            "title": "Kubernetes",
            "quadrant": "infra",
            "url": "https://k8s.io",
            "timeline": [
                {"moved": 0, "ringId": "trial", "date": "2024-01-01"},
                {"moved": 1, "ringId": "adopt", "date": "2025-06-01", "description": "Now standard"},
            ],
        },
        {"id": "go", "title": "Go", "quadrant": "lang", "timeline": [{"ringId": "trial", "date": "2025-01-01"}]},
    ],
}


def test_backstage_ring_is_the_latest_timeline_entry(tmp_path: Path) -> None:
    estate = load(tmp_path, {"backstage.json": json.dumps(BACKSTAGE, indent=2)})
    assert found(estate) == []
    kubernetes, go = estate.radar
    assert (kubernetes.name, kubernetes.title, kubernetes.ring, kubernetes.quadrant) == (
        "k8s",
        "Kubernetes",
        "adopt",
        "Infrastructure",
    )
    assert (kubernetes.moved, kubernetes.updated, kubernetes.url) == (1, date(2025, 6, 1), "https://k8s.io")
    assert kubernetes.description == "Now standard"
    assert (go.ring, go.quadrant, go.moved) == ("trial", "Languages", 0)


def test_backstage_unknown_ring_and_missing_fields(tmp_path: Path) -> None:
    document = json.loads(json.dumps(BACKSTAGE))
    document["entries"][1]["timeline"][0]["ringId"] = "hold"
    estate = load(tmp_path, {"unknown-ring.json": json.dumps(document, indent=2)})
    assert found(estate) == [
        ("SCH003", "radar/unknown-ring.json", 51, "entries.1.timeline.0.ringId: no ring 'hold' (rings: adopt, trial)"),
    ]
    del document["entries"][0]["title"]
    estate = load(tmp_path, {"unknown-ring.json": json.dumps(document, indent=2)})
    assert ("SCH003", "radar/unknown-ring.json", 25, "entries.0.title: Field required") in found(estate)


def test_json_that_is_not_a_radar_or_not_json(tmp_path: Path) -> None:
    estate = load(tmp_path, {"other.json": '{"name": "x"}', "broken.json": '[\n  {"name": "x",}\n]'})
    assert [(code, path, line) for code, path, line, _ in found(estate)] == [
        ("SCH001", "radar/broken.json", 2),
        ("SCH004", "radar/other.json", 1),
    ]

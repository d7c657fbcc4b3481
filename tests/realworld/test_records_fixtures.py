"""Decision records, postmortems and radars as real projects write them (../shared/fixtures)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from charter.load.repository import load_strategy_repo
from charter.model.estate import Estate

ORGANIZATION = "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\n"


def repo_with(tmp_path: Path, fixtures: Path, copies: dict[str, str]) -> Estate:
    """Copy fixture folders / files (fixture path -> repo folder) into a fresh strategy repo."""
    (tmp_path / "charter.yaml").write_text(ORGANIZATION)
    for source, folder in copies.items():
        target = tmp_path / folder
        target.mkdir(parents=True, exist_ok=True)
        path = fixtures / source
        for file in sorted(path.iterdir()) if path.is_dir() else [path]:
            shutil.copy(file, target / file.name)
    return load_strategy_repo(tmp_path)


def test_madr_records(tmp_path: Path, shared_fixtures: Path) -> None:
    estate = repo_with(tmp_path, shared_fixtures, {"adr/madr": "decisions"})
    summary = {
        key: (decision.title, decision.status, decision.date, decision.supersedes, decision.superseded_by)
        for key, decision in estate.decisions.items()
    }
    assert summary == {
        "0000": ("Use Markdown Architectural Decision Records", None, None, (), ()),
        "0001": ("Dual License the Work", None, None, (), ()),
        "0008": ("Add Status Field", None, None, (), ()),
        "0013": ("Use YAML front matter for metadata", None, None, (), ()),
    }
    assert [(d.code, d.location.path if d.location else "", d.message) for d in estate.load_diagnostics] == [
        ("SCH011", "decisions/adr-template.md", "a decision template, not a decision record"),
    ]
    # The front matter ends at line 4; the title follows it.
    location = estate.decisions["0013"].location
    assert location is not None and location.line == 5


def test_log4brains_records(tmp_path: Path, shared_fixtures: Path) -> None:
    estate = repo_with(tmp_path, shared_fixtures, {"adr/log4brains": "decisions"})
    assert estate.load_diagnostics == []
    first = estate.decisions["20200924-use-markdown-architectural-decision-records"]
    number = estate.decisions["20200926-use-the-adr-number-as-its-unique-id"]
    slug = estate.decisions["20201016-use-the-adr-slug-as-its-unique-id"]
    assert (first.title, first.status, first.date) == (
        "Use Markdown Architectural Decision Records",
        "accepted",
        date(2020, 9, 24),
    )
    assert (number.title, number.status, number.date) == (
        "Use the ADR number as its unique ID",
        "superseded",
        date(2020, 9, 26),
    )
    assert number.superseded_by == ("20201016-use-the-adr-slug-as-its-unique-id",)
    assert (slug.title, slug.status) == ("Use the ADR slug as its unique ID", "accepted")
    assert slug.date == date(2020, 10, 16)
    assert slug.supersedes == ("20200926-use-the-adr-number-as-its-unique-id",)
    assert slug.superseded_by == ()


def test_srebook_postmortem_template_is_not_an_incident(tmp_path: Path, shared_fixtures: Path) -> None:
    estate = repo_with(tmp_path, shared_fixtures, {"incidents/postmortem-template-srebook.md": "incidents"})
    assert estate.incidents == []
    assert [(d.code, d.severity.value, str(d.location)) for d in estate.load_diagnostics] == [
        ("SCH011", "info", "incidents/postmortem-template-srebook.md:1:1"),
    ]


def test_backstage_sample_tech_radar(tmp_path: Path, shared_fixtures: Path) -> None:
    estate = repo_with(tmp_path, shared_fixtures, {"radar/sampleTechRadarResponse.json": "radar"})
    assert estate.load_diagnostics == []
    assert [(entry.name, entry.title, entry.ring, entry.quadrant, entry.moved) for entry in estate.radar] == [
        ("javascript", "JavaScript", "adopt", "Languages", 0),
        ("typescript", "TypeScript", "adopt", "Languages", -1),
        ("webpack", "Webpack", "adopt", "Frameworks", 1),
        ("react", "React", "adopt", "Frameworks", 0),
        ("code-reviews", "Code Reviews", "adopt", "Process", 0),
        ("mob-programming", "Mob Programming", "assess", "Process", 0),
        ("docs-like-code", "Docs-like-code", "adopt", "Process", 0),
        ("force-push", "Force push to master", "hold", "Process", 0),
        ("github-actions", "GitHub Actions", "adopt", "Infrastructure", 0),
    ]
    assert {entry.updated for entry in estate.radar} == {date(2020, 8, 6)}
    assert estate.radar[0].url == "https://www.javascript.com/"
    assert estate.radar[0].description.startswith("Excepteur **sint** occaecat")
    assert estate.radar[-1].location is not None and estate.radar[-1].location.line == 133

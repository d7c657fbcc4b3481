"""`charter init`, `charter demo` and `charter schema`: the commands that write files rather than
read a strategy repository."""

from __future__ import annotations

import json
import shutil
import time
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer

from charter.cli.options import fail

TEMPLATE = "templates/init"


def write_schemas(destination: Path) -> list[Path]:
    from charter.model.schemas import all_schemas

    destination.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in all_schemas().items():
        path = destination / name
        path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _next_quarter(today: date) -> str:
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year + 1, 1) if quarter == 4 else (today.year, quarter + 1)
    return f"{year}Q{quarter}"


def _ensure_empty(directory: Path, force: bool) -> None:
    if directory.exists() and any(directory.iterdir()):
        if not force:
            fail(f"{directory} is not empty; choose another directory or pass --force to replace it")
        shutil.rmtree(directory)


def init_command(
    directory: Annotated[Path, typer.Argument(help="Where to create the strategy repository.")] = Path("."),
    name: Annotated[str | None, typer.Option(help="The organisation's name (default: the directory's).")] = None,
) -> None:
    """Create a small, commented strategy repository that passes `charter check`."""
    from charter.model.base import quarter_end

    target = directory.resolve()
    if (target / "charter.yaml").exists():
        fail(f"{target / 'charter.yaml'} already exists")
    today = date.today()
    quarter = _next_quarter(today)
    values = {
        "{{name}}": (name or target.name or "acme").lower().replace(" ", "-"),
        "{{quarter}}": quarter,
        "{{quarter_name}}": quarter.lower(),
        "{{review_by}}": (quarter_end(quarter) + timedelta(days=30)).isoformat(),
        "{{today}}": today.isoformat(),
    }
    template = resources.files("charter").joinpath(TEMPLATE)
    with resources.as_file(template) as source:
        for path in sorted(source.rglob("*")):
            if path.is_dir():
                continue
            relative = path.relative_to(source).as_posix().replace("dot-gitignore", ".gitignore")
            text = path.read_text(encoding="utf-8")
            for placeholder, value in values.items():
                text = text.replace(placeholder, value)
            out = target / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
    write_schemas(target / "schemas")
    typer.echo(f"Created a strategy repository in {target}. Next: charter check --repo {directory}")


def demo_command(
    directory: Annotated[Path, typer.Argument(help="Where to generate the sample organisation.")] = Path("demo-org"),
    size: Annotated[str, typer.Option(help="small (10 teams, 60 components) or large (300 teams, 5,000).")] = "small",
    seed: Annotated[int, typer.Option(help="Same seed, same organisation.")] = 7,
    force: Annotated[bool, typer.Option("--force", help="Replace the directory if it exists.")] = False,
    teams: Annotated[int | None, typer.Option(help="Override the profile's number of teams.")] = None,
    components: Annotated[int | None, typer.Option(help="Override the number of components.")] = None,
    risks: Annotated[int | None, typer.Option(help="Override the number of risks.")] = None,
    initiatives: Annotated[int | None, typer.Option(help="Override the number of initiatives.")] = None,
    git: Annotated[
        bool | None,
        typer.Option(
            "--git/--no-git",
            help="Also write git clones of some components (a year of history each) and deployment records "
            "(default: on for small, off for large, which then writes 200 repositories).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Generate a deterministic, realistic sample organisation, flaws included."""
    from dataclasses import replace

    from charter.demo.generate import generate_organization
    from charter.demo.profiles import PROFILES

    profile = PROFILES.get(size)
    if profile is None:
        fail(f"unknown size {size!r}; choose one of {', '.join(PROFILES)}")
    overrides: dict[str, Any] = {"teams": teams, "components": components, "risks": risks, "initiatives": initiatives}
    try:
        profile = replace(profile, **{name: value for name, value in overrides.items() if value is not None})
    except ValueError as error:
        fail(str(error).replace("SizeProfile.", "--"))
    _ensure_empty(directory, force)
    started = time.perf_counter()
    with_git = git if git is not None else size != "large"
    summary = generate_organization(directory, profile, seed=seed, git=with_git)
    elapsed = time.perf_counter() - started
    written = ", ".join(f"{count} {kind}" for kind, count in summary.counts.items())
    typer.echo(f"Generated {directory} in {elapsed:.1f}s: {written}")
    if summary.deployments is not None:
        typer.echo(
            f"Wrote {len(summary.clones)} git repositories under {directory / 'clones'} and deployment records in "
            f"{summary.deployments}."
        )
        typer.echo(
            f"Next: charter import deployments {summary.deployments} --repo {directory}, "
            f"then charter sync --repo {directory}"
        )


def schema_command(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Directory for the schema files.", file_okay=False)
    ] = Path("schemas"),
) -> None:
    """Write a JSON Schema for every Charter kind, for editor completion (yaml-language-server)."""
    for path in write_schemas(output):
        typer.echo(str(path))

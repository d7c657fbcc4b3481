"""`charter init`, `charter demo` and `charter schema`: the commands that write files rather than
read a strategy repository."""

from __future__ import annotations

import time
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class DemoSize(StrEnum):
    small = "small"
    large = "large"


def init_command(
    directory: Annotated[Path, typer.Argument(help="Where to create the strategy repository.")] = Path("."),
    name: Annotated[str | None, typer.Option(help="The organisation's name (default: the directory's).")] = None,
) -> None:
    """Create a small, commented strategy repository that passes `charter check`."""
    from charter.services.scaffold import create_repository

    target = directory.resolve()
    create_repository(target, name, date.today())
    typer.echo(f"Created a strategy repository in {target}. Next: charter check --repo {directory}")


def demo_command(
    directory: Annotated[Path, typer.Argument(help="Where to generate the sample organisation.")] = Path("demo-org"),
    size: Annotated[
        DemoSize, typer.Option("--size", help="small (10 teams, 60 components) or large (300 teams, 5,000).")
    ] = DemoSize.small,
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
    from charter.services.scaffold import DemoRequest, generate_demo

    overrides = {"teams": teams, "components": components, "risks": risks, "initiatives": initiatives}
    request = DemoRequest(
        directory,
        size.value,
        seed,
        force,
        tuple((name, value) for name, value in overrides.items() if value is not None),
        git,
    )
    started = time.perf_counter()
    summary = generate_demo(request)
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
    """Write a JSON Schema for every Charter kind, for editor completion (yaml-language-server), and
    for every report's `--format json` (`<report>.report.schema.json`)."""
    from charter.services.scaffold import write_schemas

    for path in write_schemas(output):
        typer.echo(str(path))

"""`charter snapshot`: backfill a series of snapshots for past days in one command, as `charter sync
--as-of` takes one, from the facts already in the store."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from charter.cli.options import RepoOption, supported_day

_DAY = ["%Y-%m-%d"]


def snapshot_command(
    since: Annotated[
        datetime,
        typer.Option(
            "--since", formats=_DAY, callback=supported_day, help="The first day to take a snapshot at the end of."
        ),
    ],
    every: Annotated[str, typer.Option("--every", help="The step between snapshots: 1w, 2w, 7d, ...")] = "1w",
    until: Annotated[
        datetime | None,
        typer.Option(
            "--until",
            formats=_DAY,
            callback=supported_day,
            help="The last day a snapshot may be taken at (default: today).",
            show_default=False,
        ),
    ] = None,
    repo: RepoOption = None,
) -> None:
    """Take a snapshot at the end of --since and every --every after it up to --until, each what
    `charter sync --as-of DAY` would record, reading the facts once. Run `charter sync` first."""
    from charter.services.backfill import BackfillQuery, backfill_snapshots, parse_every
    from charter.services.context import StoreNeed, open_context

    step = parse_every(every)
    with open_context(repo, StoreNeed.REQUIRED) as context:
        last = until.date() if until else context.clock().date()
        recorded = backfill_snapshots(context, BackfillQuery(since.date(), last, step))
    added = [item.snapshot_id for item in recorded if item.added]
    kept = len(recorded) - len(added)
    typer.echo(
        f"{len(recorded)} snapshots from {since.date()} to {last} every {step.days} days: {len(added)} added"
        + (f" (ids {min(added)} to {max(added)})" if added else "")
        + (f", {kept} kept (equal to the one before)" if kept else "")
    )

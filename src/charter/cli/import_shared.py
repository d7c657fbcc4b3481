"""What every `charter import` command shares: the files argument, the store it cannot do without,
and printing what each file did (diagnostics first, then one summary line per file)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli.options import FailOn, gate_met, print_diagnostics
from charter.model.errors import GateFailed

if TYPE_CHECKING:
    from charter.services.context import Context
    from charter.services.imports import ImportOutcome

FilesArgument = Annotated[list[Path], typer.Argument(help="The files to import, each in its own transaction.")]


@contextmanager
def import_context(repo: Path | None, folders: Sequence[str] | None = None) -> Iterator[Context]:
    """The repository's Context with its store open; `folders` reads only part of the repository.
    A store that cannot be had (not opened, written by a newer Charter, busy with another writer
    for longer than the write timeout) is StoreUnavailable, exit 2, as for every command."""
    from charter.services.context import StoreNeed, open_context

    with open_context(repo, StoreNeed.REQUIRED, folders=folders) as context:
        yield context


def print_outcome(outcome: ImportOutcome, root: Path, fail_on: FailOn = FailOn.error) -> None:
    """Show what went wrong and one summary line per file; exit 1 when a file failed or a
    diagnostic is at or above `fail_on`."""
    diagnostics = outcome.diagnostics
    if diagnostics:
        print_diagnostics(diagnostics, root)
    for file in outcome.files:
        typer.echo(file.summary)
    if gate_met(diagnostics, fail_on, outcome.failed):
        raise GateFailed()  # what failed is printed above

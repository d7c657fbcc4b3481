"""Opening the store from a command, with a plain warning (never a traceback) when the database
cannot be opened: the commands still work, only without cache and history."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from charter.store.database import Store


@contextmanager
def optional_store(root: Path, *, enabled: bool = True) -> Iterator[Store | None]:
    """The repository's store, or None when disabled or when it cannot be opened."""
    if not enabled:  # and then SQLAlchemy is not even imported
        yield None
        return
    from sqlalchemy.exc import SQLAlchemyError

    from charter.store.database import open_store

    try:
        store = open_store(root)
    except (SQLAlchemyError, OSError) as error:
        typer.secho(
            f"warning: store unavailable, continuing without it ({error.__class__.__name__}: {error})",
            err=True,
            fg=typer.colors.YELLOW,
        )
        yield None
        return
    with store:
        yield store


@contextmanager
def required_store(root: Path) -> Iterator[Store]:
    """The repository's store for a command that cannot work without it: exit 2 with a plain
    message when it cannot be opened."""
    from sqlalchemy.exc import SQLAlchemyError

    from charter.store.database import open_store

    try:
        store = open_store(root)
    except (SQLAlchemyError, OSError) as error:
        typer.secho(f"error: cannot open the store: {error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from None
    with store:
        yield store

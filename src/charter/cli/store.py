"""Opening the store from a command: the parse cache for `check`, with a plain warning (never a
traceback) when the database cannot be opened."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from sqlalchemy.exc import SQLAlchemyError

from charter.load.repository import ParseCache


@contextmanager
def open_cache(root: Path, *, enabled: bool = True) -> Iterator[ParseCache | None]:
    """The store's parse cache, or None when disabled or the store cannot be opened."""
    if not enabled:
        yield None
        return
    from charter.store.database import open_store

    try:
        store = open_store(root)
    except (SQLAlchemyError, OSError) as error:
        typer.secho(f"warning: store unavailable, parsing every file ({error.__class__.__name__}: {error})",
                    err=True, fg=typer.colors.YELLOW)
        yield None
        return
    with store:
        yield store.parse_cache

"""What `charter serve` needs of the application: the context the server shares between requests
(the strategy read once, the store open for the server's life), whether the store can take several
worker processes, and whether it answers (`/readyz`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from charter.model.errors import InputError, UsageError
from charter.services.context import Context, StoreNeed, load_context, opened_store, repository_root
from charter.services.store_reads import reading_store

if TYPE_CHECKING:
    from charter.model.estate import Estate

ContextFactory = Callable[[], AbstractContextManager[Context]]


def serving_context(repo: Path | None) -> ContextFactory:
    """A factory of the server's Context for the repository at `repo` (or the nearest upward): the
    repository is found now, so a wrong `--repo` fails before the server starts; it is read, and
    its store opened, when the server starts (in each worker)."""
    root = repository_root(repo)

    @contextmanager
    def factory() -> Iterator[Context]:
        with opened_store(root, StoreNeed.REQUIRED) as store:
            yield load_context(root, store)

    return factory


def already_open(context: Context) -> ContextFactory:
    """A factory of a Context the caller opened (and closes): `charter serve` reads the strategy
    and opens the store before the server starts, so that a wrong repository or store is one line
    and exit 2, not a failed start-up."""

    @contextmanager
    def factory() -> Iterator[Context]:
        yield context

    return factory


def check_store(repo: Path | None) -> None:
    """Open the repository's store and close it: StoreUnavailable (one line) when it cannot be used."""
    with opened_store(repository_root(repo), StoreNeed.REQUIRED):
        pass


def strategy_changed(context: Context) -> bool:
    """Whether the strategy files the context was read from changed since (their digests)."""
    from charter.load.inputs import gather_inputs

    inputs = context.estate.inputs
    return inputs is not None and gather_inputs(context.root, inputs) != inputs


def reread(context: Context) -> Context:
    """The context read again from its repository, over the same open store. InputError when the
    files now hold more errors than the ones it was read from: a half-edited strategy is not served."""
    from charter.model.diagnostics import Severity

    fresh = load_context(context.root, context.store, clock=context.clock)

    def errors(estate: Estate) -> list[str]:
        return [str(item) for item in estate.load_diagnostics if item.severity is Severity.ERROR]

    added = errors(fresh.estate)
    if len(added) > len(errors(context.estate)):
        raise InputError(f"the strategy files now have {len(added)} errors (`charter check` shows them)")
    return fresh


def database_dialect(repo: Path | None) -> str:
    """`sqlite` or `postgresql`: the dialect the repository's store would open with."""
    from sqlalchemy import make_url

    from charter.store.database import resolve_database_url

    return make_url(resolve_database_url(repository_root(repo))).get_backend_name()


def check_workers(repo: Path | None, workers: int) -> None:
    """Several worker processes share one store only on PostgreSQL: on SQLite, one process writes
    at a time and each would queue behind the others, so that is refused with the fix."""
    if workers < 1:
        raise UsageError(f"--workers {workers}: give 1 or more")
    if workers > 1 and database_dialect(repo) != "postgresql":
        raise UsageError(
            f"--workers {workers}: several workers need PostgreSQL; set CHARTER_DATABASE_URL="
            "postgresql+psycopg://… or serve with --workers 1 (SQLite in WAL mode)"
        )


def store_answers(context: Context) -> bool:
    """Whether the store answers a query now."""
    from sqlalchemy import text

    from charter.model.errors import StoreFailure

    store = context.required_store()
    try:
        with reading_store(), store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except StoreFailure:
        return False
    return True

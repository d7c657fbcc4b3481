"""The one object every use case works over: the strategy repository's root, its Estate, the store
(when the use case has one) and the clock. Frozen: a server shares one between threads; anything a
use case learns on the way lives in its own locals, never on the context."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from charter.load.files import RepositoryNotFound, resolve_repository
from charter.model.errors import InputError, StoreUnavailable
from charter.model.repository import organization_problem, organization_refusal

if TYPE_CHECKING:  # a cached `charter check` opens the store through here without reading the strategy
    from charter.model.estate import Estate
    from charter.model.organization import GitSource, Policies
    from charter.store.database import Store


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Context:
    """The strategy root, its Estate, the store and the clock a use case reads."""

    root: Path
    estate: Estate
    store: Store | None = None
    clock: Callable[[], datetime] = field(default=utc_now)
    # The dashboard's filters (services/scope.py): the components whose facts in the store count, by
    # key (`component_key`) and by full reference; None: every component's.
    only_components: frozenset[str] | None = None

    def counts_component(self, key: str | None) -> bool:
        """Whether facts about the component `key` count (a fact of no component counts only unfiltered)."""
        return self.only_components is None or (key is not None and key in self.only_components)

    @property
    def policies(self) -> Policies:
        """`spec.policies` of charter.yaml, or the defaults when there is none."""
        from charter.model.organization import Policies

        organization = self.estate.organization
        return organization.spec.policies if organization else Policies()

    @property
    def git_source(self) -> GitSource:
        """`spec.sources.git` of charter.yaml, or the defaults."""
        from charter.model.organization import GitSource

        organization = self.estate.organization
        return organization.spec.sources.git if organization else GitSource()

    @property
    def organization_name(self) -> str:
        organization = self.estate.organization
        return organization.metadata.name if organization else "org"

    def required_store(self) -> Store:
        """The store, for a use case that cannot work without one."""
        if self.store is None:
            raise StoreUnavailable("this needs the store, and none is open")
        return self.store


class StoreNeed(Enum):
    """How a use case needs the store: not at all, when it can be opened, or always."""

    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


def repository_root(repo: Path | None) -> Path:
    """`--repo DIR` (it must hold charter.yaml), else the nearest such directory upward."""
    try:
        return resolve_repository(repo)
    except RepositoryNotFound as error:
        raise InputError(str(error)) from None


@contextmanager
def opened_store(root: Path, need: StoreNeed, warn: Callable[[str], None] | None = None) -> Iterator[Store | None]:
    """The repository's store for the length of the block. REQUIRED raises StoreUnavailable when it
    cannot be opened; OPTIONAL tells `warn` and goes on without it."""
    if need is StoreNeed.NONE:  # and then SQLAlchemy is not even imported
        yield None
        return
    from sqlalchemy.exc import SQLAlchemyError

    from charter.store.database import open_store

    try:
        store = open_store(root)
    except (SQLAlchemyError, OSError) as error:
        if need is StoreNeed.REQUIRED:
            raise StoreUnavailable(f"cannot open the store: {error}") from None
        if warn is not None:
            warn(f"store unavailable, continuing without it ({error.__class__.__name__}: {error})")
        yield None
        return
    with store:
        yield store


def load_context(
    root: Path,
    store: Store | None,
    folders: Sequence[str] | None = None,
    select: Callable[[str, Path], bool] | None = None,
    clock: Callable[[], datetime] = utc_now,
    *,
    require_organization: bool = True,
) -> Context:
    """Read the repository (through its parse cache when there is a store) into a Context.
    `folders` and `select` read a part of it, as `load_strategy_repo` does. A charter.yaml that
    cannot be read is an InputError naming its file, line and problem, unless
    `require_organization` is False (`charter check`, which reports it among the rest)."""
    from charter.load.repository import load_strategy_repo
    from charter.store.local_cache import open_local_cache

    resolved = root.resolve()
    estate = load_strategy_repo(resolved, open_local_cache(resolved) if store else None, folders, select)
    problem = organization_problem(estate.load_diagnostics) if require_organization else None
    if problem is not None:
        raise InputError(organization_refusal(problem))
    return Context(resolved, estate, store, clock)


@contextmanager
def open_context(
    repo: Path | None,
    need: StoreNeed = StoreNeed.OPTIONAL,
    *,
    folders: Sequence[str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> Iterator[Context]:
    """The Context of `--repo` (or the nearest repository upward) with its store open for the block."""
    root = repository_root(repo)
    with opened_store(root, need, warn) as store:
        yield load_context(root, store, folders)

"""The dependencies routes share, as `Annotated` aliases: the server's context (narrowed to the
filters), the dashboard query a page or an API call asks for, and a page of a list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import BeforeValidator
from starlette.concurrency import run_in_threadpool

from charter.services.context import Context
from charter.services.dashboard import DashboardQuery, ScopedContexts
from charter.services.scope import Scope


def _blank_is_none(value: object) -> object:
    """A filter form's empty field (`?tier=`) means no filter."""
    return None if value == "" else value


Blank = BeforeValidator(_blank_is_none)


async def scoped_contexts(request: Request) -> ScopedContexts:
    contexts: ScopedContexts = request.app.state.contexts
    return contexts


async def server_context(request: Request) -> Context:
    contexts: ScopedContexts = request.app.state.contexts
    return contexts.context


async def dashboard_query(
    team: Annotated[
        str | None, Query(description="Only this team's components (a Group name).", max_length=200)
    ] = None,
    system: Annotated[str | None, Query(description="Only this system's components.", max_length=200)] = None,
    tier: Annotated[str | None, Query(description="Only components of this tier (0-9).", pattern=r"^[0-9]?$")] = None,
    as_of: Annotated[
        date | None, Blank, Query(description="The day shown (default: now); the snapshot in force then.")
    ] = None,
    since: Annotated[
        date | None, Blank, Query(description="Period reports: the first day (default: 90 days back).")
    ] = None,
    until: Annotated[date | None, Blank, Query(description="Period reports: the last day, included.")] = None,
) -> DashboardQuery:
    return DashboardQuery(Scope(team or None, system or None, int(tier) if tier else None), as_of, since, until)


Filters = Annotated[DashboardQuery, Depends(dashboard_query)]


async def filtered_context(request: Request, query: Filters) -> Context:
    """The server's context narrowed to the query's scope (UsageError, 400, for an unknown name):
    at once when it was narrowed before, else on a thread (a large organisation takes a moment)."""
    contexts: ScopedContexts = request.app.state.contexts
    found = contexts.cached(query.scope)
    if found is not None:
        return found
    return await run_in_threadpool(contexts.of, query.scope)


ScopedContext = Annotated[Context, Depends(filtered_context)]
Contexts = Annotated[ScopedContexts, Depends(scoped_contexts)]
ServerContext = Annotated[Context, Depends(server_context)]


@dataclass(frozen=True, slots=True)
class PageOfList:
    offset: int
    limit: int


async def page_of_list(
    request: Request,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
    limit: Annotated[int | None, Query(ge=1, le=500, description="Items to return (default 50).")] = None,
) -> PageOfList:
    return PageOfList(offset, limit or request.app.state.settings.default_page_size)


Pagination = Annotated[PageOfList, Depends(page_of_list)]

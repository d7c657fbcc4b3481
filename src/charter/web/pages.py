"""The dashboard's pages, server-rendered with Jinja2 (templates in the package, no script): log in
with a token for a session cookie, then every page shows its reports over the filters (team,
system, tier, day), links each number to its evidence and names its JSON twin under /api/v1."""

from __future__ import annotations

import secrets
from functools import cache
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from charter import __version__
from charter.model.access import Identity, Role
from charter.model.errors import NotAuthenticated, NotFound
from charter.outputs.html import document_fragment
from charter.outputs.reports import document_of
from charter.outputs.reports.overview import metric_text
from charter.outputs.views.base import ReportView
from charter.outputs.views.overview import OverviewReport
from charter.services.context import Context
from charter.services.dashboard import PAGES, PAGES_BY_NAME, DashboardQuery, Page, overview_entry
from charter.services.dashboard import acknowledge as acknowledge_escalation
from charter.web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Editor,
    Viewer,
    authenticator_of,
    csrf_token,
    csrf_valid,
    secure_cookies,
    set_session_cookie,
    settings_of,
)
from charter.web.deps import Filters, ScopedContext, ServerContext
from charter.web.settings import WebSettings

router = APIRouter(include_in_schema=False)


@cache
def templates() -> Environment:
    environment = Environment(
        loader=PackageLoader("charter", "templates/web"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["version"] = __version__
    environment.filters["metric_text"] = metric_text
    return environment


def render(name: str, status_code: int = 200, **values: object) -> HTMLResponse:
    return HTMLResponse(templates().get_template(name).render(**values), status_code=status_code)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render("error.html", status, status=status, message=message, pages=PAGES, query_string="")


def query_string_of(query: DashboardQuery) -> str:
    scope = query.scope
    pairs = {
        "team": scope.team,
        "system": scope.system,
        "tier": scope.tier,
        "as_of": query.as_of,
        "since": query.since,
        "until": query.until,
    }
    return urlencode({name: str(value) for name, value in pairs.items() if value is not None})


def _safe_next(target: str | None) -> str:
    """Only a path on this server (never `//host` or a URL) is followed after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


# Login and logout ------------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    nonce = secrets.token_urlsafe(24)
    response = render("login.html", csrf=nonce, next=_safe_next(next), error=None, pages=(), query_string="")
    response.set_cookie(
        LOGIN_CSRF_COOKIE, nonce, max_age=3600, httponly=True, samesite="strict", secure=secure_cookies(request)
    )
    return response


@router.post("/login")
def login(
    request: Request,
    token: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not secrets.compare_digest(expected, csrf):
        return render(
            "login.html",
            403,
            csrf=expected or "",
            next=_safe_next(next),
            pages=(),
            query_string="",
            error="The form expired: reload the page and log in again.",
        )
    try:
        identity = authenticator_of(request).by_secret(token, how="login")
    except NotAuthenticated as error:
        return render("login.html", 401, csrf=csrf, next=_safe_next(next), error=str(error), pages=(), query_string="")
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, identity.token_id)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=200)]) -> Response:
    if not csrf_valid(settings_of(request), request.cookies.get(SESSION_COOKIE), csrf):
        return error_page(request, 403, "The form expired: reload the page and log out again.")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict", secure=secure_cookies(request))
    return response


# The pages ---------------------------------------------------------------------------------------


def _choices(context: Context) -> dict[str, list[str]]:
    """The names the filter form offers: teams that own components, systems, tiers."""
    estate = context.estate
    teams: set[str] = set()
    systems: set[str] = set()
    tiers: set[int] = set()
    for ref, entity in estate.entities.items():
        if ref.kind == "component":
            owner = estate.owner_of(ref)
            if owner is not None and owner.kind == "group":
                teams.add(owner.name)
            systems.update(item.name for item in estate.related(ref, "partOf") if item.kind == "system")
            tier = getattr(entity, "tier", None)
            if isinstance(tier, int):
                tiers.add(tier)
    return {"teams": sorted(teams), "systems": sorted(systems), "tiers": [str(tier) for tier in sorted(tiers)]}


def _server_choices(request: Request, server: Context) -> dict[str, list[str]]:
    """The filter form's choices, worked out once per server (its Estate does not change)."""
    found: dict[str, list[str]] | None = getattr(request.app.state, "filter_choices", None)  # None after a reread
    if found is None:
        found = request.app.state.filter_choices = _choices(server)
    return found


ACCOUNT_PLACE = "<!--charter:account-->"  # where a cached page takes its viewer's account block


def account_html(settings: WebSettings, identity: Identity, session: str | None) -> str:
    """The page's account block: who is logged in and, for a session, the log-out form and its CSRF token."""
    csrf = csrf_token(settings, session) if session else None
    return templates().get_template("account.html").render(identity=identity, csrf=csrf)


def cached_page_key(query_string: str) -> str:
    """Where the overview page over a query is kept among its overview's renderings."""
    return f"page?{query_string}"


def _show(
    request: Request, page: Page, identity: Identity, server: Context, context: Context, query: DashboardQuery
) -> HTMLResponse:
    query_string = query_string_of(query)
    session = request.cookies.get(SESSION_COOKIE)
    account = account_html(settings_of(request), identity, session)
    if page.name == "overview":  # the same for every viewer but the account block: kept whole
        entry = overview_entry(context, query, request.app.state.contexts.overviews)
        kept = entry.renderings.get(cached_page_key(query_string))
        if not isinstance(kept, str):
            kept = entry.renderings[cached_page_key(query_string)] = _page_html(
                request, page, server, context, query, query_string, Markup(ACCOUNT_PLACE), None
            )
        return HTMLResponse(kept.replace(ACCOUNT_PLACE, account, 1))
    csrf = csrf_token(settings_of(request), session) if session else None
    can_acknowledge = page.name == "escalations" and identity.may(Role.editor)
    html = _page_html(request, page, server, context, query, query_string, Markup(account), csrf, can_acknowledge)
    return HTMLResponse(html)


def _page_html(
    request: Request,
    page: Page,
    server: Context,
    context: Context,
    query: DashboardQuery,
    query_string: str,
    account: Markup,
    csrf: str | None,
    can_acknowledge: bool = False,
) -> str:
    sections = []
    for report_name, builder in page.reports:
        if report_name == "overview":
            html = _overview_html(request, context, query, query_string)
        else:
            html = _view_html(builder(context, query), query_string)
        sections.append(
            {
                "name": report_name,
                "twin": f"/api/v1/{report_name}" + (f"?{query_string}" if query_string else ""),
                "html": html,
            }
        )
    return (
        templates()
        .get_template("page.html")
        .render(
            page=page,
            pages=PAGES,
            sections=sections,
            account=account,
            organization=server.organization_name,
            scope=query.scope,
            query=query,
            query_string=query_string,
            choices=_server_choices(request, server),
            csrf=csrf,
            can_acknowledge=can_acknowledge,
        )
    )


def _overview_html(request: Request, context: Context, query: DashboardQuery, query_string: str) -> Markup:
    """The overview's section, rendered once per snapshot, scope and day."""
    entry = overview_entry(context, query, request.app.state.contexts.overviews)
    html = entry.renderings.get(f"html?{query_string}")  # its links carry the query
    if not isinstance(html, Markup):
        html = entry.renderings[f"html?{query_string}"] = _view_html(entry.report, query_string)
    return html


def _view_html(view: ReportView, query_string: str) -> Markup:
    if isinstance(view, OverviewReport):
        suffix = f"?{query_string}" if query_string else ""
        return Markup(templates().get_template("overview.html").render(view=view, suffix=suffix))
    return document_fragment(document_of(view))


@router.post("/escalations/acknowledge")
def acknowledge(
    request: Request,
    identity: Editor,
    server: ServerContext,
    escalation: Annotated[str, Form(min_length=1, max_length=64)],
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
    csrf: Annotated[str, Form(max_length=200)],
) -> Response:
    """An editor acknowledges an escalation from its page (a session's form, with its CSRF token)."""
    if not csrf_valid(settings_of(request), request.cookies.get(SESSION_COOKIE), csrf):
        return error_page(request, 403, "The form expired: reload the page and acknowledge again.")
    acknowledge_escalation(server, escalation, reason, identity.name)
    return RedirectResponse("/escalations", status_code=303)


@router.get("/")
def home(request: Request, identity: Viewer, server: ServerContext, context: ScopedContext, query: Filters) -> Response:
    return _show(request, PAGES_BY_NAME["overview"], identity, server, context, query)


@router.get("/{name}")
def page(
    request: Request, name: str, identity: Viewer, server: ServerContext, context: ScopedContext, query: Filters
) -> Response:
    found = PAGES_BY_NAME.get(name)
    if found is None:
        raise NotFound(f"no page {name!r} (pages: {', '.join(item.name for item in PAGES)})")
    return _show(request, found, identity, server, context, query)

"""The overview's fast lane: `GET /api/v1/overview` and `GET /` answered from memory, in front of
FastAPI, when everything they need is there: a token or session verified within the token cache's
window (its use recorded within the minute), filters read exactly as the routes read them, the
scope narrowed before, and the overview of the snapshot in force already rendered. Anything else —
a first request, a bad filter, an unknown token, a due record of use — goes on to the routes, which
answer (and fill the caches) as before."""

from __future__ import annotations

import re
from datetime import date
from http.cookies import CookieError
from urllib.parse import parse_qsl

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from charter.model.access import Identity, Role
from charter.model.errors import CharterError
from charter.services.dashboard import DashboardQuery, ScopedContexts, cached_overview
from charter.services.scope import Scope as Filter
from charter.services.tokens import Authenticator
from charter.web.auth import SESSION_COOKIE, session_token_id
from charter.web.pages import ACCOUNT_PLACE, account_html, cached_page_key, query_string_of
from charter.web.settings import WebSettings

OVERVIEW_JSON = "/api/v1/overview"
OVERVIEW_PAGE = "/"
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_TIER = re.compile(r"^[0-9]?$")
_NAME_LIMIT = 200  # `team` and `system`'s max_length in web/deps.py
JSON_HEADERS = [(b"content-type", b"application/json")]
HTML_HEADERS = [(b"content-type", b"text/html; charset=utf-8")]


def fast_query(raw: bytes) -> DashboardQuery | None:
    """The filters of a query string as `web/deps.py` reads them, or None for anything it would
    read otherwise or refuse (the routes then answer). Unknown parameters are ignored, as there."""
    values: dict[str, str] = {}
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if name in values:
            return None
        values[name] = value
    team, system, tier = values.get("team") or None, values.get("system") or None, values.get("tier", "")
    if (team and len(team) > _NAME_LIMIT) or (system and len(system) > _NAME_LIMIT) or not _TIER.match(tier):
        return None
    days: list[date | None] = []
    for name in ("as_of", "since", "until"):
        text = values.get(name, "")
        if not text:
            days.append(None)
            continue
        if not _DAY.match(text):
            return None
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            return None
    return DashboardQuery(Filter(team, system, int(tier) if tier else None), days[0], days[1], days[2])


class OverviewFastLane:
    """Pure ASGI middleware: the overview's JSON and page from memory when it can, else the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] in (OVERVIEW_JSON, OVERVIEW_PAGE):
            try:
                answer = _answer(scope)
            except CharterError:  # a store that cannot be read: the routes say so properly
                answer = None
            if answer is not None:
                headers, body = answer
                length = (b"content-length", str(len(body)).encode())
                await send({"type": "http.response.start", "status": 200, "headers": [*headers, length]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def _answer(scope: Scope) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
    state = scope["app"].state
    contexts: ScopedContexts | None = getattr(state, "contexts", None)
    if contexts is None:
        return None
    settings: WebSettings = state.settings
    authorization = cookie = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            authorization = value.decode("latin-1")
        elif name == b"cookie":
            cookie = value.decode("latin-1")
    session = None
    if authorization is None and cookie is not None:
        try:
            session = cookie_parser(cookie).get(SESSION_COOKIE)
        except CookieError:
            return None
    identity = _trusted(state.authenticator, settings, authorization, session)
    if identity is None:
        return None
    query = fast_query(scope["query_string"])
    if query is None:
        return None
    context = contexts.cached(query.scope)
    if context is None:
        return None
    entry = cached_overview(context, query, contexts.overviews)
    if entry is None:
        return None
    if scope["path"] == OVERVIEW_JSON:
        body = entry.renderings.get("json")
        return (JSON_HEADERS, body) if isinstance(body, bytes) else None
    page = entry.renderings.get(cached_page_key(query_string_of(query)))
    if not isinstance(page, str):
        return None
    html = page.replace(ACCOUNT_PLACE, account_html(settings, identity, session), 1)
    return HTML_HEADERS, html.encode("utf-8")


def _trusted(
    authenticator: Authenticator, settings: WebSettings, authorization: str | None, session: str | None
) -> Identity | None:
    """The viewer (or better) a request comes from, when verified within the cache's window and its
    use is not due to be recorded; else None."""
    identity = None
    if authorization is not None:
        scheme, _, secret = authorization.partition(" ")
        if scheme.lower() == "bearer" and secret.strip():
            identity = authenticator.trusted_by_secret(secret)
    elif session is not None:
        token_id = session_token_id(settings, session)
        if token_id is not None:
            identity = authenticator.trusted_by_id(token_id)
    if identity is None or not identity.may(Role.viewer) or authenticator.use_due(identity):
        return None
    return identity

"""The server's app factory: FastAPI over a Context made by the factory passed in (the strategy read
and the store opened when the server starts, closed when it stops), with nothing built at import
time. `/healthz` and `/readyz` are the only routes without a token (besides the login page and its
style sheet)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from charter import __version__
from charter.model.errors import CharterError
from charter.services.context import Context
from charter.services.dashboard import ScopedContexts
from charter.services.events import ReceiptRetention
from charter.services.serve import ContextFactory, reread, serving_context, store_answers, strategy_changed
from charter.services.session_secret import session_signing_secret
from charter.services.tokens import Authenticator
from charter.web import api, events, pages, webhooks
from charter.web.auth import Viewer
from charter.web.errors import install_error_handlers
from charter.web.fast_lane import OverviewFastLane
from charter.web.middleware import BodyLimit, SecurityHeaders
from charter.web.settings import WebSettings, settings_from_environment

OPENAPI_URL = "/api/v1/openapi.json"
LOG = logging.getLogger("charter.web")


def create_app(context_factory: ContextFactory, settings: WebSettings | None = None) -> FastAPI:
    """The dashboard and JSON API over the Context `context_factory` makes when the server starts."""
    chosen = settings or WebSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with context_factory() as context:
            store = context.required_store()
            tasks = []
            if chosen.session_secret is None:  # the store's, shared by every worker and restart
                secret = await run_in_threadpool(session_signing_secret, store)
                app.state.settings = replace(chosen, session_secret=secret)
                tasks.append(asyncio.create_task(_follow_session_secret(app, context, chosen.reread_seconds)))
            app.state.contexts = ScopedContexts(context, snapshot_check_seconds=chosen.snapshot_check_seconds)
            app.state.authenticator = Authenticator(store, cache_seconds=chosen.token_cache_seconds)
            tasks.append(asyncio.create_task(_reread_when_changed(app, chosen.reread_seconds)))
            tasks.append(asyncio.create_task(webhooks.deliver_forever(app)))  # webhooks out
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()

    app = FastAPI(
        title="Charter",
        version=__version__,
        description="The strategy measured against reality: every dashboard page's JSON twin.",
        openapi_url=None,  # served below, behind a viewer token like everything else
        docs_url=None,  # Swagger UI loads its script from a CDN and inline: not under this CSP
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = chosen
    app.state.receipt_retention = ReceiptRetention(chosen.event_receipt_days)
    install_error_handlers(app)
    app.add_middleware(OverviewFastLane)  # inside the two below: its answers get the headers too
    app.add_middleware(BodyLimit, limit=chosen.max_body_bytes)
    app.add_middleware(SecurityHeaders)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """The process answers."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz(request: Request) -> JSONResponse:
        """The strategy is loaded and the store answers."""
        contexts: ScopedContexts | None = getattr(request.app.state, "contexts", None)
        if contexts is None or not store_answers(contexts.context):
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ready"})

    @app.get(OPENAPI_URL, include_in_schema=False)
    def openapi_document(_: Viewer) -> JSONResponse:
        """The OpenAPI 3.1 document of the JSON API."""
        return JSONResponse(app.openapi())

    @app.get("/static/report.css", include_in_schema=False)
    def report_style() -> Response:
        """The reports' own style sheet (tables, charts), the one `--format html` embeds."""
        css = files("charter").joinpath("templates/html/style.css").read_text(encoding="utf-8")
        return Response(css, media_type="text/css")

    app.mount("/static", StaticFiles(packages=[("charter", "templates/web/static")]), name="static")
    app.include_router(api.router)
    app.include_router(events.router)
    app.include_router(webhooks.router)
    app.include_router(pages.router)  # last: its `/{page}` would answer any one-segment path
    return app


async def _reread_when_changed(app: FastAPI, every: float) -> None:
    """Read the strategy again when its files change (on a thread), and serve the new Estate from
    then on; a strategy that no longer reads keeps the last one served, with a warning in the log."""
    if every <= 0:
        return
    while True:
        await asyncio.sleep(every)
        current: ScopedContexts = app.state.contexts
        try:
            if not await run_in_threadpool(strategy_changed, current.context):
                continue
            fresh = await run_in_threadpool(reread, current.context)
        except CharterError as error:
            LOG.warning("the strategy changed but cannot be read, still serving the last one: %s", error)
            continue
        app.state.contexts = ScopedContexts(fresh, snapshot_check_seconds=current.snapshot_check_seconds)
        app.state.filter_choices = None
        LOG.info("the strategy changed: read again")


async def _follow_session_secret(app: FastAPI, context: Context, every: float) -> None:
    """Sign with the store's session secret when it changes (`charter token rotate-session-secret`):
    from then on the sessions signed with the old one are refused, on every worker."""
    if every <= 0:
        return
    while True:
        await asyncio.sleep(every)
        try:
            secret = await run_in_threadpool(session_signing_secret, context.required_store())
        except CharterError as error:
            LOG.warning("the session secret cannot be read, still signing with the last one: %s", error)
            continue
        settings: WebSettings = app.state.settings
        if secret != settings.session_secret:
            app.state.settings = replace(settings, session_secret=secret)
            LOG.info("the session secret was rotated: every session signed with the old one ends")


def app_from_environment() -> FastAPI:
    """The app for each worker process of `charter serve --workers N` (uvicorn imports it by name):
    the repository and settings come from the environment `charter serve` set."""
    repo, settings = settings_from_environment()
    return create_app(serving_context(repo), settings)

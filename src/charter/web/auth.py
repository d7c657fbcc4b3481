"""Who a request is: `Authorization: Bearer TOKEN`, or a browser's session cookie (signed, naming
the token it logged in with, checked again on every request). `require_role(role)` is the FastAPI
dependency every route but `/healthz`, `/readyz` and the login page depends on. Forms carry a CSRF
token derived from the session."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from charter.model.access import Identity, Role
from charter.model.errors import NotAllowed, NotAuthenticated
from charter.services.tokens import Authenticator
from charter.web.settings import WebSettings

SESSION_COOKIE = "charter_session"
LOGIN_CSRF_COOKIE = "charter_login_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NEEDED_ROLE = "charter_needed_role"


def settings_of(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def authenticator_of(request: Request) -> Authenticator:
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


def _sign(settings: WebSettings, message: str) -> str:
    return hmac.new(settings.secret_bytes, message.encode("utf-8"), hashlib.sha256).hexdigest()


def session_value(settings: WebSettings, token_id: int, issued: int | None = None) -> str:
    """The cookie of a session made with token `token_id`: `id.issued.signature`."""
    message = f"{token_id}.{issued if issued is not None else int(time.time())}"
    return f"{message}.{_sign(settings, message)}"


def session_token_id(settings: WebSettings, value: str | None) -> int | None:
    """The token id a session cookie names, when its signature holds and it has not run out."""
    if not value:
        return None
    parts = value.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    message = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_sign(settings, message), parts[2]):
        return None
    if time.time() - int(parts[1]) > settings.session_hours * 3600:
        return None
    return int(parts[0])


def csrf_token(settings: WebSettings, session: str) -> str:
    """The CSRF token of a session: forms post it back, and a cross-site form cannot know it."""
    return _sign(settings, "csrf:" + session)


def csrf_valid(settings: WebSettings, session: str | None, presented: str | None) -> bool:
    if not session or not presented:
        return False
    return hmac.compare_digest(csrf_token(settings, session), presented)


def secure_cookies(request: Request) -> bool:
    """Cookies are Secure behind TLS (uvicorn takes the scheme from X-Forwarded-Proto of a trusted proxy)."""
    return settings_of(request).always_secure_cookies or request.url.scheme == "https"


def set_session_cookie(request: Request, response: Response, token_id: int) -> None:
    settings = settings_of(request)
    response.set_cookie(
        SESSION_COOKIE,
        session_value(settings, token_id),
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path="/",
    )


def _how(request: Request) -> str:
    return "bearer" if "authorization" in request.headers else "session"


def identify(request: Request, record: bool = True) -> Identity:
    """The request's identity: its bearer token, else its session (sessions only for reading on the
    API, where a form's CSRF token cannot travel). NotAuthenticated when it has neither. `record`:
    record the token's use here (a write, when due), else the caller does."""
    cached: Identity | None = getattr(request.state, "identity", None)
    if cached is not None:
        return cached
    authenticator = authenticator_of(request)
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise NotAuthenticated("the Authorization header must be `Bearer TOKEN`")
        identity = authenticator.by_secret(secret, _how(request), record)
    else:
        token_id = session_token_id(settings_of(request), request.cookies.get(SESSION_COOKIE))
        if token_id is None:
            raise NotAuthenticated("no token: send `Authorization: Bearer TOKEN`, or log in at /login")
        if request.method not in SAFE_METHODS and request.url.path.startswith("/api/"):
            raise NotAuthenticated("writes through the API need `Authorization: Bearer TOKEN`, not a session")
        identity = authenticator.by_id(token_id, _how(request), record)
    request.state.identity = identity
    return identity


def authorize(request: Request, needed: Role, record: bool = True) -> Identity:
    """The request's identity when its role meets `needed`; NotAuthenticated or NotAllowed else."""
    identity = identify(request, record)
    if not identity.may(needed):
        raise NotAllowed(f"the token {identity.name!r} is a {identity.role.value} token; this needs {needed.value}")
    return identity


def require_role(role: Role | str) -> Callable[[Request], Awaitable[Identity]]:
    """A FastAPI dependency: the request's identity, when its role meets `role`; 401 without a valid
    token, 403 when the token's role is below what the route needs. It reads the token on the event
    loop (one indexed query) and hands the occasional write of its use to a thread, where waiting
    for the store's writer blocks nobody else."""
    needed = Role(role)

    async def dependency(request: Request) -> Identity:
        identity = authorize(request, needed, record=False)
        authenticator = authenticator_of(request)
        if authenticator.use_due(identity):
            await run_in_threadpool(authenticator.record_use, identity, _how(request))
        return identity

    dependency.__name__ = f"require_{needed.value}"
    setattr(dependency, NEEDED_ROLE, needed)  # noqa: B010  (read back by `role_needed`)
    return dependency


def role_needed(request: Request) -> Role | None:
    """The role the request's route needs (through `require_role`), if any: a body FastAPI cannot
    even parse is refused before the route's dependencies run, and that must not tell someone
    without the role anything the role would."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    for dependency in getattr(dependant, "dependencies", ()):
        needed = getattr(dependency.call, NEEDED_ROLE, None)
        if isinstance(needed, Role):
            return needed
    return None


def check_access(request: Request) -> None:
    """NotAuthenticated or NotAllowed when the request may not use its route at all."""
    needed = role_needed(request)
    if needed is not None:
        authorize(request, needed)


Viewer = Annotated[Identity, Depends(require_role(Role.viewer))]
Editor = Annotated[Identity, Depends(require_role(Role.editor))]
Admin = Annotated[Identity, Depends(require_role(Role.admin))]
Ingest = Annotated[Identity, Depends(require_role(Role.ingest))]

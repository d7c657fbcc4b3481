"""The one place the server turns Charter's errors into HTTP statuses: a clear message as JSON (or
a page, for a browser), never a traceback. A browser without a session is sent to the login page."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from charter.model.errors import (
    CharterError,
    InputError,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    StoreFailure,
    StoreUnavailable,
    UsageError,
)

LOG = logging.getLogger("charter.web")

STATUSES: dict[type[CharterError], int] = {
    UsageError: 400,
    InputError: 400,
    NotFound: 404,
    NotAuthenticated: 401,
    NotAllowed: 403,
    StoreUnavailable: 503,
    StoreFailure: 503,
}


def status_of(error: CharterError) -> int:
    """The HTTP status of an error: the nearest class's in STATUSES, else 500."""
    for kind in type(error).__mro__:
        if kind in STATUSES:
            return STATUSES[kind]
    return 500


def wants_page(request: Request) -> bool:
    """A browser's page request (not the API's, not a script's)."""
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _charter_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, CharterError)
    status = status_of(error)
    if status == 401 and wants_page(request):
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    if wants_page(request):
        from charter.web.pages import error_page

        return error_page(request, status, str(error))
    headers = {"WWW-Authenticate": 'Bearer realm="charter"'} if status == 401 else None
    return JSONResponse({"detail": str(error) or type(error).__name__}, status_code=status, headers=headers)


def _unexpected(request: Request, error: Exception) -> Response:
    LOG.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    return JSONResponse({"detail": "internal error: the server log has the details"}, status_code=500)


def _validation(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    from charter.web.auth import check_access

    try:  # who may not use the route at all learns that, not what is wrong with the request
        check_access(request)
    except CharterError as refused:
        return _charter_error(request, refused)
    problems = [
        {"loc": [str(part) for part in item.get("loc", ())], "msg": str(item.get("msg", "")), "type": item.get("type")}
        for item in error.errors()
    ]
    if wants_page(request):
        from charter.web.pages import error_page

        text = "; ".join(f"{'.'.join(item['loc'][1:]) or 'request'}: {item['msg']}" for item in problems)
        return error_page(request, 422, text)
    return JSONResponse({"detail": problems}, status_code=422)


def _http(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    from charter.web.auth import check_access

    try:  # a body that cannot be parsed (400) or is too large (413): the same as for validation
        check_access(request)
    except CharterError as refused:
        return _charter_error(request, refused)
    if wants_page(request):
        from charter.web.pages import error_page

        return error_page(request, error.status_code, str(error.detail))
    return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(CharterError, _charter_error)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)

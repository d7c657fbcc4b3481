"""`charter serve`: the dashboard and JSON API on Uvicorn. One worker serves a SQLite store (WAL);
several need PostgreSQL (`CHARTER_DATABASE_URL`), each worker reading the strategy and opening the
store itself."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from charter.cli.options import RepoOption


def serve_command(
    repo: RepoOption = None,
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="The port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Worker processes (more than 1 needs PostgreSQL).")
    ] = 1,
) -> None:
    """Serve the dashboard and the JSON API (/api/v1, OpenAPI at /api/v1/openapi.json). Every route
    but /healthz and /readyz needs a token: `charter token create --role viewer --name NAME`."""
    import uvicorn

    from charter.services.context import repository_root
    from charter.services.serve import already_open, check_store, check_workers, serving_context
    from charter.web.app import create_app
    from charter.web.settings import REPO_VARIABLE, WebSettings

    root = repository_root(repo)
    check_workers(root, workers)
    if workers == 1:
        with serving_context(root)() as context:  # read and opened now: a problem is one line, exit 2
            typer.secho(
                f"serving {root} on http://{host}:{port}/ (log in with a token)", err=True, fg=typer.colors.GREEN
            )
            uvicorn.run(create_app(already_open(context), WebSettings()), host=host, port=port, proxy_headers=True)
        return
    check_store(root)
    typer.secho(f"serving {root} on http://{host}:{port}/ (log in with a token)", err=True, fg=typer.colors.GREEN)
    # Each worker builds its own app; they share the store's session secret, so a cookie works on any of them.
    os.environ[REPO_VARIABLE] = str(root)
    uvicorn.run(
        "charter.web.app:app_from_environment", factory=True, host=host, port=port, workers=workers, proxy_headers=True
    )

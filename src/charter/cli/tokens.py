"""`charter token`: the server's bearer tokens. `create` prints the token once (only its digest is
kept), `list` shows them without it, `revoke` ends a token and every session made with it;
`rotate-session-secret` ends every session at once."""

from __future__ import annotations

from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, ReportFormat, WideOption, emit, emit_report

token_app = typer.Typer(
    help="Bearer tokens for `charter serve`: create, list, revoke; rotate-session-secret logs every browser out.",
    no_args_is_help=True,
)


@token_app.command("create")
def create_command(
    role: Annotated[str, typer.Option("--role", help="viewer, editor, admin or ingest.")],
    name: Annotated[str, typer.Option("--name", help="Who or what the token is for (unique among live tokens).")],
    repo: RepoOption = None,
    expires: Annotated[str, typer.Option("--expires", help="Lifetime, like 90d, 12w or 36h, or `never`.")] = "90d",
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="json prints the token and its details.")
    ] = (ReportFormat.table),
) -> None:
    """Create a token with a role and print it, once: store it now, it cannot be shown again."""
    from charter.outputs.json_text import indented_json
    from charter.services.context import utc_now
    from charter.services.tokens import create_token, created_token_view, open_token_store, parse_expiry, parse_role

    chosen_role = parse_role(role)
    expiry = parse_expiry(expires, utc_now())
    with open_token_store(repo) as store:
        created = create_token(store, name, chosen_role, expiry)
    if output_format is ReportFormat.json:
        emit(indented_json(created_token_view(created).model_dump(mode="json", by_alias=True)), None)
        return
    typer.echo(created.secret)
    when = f"expires {expiry:%Y-%m-%d %H:%M} UTC" if expiry else "never expires"
    typer.secho(
        f"token {created.token.id} {name!r} ({chosen_role.value}), {when}: shown this once, keep it now",
        err=True,
        fg=typer.colors.GREEN,
    )


@token_app.command("list")
def list_command(
    repo: RepoOption = None,
    all_tokens: Annotated[bool, typer.Option("--all", help="Include revoked tokens.")] = False,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """The tokens: name, role, first characters, state, created, expiry and last use."""
    from charter.services.tokens import open_token_store, token_list_report

    with open_token_store(repo) as store:
        report = token_list_report(store, include_revoked=all_tokens)
    emit_report(report, output_format.value, output, wide)


@token_app.command("revoke")
def revoke_command(
    token: Annotated[str, typer.Argument(help="The token's id or name (`charter token list`).")],
    repo: RepoOption = None,
) -> None:
    """Revoke a token: requests and sessions made with it are refused from now on."""
    from charter.services.tokens import open_token_store, revoke_token

    with open_token_store(repo) as store:
        revoked = revoke_token(store, token)
    typer.secho(f"revoked token {revoked.id} {revoked.name!r}", err=True, fg=typer.colors.GREEN)


@token_app.command("rotate-session-secret")
def rotate_session_secret_command(repo: RepoOption = None) -> None:
    """Sign session cookies with a new secret: every browser is logged out (within the servers'
    re-read interval, 30 s); bearer tokens keep working. For a leaked secret or a lost laptop."""
    from charter.services.session_secret import rotate_session_secret
    from charter.services.tokens import CLI_ACTOR, open_token_store

    with open_token_store(repo) as store:
        rotate_session_secret(store, actor=CLI_ACTOR)
    typer.secho("rotated the session secret: every browser logs in again", err=True, fg=typer.colors.GREEN)

"""`charter webhook`: subscriptions to the events `charter serve` sends out (escalation.opened,
escalation.resolved, target.status_changed, snapshot.created), signed as Standard Webhooks. `add`
prints the signing secret once, for the receiver."""

from __future__ import annotations

from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, ReportFormat, WideOption, emit, emit_report

webhook_app = typer.Typer(help="Outgoing webhooks of `charter serve`: add, list, remove.", no_args_is_help=True)


@webhook_app.command("add")
def add_command(
    url: Annotated[str, typer.Argument(help="Where to post the events (http:// or https://).")],
    event: Annotated[
        list[str],
        typer.Option(
            "--event",
            help="An event to send (repeat): escalation.opened, escalation.resolved, target.status_changed, "
            "snapshot.created.",
        ),
    ],
    repo: RepoOption = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow a private or loopback address (a receiver on this network).")
    ] = False,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="json prints the secret and the subscription.")
    ] = ReportFormat.table,
) -> None:
    """Subscribe a URL to events and print its signing secret, once."""
    from charter.outputs.json_text import indented_json
    from charter.services.webhooks import add_subscription, created_webhook_view, open_webhook_store

    with open_webhook_store(repo) as store:
        created = add_subscription(store, url, event, allow_private)
    if output_format is ReportFormat.json:
        emit(indented_json(created_webhook_view(created).model_dump(mode="json", by_alias=True)), None)
        return
    typer.echo(created.secret)
    typer.secho(
        f"webhook {created.id} to {created.url} ({', '.join(created.events)}): the secret is shown this once",
        err=True,
        fg=typer.colors.GREEN,
    )


@webhook_app.command("list")
def list_command(
    repo: RepoOption = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """The subscriptions: URL, events, state and their outbox (pending, delivered, failed)."""
    from charter.services.webhooks import open_webhook_store, webhook_list_report

    with open_webhook_store(repo) as store:
        report = webhook_list_report(store)
    emit_report(report, output_format.value, output, wide)


@webhook_app.command("remove")
def remove_command(
    webhook: Annotated[str, typer.Argument(help="The subscription's id (`charter webhook list`).")],
    repo: RepoOption = None,
) -> None:
    """Remove a subscription and the messages it has not been sent yet."""
    from charter.services.webhooks import open_webhook_store, remove_subscription

    with open_webhook_store(repo) as store:
        removed = remove_subscription(store, webhook)
    typer.secho(f"removed webhook {removed.id} to {removed.url}", err=True, fg=typer.colors.GREEN)

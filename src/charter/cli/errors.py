"""The one place Charter's errors become exit codes: 0 done, 1 a gate was met (or the store failed
part-way), 2 the input or the usage is wrong. Every command runs inside the root group, so an error
raised by any use case ends here as one line on stderr, never a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from charter.model.errors import CharterError, GateFailed, StoreFailure

if TYPE_CHECKING:  # Typer 0.29 carries its own copy of Click, and its Context is typed from there
    from typer._click.core import Context
    from typer._click.formatting import HelpFormatter

EXIT_CODES: dict[type[CharterError], int] = {GateFailed: 1, StoreFailure: 1}
USAGE_EXIT = 2
NO_COLOR_FLAG = "--no-color"


def exit_code(error: CharterError) -> int:
    """The exit code of an error: the nearest class's in EXIT_CODES, else 2."""
    for kind in type(error).__mro__:
        if kind in EXIT_CODES:
            return EXIT_CODES[kind]
    return USAGE_EXIT


class CharterGroup(TyperGroup):
    """The root command group: runs the command and maps a CharterError to its exit code."""

    def __init__(self, **attributes: Any) -> None:
        super().__init__(**attributes)
        from charter.cli.help import tidy_help

        tidy_help(self)  # the whole tree: Typer builds the sub-commands before their root

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        from charter.cli.help import tidy_options

        tidy_options(self)  # the completion options Typer adds after building the root
        super().format_help(ctx, formatter)

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        """`--no-color` is the root's option, but read wherever it is given (`charter risks
        --no-color` as well as `charter --no-color risks`), before a `--` that ends the options."""
        end = args.index("--") if "--" in args else len(args)
        if NO_COLOR_FLAG in args[:end]:
            args = [NO_COLOR_FLAG, *(arg for arg in args[:end] if arg != NO_COLOR_FLAG), *args[end:]]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except CharterError as error:
            if str(error):
                from charter.outputs.printable import printable  # loaded only when there is an error

                typer.secho(f"error: {printable(str(error))}", err=True, fg=typer.colors.RED)
            raise typer.Exit(exit_code(error)) from None

"""Typer commands, one module per command group, each a thin call into the layers below."""

"""`--select` / `--ignore`: keep or leave out diagnostics by code or code prefix."""

from __future__ import annotations

from charter.model.diagnostics import Diagnostic


def select(diagnostics: list[Diagnostic], include: list[str], exclude: list[str]) -> list[Diagnostic]:
    """`--select` / `--ignore`: codes or prefixes (`REL`, `REL001`)."""
    chosen = [d for d in diagnostics if not include or any(d.code.startswith(p.upper()) for p in include)]
    return [d for d in chosen if not any(d.code.startswith(p.upper()) for p in exclude)]

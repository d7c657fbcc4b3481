"""`--select` / `--ignore`: keep or leave out diagnostics by code or code prefix, and tell which
selectors name no code at all (with the codes they most look like), as a linter does."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from charter.model.codes import AREAS, Catalogue
from charter.model.diagnostics import Diagnostic


def select(diagnostics: list[Diagnostic], include: list[str], exclude: list[str]) -> list[Diagnostic]:
    """`--select` / `--ignore`: codes or prefixes (`REL`, `REL001`)."""
    chosen = [d for d in diagnostics if not include or any(d.code.startswith(p.upper()) for p in include)]
    return [d for d in chosen if not any(d.code.startswith(p.upper()) for p in exclude)]


@dataclass(frozen=True, slots=True)
class UnknownSelector:
    """A `--select` or `--ignore` value that is no code and begins none, and the closest codes
    (or areas, for a prefix)."""

    selector: str
    closest: tuple[str, ...]

    def describe(self, option: str) -> str:
        """`--select XYZ9 names no diagnostic code; did you mean …?`"""
        text = f"{option} {self.selector} names no diagnostic code"
        if self.closest:
            return f"{text}; did you mean {' or '.join(self.closest)}?"
        return f"{text}; `charter rules` lists every code"


def unmatched_selectors(selectors: Iterable[str], diagnostics: Iterable[Diagnostic]) -> list[str]:
    """The selectors that match none of these diagnostics: only they need the whole catalogue to
    tell whether they are codes at all."""
    codes = {item.code for item in diagnostics}
    return [selector for selector in selectors if not any(code.startswith(selector.upper()) for code in codes)]


def unknown_selectors(selectors: Iterable[str], catalogue: Catalogue) -> list[UnknownSelector]:
    """The selectors that are neither a declared code nor the beginning of one."""
    codes = [rule.code for rule in catalogue]
    unknown = []
    for selector in selectors:
        wanted = selector.strip().upper()
        if any(code.startswith(wanted) for code in codes):
            continue
        closest = catalogue.closest(wanted)
        if len(wanted) <= len(next(iter(AREAS))):  # a prefix: the areas it looks like come first
            areas = difflib.get_close_matches(wanted, list(AREAS), n=3, cutoff=0.3)
            closest = [*areas, *(code for code in closest if code not in areas)][:3]
        unknown.append(UnknownSelector(selector, tuple(closest)))
    return unknown

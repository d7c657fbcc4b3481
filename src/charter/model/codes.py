"""Diagnostic codes as data. A `Rule` declares one stable code: its title, default severity, why it
matters, how to fix it and an example that triggers it. Each module that emits diagnostics declares
its codes in a `Codes` table beside the code that emits them, so a diagnostic gets its default
severity and fix without anything else being imported. Nothing registers itself: the whole
catalogue is gathered from an explicit list of the declaring modules (`services/code_registry.py`)
only when it is needed (`charter rules`, the README's table, an unknown code in the settings)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import KW_ONLY, dataclass

from charter.model.diagnostics import Diagnostic, Location, Severity

AREAS = {
    "SCH": "schema and parse",
    "REF": "references and joins",
    "OWN": "ownership",
    "REL": "reliability mechanisms",
    "SEC": "security",
    "RSK": "risk register",
    "CTL": "controls and compliance",
    "MIG": "migrations",
    "STD": "standards",
    "CAP": "capacity",
    "TGT": "targets",
    "ESC": "escalations",
    "SUP": "suppressions and settings",
    "GIT": "git mining",
    "IMP": "imports",
    "ASM": "assessment",
}
"""Every area a code may belong to, by its prefix, in the order the catalogue lists them."""

CODE_PATTERN = re.compile(r"^[A-Z]{3}\d{3}$")


@dataclass(frozen=True, slots=True)
class Rule:
    """The declaration of one diagnostic code: what `charter rules CODE` prints, what SARIF
    publishes as the rule's metadata, and the defaults every diagnostic of the code starts from."""

    code: str
    title: str
    severity: Severity
    _: KW_ONLY
    rationale: str
    fix: str
    example: str  # a short snippet of a file (or a command) that triggers the code

    def __post_init__(self) -> None:
        if not CODE_PATTERN.match(self.code) or self.code[:3] not in AREAS:
            raise ValueError(f"{self.code!r} is not a code of a known area (AREA + three digits)")

    @property
    def area(self) -> str:
        """The name of the code's area (`reliability mechanisms` for REL001)."""
        return AREAS[self.code[:3]]

    def diagnostic(
        self, message: str, location: Location | None = None, *, entity: str | None = None, hint: str | None = None
    ) -> Diagnostic:
        """A diagnostic of this code with its default severity; the hint defaults to its fix."""
        return Diagnostic(self.code, self.severity, message, location, entity, self.fix if hint is None else hint)


class Codes:
    """The codes one module emits: the rules it declares, and the rules declared in another module
    that it emits too (`uses`). A code is declared once, by a module that emits it."""

    __slots__ = ("_by_code", "declared")

    def __init__(self, *declared: Rule, uses: Iterable[Rule] = ()) -> None:
        self.declared = declared
        self._by_code = {rule.code: rule for rule in uses}
        for rule in declared:
            if rule.code in self._by_code:
                raise ValueError(f"{rule.code} is declared twice")
            self._by_code[rule.code] = rule

    def __getitem__(self, code: str) -> Rule:
        return self._by_code[code]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Rule]:
        """Every rule this module emits, declared here or used."""
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def diagnostic(
        self,
        code: str,
        message: str,
        location: Location | None = None,
        *,
        entity: str | None = None,
        hint: str | None = None,
    ) -> Diagnostic:
        """A diagnostic of one of these codes, with the code's default severity and fix."""
        return self._by_code[code].diagnostic(message, location, entity=entity, hint=hint)


class Catalogue:
    """Every declared code, in the order `charter rules` lists them."""

    __slots__ = ("_by_code", "rules")

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self._by_code: dict[str, Rule] = {}
        for rule in self.rules:
            if rule.code in self._by_code:
                raise ValueError(f"{rule.code} is declared by two modules")
            self._by_code[rule.code] = rule

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, code: str) -> Rule | None:
        return self._by_code.get(code)

    def closest(self, code: str, count: int = 3) -> list[str]:
        """The declared codes that look most like `code`, best first (for "did you mean"): the code
        with its number padded (`rel1` is REL001), then those spelled most alike."""
        wanted = code.strip().upper()
        short = re.fullmatch(r"([A-Z]{3})(\d{1,3})", wanted)
        padded = [f"{short[1]}{short[2].zfill(3)}"] if short else []
        alike = difflib.get_close_matches(wanted, list(self._by_code), n=count + 1, cutoff=0.5)
        found = [candidate for candidate in padded if candidate in self._by_code]
        return [*found, *(candidate for candidate in alike if candidate not in found)][:count]

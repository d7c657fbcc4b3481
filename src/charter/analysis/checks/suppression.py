"""Severity overrides and suppressions (DESIGN.md "Diagnostics"): `spec.diagnostics` raises,
lowers or turns off a code; an entity's `charter.dev/ignore` annotation or a `spec.ignore` entry
suppresses it, with a reason and an optional expiry. A suppression without a reason or past its
date suppresses nothing and is reported itself."""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from itertools import chain

from charter.model.catalog import IGNORE_ANNOTATION
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.estate import Estate
from charter.model.refs import ReferenceError_, parse_ref

CODES = Codes(
    Rule(
        "SUP001",
        "Suppression without reason",
        Severity.WARNING,
        rationale="Every suppression must say why, so the next reader can judge whether it still holds.",
        fix='Add a reason after the codes (`charter.dev/ignore: "OWN002: vendor-owned, ADR-0012"`).',
        example="""\
# catalog/payments.yaml
metadata:
  annotations:
    charter.dev/ignore: OWN002      # no reason after the codes
""",
    ),
    Rule(
        "SUP002",
        "Suppression expired",
        Severity.WARNING,
        rationale="A suppression past its `until` date no longer applies.",
        fix="Fix the finding, or renew the suppression with a new date and reason.",
        example="""\
# catalog/payments.yaml, checked on 2026-11-24
metadata:
  annotations:
    charter.dev/ignore: "OWN002: vendor-owned, see ADR-0012; until 2026-06-30"
""",
    ),
    Rule(
        "SUP003",
        "Unknown diagnostic code in settings",
        Severity.ERROR,
        rationale="A setting or suppression that names a code Charter does not have does nothing, so what it "
        "was written for silently does not happen.",
        fix="Use a code from `charter rules`.",
        example="""\
# charter.yaml
spec:
  diagnostics: {OWN02: warning}     # OWN002
""",
    ),
)
diagnostic = CODES.diagnostic


_UNTIL = re.compile(r"[;,]?\s*until\s+(\d{4}-\d{2}-\d{2})\s*$", re.IGNORECASE)
_CODE = re.compile(r"^[A-Z]{3}\d{3}$")


@dataclass(frozen=True, slots=True)
class Suppression:
    codes: frozenset[str]
    reason: str
    until: date | None
    entity: str | None  # short entity reference, for annotation and `entity:` suppressions
    file_glob: str | None
    location: Location | None


def parse_ignore_annotation(value: str) -> list[tuple[list[str], str, date | None]]:
    """`"OWN002,REL001: owned by vendor, see ADR-0012; until 2027-03-31"`, one per line."""
    parsed = []
    for line in value.splitlines():
        if not line.strip():
            continue
        codes_part, _, reason = line.partition(":")
        until = None
        match = _UNTIL.search(reason)
        if match:
            until = date.fromisoformat(match.group(1))
            reason = reason[: match.start()]
        codes = [code.strip().upper() for code in codes_part.split(",") if code.strip()]
        parsed.append((codes, reason.strip(), until))
    return parsed


def _unknown_code_hint(code: str, closest_codes: Callable[[str], list[str]] | None) -> str | None:
    """ "Did you mean …?" with the declared codes closest to `code`; None (the fix) when none is."""
    closest = closest_codes(code) if closest_codes is not None else []
    if not closest:
        return None
    return f"Did you mean {' or '.join(closest)}? `charter rules` lists every code."


def collect_suppressions(
    estate: Estate,
    is_declared: Callable[[str], bool] | None = None,
    closest_codes: Callable[[str], list[str]] | None = None,
) -> tuple[list[Suppression], list[Diagnostic]]:
    """Every suppression the repository declares, and the problems with their syntax; with
    `is_declared`, also the codes that settings and suppressions name but no module declares (with
    `closest_codes`, each with the declared codes it most looks like)."""
    suppressions: list[Suppression] = []
    problems: list[Diagnostic] = []
    for ref, entity in estate.entities.items():
        value = entity.metadata.annotations.get(IGNORE_ANNOTATION)
        if not value:
            continue
        where = entity.location.at("metadata", "annotations", IGNORE_ANNOTATION) if entity.location else None
        try:
            entries = parse_ignore_annotation(value)
        except ValueError as error:
            problems.append(
                diagnostic("SUP003", f"{IGNORE_ANNOTATION} on {ref.short}: {error}", where, entity=ref.short)
            )
            continue
        for codes, reason, until in entries:
            suppressions.append(Suppression(frozenset(codes), reason, until, ref.short, None, where))
    organization = estate.organization
    if organization is not None:
        base = organization.location or Location("charter.yaml")
        for index, entry in enumerate(organization.spec.ignore):
            named: str | None = None
            if entry.entity:
                try:
                    named = parse_ref(entry.entity, default_kind="component").short
                except ReferenceError_:
                    named = entry.entity
            suppressions.append(
                Suppression(
                    frozenset({entry.code.upper()}),
                    entry.reason.strip(),
                    entry.until,
                    named,
                    entry.file,
                    base.at("spec", "ignore", index),
                )
            )
        if is_declared is not None:
            problems.extend(
                diagnostic(
                    "SUP003",
                    f"spec.diagnostics names unknown code {code!r}",
                    base.at("spec", "diagnostics", code),
                    hint=_unknown_code_hint(code, closest_codes),
                )
                for code in organization.spec.diagnostics
                if not is_declared(code.upper())
            )
    if is_declared is not None:
        problems.extend(
            diagnostic(
                "SUP003",
                f"suppression names unknown code {code!r}",
                item.location,
                entity=item.entity,
                hint=_unknown_code_hint(code, closest_codes),
            )
            for item in suppressions
            for code in sorted(item.codes)
            if not _CODE.match(code) or not is_declared(code)
        )
    return suppressions, problems


def _matches(suppression: Suppression, item: Diagnostic) -> bool:
    """Whether a suppression of the item's code also matches its entity and file."""
    if suppression.entity is not None and item.entity != suppression.entity:
        return False
    if suppression.file_glob is not None:
        path = item.location.path if item.location else ""
        if not fnmatch.fnmatch(path, suppression.file_glob):
            return False
    return True


def suppression_of(suppressions: Iterable[Suppression], item: Diagnostic, today: date) -> Suppression | None:
    """The first suppression that applies to the item on `today`: of its code, matching its entity
    and file, with a reason and not expired (the rule `apply_settings` follows), or None."""
    for suppression in suppressions:
        if item.code not in suppression.codes or not suppression.reason:
            continue
        if suppression.until is not None and suppression.until < today:
            continue
        if _matches(suppression, item):
            return suppression
    return None


def apply_settings(
    estate: Estate,
    diagnostics: Iterable[Diagnostic],
    today: date,
    is_declared: Callable[[str], bool] | None = None,
    closest_codes: Callable[[str], list[str]] | None = None,
) -> list[Diagnostic]:
    """Apply suppressions and severity overrides; add the diagnostics about suppressions. Codes the
    settings name are checked only with `is_declared` (`charter check` does; a report that keeps
    only its own codes need not)."""
    suppressions, problems = collect_suppressions(estate, is_declared, closest_codes)
    valid: dict[str, list[Suppression]] = defaultdict(list)  # by code: thousands of items, hundreds of these
    for suppression in suppressions:
        name = ",".join(sorted(suppression.codes))
        if not suppression.reason:
            problems.append(
                diagnostic(
                    "SUP001",
                    f"suppression of {name} gives no reason, so it does not apply",
                    suppression.location,
                    entity=suppression.entity,
                )
            )
        elif suppression.until is not None and suppression.until < today:
            problems.append(
                diagnostic(
                    "SUP002",
                    f"suppression of {name} expired on {suppression.until.isoformat()}",
                    suppression.location,
                    entity=suppression.entity,
                )
            )
        else:
            for code in suppression.codes:
                valid[code].append(suppression)
    overrides = estate.organization.spec.diagnostics if estate.organization else {}
    normalised = {code.upper(): severity for code, severity in overrides.items()}
    result: list[Diagnostic] = []
    for item in chain(diagnostics, problems):
        if any(_matches(suppression, item) for suppression in valid.get(item.code, ())):
            continue
        severity = normalised.get(item.code)
        if severity is Severity.OFF:
            continue
        result.append(replace(item, severity=severity) if severity is not None else item)
    return result

"""`charter check`: every diagnostic of the strategy repository, narrowed by `--select`/`--ignore`
and a baseline, as a report for the diagnostic formats. The last result is kept in the repository's
local cache and is the answer while nothing it depended on changed (`services/cached_check.py`).
A check never opens the store: its caches are not facts (`store/local_cache.py`). This module
imports no reader and no model of the strategy, so such a run starts quickly; the full check
(`services/strategy_check.py`) is imported only when it runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from charter.analysis.checks.baseline import baseline_document, new_since, parse_baseline
from charter.analysis.checks.selection import select, unknown_selectors, unmatched_selectors
from charter.model.diagnostics import Diagnostic, Severity
from charter.model.errors import InputError, UsageError
from charter.model.repository import organization_problem, organization_refusal
from charter.outputs.interface import DiagnosticReport
from charter.services.cached_check import CheckedStrategy, cached_result, keep_result
from charter.services.context import Context, repository_root
from charter.store.local_cache import LocalCache, open_local_cache


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What `charter check` is asked: the day review dates and expiries are judged on (None:
    today), codes or prefixes to keep or leave out, a baseline of accepted diagnostics to leave
    out, a file to write the current diagnostics to as a baseline, the lowest severity that fails
    the gate (`off`: none), and whether the local cache may keep and give back parsed files and
    the result (`--no-cache`: it is neither read nor written)."""

    as_of: date | None = None
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    baseline: Path | None = None
    write_baseline: Path | None = None
    fail_on: Severity = Severity.ERROR
    use_cache: bool = True


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """The report to render, and how many diagnostics went to `--write-baseline` (None: none was
    asked for; when one was written, the gate does not fail: writing it is what was asked)."""

    report: DiagnosticReport
    baseline_written: int | None = None
    unreadable: str | None = None  # why charter.yaml could not be read: the input error (exit 2)


def check_repository(
    repo: Path | None, options: CheckOptions, warn: Callable[[str], None] | None = None
) -> CheckOutcome:
    """Check `--repo` (or the nearest repository upward), through its local cache when it can be
    opened (`warn` is told when it cannot). A `--select` or `--ignore` value that names no code is
    a UsageError that suggests the closest ones."""
    root = repository_root(repo)
    accepted = _read_baseline(options.baseline) if options.baseline is not None else None
    today = options.as_of or date.today()
    cache = open_local_cache(root, warn) if options.use_cache else None
    checked = checked_repository(root, cache, today)
    require_known_selectors(options, checked.diagnostics)
    diagnostics = select(list(checked.diagnostics), list(options.select), list(options.ignore))
    written = None
    fail_on = options.fail_on
    if options.write_baseline is not None:
        _write_baseline(options.write_baseline, baseline_document(diagnostics))
        written = len(diagnostics)
        fail_on = Severity.OFF
    if accepted is not None:
        diagnostics = new_since(diagnostics, accepted)
    report = DiagnosticReport(tuple(diagnostics), root, fail_on=fail_on, rules=checked.rules)
    problem = organization_problem(checked.diagnostics)
    return CheckOutcome(report, written, organization_refusal(problem, listed=True) if problem else None)


def require_known_selectors(options: CheckOptions, diagnostics: Sequence[Diagnostic]) -> None:
    """Raise a UsageError naming every `--select` / `--ignore` value that is no code and begins
    none, with the closest codes. A value that matches a diagnostic of this run is a code, so the
    whole catalogue (which imports every declaring module) is read only for the others."""
    unseen = [
        (option, selector)
        for option, selectors in (("--select", options.select), ("--ignore", options.ignore))
        for selector in unmatched_selectors(selectors, diagnostics)
    ]
    if not unseen:
        return
    from charter.services.code_registry import code_catalogue

    catalogue = code_catalogue()
    problems = [
        unknown.describe(option) for option, selector in unseen for unknown in unknown_selectors([selector], catalogue)
    ]
    if problems:
        raise UsageError("\n".join(problems))


def checked_repository(root: Path, cache: LocalCache | None, today: date) -> CheckedStrategy:
    """Every diagnostic of `charter check` as of `today`, from the cache when nothing changed since
    the last run; a new result is kept there."""
    root = root.resolve()
    if cache is not None:
        cached = cached_result(root, cache, today)
        if cached is not None:
            return cached
    from charter.services.strategy_check import check_strategy  # the rules and readers, only when they run

    context = load_checked_context(root, cache)
    checked = check_strategy(context, today)
    if cache is not None and context.estate.inputs is not None:
        keep_result(root, cache, today, context.estate.inputs, checked)
    return checked


def load_checked_context(root: Path, cache: LocalCache | None) -> Context:
    """The whole repository, read through the parse cache, in a Context with no store: a check
    reports a charter.yaml it cannot read among the rest, and needs no facts."""
    from charter.load.repository import load_strategy_repo

    return Context(root, load_strategy_repo(root, cache))


def _write_baseline(path: Path, document: str) -> None:
    try:
        path.write_text(document, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"--write-baseline {path}: cannot write it ({error.strerror or error})") from None


def _read_baseline(path: Path) -> frozenset[str]:
    try:
        return parse_baseline(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"baseline {path}: {error}") from None

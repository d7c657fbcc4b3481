"""The one name of the strategy repository's layout that every layer shares: the file that holds
the Organization and marks the repository's root; and how to tell, from the loader's diagnostics,
that it could not be read (then no command can run: every one needs the organisation)."""

from __future__ import annotations

from collections.abc import Iterable

from charter.model.diagnostics import Diagnostic, Severity

ORGANIZATION_FILE = "charter.yaml"
NO_ORGANIZATION = f"{ORGANIZATION_FILE} holds no valid Organization (apiVersion: charter.dev/v1, kind: Organization)"


def organization_problem(diagnostics: Iterable[Diagnostic]) -> Diagnostic | None:
    """Why charter.yaml could not be read as the Organization: the first error the loader found in
    it (a YAML syntax error, an invalid field, ...). None when the Organization was read."""
    in_file = [
        diagnostic
        for diagnostic in diagnostics
        if diagnostic.location is not None and diagnostic.location.path == ORGANIZATION_FILE
    ]
    generic = next((diagnostic for diagnostic in in_file if diagnostic.message == NO_ORGANIZATION), None)
    if generic is None:
        return None
    specific = (item for item in in_file if item.severity is Severity.ERROR and item.message != NO_ORGANIZATION)
    return next(specific, generic)


def organization_refusal(problem: Diagnostic, *, listed: bool = False) -> str:
    """The one line a command that needs the organisation stops with; `listed` when the diagnostics
    were just printed (`charter check`)."""
    where = f"{problem.location}: {problem.code} {problem.message}"
    if listed:
        return f"{where}; the organisation in {ORGANIZATION_FILE} cannot be read, so nothing was checked against it"
    return (
        f"{where}; every command needs the organisation in {ORGANIZATION_FILE}: fix it "
        "(`charter check` lists every problem)"
    )

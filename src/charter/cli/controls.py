"""`charter controls`: coverage of every compliance obligation, with its requirements resolved from
the OSCAL profile a ControlSet names or listed by the user, gaps, evidence missing or stale, and the
risks each control mitigates; and the control rules (CTL001-CTL003) with the OSCAL lists, which
`charter check` runs without them (it reads only the strategy files), so a requirement the profile
has and no ControlSet states is a diagnostic here. `--fail-on` makes them a gate."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer

from charter.cli.check import FailOn
from charter.cli.options import OutputOption, RepoOption, emit, fail, print_diagnostics, repository
from charter.cli.risks import AsOfOption, RegisterFormat
from charter.cli.store import optional_store


def controls_command(
    repo: RepoOption = None,
    obligation: Annotated[
        str | None, typer.Option("--obligation", help="Only this obligation (soc2, nist-800-53-moderate, ...).")
    ] = None,
    as_of: AsOfOption = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a CTL diagnostic is at or above this severity.")
    ] = FailOn.never,
    output_format: Annotated[
        RegisterFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RegisterFormat.table,
    output: OutputOption = None,
) -> None:
    """Control coverage per compliance obligation: implemented, partial, planned, not applicable and
    missing requirements, gaps, evidence missing or stale, risks mitigated; CTL diagnostics on
    stderr. Exit 0, or 1 when --fail-on is met, 2 on wrong usage."""
    from charter.analysis.checks.governance import CheckContext
    from charter.analysis.checks.governance_controls import control_gaps
    from charter.analysis.checks.suppression import apply_settings
    from charter.analysis.security.controls import control_coverage
    from charter.cli.risks import REGISTER_FOLDERS
    from charter.load.files import repo_path_exists
    from charter.load.oscal import control_set_requirements
    from charter.load.repository import load_strategy_repo, pinpoint
    from charter.model.diagnostics import Severity
    from charter.outputs import controls as render

    root = repository(repo).resolve()
    today = as_of.date() if isinstance(as_of, datetime) else date.today()
    with optional_store(root) as store:
        estate = load_strategy_repo(root, store.parse_cache if store else None, REGISTER_FOLDERS)
    resolved, problems = control_set_requirements(root, estate)

    def path_exists(relative: str) -> bool:
        return repo_path_exists(root, relative)

    report = control_coverage(estate, resolved, today, path_exists, only=obligation)
    if obligation is not None and not report.obligations:
        known = control_coverage(estate, resolved, today, path_exists).obligations
        names = ", ".join(item.obligation for item in known) or "none"
        fail(f"no obligation {obligation!r} in charter.yaml or controls/ (known: {names})")
    gaps = control_gaps(estate, CheckContext(today, path_exists), resolved)
    # `spec.diagnostics` and `charter.dev/ignore` apply as in `charter check`, which reports problems
    # with the suppressions themselves.
    settled = [item for item in apply_settings(estate, [*problems, *gaps], today) if item.code.startswith("CTL")]
    diagnostics = pinpoint(settled, root)
    if diagnostics:
        print_diagnostics(diagnostics, root)
    renderers = {
        RegisterFormat.table: render.render_table,
        RegisterFormat.json: render.render_json,
        RegisterFormat.markdown: render.render_markdown,
    }
    emit(renderers[output_format](report), output)
    if fail_on is not FailOn.never:
        threshold = Severity(fail_on.value)
        if any(item.severity.rank >= threshold.rank for item in diagnostics):
            raise typer.Exit(1)

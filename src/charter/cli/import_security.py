"""`charter import kev|epss|scorecard FILE...`: CISA's KEV catalog, FIRST's EPSS scores and OpenSSF
Scorecard results, as local files. Each file is one transaction: a file with a bad record writes
nothing, the others still import."""

from __future__ import annotations

from charter.cli.import_shared import FilesArgument, import_context, print_outcome
from charter.cli.options import FailOn, FailOnOption, RepoOption


def kev_command(files: FilesArgument, repo: RepoOption = None, fail_on: FailOnOption = FailOn.error) -> None:
    """Import CISA's Known Exploited Vulnerabilities catalog (the JSON CISA publishes, or an array of
    its entries); it replaces the stored catalog. Exit 0 when every file was imported, 1 when a file
    was bad (nothing of it is written), 2 on wrong usage."""
    from charter.services.imports_security import import_kev_files

    with import_context(repo, folders=()) as context:
        outcome = import_kev_files(context, files)
    print_outcome(outcome, context.root, fail_on)


def epss_command(files: FilesArgument, repo: RepoOption = None, fail_on: FailOnOption = FailOn.error) -> None:
    """Import FIRST's EPSS scores (the daily CSV, plain or gzipped, with its `#model_version` comment
    line); they replace the stored scores. Exit codes as for `charter import kev`."""
    from charter.services.imports_security import import_epss_files

    with import_context(repo, folders=()) as context:
        outcome = import_epss_files(context, files)
    print_outcome(outcome, context.root, fail_on)


def scorecard_command(files: FilesArgument, repo: RepoOption = None, fail_on: FailOnOption = FailOn.error) -> None:
    """Import OpenSSF Scorecard results (`scorecard --format=json`), one repository a file; each
    replaces its repository's stored checks. Exit codes as for `charter import kev`."""
    from charter.services.imports_security import import_scorecard_files

    with import_context(repo) as context:
        outcome = import_scorecard_files(context, files)
    print_outcome(outcome, context.root, fail_on)

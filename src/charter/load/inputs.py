"""Gather a repository's current inputs the way the loader reads them, without parsing anything:
if they equal the inputs of an earlier load, that load's results still hold. Imports only the
light file helpers, so a command answered from its cache never imports the readers."""

from __future__ import annotations

from pathlib import Path

from charter.load.files import (
    ORGANIZATION_FILE,
    STRATEGY_FOLDERS,
    WalkProblem,
    catalog_glob_files,
    catalog_roots,
    display_path,
    input_fingerprint,
    organization_file_problem,
    read_raw,
    walk_files,
)
from charter.model.inputs import LoadInputs


def gather_inputs(root: Path, previous: LoadInputs) -> LoadInputs:
    """The files the loader would read now: charter.yaml, the strategy folders, the catalog globs
    of `previous` (charter.yaml's digest decides whether those still apply), and the files
    `previous` reached through Locations."""
    root = root.resolve()
    files: dict[str, str] = {}
    problems: list[str] = []

    def add(path: Path) -> None:
        shown = display_path(path, root)
        if shown not in files:
            files[shown] = input_fingerprint(read_raw(path, root))

    organization_problem = organization_file_problem(root)
    if organization_problem is None:
        add(root / ORGANIZATION_FILE)
    else:
        problems.append(organization_problem.message)
    places = [root, *catalog_roots(root, previous.catalog_globs)]
    catalog_files, refused = catalog_glob_files(root, previous.catalog_globs)
    problems.extend(problem.message for problem in refused)  # in the order the loader meets them
    for folder, suffixes in STRATEGY_FOLDERS.items():
        directory = root / folder
        if not directory.is_dir():
            continue
        for item in walk_files(directory, suffixes, places):
            if isinstance(item, WalkProblem):
                problems.append(item.message)
            else:
                add(item)
    for path in catalog_files:
        add(path)
    for shown in previous.files:
        if shown not in files:
            add(root / shown)
    return LoadInputs(files, previous.catalog_globs, tuple(problems))

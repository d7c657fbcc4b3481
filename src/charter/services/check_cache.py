"""`charter check` with its result kept in the store: when the repository's inputs (every file the
loader reads, by digest), the answers to the path questions the rules asked, the date and
Charter's own code are all unchanged, the last result is the answer, and nothing is parsed. This
module imports no reader and no model of the strategy, so such a run starts quickly."""

from __future__ import annotations

import json
import os
from datetime import date
from hashlib import blake2b
from pathlib import Path
from typing import TYPE_CHECKING, Any

import charter
from charter.load.files import repo_path_exists
from charter.load.inputs import gather_inputs
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.inputs import LoadInputs

if TYPE_CHECKING:
    from charter.store.database import Store


def code_stamp() -> str:
    """Charter's version and its source files' sizes and times: a result computed by other code,
    even an unreleased edit of the same version, is not reused."""
    package = Path(charter.__file__).parent
    digest = blake2b(charter.__version__.encode(), digest_size=16)
    for folder, _, names in sorted(os.walk(package)):
        for name in sorted(names):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def encode_diagnostics(diagnostics: list[Diagnostic]) -> str:
    def location(where: Location | None) -> Any:
        if where is None:
            return None
        return [where.path, where.line, where.column, where.document, list(where.pointer)]

    return json.dumps(
        [
            [
                d.code,
                d.severity.value,
                d.message,
                location(d.location),
                d.entity,
                d.hint,
                [list(p) for p in d.properties],
            ]
            for d in diagnostics
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode_diagnostics(encoded: str) -> list[Diagnostic]:
    result = []
    for code, severity, message, where, entity, hint, properties in json.loads(encoded):
        location = Location(where[0], where[1], where[2], where[3], tuple(where[4])) if where else None
        result.append(
            Diagnostic(code, Severity(severity), message, location, entity, hint, tuple(tuple(p) for p in properties))
        )
    return result


def cached_result(root: Path, store: Store, today: date) -> list[Diagnostic] | None:
    """The stored result when everything it depended on is unchanged, else None."""
    from charter.store.check_results import read_check_result

    with store.engine.connect() as connection:
        row = read_check_result(connection, str(root))
    if row is None:
        return None
    recorded = json.loads(row[0])
    if recorded["stamp"] != code_stamp() or recorded["today"] != today.isoformat():
        return None
    previous = LoadInputs.from_json(recorded["inputs"])
    if gather_inputs(root, previous) != previous:
        return None
    if any(repo_path_exists(root, path) != existed for path, existed in recorded["probes"].items()):
        return None
    return decode_diagnostics(row[1])


def check_repository(root: Path, store: Store | None, today: date | None = None) -> list[Diagnostic]:
    """Every diagnostic of `charter check`, from the store when nothing changed since the last run."""
    root = root.resolve()
    today = today or date.today()
    if store is not None:
        cached = cached_result(root, store, today)
        if cached is not None:
            return cached
    from charter.services.workspace import open_workspace  # the full load, only when it is needed

    workspace = open_workspace(root, store)
    diagnostics = workspace.check(today)
    inputs = workspace.estate.inputs
    if store is not None and inputs is not None:
        from charter.store.check_results import write_check_result

        recorded = {
            "stamp": code_stamp(),
            "today": today.isoformat(),
            "inputs": inputs.as_json(),
            "probes": workspace.probes,
        }
        encoded = encode_diagnostics(diagnostics)
        store.write_if_idle(lambda connection: write_check_result(connection, str(root), json.dumps(recorded), encoded))
    return diagnostics

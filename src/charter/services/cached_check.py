"""A check result kept in the repository's local cache with what it depended on: the repository's inputs (every file
the loader reads, by digest), the answers to the path questions the rules asked, the date and
Charter's own code. While all are unchanged the kept result is the answer and nothing is parsed;
it carries the declarations of its codes, so it is rendered without importing their modules."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from hashlib import blake2b
from pathlib import Path
from typing import Any

import charter
from charter.load.files import repo_path_exists
from charter.load.inputs import gather_inputs
from charter.model.codes import Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.inputs import LoadInputs
from charter.store.local_cache import LocalCache


@dataclass(frozen=True, slots=True)
class CheckedStrategy:
    """The diagnostics of one check (sorted, lines resolved), the declarations of their codes, and
    the answers to the path questions the rules asked."""

    diagnostics: tuple[Diagnostic, ...]
    rules: dict[str, Rule]
    probes: dict[str, bool]


def cached_result(root: Path, cache: LocalCache, today: date) -> CheckedStrategy | None:
    """The kept result when everything it depended on is unchanged, else None."""
    row = cache.read_check_result(str(root))
    if row is None:
        return None
    recorded = json.loads(row[0])
    if recorded["stamp"] != code_stamp() or recorded["today"] != today.isoformat():
        return None
    previous = LoadInputs.from_json(recorded["inputs"])
    if gather_inputs(root, previous) != previous:
        return None
    probes: dict[str, bool] = recorded["probes"]
    if any(repo_path_exists(root, path) != existed for path, existed in probes.items()):
        return None
    rules = {rule.code: rule for rule in decode_rules(recorded["rules"])}
    return CheckedStrategy(tuple(decode_diagnostics(row[1])), rules, probes)


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


def encode_diagnostics(diagnostics: Iterable[Diagnostic]) -> str:
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


def encode_rules(rules: Iterable[Rule]) -> list[list[str]]:
    """The declarations a result's diagnostics use, kept with it: a cached result is rendered
    without importing the modules that declare them."""
    return [[rule.code, rule.title, rule.severity.value, rule.rationale, rule.fix, rule.example] for rule in rules]


def decode_rules(encoded: list[list[str]]) -> list[Rule]:
    return [
        Rule(code, title, Severity(severity), rationale=rationale, fix=fix, example=example)
        for code, title, severity, rationale, fix, example in encoded
    ]


def keep_result(root: Path, cache: LocalCache, today: date, inputs: LoadInputs, checked: CheckedStrategy) -> None:
    """Keep a result in the cache, in place of the repository's last one, unless another process
    is writing the cache now (a check is a reader, and waits for no writer)."""
    recorded = {
        "stamp": code_stamp(),
        "today": today.isoformat(),
        "inputs": inputs.as_json(),
        "probes": checked.probes,
        "rules": encode_rules(checked.rules.values()),
    }
    encoded = encode_diagnostics(checked.diagnostics)
    cache.write_check_result(str(root), json.dumps(recorded), encoded)

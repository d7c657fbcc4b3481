"""Baselines: the fingerprints of diagnostics accepted earlier, so that `check --baseline`
reports only what is new and a large organisation can adopt the gate before fixing everything."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from charter.model.diagnostics import Diagnostic

BASELINE_VERSION = 1


def fingerprint(item: Diagnostic) -> str:
    return hashlib.sha256(item.fingerprint.encode("utf-8")).hexdigest()[:32]


def baseline_document(diagnostics: Iterable[Diagnostic]) -> str:
    fingerprints = sorted({fingerprint(item) for item in diagnostics})
    return json.dumps({"version": BASELINE_VERSION, "fingerprints": fingerprints}, indent=2) + "\n"


def parse_baseline(text: str) -> frozenset[str]:
    """Raises ValueError naming what is wrong with the document."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise ValueError(
            f'expected {{"version": {BASELINE_VERSION}, "fingerprints": [...]}}; write one with --write-baseline'
        )
    fingerprints = document.get("fingerprints")
    if not isinstance(fingerprints, list) or not all(isinstance(item, str) for item in fingerprints):
        raise ValueError("$.fingerprints must be a list of strings")
    return frozenset(fingerprints)


def new_since(diagnostics: Iterable[Diagnostic], baseline: frozenset[str]) -> list[Diagnostic]:
    return [item for item in diagnostics if fingerprint(item) not in baseline]

"""Builds strategy repositories for tests from inline file contents."""

from __future__ import annotations

import textwrap
from pathlib import Path

MINIMAL_ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  riskAppetite: {security: low, reliability: medium, delivery: medium, compliance: low, vendor: medium, people: medium}
"""


def write_repo(root: Path, files: dict[str, str], organization: str | None = MINIMAL_ORGANIZATION) -> Path:
    """Write `files` (path -> dedented text) under `root`, with a charter.yaml unless one is given."""
    if organization is not None and "charter.yaml" not in files:
        (root / "charter.yaml").write_text(organization, encoding="utf-8")
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root

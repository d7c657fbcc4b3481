"""The one name of the strategy repository's layout that every layer shares: the file that holds
the Organization and marks the repository's root."""

from __future__ import annotations

ORGANIZATION_FILE = "charter.yaml"

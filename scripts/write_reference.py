"""Write docs/reference.md from the code: `python scripts/write_reference.py` (after a change that
`tests/test_reference.py` reports as making the reference stale)."""

from __future__ import annotations

from pathlib import Path

from charter.cli.reference import reference_markdown

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "reference.md"

if __name__ == "__main__":
    REFERENCE.write_text(reference_markdown(), encoding="utf-8")
    print(f"wrote {REFERENCE}")

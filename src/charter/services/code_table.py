"""The README's table of diagnostic codes (code, area, severity, title), generated from the
declarations, between the markers `<!-- codes:start -->` and `<!-- codes:end -->`.

    python -m charter.services.code_table README.md    # rewrite the table in README.md
    python -m charter.services.code_table              # print it
"""

from __future__ import annotations

import sys
from pathlib import Path

from charter.outputs.markdown import markdown_table
from charter.services.code_registry import code_catalogue

START = "<!-- codes:start -->"
END = "<!-- codes:end -->"
REGENERATE = "python -m charter.services.code_table README.md"


def code_table() -> str:
    """Every declared code as a Markdown table, in the order `charter rules` lists them."""
    rows = [[rule.code, rule.area, rule.severity.value, rule.title] for rule in code_catalogue()]
    return "\n".join(markdown_table(["Code", "Area", "Severity", "Title"], rows)) + "\n"


def table_in(text: str) -> str:
    """The text between the markers (ValueError when they are missing)."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"no {START} ... {END} markers")
    return text[start + len(START) : end].strip("\n") + "\n"


def with_code_table(text: str) -> str:
    """`text` with the table between the markers replaced by the generated one."""
    table_in(text)  # the markers are there
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{code_table()}{END}{tail}"


def main(arguments: list[str]) -> int:
    if not arguments:
        sys.stdout.write(code_table())
        return 0
    path = Path(arguments[0])
    path.write_text(with_code_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The last check result of each repository and the inputs it was computed from (revision 0002).
The caller decides whether the inputs still hold; this module only keeps and returns them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from charter.store.schema import check_results


def read_check_result(connection: Connection, repository: str) -> tuple[str, str] | None:
    """(inputs, diagnostics) as stored for this repository, or None."""
    row = connection.execute(
        select(check_results.c.inputs, check_results.c.diagnostics).where(check_results.c.repository == repository)
    ).first()
    return (row[0], row[1]) if row else None


def write_check_result(connection: Connection, repository: str, inputs: str, diagnostics: str) -> None:
    """Replace the repository's result, within the caller's transaction."""
    connection.execute(delete(check_results).where(check_results.c.repository == repository))
    connection.execute(
        insert(check_results).values(
            repository=repository, inputs=inputs, diagnostics=diagnostics, created=datetime.now(UTC)
        )
    )

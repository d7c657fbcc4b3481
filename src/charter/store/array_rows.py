"""Rows bound as arrays, for PostgreSQL: `SELECT * FROM unnest(CAST(:a AS type[]), …)` with one
array per column, to insert many rows with one short statement whatever their number. psycopg
prepares and caches a short statement; a multi-row VALUES statement longer than 4 KB it parses again
on every execution (a third of a webhook post's CPU, with 100 events)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Select, Table, bindparam, func, select


def rows_as_arrays(table: Table, rows: Sequence[dict[str, Any]]) -> Select[Any]:
    """A SELECT giving `rows` (every one holding every column of `table`) in the table's column
    order, each column bound as one array of its type (the driver casts it: a column of only NULLs
    keeps its type)."""
    from sqlalchemy.dialects import postgresql  # PostgreSQL's stores only

    arrays = [
        bindparam(f"{column.name}_values", [row[column.name] for row in rows], type_=postgresql.ARRAY(column.type))
        for column in table.columns
    ]
    unnested = func.unnest(*arrays).table_valued(*(column.name for column in table.columns)).render_derived("given")
    return select(*unnested.c)


def bindable_as_arrays(table: Table) -> bool:
    """Whether every column of `table` binds as an array of its type (JSON columns do not: an array
    of JSON would need each value wrapped for the driver)."""
    return not any(isinstance(column.type, JSON) for column in table.columns)

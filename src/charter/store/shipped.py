"""What each deployment shipped (`deployment_changes`, and its lead times packed per deployment in
`deployment_lead_times`), and the fingerprint of the inputs each
component's links were computed from (`component_links`), so `charter sync` walks a component's
history again only when its commits, deployments or pull requests changed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.engine import Connection

from charter.model.delivery import LeadTimes, ShippedChange
from charter.store.deployments import dbapi_rows
from charter.store.schema import component_links, deployment_changes, deployment_lead_times, deployments

_BATCH = 5000
# Packed lead times: big-endian float64, as PostgreSQL's float8send writes them (numpy is imported
# only where they are packed or read: `charter sync` with nothing to link never needs it).
_PACKED = ">f8"
_PACKED_SIZE = 8
# Read every packed row and keep the wanted ones when they are at least this share of the table.
_SCAN_FROM = 0.3
# Bound parameters per statement stay below SQLite's and PostgreSQL's limits.
_IN_CHUNK = 500
_FULL_SHA_LENGTHS = (40, 64)


def link_fingerprint(connection: Connection, component: str) -> str | None:
    return connection.execute(
        select(component_links.c.fingerprint).where(component_links.c.component == component)
    ).scalar()


def replace_shipped_changes(
    connection: Connection,
    component: str,
    fingerprint: str,
    shipped: Iterable[ShippedChange],
) -> int:
    """Replace every shipped change of the component's deployments, and their packed lead times,
    and record the fingerprint."""
    deployment_ids = select(deployments.c.id).where(deployments.c.component == component).scalar_subquery()
    connection.execute(delete(deployment_changes).where(deployment_changes.c.deployment_id.in_(deployment_ids)))
    connection.execute(delete(deployment_lead_times).where(deployment_lead_times.c.deployment_id.in_(deployment_ids)))
    bind_time = _time_binder(connection)
    lead_seconds: dict[str, list[float]] = defaultdict(list)
    rows: list[tuple[str, str, object, float]] = []
    add_row = rows.append  # flat on purpose: it runs once for every change shipped
    for change in shipped:
        deployment_id, seconds = change.deployment_id, change.lead_seconds
        add_row((deployment_id, change.sha, bind_time(change.lead_start), seconds))
        lead_seconds[deployment_id].append(seconds)
    _insert_rows(connection, "deployment_changes", _CHANGE_COLUMNS, rows)
    write_lead_time_packs(connection, lead_seconds.items())
    connection.execute(delete(component_links).where(component_links.c.component == component))
    connection.execute(insert(component_links), [{"component": component, "fingerprint": fingerprint}])
    return len(rows)


_CHANGE_COLUMNS = ("deployment_id", "sha", "lead_start", "lead_seconds")


def _time_binder(connection: Connection) -> Callable[[datetime], object]:
    """A time as the driver gets it for a `UtcDateTime` column (SQLite: SQLAlchemy's own text), so
    plain executemany writes what SQLAlchemy's insert would. On SQLite a UTC time is written by
    `datetime.isoformat`, several times faster, when it gives SQLAlchemy's text for the samples."""
    process = deployment_changes.c.lead_start.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    if process is None:
        return _as_is
    if connection.dialect.name != "sqlite" or any(_sqlite_text(sample) != process(sample) for sample in _SAMPLES):
        return process

    def bind(moment: datetime) -> object:
        return _sqlite_text(moment) if moment.tzinfo is UTC else process(moment)  # else: refused or converted

    return bind


_SAMPLES = (
    datetime(1970, 1, 1, tzinfo=UTC),
    datetime(2026, 10, 1, 8, 0, 1, 250_000, tzinfo=UTC),
    datetime(999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
)


def _sqlite_text(moment: datetime) -> str:
    """A UTC time as SQLAlchemy stores it on SQLite: its ISO text without the `+00:00` offset."""
    return moment.isoformat(" ", "microseconds")[: -len(_UTC_OFFSET)]


_UTC_OFFSET = "+00:00"


def _as_is(moment: datetime) -> object:
    return moment


def _insert_rows(
    connection: Connection, table: str, columns: Sequence[str], rows: Sequence[tuple[object, ...]]
) -> None:
    """Executemany of plain SQL over tuples, `_BATCH` rows a statement: SQLAlchemy's per-row
    parameter processing cost more than the database's work (0.3 s for 24,000 changes)."""
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
    for start in range(0, len(rows), _BATCH):
        connection.exec_driver_sql(statement, rows[start : start + _BATCH])


def write_lead_time_packs(connection: Connection, packs: Iterable[tuple[str, Sequence[float]]]) -> None:
    """Insert each deployment's lead times as one packed row."""
    import numpy as np

    batch: list[dict[str, object]] = []
    for deployment_id, seconds in packs:
        batch.append({"deployment_id": deployment_id, "lead_seconds": np.asarray(seconds, dtype=_PACKED).tobytes()})
        if len(batch) >= _BATCH:
            connection.execute(insert(deployment_lead_times), batch)
            batch = []
    if batch:
        connection.execute(insert(deployment_lead_times), batch)


def read_lead_times(connection: Connection, deployment_ids: Collection[str]) -> LeadTimes:
    """Lead times of every change the deployments shipped: one packed row per deployment, so ten
    million changes cost a million rows and one numpy conversion. When they are much of the table,
    one scan kept in the client costs less than looking each up (a join through the index is six
    times slower per row than the scan on SQLite)."""
    import numpy as np

    wanted = set(deployment_ids)
    ids: list[str] = []
    blobs: list[bytes] = []
    for deployment_id, blob in _lead_time_packs(connection, wanted):
        ids.append(deployment_id)
        blobs.append(bytes(blob))
    counts = np.fromiter((len(blob) // _PACKED_SIZE for blob in blobs), np.int64, len(blobs))
    seconds = np.frombuffer(b"".join(blobs), dtype=_PACKED).astype(np.float64)
    return LeadTimes(ids, counts, seconds)


def _lead_time_packs(connection: Connection, wanted: set[str]) -> Iterator[tuple[str, bytes]]:
    query = select(deployment_lead_times.c.deployment_id, deployment_lead_times.c.lead_seconds)
    stored = connection.execute(select(func.count()).select_from(deployment_lead_times)).scalar_one()
    if len(wanted) >= stored * _SCAN_FROM:
        for rows in dbapi_rows(connection, query):
            yield from (row for row in rows if row[0] in wanted)
        return
    ordered = sorted(wanted)
    for start in range(0, len(ordered), _IN_CHUNK):
        chunk = ordered[start : start + _IN_CHUNK]
        found = connection.execute(query.where(deployment_lead_times.c.deployment_id.in_(chunk)))
        yield from ((deployment_id, blob) for deployment_id, blob in found)


def read_shippers(connection: Connection, shas: Sequence[str]) -> dict[str, list[str]]:
    """For each sha (full, or an abbreviation of one), the deployments that shipped it. The column
    has no index of its own, so every 500 shas cost one scan of the shipped changes, not one each."""
    found: dict[str, list[str]] = defaultdict(list)
    wanted = sorted({sha.lower() for sha in shas})
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        shortest = min(len(sha) for sha in chunk)
        query = select(deployment_changes.c.sha, deployment_changes.c.deployment_id).where(_sha_matches(chunk))
        by_prefix: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for full, deployment_id in connection.execute(query):
            by_prefix[full[:shortest]].append((full, deployment_id))
        for sha in chunk:
            for full, deployment_id in by_prefix.get(sha[:shortest], ()):
                if full == sha or (len(sha) not in _FULL_SHA_LENGTHS and full.startswith(sha)):
                    found[full].append(deployment_id)
    return dict(found)


def _sha_matches(shas: Sequence[str]) -> ColumnElement[bool]:
    """Equal to one of the full shas; or, when some are abbreviated, beginning like one of them at
    the shortest abbreviation's length (a coarse filter: the caller matches exactly). One condition
    each row can be tested against cheaply, as the scan tests millions of rows."""
    column = deployment_changes.c.sha
    shortest = min(len(sha) for sha in shas)
    if all(len(sha) in _FULL_SHA_LENGTHS for sha in shas):
        return column.in_(shas)
    return func.substr(column, 1, shortest).in_(sorted({sha[:shortest] for sha in shas}))


def read_shipped_of(connection: Connection, deployment_ids: Sequence[str]) -> Iterator[ShippedChange]:
    """Shipped changes of the named deployments."""
    for start in range(0, len(deployment_ids), _IN_CHUNK):
        chunk = deployment_ids[start : start + _IN_CHUNK]
        query = select(
            deployment_changes.c.deployment_id,
            deployment_changes.c.sha,
            deployment_changes.c.lead_start,
            deployment_changes.c.lead_seconds,
        ).where(deployment_changes.c.deployment_id.in_(chunk))
        for row in connection.execute(query):
            yield ShippedChange(row[0], row[1], row[2], row[3])

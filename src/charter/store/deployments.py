"""Deployments and pull requests in the store: upserts by identity (importing the same file twice
changes nothing), reads for the delivery metrics, and the release-tag deployments that `charter sync`
recomputes. Every function takes the caller's connection; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select
from sqlalchemy.sql.dml import Insert

from charter.model.delivery import Deployment, DeploymentStatus, PullRequest
from charter.store.array_rows import bindable_as_arrays, rows_as_arrays
from charter.store.conflict_insert import conflict_insert
from charter.store.schema import deployment_changes, deployment_lead_times, deployments, pull_requests

TAG_SOURCE = "tag"
_BATCH = 5000
# Bound parameters per statement stay below SQLite's and PostgreSQL's limits.
_IN_CHUNK = 500
# Read the whole table and keep the period's rows when the period holds at least this share of it.
_SCAN_FROM = 0.3
_ORDER = attrgetter("component", "finished", "id")


def write_deployments(connection: Connection, records: Iterable[Deployment]) -> int:
    """Insert or update each deployment by id, in batches; returns how many records were written.
    Within one call the last record with a given id wins."""
    return upsert_all(connection, deployments, ("id",), (_deployment_row(record) for record in records))


def read_deployments(
    connection: Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    components: Sequence[str] | None = None,
) -> list[Deployment]:
    """Deployments that finished in [since, until), of the given components (all when None), ordered
    by component, finish time and id."""
    order = (deployments.c.component, deployments.c.finished, deployments.c.id)
    query = select(*_DEPLOYMENT_COLUMNS).order_by(*order).where(*_finished_in(since, until))
    if components is None:
        # A million rows for `charter delivery` over years: read past SQLAlchemy's row objects.
        return _read_many(connection, query, since, until)
    found = [
        _deployment(row)
        for chunk in _chunks(sorted(set(components)))
        for row in connection.execute(query.where(deployments.c.component.in_(chunk)))
    ]
    return sorted(found, key=_ORDER)


def _read_many(
    connection: Connection, query: Select[Any], since: datetime | None, until: datetime | None
) -> list[Deployment]:
    """The query's deployments. When the period holds much of the table, scanning it whole and
    sorting in the client is twice as fast on SQLite as following the index to each row."""
    period = _finished_in(since, until)
    if not period or _share(connection, period) < _SCAN_FROM:
        return [_deployment(row) for rows in dbapi_rows(connection, query) for row in rows]
    everything = select(*_DEPLOYMENT_COLUMNS)
    found = [
        deployment
        for rows in dbapi_rows(connection, everything)
        for deployment in map(_deployment, rows)
        if (since is None or deployment.finished >= since) and (until is None or deployment.finished < until)
    ]
    found.sort(key=_ORDER)
    return found


def _finished_in(since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    conditions = []
    if since is not None:
        conditions.append(deployments.c.finished >= since)
    if until is not None:
        conditions.append(deployments.c.finished < until)
    return conditions


def _share(connection: Connection, conditions: list[ColumnElement[bool]]) -> float:
    """Share of the stored deployments that meet the conditions."""
    total = connection.execute(select(func.count()).select_from(deployments)).scalar_one()
    if not total:
        return 0.0
    meeting = connection.execute(select(func.count()).select_from(deployments).where(*conditions)).scalar_one()
    return float(meeting) / total


def read_deployments_by_id(connection: Connection, ids: Sequence[str]) -> list[Deployment]:
    """The deployments with these ids (unknown ids are left out)."""
    return [
        _deployment(row)
        for chunk in _chunks(sorted(set(ids)))
        for row in connection.execute(select(*_DEPLOYMENT_COLUMNS).where(deployments.c.id.in_(chunk)))
    ]


def dbapi_rows(connection: Connection, query: Select[Any], batch: int = 50_000) -> Iterator[Sequence[Any]]:
    """The query's rows in batches straight from the DB-API cursor, for reads of millions of rows
    where SQLAlchemy's row objects and result processing cost more than the query itself. Values
    come as the driver gives them (SQLite: timestamps as text; see `stored_utc`). The query's
    parameters are rendered as literals by SQLAlchemy, so give it timestamps and numbers only, no
    user text. It reads inside the connection's transaction, which it begins when none has."""
    if not connection.in_transaction():
        connection.begin()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()


def stored_utc(value: datetime | str) -> datetime:
    """A timestamp column's raw value as a timezone-aware UTC datetime, as `UtcDateTime` returns it:
    SQLite keeps the UTC wall time as text, PostgreSQL's driver gives an aware datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value + "+00:00")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def deployment_environments(connection: Connection) -> list[str]:
    """Every environment a stored deployment went to, by name."""
    query = select(deployments.c.environment).distinct().order_by(deployments.c.environment)
    return list(connection.execute(query).scalars())


def nearest_successful(
    connection: Connection, environments: Sequence[str], *, before: datetime, from_: datetime
) -> tuple[datetime | None, datetime | None]:
    """When the latest successful deployment to one of the environments finished before `before`, and
    when the earliest finished at or after `from_` (None where there is none)."""
    found: list[tuple[datetime | None, datetime | None]] = []
    for chunk in _chunks(sorted(set(environments))):
        chosen = (deployments.c.status == DeploymentStatus.SUCCESS.value, deployments.c.environment.in_(chunk))
        latest = select(func.max(deployments.c.finished)).where(*chosen, deployments.c.finished < before)
        earliest = select(func.min(deployments.c.finished)).where(*chosen, deployments.c.finished >= from_)
        found.append((connection.execute(latest).scalar_one(), connection.execute(earliest).scalar_one()))
    latest_times = [stored_utc(moment) for moment, _ in found if moment is not None]
    earliest_times = [stored_utc(moment) for _, moment in found if moment is not None]
    return max(latest_times, default=None), min(earliest_times, default=None)


def delete_tag_deployments(connection: Connection, component: str) -> int:
    """Remove every release-tag deployment of the component (and what they shipped); returns how many."""
    ids = _tag_deployment_ids(connection, component)
    _delete_deployments(connection, sorted(ids))
    return len(ids)


def replace_tag_deployments(connection: Connection, component: str, records: Iterable[Deployment]) -> int:
    """Make the component's release-tag deployments exactly `records`: those no longer given are
    removed with what they shipped, the others upserted (so unchanged ones keep their shipped
    changes). Every record must be the component's, with source "tag". Returns how many were written."""
    tagged = list(records)
    foreign = [record.id for record in tagged if record.component != component or record.source != TAG_SOURCE]
    if foreign:
        raise ValueError(f"not release-tag deployments of {component}: {', '.join(foreign[:5])}")
    stale = _tag_deployment_ids(connection, component) - {record.id for record in tagged}
    _delete_deployments(connection, sorted(stale))
    return write_deployments(connection, tagged)


def write_pull_requests(connection: Connection, pulls: Iterable[PullRequest]) -> int:
    """Insert or update each pull request by repository and number; returns how many were written."""
    return upsert_all(connection, pull_requests, ("repository", "number"), (_pull_row(pull) for pull in pulls))


def read_pull_requests(connection: Connection, repository: str) -> list[PullRequest]:
    """The repository's pull requests, by number."""
    query = select(pull_requests).where(pull_requests.c.repository == repository).order_by(pull_requests.c.number)
    return [
        PullRequest(row.repository, row.number, row.merge_commit_sha, row.created, row.merged, row.first_commit_at)
        for row in connection.execute(query)
    ]


# Rows ------------------------------------------------------------------------------------------


def _deployment_row(record: Deployment) -> dict[str, Any]:
    return {
        "id": record.id,
        "component": record.component,
        "environment": record.environment,
        "commit_sha": record.commit_sha,
        "started": record.started,
        "finished": record.finished,
        "status": record.status.value,
        "source": record.source,
        "rollback_of": record.rollback_of,
        "hotfix_for": record.hotfix_for,
        "incident": record.incident,
    }


_DEPLOYMENT_COLUMNS = (
    deployments.c.id,
    deployments.c.component,
    deployments.c.environment,
    deployments.c.commit_sha,
    deployments.c.finished,
    deployments.c.status,
    deployments.c.started,
    deployments.c.source,
    deployments.c.rollback_of,
    deployments.c.hotfix_for,
    deployments.c.incident,
)
_STATUSES = {status.value: status for status in DeploymentStatus}


def _deployment(row: Sequence[Any]) -> Deployment:
    """A row of `_DEPLOYMENT_COLUMNS`, from SQLAlchemy or straight from the driver (`dbapi_rows`)."""
    (
        identifier,
        component,
        environment,
        commit_sha,
        finished,
        status,
        started,
        source,
        rollback_of,
        hotfix_for,
        incident,
    ) = row
    return Deployment(
        identifier,
        component,
        environment,
        commit_sha,
        stored_utc(finished),
        _STATUSES.get(status) or DeploymentStatus(status),
        None if started is None else stored_utc(started),
        source,
        rollback_of,
        hotfix_for,
        incident,
    )


def _pull_row(pull: PullRequest) -> dict[str, Any]:
    return {
        "repository": pull.repository,
        "number": pull.number,
        "merge_commit_sha": pull.merge_commit_sha,
        "created": pull.created,
        "merged": pull.merged,
        "first_commit_at": pull.first_commit_at,
    }


# Statements ------------------------------------------------------------------------------------


def _upsert_statement(connection: Connection, table: Table, keys: tuple[str, ...]) -> Insert:
    """INSERT ... ON CONFLICT (keys) DO UPDATE every other column, in the connection's dialect."""
    statement = conflict_insert(connection, table)
    updates = {column.name: statement.excluded[column.name] for column in table.columns if column.name not in keys}
    return statement.on_conflict_do_update(index_elements=list(keys), set_=updates)


def upsert_all(connection: Connection, table: Table, keys: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> int:
    """Insert the rows, or update those whose `keys` exist, in batches (the last of equal keys wins);
    returns how many were written."""
    statement = _upsert_statement(connection, table, keys)
    written = 0
    batch: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        # One statement must not touch a row twice (PostgreSQL refuses), so a batch keeps the last.
        batch[tuple(row[key] for key in keys)] = row
        written += 1
        if len(batch) >= _BATCH:
            connection.execute(statement, list(batch.values()))
            batch = {}
    if batch:
        connection.execute(statement, list(batch.values()))
    return written


def upsert_in_statements(
    connection: Connection, table: Table, keys: tuple[str, ...], rows: Iterable[dict[str, Any]]
) -> int:
    """As `upsert_all`, but in a few statements rather than one per row, for small writes that must
    be quick, such as a webhook's batch: on PostgreSQL one statement over the rows bound as arrays
    (`array_rows.py`; tables without JSON columns); else, with RETURNING, SQLAlchemy's
    "insertmanyvalues" batches the rows into multi-row INSERTs (compiled once, cached), where
    psycopg's executemany without it sends a statement per row."""
    latest: dict[tuple[Any, ...], dict[str, Any]] = {tuple(row[key] for key in keys): row for row in rows}
    if not latest:
        return 0
    if connection.dialect.name == "postgresql" and bindable_as_arrays(table):  # one short statement
        inserted = conflict_insert(connection, table).from_select(
            [column.name for column in table.columns], rows_as_arrays(table, list(latest.values()))
        )
        updates = {column.name: inserted.excluded[column.name] for column in table.columns if column.name not in keys}
        connection.execute(inserted.on_conflict_do_update(index_elements=list(keys), set_=updates))
        return len(latest)
    statement = _upsert_statement(connection, table, keys).returning(*(table.c[key] for key in keys))
    connection.execute(statement, list(latest.values())).all()
    return len(latest)


def write_deployments_in_statements(connection: Connection, records: Iterable[Deployment]) -> int:
    """`write_deployments` in multi-row statements (see `upsert_in_statements`)."""
    return upsert_in_statements(connection, deployments, ("id",), (_deployment_row(record) for record in records))


def _tag_deployment_ids(connection: Connection, component: str) -> set[str]:
    query = select(deployments.c.id).where(deployments.c.component == component, deployments.c.source == TAG_SOURCE)
    return set(connection.execute(query).scalars())


def _delete_deployments(connection: Connection, ids: Sequence[str]) -> None:
    for chunk in _chunks(ids):
        connection.execute(delete(deployment_changes).where(deployment_changes.c.deployment_id.in_(chunk)))
        connection.execute(delete(deployment_lead_times).where(deployment_lead_times.c.deployment_id.in_(chunk)))
        connection.execute(delete(deployments).where(deployments.c.id.in_(chunk)))


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]

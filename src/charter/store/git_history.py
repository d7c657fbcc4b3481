"""Git history in the store: write what mining found for one repository (in the caller's transaction,
in bulk, fast enough to hide behind git), and read back the refs, the commit graph, the tags and the
file changes that delivery and code health are computed from, and the default branch's files at its
head."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, delete, insert, or_, select, true, type_coerce, update
from sqlalchemy.engine import Connection
from sqlalchemy.types import NullType

from charter.model.delivery import TagRecord
from charter.model.git_records import CommitBatch, DefaultBranch, HeadFileRow, MinedHistory
from charter.store.deployments import stored_utc
from charter.store.schema import commits, file_changes, git_head_files, git_refs, git_repositories, git_tags

_COMMIT_COLUMNS = (
    "repository",
    "sha",
    "parents",
    "author_name",
    "author_email",
    "authored_at",
    "committed_at",
    "is_merge",
    "additions",
    "deletions",
    "files_changed",
    "co_authors",
)
_FILE_COLUMNS = ("repository", "sha", "path", "old_path", "additions", "deletions", "author_email", "authored_at")

# Git times are whole seconds: SQLAlchemy's SQLite DATETIME text for them.
_SQLITE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.000000"

# (sha, path, old_path, additions, deletions, author_email, authored_at): `read_file_changes`.
FileChangeRow = tuple[str, str, str | None, int | None, int | None, str, datetime]
# (sha, parents, authored_at, is_merge): `read_commit_graph`.
CommitGraphRow = tuple[str, tuple[str, ...], datetime, bool]
# (sha, parents space-separated, author name, author email, `Co-authored-by` trailers): `read_commit_authors`.
CommitAuthorRow = tuple[str, str, str, str, str | None]
RowInserter = Callable[[Table, Sequence[str], Sequence[tuple[Any, ...]]], None]


def mined_repositories(connection: Connection) -> set[str]:
    """The names of the repositories mined into the store."""
    return set(connection.execute(select(git_repositories.c.name)).scalars())


def known_refs(connection: Connection, repository: str) -> dict[str, str]:
    """The refs as of the last mining of `repository` (empty: never mined)."""
    query = select(git_refs.c.ref, git_refs.c.sha).where(git_refs.c.repository == repository)
    return {row.ref: row.sha for row in connection.execute(query)}


def known_head(connection: Connection, repository: str) -> DefaultBranch | None:
    """The default branch whose files at the head are stored for `repository` (None: none yet)."""
    query = select(git_repositories.c.default_branch, git_repositories.c.head_sha).where(
        git_repositories.c.name == repository
    )
    row = connection.execute(query).first()
    if row is None or row.default_branch is None or row.head_sha is None:
        return None
    return DefaultBranch(row.default_branch, row.head_sha)


def read_head_files(connection: Connection, repository: str, path_prefix: str | None = None) -> dict[str, int | None]:
    """The files at the head of `repository`'s default branch under `path_prefix` (None: all), with
    their lines (None: binary)."""
    query = select(git_head_files.c.path, git_head_files.c.lines).where(
        git_head_files.c.repository == repository, _under(git_head_files.c.path, path_prefix)
    )
    return {row.path: row.lines for row in connection.execute(query)}


def read_commit_authors(connection: Connection, repository: str) -> Iterator[CommitAuthorRow]:
    """Every stored commit of `repository` as (sha, parents space-separated, author name, author email,
    `Co-authored-by` trailers one a line or None): what the walk of the default branch and the
    recognition of bots and agents need."""
    query = select(
        commits.c.sha, commits.c.parents, commits.c.author_name, commits.c.author_email, commits.c.co_authors
    ).where(commits.c.repository == repository)
    for row in connection.execution_options(yield_per=50_000).execute(query):
        yield (row[0], row[1], row[2], row[3], row[4])


def write_mined_repository(
    connection: Connection,
    mined: MinedHistory,
    mined_at: datetime | None = None,
    advanced: Callable[[int], None] | None = None,
    written: Callable[[CommitBatch], None] | None = None,
) -> int:
    """Store one mining of one repository in the caller's transaction; returns the commits added.
    A full mining replaces everything stored for the repository; an incremental one adds commits and
    replaces refs and tags; an unchanged one only records when it was looked at. `advanced` is told
    how many commits each batch wrote, and `written` is given each batch's rows once written.
    MiningFailed (from the log) leaves the transaction to roll back.
    The default branch's files at the head are replaced whenever the mining read them."""
    added = 0
    if mined.changed:
        if mined.full:
            _delete_history(connection, mined.name)
        added = _insert_commits(connection, mined.batches(_timestamp_converter(connection)), advanced, written)
        _replace_refs(connection, mined.name, mined.refs)
        _replace_tags(connection, mined.name, mined.tags)
    if mined.head_files is not None:
        _replace_head_files(connection, mined.name, mined.head_files)
    _upsert_repository(connection, mined, mined_at or datetime.now(UTC), added)
    return added


def _delete_history(connection: Connection, repository: str) -> None:
    for table in (file_changes, commits, git_refs, git_tags):
        connection.execute(delete(table).where(table.c.repository == repository))


def _replace_head_files(connection: Connection, repository: str, files: Sequence[HeadFileRow]) -> None:
    connection.execute(delete(git_head_files).where(git_head_files.c.repository == repository))
    rows = [(repository, path, lines) for path, lines in files]
    _row_inserter(connection)(git_head_files, ("repository", "path", "lines"), rows)


def _insert_commits(
    connection: Connection,
    batches: Iterable[CommitBatch],
    advanced: Callable[[int], None] | None,
    written: Callable[[CommitBatch], None] | None,
) -> int:
    insert_rows = _row_inserter(connection)
    added = 0
    for batch in batches:
        commit_rows, file_rows = batch
        insert_rows(commits, _COMMIT_COLUMNS, commit_rows)
        insert_rows(file_changes, _FILE_COLUMNS, file_rows)
        added += len(commit_rows)
        if written is not None:
            written(batch)
        if advanced is not None:
            advanced(len(commit_rows))
    return added


def _replace_refs(connection: Connection, repository: str, refs: Mapping[str, str]) -> None:
    connection.execute(delete(git_refs).where(git_refs.c.repository == repository))
    if refs:
        connection.execute(
            insert(git_refs), [{"repository": repository, "ref": ref, "sha": sha} for ref, sha in sorted(refs.items())]
        )


def _replace_tags(connection: Connection, repository: str, tags: Sequence[TagRecord]) -> None:
    connection.execute(delete(git_tags).where(git_tags.c.repository == repository))
    if tags:
        rows = [
            {"repository": repository, "name": t.name, "sha": t.sha, "tagged_at": t.tagged_at, "annotated": t.annotated}
            for t in tags
        ]
        connection.execute(insert(git_tags), rows)


def _upsert_repository(connection: Connection, mined: MinedHistory, mined_at: datetime, added: int) -> None:
    count = added if mined.full else git_repositories.c.commit_count + added
    branch = mined.default_branch
    head = {"default_branch": branch.ref if branch else None, "head_sha": branch.sha if branch else None}
    if mined.head_files is None:
        head = {}  # the head was not read: what is stored stays
    changed = connection.execute(
        update(git_repositories)
        .where(git_repositories.c.name == mined.name)
        .values(location=mined.location, mined_at=mined_at, commit_count=count, **head)
    )
    if changed.rowcount == 0:
        connection.execute(
            insert(git_repositories).values(
                name=mined.name, location=mined.location, mined_at=mined_at, commit_count=added, **head
            )
        )


def _row_inserter(connection: Connection) -> RowInserter:
    """The fastest bulk insert each dialect offers: PostgreSQL's COPY, SQLite's executemany on
    prepared values, else SQLAlchemy's executemany."""
    dialect = connection.dialect
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        return lambda table, columns, rows: _copy_rows(connection, table, columns, rows)
    if dialect.name == "sqlite":
        return lambda table, columns, rows: _executemany(connection, table, columns, rows)
    return lambda table, columns, rows: _insert_mappings(connection, table, columns, rows)


def _copy_rows(connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    if not rows:
        return
    driver_connection: Any = connection.connection.driver_connection
    with (
        driver_connection.cursor() as cursor,
        cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _executemany(connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    if rows:
        placeholders = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})", rows)


def _insert_mappings(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    if rows:
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def _timestamp_converter(connection: Connection) -> Callable[[int], Any]:
    """Unix seconds to what the insert path binds: on SQLite the text SQLAlchemy itself would store for
    a UtcDateTime (so comparisons in SQL agree), elsewhere a timezone-aware datetime."""
    if connection.dialect.name != "sqlite":
        return _aware_datetime
    column_type = commits.c.authored_at.type
    process = column_type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    assert process is not None

    def as_sqlalchemy_would(seconds: int) -> Any:
        return process(_aware_datetime(seconds))

    # The same text several times faster; used only when it agrees with SQLAlchemy's own.
    samples = (0, 951_782_400, 1_700_000_000, 4_102_444_799)
    if all(_sqlite_text(sample) == as_sqlalchemy_would(sample) for sample in samples):
        return _sqlite_text
    return as_sqlalchemy_would


def _aware_datetime(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _sqlite_text(seconds: int) -> str:
    return time.strftime(_SQLITE_TIME_FORMAT, time.gmtime(seconds))


def read_commit_graph(connection: Connection, repository: str) -> list[CommitGraphRow]:
    """Every stored commit of `repository` as (sha, parents, authored_at, is_merge): all an ancestry walk needs."""
    raw_time = type_coerce(commits.c.authored_at, NullType())  # converted here, faster than per row by SQLAlchemy
    query = select(commits.c.sha, commits.c.parents, raw_time, commits.c.is_merge).where(
        commits.c.repository == repository
    )
    return [
        (sha, tuple(parents.split()), stored_utc(authored_at), bool(is_merge))
        for sha, parents, authored_at, is_merge in connection.execute(query)
    ]


def read_tags(connection: Connection, repository: str) -> list[TagRecord]:
    """The repository's tags that end at a commit, by name."""
    query = (
        select(git_tags.c.name, git_tags.c.sha, git_tags.c.tagged_at, git_tags.c.annotated)
        .where(git_tags.c.repository == repository)
        .order_by(git_tags.c.name)
    )
    return [
        TagRecord(name, sha, tagged_at, bool(annotated))
        for name, sha, tagged_at, annotated in connection.execute(query)
    ]


def read_file_changes(
    connection: Connection, repository: str, since: datetime | None = None, path_prefix: str | None = None
) -> Iterator[FileChangeRow]:
    """File changes of `repository`, oldest first, streamed: (sha, path, old_path, additions, deletions,
    author_email, authored_at). `since` keeps changes authored at or after it; `path_prefix` keeps files
    under that folder (the whole path or a leading run of its folders)."""
    condition = and_(file_changes.c.repository == repository, _under(file_changes.c.path, path_prefix))
    if since is not None:
        condition = and_(condition, file_changes.c.authored_at >= since)
    query = (
        select(
            file_changes.c.sha,
            file_changes.c.path,
            file_changes.c.old_path,
            file_changes.c.additions,
            file_changes.c.deletions,
            file_changes.c.author_email,
            # As the driver gives it: a commit's rows share one time, which is converted once.
            type_coerce(file_changes.c.authored_at, NullType()),
        )
        .where(condition)
        .order_by(file_changes.c.authored_at, file_changes.c.id)
    )
    raw_time: object = None
    authored_at = datetime.min
    for sha, path, old_path, additions, deletions, email, stored in connection.execution_options(
        yield_per=10_000
    ).execute(query):
        if stored != raw_time:
            raw_time, authored_at = stored, stored_utc(stored)
        yield (sha, path, old_path, additions, deletions, email, authored_at)


def shas_touching(connection: Connection, repository: str, path_prefix: str | None) -> set[str]:
    """The commits of `repository` that changed a file under `path_prefix`, counting a file renamed
    into or out of it (None or empty: every commit that changed a file)."""
    query = (
        select(file_changes.c.sha)
        .where(
            file_changes.c.repository == repository,
            or_(_under(file_changes.c.path, path_prefix), _under(file_changes.c.old_path, path_prefix)),
        )
        .distinct()
    )
    return set(connection.execute(query).scalars())


def _under(column: Any, path_prefix: str | None) -> ColumnElement[bool]:
    prefix = (path_prefix or "").strip("/")
    if not prefix:
        return true()
    return or_(column == prefix, column.startswith(prefix + "/", autoescape=True))

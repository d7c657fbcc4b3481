"""Mining a clone into a store as `charter sync` does it, for the tests: the job knows the refs and the
head the store holds, and the result is written in one transaction."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from charter.sources.git.mine import MinedRepository, RepositoryJob, mine_repository
from charter.store import Store
from charter.store.git_history import known_head, known_refs, write_mined_repository


def mine_and_write(store: Store, name: str, path: Path, mined_at: datetime) -> MinedRepository:
    with store.engine.connect() as connection:
        job = RepositoryJob(
            name, str(path), known_refs=known_refs(connection, name), known_head=known_head(connection, name)
        )
    mined = mine_repository(job)
    try:
        with store.transaction() as connection:
            write_mined_repository(connection, mined, mined_at)
    finally:
        mined.discard()
    return mined

"""Following a log file that git is still writing: read it in chunks to its end, waiting for more
while the git behind it runs. Chunks are gathered to a good size before they are handed over: each
batch costs the store a round of statements, so many small ones cost more than a few large ones."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

# Git's log is read (followed, copied into frames) this much at a time.
CHUNK_SIZE = 1 << 20
_FOLLOW_SECONDS = 0.02
_GATHER_BYTES = 1 << 18
_GATHER_SECONDS = 0.25

# How the client follows a log still being written: wait up to this many seconds for the mining to end,
# then say whether it is still running.
StillRunning = Callable[[float], bool]


def read_log(path: Path, still_running: StillRunning | None = None) -> Iterator[bytes]:
    """The log file in chunks; with `still_running`, follow it while git writes it, to its end. While
    following, a chunk is gathered for up to `_GATHER_SECONDS` before it is handed over: each batch
    costs the store a round of statements, so many small ones cost more than a few large ones."""
    with open(path, "rb") as log:
        while True:
            finished = still_running is None or not still_running(0)
            chunk = log.read(CHUNK_SIZE)
            if not finished and len(chunk) < _GATHER_BYTES:
                assert still_running is not None
                chunk += _gather(log, still_running, _GATHER_BYTES - len(chunk))
            if chunk:
                yield chunk
            elif finished:
                return


def _gather(log: BinaryIO, still_running: StillRunning, wanted: int) -> bytes:
    """Up to `wanted` more bytes of a log git is writing, waiting for them at most `_GATHER_SECONDS`."""
    gathered = b""
    deadline = time.monotonic() + _GATHER_SECONDS
    while len(gathered) < wanted and time.monotonic() < deadline and still_running(_FOLLOW_SECONDS):
        gathered += log.read(wanted - len(gathered))
    return gathered

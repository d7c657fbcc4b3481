"""Parsing many YAML texts on more than one core. A cold `charter check` of a large organisation
spends a third of its time in libyaml; on a machine with cores to spare (CI runners have two or
four) forked workers parse texts while this process does other work, and send their documents
back as the parse cache keeps them (`marshal` bytes, `model/yaml_document.py`), which the cache
then stores as they are.

The texts are shared out as they are taken, not in fixed shares: this process takes them from
the front, in the order its caller reads them, and the workers from the back, a few at a time,
until the two meet. Whatever this process does between starting the workers and reading the
results (reading the markdown files, say) is then work the workers do not wait for, and nobody
waits at the end for a share that was too large.

Forking is used only where it is safe and worth it: on Linux, from a process running no other
thread, for texts large enough to repay a fork. Anything a worker fails to send back is parsed
here, so the result never depends on the workers; the lock they take turns on is a POSIX record
lock, which the kernel releases when its holder dies."""

from __future__ import annotations

import fcntl
import marshal
import mmap
import os
import signal
import struct
import sys
import tempfile
import threading
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from charter.load.cores import usable_cores
from charter.load.yaml12 import YamlError, parse_yaml_documents
from charter.model.yaml_document import YamlDocument, decode_documents, encode_documents

# Below this many characters a fork and a pipe cost more than the parse they would share.
PARALLEL_MINIMUM_CHARACTERS = 1_000_000
MAX_PROCESSES = 4  # this process and three workers; more cores wait on the pipes for little gain
TAKEN_AT_ONCE = 8  # texts taken per turn at the lock: few turns, and little left over at the meeting
_READ_SIZE = 1 << 20
_BOUNDS = struct.Struct("qq")  # the next text from the front, the end of what is left at the back

_Row = tuple[int, bytes | None, tuple[str, int, int, str] | None]  # what a worker sends for one text


@dataclass(frozen=True, slots=True)
class Parsed:
    """One text's documents, and when a worker parsed it, the same as the cache keeps them."""

    documents: list[YamlDocument]
    encoded: bytes | None = None


class ParsedInOrder(Iterator["Parsed | YamlError"]):
    """The results of `parse_in_order`, one per text in order. Close it (or use it in `with`) when
    done, however early: that ends and reaps the workers."""

    def __init__(
        self,
        results: Generator[Parsed | YamlError, None, None],
        workers: list[_Worker] | None = None,
        claims: _Claims | None = None,
    ) -> None:
        self._results = results
        self._workers = workers or []
        self._claims = claims

    def __next__(self) -> Parsed | YamlError:
        return next(self._results)

    def close(self) -> None:
        self._results.close()
        for worker in self._workers:  # those not collected yet: the caller stopped early
            _abandon(worker)
        if self._claims is not None:
            self._claims.close()

    def __enter__(self) -> ParsedInOrder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def parse_in_order(texts: Sequence[str], processes: int | None = None) -> ParsedInOrder:
    """Each text's documents, or the YamlError that stopped its parse, in the order given, as the
    caller asks for them. The workers (when any) start now, before the first is asked for: the
    caller may do other work first. `processes` (default: the cores this process may use, at most
    MAX_PROCESSES) is how many share the work; one parses everything here."""
    wanted = usable_processes() if processes is None else processes
    if wanted < 2 or not _may_fork() or sum(map(len, texts)) < PARALLEL_MINIMUM_CHARACTERS:
        return ParsedInOrder(_parse(text) for text in texts)
    try:
        claims = _Claims(len(texts))
    except OSError:  # no temporary file or shared mapping to be had: parse here
        return ParsedInOrder(_parse(text) for text in texts)
    workers: list[_Worker] = []
    for _ in range(wanted - 1):
        try:
            workers.append(_start_worker(texts, claims))
        except OSError:  # no more processes or memory: those started (if any) share the work
            break
    return ParsedInOrder(_in_order(texts, claims, workers), workers, claims)


def usable_processes() -> int:
    """The cores this process can keep busy (its affinity and CPU quota, which containers narrow:
    `load/cores.py`), at most MAX_PROCESSES."""
    return min(usable_cores(), MAX_PROCESSES)


def _may_fork() -> bool:
    """Linux (forking is the platform's own way to start a worker; macOS's frameworks forbid it),
    and no other thread that a fork would copy in the middle of its work."""
    return sys.platform == "linux" and hasattr(os, "fork") and threading.active_count() == 1


def _parse(text: str) -> Parsed | YamlError:
    try:
        return Parsed(parse_yaml_documents(text))
    except YamlError as error:
        return error


class _Claims:
    """Which texts are taken: [front, back) is what is left. A shared anonymous mapping holds the two
    bounds; a record lock on an unnamed file serialises the turns."""

    def __init__(self, count: int) -> None:
        self.memory = mmap.mmap(-1, _BOUNDS.size)  # shared with the forked workers
        self.lock_file = tempfile.TemporaryFile()  # noqa: SIM115 - kept open until close()
        _BOUNDS.pack_into(self.memory, 0, 0, count)

    def from_front(self) -> range:
        with self._turn():
            front, back = _BOUNDS.unpack_from(self.memory)
            end = min(front + TAKEN_AT_ONCE, back)
            _BOUNDS.pack_into(self.memory, 0, end, back)
        return range(front, end)

    def from_back(self) -> range:
        with self._turn():
            front, back = _BOUNDS.unpack_from(self.memory)
            start = max(back - TAKEN_AT_ONCE, front)
            _BOUNDS.pack_into(self.memory, 0, front, start)
        return range(start, back)

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """Holding the claims' lock."""
        descriptor = self.lock_file.fileno()
        fcntl.lockf(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.lockf(descriptor, fcntl.LOCK_UN)

    def close(self) -> None:
        self.memory.close()
        self.lock_file.close()


@dataclass(slots=True)
class _Worker:
    pid: int
    pipe: int
    done: bool = False  # collected: its pipe closed and its process reaped


def _in_order(
    texts: Sequence[str], claims: _Claims, workers: list[_Worker]
) -> Generator[Parsed | YamlError, None, None]:
    """This process's texts from the front, then, once the front meets the back, the workers'
    (a caller stopping early leaves the workers to `ParsedInOrder.close`)."""
    next_index = 0
    while taken := claims.from_front():
        for index in taken:
            yield _parse(texts[index])
        next_index = taken.stop
    received: dict[int, Parsed | YamlError] = {}
    for worker in workers:
        received.update(_collect(worker))
    for index in range(next_index, len(texts)):
        yield received.get(index) or _parse(texts[index])


def _start_worker(texts: Sequence[str], claims: _Claims) -> _Worker:
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:  # the worker: parse from the back, send it all, leave without cleaning up
        status = 1
        try:
            os.close(read_end)
            rows: list[_Row] = []
            while taken := claims.from_back():
                rows.extend(_encoded(index, texts[index]) for index in reversed(taken))
            _send(write_end, rows)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return _Worker(pid, read_end)


def _encoded(index: int, text: str) -> _Row:
    parsed = _parse(text)
    if isinstance(parsed, YamlError):
        return index, None, (parsed.message, parsed.line, parsed.column, parsed.hint)
    return index, encode_documents(parsed.documents), None


def _send(pipe: int, rows: list[_Row]) -> None:
    view = memoryview(marshal.dumps(rows))
    while view:
        view = view[os.write(pipe, view) :]
    os.close(pipe)


def _collect(worker: _Worker) -> dict[int, Parsed | YamlError]:
    """What the worker sent, by text index; nothing when it did not finish (what it took is then
    parsed here)."""
    chunks: list[bytes] = []
    try:
        while chunk := os.read(worker.pipe, _READ_SIZE):
            chunks.append(chunk)
    finally:
        status = _reap(worker)
    if status != 0:
        return {}
    try:
        return {index: _received(encoded, error) for index, encoded, error in marshal.loads(b"".join(chunks))}
    except (ValueError, EOFError, TypeError):
        return {}


def _received(encoded: bytes | None, error: tuple[str, int, int, str] | None) -> Parsed | YamlError:
    if encoded is None:
        assert error is not None
        return YamlError(*error)
    return Parsed(decode_documents(encoded), encoded)


def _abandon(worker: _Worker) -> None:
    if not worker.done:
        os.kill(worker.pid, signal.SIGKILL)
        _reap(worker)


def _reap(worker: _Worker) -> int:
    worker.done = True
    os.close(worker.pipe)
    _, status = os.waitpid(worker.pid, 0)
    return status

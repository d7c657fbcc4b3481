"""Parsing many YAML texts on more than one core. A cold `charter check` of a large organisation
spends a third of its time in libyaml; on a machine with cores to spare (CI runners have two or
four) forked workers parse shares of the texts while this process parses its own, and send their
documents back as the parse cache keeps them (`marshal` bytes, `model/yaml_document.py`), which
the cache then stores as they are. Forking is used only where it is safe and worth it: on Linux,
from a process running no other thread, for texts large enough to repay a fork; anything a worker
fails to send back is parsed here, so the result never depends on the workers."""

from __future__ import annotations

import marshal
import os
import signal
import sys
import threading
from collections.abc import Generator, Sequence
from dataclasses import dataclass

from charter.load.yaml12 import YamlError, parse_yaml_documents
from charter.model.yaml_document import YamlDocument, decode_documents, encode_documents

# Below this many characters a fork and a pipe cost more than the parse they would share.
PARALLEL_MINIMUM_CHARACTERS = 1_000_000
# This process's share of the characters against a worker's: it also reads every document into the
# model, so it parses less (measured on the large demo: a worker's share ends when this one's does).
PARENT_SHARE = 0.8
MAX_PROCESSES = 4  # this process and three workers; more cores wait on the pipes for little gain
_READ_SIZE = 1 << 20


@dataclass(frozen=True, slots=True)
class Parsed:
    """One text's documents, and when a worker parsed it, the same as the cache keeps them."""

    documents: list[YamlDocument]
    encoded: bytes | None = None


def parse_in_order(texts: Sequence[str], processes: int | None = None) -> Generator[Parsed | YamlError, None, None]:
    """Each text's documents, or the YamlError that stopped its parse, in the order given, as soon
    as each is ready: the first share is parsed here one text at a time, so what the caller does
    with each (reading its documents into the model) runs while the workers parse the later shares.
    `processes` (default: the cores this process may use, at most MAX_PROCESSES) is how many share
    the work; one parses everything here."""
    wanted = usable_processes() if processes is None else processes
    if wanted < 2 or not _may_fork() or sum(map(len, texts)) < PARALLEL_MINIMUM_CHARACTERS:
        yield from (_parse(text) for text in texts)
        return
    shares = _shares(texts, wanted)
    workers = [_start_worker(texts, share) for share in shares[1:]]
    try:
        yield from (_parse(texts[index]) for index in shares[0])
        for worker in workers:
            received = _collect(worker)
            yield from (received.get(index) or _parse(texts[index]) for index in worker.share)
    finally:  # the caller stopped early: end and reap what is still running
        for worker in workers:
            _abandon(worker)


def usable_processes() -> int:
    """The cores this process may run on (its affinity, which containers narrow), at most MAX_PROCESSES."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_PROCESSES))


def _may_fork() -> bool:
    """Linux (forking is the platform's own way to start a worker; macOS's frameworks forbid it),
    and no other thread that a fork would copy in the middle of its work."""
    return sys.platform == "linux" and hasattr(os, "fork") and threading.active_count() == 1


def _parse(text: str) -> Parsed | YamlError:
    try:
        return Parsed(parse_yaml_documents(text))
    except YamlError as error:
        return error


def _shares(texts: Sequence[str], processes: int) -> list[list[int]]:
    """The texts' indexes in `processes` contiguous shares. This process's share, the first, is
    smaller by PARENT_SHARE: it also reads each text's documents while the workers parse, and
    reads what they send back."""
    weights = [PARENT_SHARE] + [1.0] * (processes - 1)
    bounds = [sum(weights[: share + 1]) / sum(weights) for share in range(processes)]
    total = max(sum(map(len, texts)), 1)
    shares: list[list[int]] = [[] for _ in range(processes)]
    share, done = 0, 0
    for index, text in enumerate(texts):
        while share < processes - 1 and done >= bounds[share] * total:
            share += 1
        shares[share].append(index)
        done += len(text)
    return shares


@dataclass(frozen=True, slots=True)
class _Worker:
    pid: int
    pipe: int
    share: list[int]
    done: list[bool]  # collected (its pipe closed and its process reaped)


def _start_worker(texts: Sequence[str], share: list[int]) -> _Worker:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: parse the share, write it to the pipe, leave without cleaning up
        status = 1
        try:
            os.close(read_end)
            _send(write_end, [_encoded(texts[index]) for index in share])
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return _Worker(pid, read_end, share, [False])


def _encoded(text: str) -> tuple[bytes | None, tuple[str, int, int, str] | None]:
    parsed = _parse(text)
    if isinstance(parsed, YamlError):
        return None, (parsed.message, parsed.line, parsed.column, parsed.hint)
    return encode_documents(parsed.documents), None


def _send(pipe: int, rows: list[tuple[bytes | None, tuple[str, int, int, str] | None]]) -> None:
    view = memoryview(marshal.dumps(rows))
    while view:
        view = view[os.write(pipe, view) :]
    os.close(pipe)


def _collect(worker: _Worker) -> dict[int, Parsed | YamlError]:
    """What the worker sent, by text index; nothing when it did not finish (its share is then
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
        rows = marshal.loads(b"".join(chunks))
        return {index: _received(row) for index, row in zip(worker.share, rows, strict=True)}
    except (ValueError, EOFError, TypeError):
        return {}


def _abandon(worker: _Worker) -> None:
    if not worker.done[0]:
        os.kill(worker.pid, signal.SIGKILL)
        _reap(worker)


def _reap(worker: _Worker) -> int:
    worker.done[0] = True
    os.close(worker.pipe)
    _, status = os.waitpid(worker.pid, 0)
    return status


def _received(row: tuple[bytes | None, tuple[str, int, int, str] | None]) -> Parsed | YamlError:
    encoded, error = row
    if encoded is None:
        assert error is not None
        return YamlError(*error)
    return Parsed(decode_documents(encoded), encoded)

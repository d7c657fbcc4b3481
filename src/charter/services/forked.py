"""A computation run in a forked child while this process does other work, its result sent back
pickled through a pipe. `charter sync` ends with work that needs the whole history and runs on one
core after git has ended: linking deployments and measuring code health. The two do not depend on
each other, so on a machine with a core to spare the code health is measured in a child while this
process links.

Forking is used only where it is safe: on Linux, from a process running no other Python thread (a
lock another thread held at the fork would stay held in the child; numpy's OpenBLAS workers prepare
for a fork themselves), with a second core to use. A child forked while this process holds a write
transaction must not use the store at all (`services/sync.py` forks code health then only when every
history it reads is in hand); any other child reads the store through connections of its own (the
engine's pool is replaced in the child, as SQLAlchemy documents for forked processes; the parent's
connections are left alone). The child ends with `os._exit`, running no exit handler and flushing no
buffer of the parent's. Whatever the child fails to send back is computed here instead, so the
result never depends on the fork: an error is then raised here, as it would be without one."""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Generic, NoReturn, TypeVar

from sqlalchemy.engine import Engine

from charter.load.cores import usable_cores

T = TypeVar("T")

_READ_SIZE = 1 << 20


class Forked(Generic[T]):
    """`compute()`, started in a forked child when that is safe (see the module), else left to
    `result`, which returns the child's answer or computes it here. Either `result` or `close` (the
    answer is not wanted: the child is ended) is called once."""

    def __init__(self, compute: Callable[[], T], engine: Engine | None = None) -> None:
        self._compute = compute
        self._pid: int | None = None
        self._reader: int | None = None
        if fork_is_safe():
            self._start(engine)

    @property
    def forked(self) -> bool:
        """Whether a child computes it."""
        return self._pid is not None

    def result(self) -> T:
        if self._pid is None or self._reader is None:
            return self._compute()
        answer = self._collect(self._pid, self._reader)
        self._pid = self._reader = None
        if answer is None:  # the child failed or died: computed here, where an error is raised as usual
            return self._compute()
        value: T = answer[0]
        return value

    def close(self) -> None:
        """End the child if it still runs, and reap it."""
        if self._pid is None or self._reader is None:
            return
        os.close(self._reader)
        os.kill(self._pid, signal.SIGKILL)  # not reaped yet: it exists, if only as a zombie
        os.waitpid(self._pid, 0)
        self._pid = self._reader = None

    def _start(self, engine: Engine | None) -> None:
        reader, writer = os.pipe()
        with warnings.catch_warnings():
            # Python 3.12+ counts the process's OS threads: numpy's OpenBLAS keeps workers, which
            # prepare for a fork themselves (pthread_atfork); no Python thread runs (`fork_is_safe`).
            warnings.filterwarnings("ignore", message=r".*multi-threaded, use of fork\(\)", category=DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: compute, send, end without running anything of the parent's
            os.close(reader)
            _run_child(self._compute, engine, writer)
        os.close(writer)
        self._pid, self._reader = pid, reader

    @staticmethod
    def _collect(pid: int, reader: int) -> tuple[T] | None:
        chunks = []
        try:
            while chunk := os.read(reader, _READ_SIZE):
                chunks.append(chunk)
        finally:
            os.close(reader)
            _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0 or not chunks:
            return None
        try:
            answer: tuple[T] = pickle.loads(b"".join(chunks))
        except Exception:  # a truncated answer (the child was killed while writing)
            return None
        return answer


def fork_is_safe() -> bool:
    """Whether this process may fork a child to compute beside it (see the module)."""
    return sys.platform == "linux" and threading.active_count() == 1 and usable_cores() > 1


# What the child inherited and must leave alone: kept referenced until `os._exit`, so that no
# finalizer closes the parent's connections from the child (SQLite would try to checkpoint its WAL).
_INHERITED: list[object] = []


def _run_child(compute: Callable[[], object], engine: Engine | None, writer: int) -> NoReturn:
    code = 1
    try:
        if engine is not None:
            _INHERITED.append(engine.pool)
            engine.dispose(close=False)  # connections of its own; the parent's are not touched
        try:
            answer = compute()
        finally:
            if engine is not None:
                engine.dispose()  # its own connections, closed as a client should (a server logs no lost one)
        data = pickle.dumps((answer,), protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(writer, view) :]
        code = 0
    except BaseException:  # noqa: BLE001, S110 - the parent computes it again and reports the error
        pass
    finally:
        os._exit(code)

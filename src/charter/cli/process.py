"""Process-wide settings of the `charter` command, the only place Charter tunes them (a library
caller or the server keeps its own). One command is a short-lived process that builds many
long-lived objects and few reference cycles, on a machine whose cores it shares with git:

- The cyclic collector is off: its full passes over a large organisation's models and dicts found
  nothing and took a third of the load time; reference counting frees everything as usual. What
  start-up made is frozen out of any collection a library call may still run.
- numpy's BLAS runs on the calling thread (`OPENBLAS_NUM_THREADS=1` unless the user set it): Charter's
  arithmetic is over vectors, where a BLAS worker thread only spins, on a core git could use.
- Once the command has ended (its `SystemExit`), the exit functions run and the output is flushed, and
  the process ends there, without the interpreter's teardown: freeing every module and object one by
  one, with collections over them all, took 0.1-0.2 s after a sync had written its last row. A command
  that ends in an unexpected exception or an interrupt ends the usual way.
- What a command built and no longer needs can be left to that end (`outlive`), rather than be freed
  object by object when the function holding it returns: a sync's parsed history of 27,000 commits
  took 16-22 ms to free, after its snapshot and before its output."""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys

# Settings read by numpy's BLAS when it is first loaded; a value the user gave is kept.
_ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class _Ending:
    """The exit status of a command that has ended, once it has; what is left to the process's end."""

    status: int | None = None
    outliving: list[object] = []  # noqa: RUF012 - one list for the process


def outlive(thing: object) -> None:
    """Keep `thing` referenced until the process ends (see the module)."""
    _Ending.outliving.append(thing)


def tune_process() -> None:
    """Apply the settings above; call once, first thing in the process's entry point."""
    for name, value in _ONE_BLAS_THREAD.items():
        os.environ.setdefault(name, value)
    gc.disable()
    gc.freeze()
    # Registered first, so it runs after every other exit function (they run last-registered first).
    atexit.register(_end_without_teardown)


def command_ended(code: object) -> None:
    """Record that the command ended with `SystemExit(code)`, with the status the interpreter would
    give it: None is 0, an integer itself, anything else (a message, printed already) 1."""
    _Ending.status = 0 if code is None else code if isinstance(code, int) else 1


def _end_without_teardown() -> None:
    status = _Ending.status
    if status is None:
        return  # no command ended: an exception or an interrupt ends the interpreter as usual
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing more to write
            stream.flush()
    os._exit(status & 0xFF)

"""Runs `charter` as a user does in a terminal: a real pseudo-terminal of a given width on
standard output and on standard error (each its own, so the two can be told apart), in a process
of its own, so what Rich and Click detect about the terminal is what a user's shell gives them."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from collections.abc import Mapping
from dataclasses import dataclass

ENTRY = "from charter.cli.app import main; main()"
ESCAPE = "\x1b["


@dataclass(frozen=True)
class TerminalRun:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _terminal(columns: int) -> tuple[int, int]:
    main_side, process_side = pty.openpty()
    fcntl.ioctl(process_side, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    return main_side, process_side


def run_in_terminal(*arguments: str, columns: int = 100, env: Mapping[str, str] | None = None) -> TerminalRun:
    """`charter ARGUMENTS` with both streams on terminals `columns` wide (and COLUMNS saying so)."""
    out_main, out_process = _terminal(columns)
    err_main, err_process = _terminal(columns)
    environment = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "CHARTER_DATABASE_URL": ""}
    environment.pop("NO_COLOR", None)
    environment.update(env or {})
    process = subprocess.Popen(  # noqa: S603 - the test's own interpreter
        [sys.executable, "-c", ENTRY, *arguments],
        stdin=subprocess.DEVNULL,
        stdout=out_process,
        stderr=err_process,
        env=environment,
    )
    os.close(out_process)
    os.close(err_process)
    received = {out_main: bytearray(), err_main: bytearray()}
    open_sides = set(received)
    while open_sides:
        ready, _, _ = select.select(list(open_sides), [], [])
        for side in ready:
            try:
                chunk = os.read(side, 65536)
            except OSError:  # the process closed its side (EIO on Linux)
                chunk = b""
            if chunk:
                received[side].extend(chunk)
            else:
                open_sides.discard(side)
                os.close(side)
    exit_code = process.wait()

    def text(side: int) -> str:
        return received[side].decode("utf-8", "replace").replace("\r\n", "\n")

    return TerminalRun(exit_code, text(out_main), text(err_main))

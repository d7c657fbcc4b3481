"""`python -m charter` runs the command line, as the `charter` script does."""

from __future__ import annotations

import subprocess
import sys


def test_python_dash_m_charter_runs_the_command_line() -> None:
    done = subprocess.run([sys.executable, "-m", "charter", "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "check" in done.stdout and "sync" in done.stdout

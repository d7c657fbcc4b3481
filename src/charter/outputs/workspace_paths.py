"""Where the strategy repository lies inside a CI workspace: GitHub and GitLab annotate a file by
its path from the workspace's root (`GITHUB_WORKSPACE`, `CI_PROJECT_DIR`), which is not the
strategy repository's root when the strategy lives in a folder of a larger repository."""

from __future__ import annotations

import os
from pathlib import Path


def workspace_prefix(root: Path, variable: str) -> str:
    """The strategy root's path inside the workspace named by the environment `variable` (else the
    working directory), with a trailing slash: '' at the workspace's root or outside it."""
    workspace = Path(os.environ.get(variable) or Path.cwd()).resolve()
    try:
        inside = root.resolve().relative_to(workspace)
    except ValueError:
        return ""
    return "" if str(inside) == "." else f"{inside.as_posix()}/"

"""How many cores this process can keep busy, for the work Charter spreads over processes (a second
git writing half of a log, forked YAML parsers, a git per repository): the CPUs it may run on (its
affinity: `taskset`, a container's CPU set) and, under a CPU quota, no more than the quota's whole
CPUs. A quota is what `docker run --cpus`, a Kubernetes CPU limit and many CI runners set: the
machine shows all its cores, but the container gets, say, one CPU's worth of time, so a second
process would only share it and add its own cost.

The quota is read from the cgroup file systems the process belongs to (`/proc/self/mountinfo`,
`/proc/self/cgroup`): cgroup v2's `cpu.max` and v1's `cpu.cfs_quota_us` / `cpu.cfs_period_us`, at the
process's own group and every group above it that the mount shows (the tightest wins). Whatever
cannot be read counts as no quota."""

from __future__ import annotations

import math
import os
from functools import cache
from pathlib import Path


def usable_cores() -> int:
    """The cores this process can keep busy (see the module); at least 1. The quota is read once
    per process, the affinity every time (it is one system call, and a process may narrow it)."""
    return cores_within(_affinity(), _process_quota())


def cores_within(affinity: int, quota: float | None) -> int:
    """`affinity` cores, no more than the whole CPUs of `quota` (None: no quota), at least 1."""
    if quota is not None:
        affinity = min(affinity, math.floor(quota + 1e-9))
    return max(1, affinity)


def cpu_quota(root: Path) -> float | None:
    """The CPU quota of this process in CPUs (1.5: one and a half CPUs' time), None when there is
    none or it cannot be read; `root` is where `/proc` and the cgroup mounts are (`/` but in tests)."""
    try:
        mountinfo = (root / "proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
        memberships = (root / "proc/self/cgroup").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    limits = [limit for folder in _cpu_folders(mountinfo, memberships, root) if (limit := _limit(folder)) is not None]
    return min(limits) if limits else None


@cache
def _process_quota() -> float | None:
    return cpu_quota(Path("/"))


def _affinity() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not reported here (macOS): every core
        return os.cpu_count() or 1


def _cpu_folders(mountinfo: str, memberships: str, root: Path) -> list[Path]:
    """Every cgroup folder whose CPU limit applies to this process: its own group under each mount of
    the CPU controller (v1) or of the unified hierarchy (v2), and the groups above it there."""
    groups = _groups(memberships)
    folders: list[Path] = []
    for line in mountinfo.splitlines():
        fields = line.split()
        if "-" not in fields:
            continue
        separator = fields.index("-")
        if len(fields) < separator + 4 or len(fields) < 5:
            continue
        mount_root, mount_point = _unescape(fields[3]), _unescape(fields[4])
        fs_type, options = fields[separator + 1], fields[separator + 3].split(",")
        if fs_type == "cgroup2":
            group = groups.get("")
        elif fs_type == "cgroup" and "cpu" in options:
            group = groups.get("cpu")
        else:
            continue
        if group is None:
            continue
        folders.extend(_up_from(root / mount_point.lstrip("/"), _relative(group, mount_root)))
    return folders


def _groups(memberships: str) -> dict[str, str]:
    """The process's group by controller ("" for the unified hierarchy) from /proc/self/cgroup."""
    groups: dict[str, str] = {}
    for line in memberships.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, group = parts
        for controller in controllers.split(",") if controllers else [""]:
            groups.setdefault(controller, group)
    return groups


def _relative(group: str, mount_root: str) -> list[str]:
    """The path of `group` below a mount of `mount_root`, as its parts (a container sees its own group
    as the mount's root, and a group outside the mount as `/`)."""
    if mount_root != "/" and (group == mount_root or group.startswith(mount_root.rstrip("/") + "/")):
        group = group[len(mount_root) :]
    return [part for part in group.split("/") if part and part != ".."]


def _up_from(mount: Path, parts: list[str]) -> list[Path]:
    return [mount.joinpath(*parts[:depth]) for depth in range(len(parts), -1, -1)]


def _limit(folder: Path) -> float | None:
    """The quota set in one cgroup folder, in CPUs; None when it sets none."""
    try:
        quota, period = (folder / "cpu.max").read_text(encoding="ascii").split()[:2]
    except (OSError, ValueError, UnicodeDecodeError):
        try:
            quota = (folder / "cpu.cfs_quota_us").read_text(encoding="ascii").strip()
            period = (folder / "cpu.cfs_period_us").read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
    try:
        if quota == "max" or int(quota) <= 0 or int(period) <= 0:
            return None
        return int(quota) / int(period)
    except ValueError:
        return None


def _unescape(path: str) -> str:
    """A path as mountinfo writes it (space, tab, newline and backslash as octal escapes)."""
    for escaped, plain in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        path = path.replace(escaped, plain)
    return path

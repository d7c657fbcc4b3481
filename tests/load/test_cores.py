"""The cores Charter spreads work over: the affinity, narrowed by a CPU quota read from the cgroup
file systems as a container shows them (v2's `cpu.max`, v1's CFS quota and period), the tightest
group on the way up winning; anything unreadable is no quota."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.load import cores, parallel_parse
from charter.load.cores import cores_within, cpu_quota, usable_cores
from charter.sources.git.log import spare_core

V2_CONTAINER = "30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
V1_CONTAINER = (
    "40 30 0:35 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct\n"
    "41 30 0:36 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n"
)


def machine(tmp_path: Path, mountinfo: str, memberships: str, files: dict[str, str]) -> Path:
    (tmp_path / "proc/self").mkdir(parents=True)
    (tmp_path / "proc/self/mountinfo").write_text(mountinfo)
    (tmp_path / "proc/self/cgroup").write_text(memberships)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    ("setting", "quota"),
    [("100000 100000\n", 1.0), ("150000 100000\n", 1.5), ("400000 100000\n", 4.0), ("max 100000\n", None)],
)
def test_a_cgroup_v2_container_quota_is_its_cpu_max(tmp_path: Path, setting: str, quota: float | None) -> None:
    root = machine(tmp_path, V2_CONTAINER, "0::/\n", {"sys/fs/cgroup/cpu.max": setting})
    assert cpu_quota(root) == quota


def test_the_tightest_group_on_the_way_up_wins(tmp_path: Path) -> None:
    host = "30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
    root = machine(
        tmp_path,
        host,
        "0::/ci.slice/job-7.scope\n",
        {
            "sys/fs/cgroup/ci.slice/cpu.max": "150000 100000\n",
            "sys/fs/cgroup/ci.slice/job-7.scope/cpu.max": "max 100000\n",
        },
    )
    assert cpu_quota(root) == 1.5


def test_a_cgroup_v1_container_quota_is_its_cfs_quota_over_its_period(tmp_path: Path) -> None:
    root = machine(
        tmp_path,
        V1_CONTAINER,
        "5:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n",
        {
            "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "200000\n",
            "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n",
        },
    )
    assert cpu_quota(root) == 2.0


def test_a_v1_quota_of_minus_one_is_none_and_a_mount_point_with_a_space_is_read(tmp_path: Path) -> None:
    mountinfo = "40 30 0:35 / /sys/fs/cgroup/my\\040cpu rw - cgroup cgroup rw,cpu\n"
    root = machine(
        tmp_path,
        mountinfo,
        "4:cpu:/\n",
        {"sys/fs/cgroup/my cpu/cpu.cfs_quota_us": "-1\n", "sys/fs/cgroup/my cpu/cpu.cfs_period_us": "100000\n"},
    )
    assert cpu_quota(root) is None
    (root / "sys/fs/cgroup/my cpu/cpu.cfs_quota_us").write_text("50000\n")
    assert cpu_quota(root) == 0.5


@pytest.mark.parametrize(
    ("mountinfo", "memberships", "files"),
    [
        ("", "0::/\n", {}),  # no cgroup mounted
        (V2_CONTAINER, "0::/\n", {}),  # the root group sets no cpu.max
        (V2_CONTAINER, "0::/\n", {"sys/fs/cgroup/cpu.max": "lots of time\n"}),
        (V1_CONTAINER, "4:memory:/docker/abc\n", {}),  # not in the cpu controller's hierarchy
        ("garbage line\n" + V2_CONTAINER, "\n", {"sys/fs/cgroup/cpu.max": "100000 100000\n"}),
    ],
)
def test_what_cannot_be_read_is_no_quota(
    tmp_path: Path, mountinfo: str, memberships: str, files: dict[str, str]
) -> None:
    assert cpu_quota(machine(tmp_path, mountinfo, memberships, files)) is None


def test_no_proc_is_no_quota(tmp_path: Path) -> None:
    assert cpu_quota(tmp_path) is None


@pytest.mark.parametrize(
    ("affinity", "quota", "usable"), [(8, None, 8), (8, 1.0, 1), (8, 1.5, 1), (8, 2.0, 2), (2, 4.0, 2), (4, 0.5, 1)]
)
def test_the_usable_cores_are_the_affinity_within_the_whole_cpus_of_the_quota(
    affinity: int, quota: float | None, usable: int
) -> None:
    assert cores_within(affinity, quota) == usable


def test_a_quota_of_one_cpu_starts_no_second_git_and_forks_no_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.setattr(cores, "_process_quota", lambda: None)
    assert (usable_cores(), spare_core(), parallel_parse.usable_processes()) == (4, True, 4)
    monkeypatch.setattr(cores, "_process_quota", lambda: 1.0)  # docker run --cpus 1
    assert (usable_cores(), spare_core(), parallel_parse.usable_processes()) == (1, False, 1)

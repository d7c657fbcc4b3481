"""`charter check` on one catalog file of 8k, 16k and 32k components, every one with diagnostics
(half of them a schema error, the other half analysis findings: a dangling owner, tier 1 without
SLO...). Linear work doubles the time with the components; the ratio column shows it (it was 4x per
doubling while each diagnostic parsed its file again).

    .venv/bin/python benchmarks/bench_check_one_file.py [--sizes 8000 16000 32000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from child_process import run_child

ORGANIZATION = "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\nspec: {}\n"


def component(index: int) -> str:
    depends_on = "resource:x" if index % 2 == 0 else "[resource:x]"  # the even ones do not validate
    return (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
        f"metadata:\n  name: c{index}\n  annotations: {{charter.dev/tier: '1'}}\n"
        f"spec:\n  type: service\n  lifecycle: production\n  owner: group:nobody{index}\n  dependsOn: {depends_on}\n"
    )


def write_organisation(root: Path, components: int) -> None:
    (root / "catalog").mkdir(parents=True)
    (root / "charter.yaml").write_text(ORGANIZATION, encoding="utf-8")
    text = "---\n".join(component(index) for index in range(components))
    (root / "catalog" / "all.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8000, 16000, 32000])
    args = parser.parse_args()
    charter = str(Path(sys.executable).with_name("charter"))
    workdir = Path(tempfile.mkdtemp(prefix="charter-bench-"))
    env = {name: value for name, value in os.environ.items() if name != "CHARTER_DATABASE_URL"}
    print(f"{'components in one file':<24} {'MB':>6} {'wall':>8} {'cpu':>8} {'peak':>8}   cpu / previous size")
    previous = None
    for size in args.sizes:
        root = workdir / str(size)
        write_organisation(root, size)
        megabytes = (root / "catalog" / "all.yaml").stat().st_size / 1e6
        check = [charter, "check", "--repo", str(root), "--no-cache", "--format", "json", "--output", os.devnull]
        run = run_child(check, env, allowed=(1,))
        ratio = f"{run.cpu / previous:.2f}x" if previous else "—"
        print(f"{size:<24} {megabytes:6.1f} {run.seconds:6.2f} s {run.cpu:6.2f} s {run.peak_mb:5.0f} MB   {ratio}")
        previous = run.cpu
        shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

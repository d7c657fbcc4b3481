"""`charter import findings` of 400 scanner files holding 200,000 findings (a mix of Trivy JSON,
Grype JSON and CodeQL SARIF, as the tools write them) into SQLite and PostgreSQL (target: under 60 s
and 1 GB peak each), against the floor: `json.load` of the same files alone, in this process.

Files are written with the demo's document builders (`charter.demo.scans`), each scanning one
image or repository of a generated catalog (its components carry `charter.dev/images` and
`charter.dev/repo`, so every finding is mapped). Each import runs `charter import findings` in its
own process over all the files, so wall time includes start-up and loading the catalog, and peak
memory is its own (wait4's rusage). PostgreSQL is a throwaway cluster (tests/pg_server.py).

    .venv/bin/python benchmarks/bench_findings.py [--files 400] [--findings 200000]
        [--backend sqlite|postgresql|both] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.pg_server

from charter.demo.scans import (  # noqa: E402
    CODE_RULES,
    KnownVulnerability,
    grype_document,
    sarif_document,
    trivy_document,
)

TARGET_SECONDS = 60.0
TARGET_MEGABYTES = 1024.0
COMPONENTS = 200
SEVERITIES = ("CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "MEDIUM", "LOW", "LOW")
VECTORS = (
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
)
DESCRIPTION = (
    "A flaw was found in the way the library parses crafted input. A remote attacker could send a specially "
    "crafted request that causes excessive memory use, leading to a denial of service. "
)


def component(number: int) -> str:
    return f"service-{number:04d}"


def write_strategy(root: Path) -> None:
    (root / "catalog").mkdir(parents=True)
    (root / "charter.yaml").write_text(
        "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: bench}\nspec: {}\n", encoding="utf-8"
    )
    documents = [
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n"
    ]
    for number in range(COMPONENTS):
        name = component(number)
        documents.append(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
            f"  name: {name}\n  annotations:\n"
            f'    charter.dev/images: "registry.bench.example/{name}:*"\n'
            f"    charter.dev/repo: https://github.com/bench/{name}\n"
            "spec: {type: service, lifecycle: production, owner: platform}\n"
        )
    (root / "catalog" / "components.yaml").write_text("---\n".join(documents), encoding="utf-8")


def vulnerabilities(file_number: int, count: int) -> list[KnownVulnerability]:
    return [
        KnownVulnerability(
            cve=f"CVE-2024-{file_number * count + index + 10000}",
            package=f"lib{index % 97}",
            version=f"1.{index % 7}.{index % 3}",
            fixed=f"1.{index % 7 + 1}.0",
            ecosystem="apk",
            severity=SEVERITIES[index % len(SEVERITIES)],
            vector=VECTORS[index % len(VECTORS)],
            score=7.5,
            title=f"lib{index % 97}: " + DESCRIPTION[: 40 + index % 60],
        )
        for index in range(count)
    ]


def write_scans(folder: Path, files: int, findings: int) -> list[Path]:
    """`files` files, 2/5 Trivy, 2/5 Grype, 1/5 SARIF, `findings` findings in all."""
    folder.mkdir(parents=True)
    per_file = findings // files
    when = datetime(2026, 11, 1, 3, tzinfo=UTC)
    written = []
    for number in range(files):
        name = component(number % COMPONENTS)
        image = f"registry.bench.example/{name}:{number // COMPONENTS}.0"
        kind = ("trivy", "grype", "trivy", "grype", "sarif")[number % 5]
        scanned = when + timedelta(minutes=number)
        if kind == "trivy":
            document = trivy_document(image, scanned, vulnerabilities(number, per_file))
            for item in document["Results"][0]["Vulnerabilities"]:
                item["Description"] = DESCRIPTION * 2
                item["References"] = [f"https://nvd.nist.gov/vuln/detail/{item['VulnerabilityID']}"] * 4
        elif kind == "grype":
            document = grype_document(image, scanned, vulnerabilities(number, per_file))
        else:
            results = [
                (index % len(CODE_RULES), f"src/module{number}/file{index}.py", 10 + index) for index in range(per_file)
            ]
            document = sarif_document([(f"https://github.com/bench/{name}", scanned, results)])
        path = folder / f"{number:03d}-{kind}.{'sarif' if kind == 'sarif' else 'json'}"
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
        written.append(path)
    return written


def json_floor(paths: list[Path]) -> float:
    started = time.perf_counter()
    for path in paths:
        with path.open("rb") as handle:
            json.load(handle)
    return time.perf_counter() - started


def run_import(strategy: Path, paths: list[Path], database_url: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident MB of `charter import findings` over every file,
    in a child (CPU time shows the work on a machine other processes share)."""
    command = [
        str(Path(sys.executable).parent / "charter"),
        "import",
        "findings",
        "--repo",
        str(strategy),
        *map(str, paths),
    ]
    environment = {**os.environ, "CHARTER_DATABASE_URL": database_url}
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"charter import findings failed:\n{errors.decode()[-3000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def stored_findings(strategy: Path, database_url: str) -> int:
    from sqlalchemy import func, select

    from charter.store.database import open_store
    from charter.store.schema import findings

    with open_store(strategy, database_url or None) as store, store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(findings)).scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--findings", type=int, default=200_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--keep", type=Path, help="leave the files and stores in this directory")
    arguments = parser.parse_args()

    work = arguments.keep or Path(tempfile.mkdtemp(prefix="charter-bench-findings-"))
    strategy = work / "strategy"
    if strategy.exists():
        shutil.rmtree(strategy)
    write_strategy(strategy)
    scans = work / "scans"
    if scans.exists():
        shutil.rmtree(scans)
    print(f"writing {arguments.files} scanner files with {arguments.findings:,} findings in {scans} …", flush=True)
    paths = write_scans(scans, arguments.files, arguments.findings)
    size = sum(path.stat().st_size for path in paths) / 1e6
    floor = json_floor(paths)
    print(f"json.load of all files (the floor): {floor:.2f} s for {size:.0f} MB")

    rows: list[tuple[str, float, float, float, int]] = []
    if arguments.backend in ("sqlite", "both"):
        elapsed, cpu, peak = run_import(strategy, paths, "")
        rows.append(("sqlite", elapsed, cpu, peak, stored_findings(strategy, "")))
    if arguments.backend in ("postgresql", "both"):
        from tests.pg_server import start_postgres_server

        server = start_postgres_server()
        try:
            url = server.url(server.create_database())
            elapsed, cpu, peak = run_import(strategy, paths, url)
            rows.append(("postgresql", elapsed, cpu, peak, stored_findings(strategy, url)))
        finally:
            server.stop()

    print(f"{'backend':<12}{'import s':>10}{'x floor':>10}{'cpu s':>8}{'peak MB':>10}{'findings':>11}  target")
    failed = False
    for backend, elapsed, cpu, peak, count in rows:
        ok = elapsed < TARGET_SECONDS and peak < TARGET_MEGABYTES
        failed |= not ok
        print(
            f"{backend:<12}{elapsed:>10.1f}{elapsed / floor:>10.1f}{cpu:>8.1f}{peak:>10.0f}{count:>11,}  "
            f"{'ok' if ok else 'MISSED'} (< {TARGET_SECONDS:.0f} s, < {TARGET_MEGABYTES:.0f} MB)"
        )
    if arguments.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

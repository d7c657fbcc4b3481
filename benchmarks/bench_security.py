"""`charter security` over the large demo organisation with 200,000 open findings (target: under
3 s), and `charter import epss` of a 300,000-row EPSS file.

The findings are written straight into the store with the findings store's own writer
(`charter.store.findings.write_scan`: one Trivy scan per component, in one transaction), spread over
the components, a pool of CVEs (some in KEV, some with high EPSS), the four severities, CVSS vectors
and first-seen days over the last year. The KEV catalog and a full-size EPSS file are imported with
`charter import`. Each `charter security --format json` runs in its own process, so its wall time
includes start-up and loading the organisation (warm: the parse cache is filled by the first run).
The demo grants no exception to a finding, so its risks and decisions are not read; one more run
with a decision accepting a finding (added for it, then removed) reads them too.

    .venv/bin/python benchmarks/bench_security.py [--findings 200000] [--epss-rows 300000]
        [--repeat 3] [--keep DIR]

The store is the demo's SQLite file, or PostgreSQL when CHARTER_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from child_process import run_child

TARGET_SECONDS = 3.0
CVE_POOL = 8000
KEV_SHARE = 0.02
SEVERITIES = ("critical", "high", "high", "medium", "medium", "medium", "low", "low")
VECTORS = (
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    None,
)


EXCEPTION_DECISION = """---
status: accepted
date: 2026-01-01
findings: [{cve}]
---
# Accept {cve} until the next release
"""


def cve(number: int) -> str:
    return f"CVE-2024-{10000 + number}"


def fill_findings(root: Path, count: int, now: datetime) -> int:
    """Write `count` findings, one Trivy scan per component; returns the components used."""
    from charter.analysis.component_sources import component_key
    from charter.load.repository import load_strategy_repo
    from charter.model.finding import Finding
    from charter.store.database import open_store
    from charter.store.findings import write_scan

    estate = load_strategy_repo(root)
    components = sorted(component_key(ref) for ref in estate.entities if ref.kind == "component")
    rng = random.Random(7)
    per_component = -(-count // len(components))
    written = 0
    with open_store(root) as store, store.transaction() as connection:
        for component in components:
            take = min(per_component, count - written)
            if take <= 0:
                break
            numbers = rng.sample(range(CVE_POOL), take)
            found = [
                Finding(
                    key=f"{cve(number)}|libexample{number % 50}|component:default/{component}",
                    scanner="Trivy",
                    target=f"registry.example/{component}:1",
                    severity=rng.choice(SEVERITIES),  # type: ignore[arg-type]
                    title=f"{cve(number)} in libexample{number % 50}",
                    vulnerability_id=cve(number),
                    package=f"libexample{number % 50}",
                    package_version="1.0.0",
                    cvss_vector=rng.choice(VECTORS),
                    component=f"component:default/{component}",
                )
                for number in numbers
            ]
            scanned = now - timedelta(days=rng.randrange(0, 365))
            write_scan(connection, "Trivy", f"registry.example/{component}:1", scanned, found, "bench")
            written += take
    return len(components)


def write_feeds(folder: Path, epss_rows: int, today: datetime) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    kev_numbers = sorted(rng.sample(range(CVE_POOL), int(CVE_POOL * KEV_SHARE)))
    entries = [
        {
            "cveID": cve(number),
            "vendorProject": "Example",
            "product": f"libexample{number % 50}",
            "vulnerabilityName": f"{cve(number)} remote code execution",
            "dateAdded": (today - timedelta(days=rng.randrange(10, 900))).date().isoformat(),
            "dueDate": (today - timedelta(days=5)).date().isoformat(),
            "knownRansomwareCampaignUse": "Unknown",
        }
        for number in kev_numbers
    ]
    kev = folder / "kev.json"
    kev.write_text(json.dumps({"title": "CISA Catalog of Known Exploited Vulnerabilities", "vulnerabilities": entries}))
    epss = folder / "epss.csv"
    with epss.open("w", encoding="utf-8") as handle:
        handle.write(f"#model_version:v2025.03.14,score_date:{today.date().isoformat()}T00:00:00+0000\n")
        handle.write("cve,epss,percentile\n")
        for number in range(epss_rows):
            handle.write(
                f"{cve(number) if number < CVE_POOL else f'CVE-2019-{number:06d}'},"
                f"{rng.random() ** 4:.5f},{number / epss_rows:.5f}\n"
            )
    return kev, epss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--findings", type=int, default=200_000)
    parser.add_argument("--epss-rows", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()
    charter = str(Path(sys.executable).with_name("charter"))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-security-"))
    root = workdir / "org"
    now = datetime.now(UTC)
    try:
        if not (root / "charter.yaml").exists():
            started = time.perf_counter()
            subprocess.run([charter, "demo", str(root), "--size", args.size], check=True, stdout=subprocess.DEVNULL)
            print(f"demo --size {args.size}: {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            components = fill_findings(root, args.findings, now)
            elapsed = time.perf_counter() - started
            print(f"{args.findings:,} findings on {components:,} components written: {elapsed:.1f} s")
        kev, epss = write_feeds(workdir / "feeds", args.epss_rows, now)
        seconds, cpu, memory = run_child([charter, "import", "kev", str(kev), "--repo", str(root)], allowed=(0, 1))
        print(f"import kev: {seconds:.2f} s ({cpu:.2f} s CPU), {memory:.0f} MB")
        seconds, cpu, memory = run_child([charter, "import", "epss", str(epss), "--repo", str(root)], allowed=(0, 1))
        print(f"import epss ({args.epss_rows:,} rows): {seconds:.2f} s ({cpu:.2f} s CPU), {memory:.0f} MB")
        command = [charter, "security", "--repo", str(root), "--format", "json"]
        times = []
        for attempt in range(args.repeat + 1):
            seconds, cpu, memory = run_child(command, allowed=(0, 1))
            label = "cold (fills the parse cache)" if attempt == 0 else f"warm {attempt}"
            print(f"charter security, {label}: {seconds:.2f} s ({cpu:.2f} s CPU), {memory:.0f} MB")
            if attempt:
                times.append(seconds)
        best = min(times) if times else float("nan")
        # The demo's risks and decisions grant no exception, so `charter security` leaves them unparsed;
        # one decision accepting a finding makes it read them all.
        exception = root / "decisions" / "9999-accept-a-bench-finding.md"
        exception.write_text(EXCEPTION_DECISION.format(cve=cve(1)), encoding="utf-8")
        try:
            for label in ("cold", "warm"):  # the risks enter the parse cache
                seconds, cpu, memory = run_child(command, allowed=(0, 1))
                print(
                    f"charter security, a decision accepting a finding, {label}: {seconds:.2f} s ({cpu:.2f} s CPU), "
                    f"{memory:.0f} MB"
                )
        finally:
            exception.unlink()
        verdict = "OK" if best < TARGET_SECONDS else "SLOWER THAN TARGET"
        print(
            f"charter security over {args.findings:,} findings: best warm {best:.2f} s "
            f"(target {TARGET_SECONDS:.0f} s): {verdict}"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""`charter assess` over the large demo organisation (5,000 components, 300 teams, 200 mined repositories)
after its facts are imported, and what the strategy layer adds to `charter sync` (targets: assess under
5 s warm; the assessment, the escalations ledger and the targets together under 20% of sync's time).

The organisation is generated with its git clones (`charter demo --size large --git`), every fact file it
writes is imported as `make demo` does, and `charter sync --as-of 2026-11-01` mines the clones and takes
the snapshot, timed in its own process. Then, in this process over the synced store, the snapshot's other
providers are measured once and the assessment provider is timed on their values (that is what adding
the assessment costs a snapshot), then the escalations ledger step every sync runs (`record_escalations`:
raise, settle and record; on this store it stamps the last-seen time of what the sync recorded) and the
targets' statuses (which a sync evaluates when a webhook subscribes to `target.status_changed`).
Each `charter assess --format json` runs in its own process, so its wall time includes start-up and
loading the organisation (warm: the parse cache is filled by the first run).

    .venv/bin/python benchmarks/bench_assess.py [--repeat 3] [--keep DIR]

With `--keep DIR` the organisation and its store stay in DIR and are reused by the next run.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from datetime import time as day_time
from pathlib import Path

from child_process import run_child

AS_OF = "2026-11-01"
ASSESS_TARGET_SECONDS = 5.0
SNAPSHOT_SHARE_TARGET = 0.20


def import_facts(charter: str, root: Path) -> None:
    facts = root / "facts"
    imports = [
        ["deployments", str(facts / "deployments.jsonl")],
        ["incidents", *map(str, sorted(facts.glob("incidents-*")))],
        ["sli", str(facts / "sli.csv")],
        ["findings", *map(str, sorted((facts / "scans").iterdir()))],
        ["kev", str(facts / "kev.json")],
        ["epss", str(facts / "epss.csv")],
        ["scorecard", *map(str, sorted((facts / "scorecard").glob("*.json")))],
    ]
    for arguments in imports:
        seconds, cpu, memory = run_child([charter, "import", *arguments, "--repo", str(root)], allowed=(0, 1))
        print(f"import {arguments[0]}: {seconds:.1f} s ({cpu:.1f} s CPU), {memory:.0f} MB")


def snapshot_cost(root: Path) -> tuple[float, float]:
    """CPU seconds the snapshot's other providers take, and CPU seconds the strategy layer adds to a sync:
    the assessment provider on their values with storing what it gives, the escalations ledger step and
    the targets' statuses; with the cyclic collector off, as the command line runs."""
    from charter.analysis.metrics import Domain
    from charter.services.context import StoreNeed, open_context
    from charter.services.escalations import record_escalations
    from charter.services.metrics.providers import PROVIDERS
    from charter.services.metrics.shared import Period, SharedFacts
    from charter.services.snapshot import SNAPSHOT_PERIOD
    from charter.services.target_events import target_states
    from charter.store.snapshots import insert_snapshot

    until = datetime.combine(datetime.fromisoformat(AS_OF).date(), day_time.max, UTC)
    gc.disable()
    with open_context(root, StoreNeed.REQUIRED) as context:
        period = Period(until - SNAPSHOT_PERIOD, until)
        shared = SharedFacts(context, period)
        started = time.process_time()
        for provider in PROVIDERS:
            if provider.domain is not Domain.ASSESSMENT:
                shared.record(provider.measure(context, period, shared))
        others = time.process_time() - started
        (assessment,) = (provider for provider in PROVIDERS if provider.domain is Domain.ASSESSMENT)
        started = time.process_time()
        values = assessment.measure(context, period, shared)
        assessing = time.process_time() - started
        # What storing them adds to the snapshot's transaction (rolled back: the store is left as it was)
        with context.required_store().engine.connect() as connection:
            transaction = connection.begin()
            started = time.process_time()
            insert_snapshot(connection, until, None, values)
            storing = time.process_time() - started
            transaction.rollback()
        assessing += storing
        started = time.process_time()
        update = record_escalations(context, until, until.date())
        escalating = time.process_time() - started
        started = time.process_time()
        states = target_states(context)
        targeting = time.process_time() - started
    gc.enable()
    print(f"snapshot providers but the assessment: {others:.2f} s CPU")
    print(
        f"the assessment provider: {assessing - storing:.2f} s CPU, {len(values):,} values, stored in "
        f"{storing:.2f} s CPU"
    )
    print(
        f"the escalations ledger step: {escalating:.2f} s CPU ({len(update.new)} new, {len(update.resolved)} resolved)"
    )
    print(f"the targets' statuses: {targeting:.2f} s CPU ({len(states)} targets)")
    return others, assessing + escalating + targeting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()
    charter = str(Path(sys.executable).with_name("charter"))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-assess-"))
    root = workdir / "org"
    try:
        if not (root / "charter.yaml").exists():
            started = time.perf_counter()
            command = [charter, "demo", str(root), "--size", "large", "--git"]
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            print(f"demo --size large --git: {time.perf_counter() - started:.1f} s")
        imported = workdir / "facts-imported"
        if not imported.exists():
            import_facts(charter, root)
            imported.touch()
        sync = [charter, "sync", "--repo", str(root), "--as-of", AS_OF, "--quiet"]
        seconds, cpu, memory = run_child(sync, allowed=(0, 1))
        print(f"charter sync (mines, snapshots): {seconds:.1f} s ({cpu:.1f} s CPU), {memory:.0f} MB")
        sync_cpu = cpu
        _others, strategy_layer = snapshot_cost(root)
        share = strategy_layer / sync_cpu
        verdict = "OK" if share < SNAPSHOT_SHARE_TARGET else "OVER TARGET"
        print(
            f"assessment + escalations + targets add {strategy_layer:.2f} s, {share:.1%} of sync's CPU time "
            f"(target < {SNAPSHOT_SHARE_TARGET:.0%}): {verdict}"
        )
        command = [charter, "assess", "--repo", str(root), "--as-of", AS_OF, "--format", "json"]
        times = []
        for attempt in range(args.repeat + 1):
            seconds, cpu, memory = run_child(command)
            label = "cold (fills the parse cache)" if attempt == 0 else f"warm {attempt}"
            print(f"charter assess, {label}: {seconds:.2f} s ({cpu:.2f} s CPU), {memory:.0f} MB")
            if attempt:
                times.append(seconds)
        best = min(times) if times else float("nan")
        verdict = "OK" if best < ASSESS_TARGET_SECONDS else "SLOWER THAN TARGET"
        print(f"charter assess: best warm {best:.2f} s (target {ASSESS_TARGET_SECONDS:.0f} s): {verdict}")
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""`charter import sli`: SLI counts from CSV files (slo, timestamp, good, total), each file in its own
transaction, and pulled from Prometheus (`--from-prometheus`, and every `charter sync`) in one
transaction that writes nothing when a query fails."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from charter.model.diagnostics import Diagnostic
from charter.model.errors import UsageError
from charter.services.context import Context
from charter.services.imports import Diagnosed, store_failures
from charter.sources.limits import LimitExceeded, regular_file, renamed
from charter.sources.prometheus import PrometheusError, prometheus_client, pull_plan, pulled_counts
from charter.sources.records import past_limit, unreadable
from charter.sources.sli import read_sli_file
from charter.store.database import Store
from charter.store.sli import write_sli_days


@dataclass(frozen=True, slots=True)
class SliImportRequest:
    """CSV files to import, and whether to pull every SLO's counts from Prometheus over its window
    ending at `until` (UTC when it has no zone; None: now)."""

    files: tuple[Path, ...] = ()
    from_prometheus: bool = False
    until: datetime | None = None


@dataclass
class SliImportReport(Diagnosed):
    """What importing one file did: samples read, minutes written, SLOs, and what was wrong. With
    an error nothing of the file was written."""

    path: str
    samples: int = 0
    minutes: int = 0
    slos: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.failed:
            return self.nothing_imported(self.path)
        return f"{self.path}: imported {self.samples} samples, {self.minutes} minutes of {len(self.slos)} SLOs"


@dataclass
class PullReport(Diagnosed):
    """What a pull from Prometheus did; with an error nothing of it was written. An SLO given up on
    (its queries kept timing out or being answered 429 or 5xx) is left out, and the others written."""

    url: str
    minutes: int = 0
    slos: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    given_up: int = 0  # SLOs whose queries kept timing out or failing (IMP018)

    @property
    def summary(self) -> str:
        if self.failed:
            return f"{self.url}: nothing imported"
        gave_up = f"; gave up on {self.given_up} (IMP018)" if self.given_up else ""
        return f"{self.url}: imported {self.minutes} minutes of {len(self.slos)} SLOs{gave_up}"


@dataclass(frozen=True, slots=True)
class SliImportOutcome:
    """Each file's import, in the order given, and the pull when one was asked for."""

    files: tuple[SliImportReport, ...]
    pull: PullReport | None = None

    @property
    def failed(self) -> bool:
        return any(report.failed for report in self.files) or (self.pull is not None and self.pull.failed)


def import_sli(context: Context, request: SliImportRequest) -> SliImportOutcome:
    """Import the files, then pull when asked; UsageError when there is nothing to do."""
    if not request.files and not request.from_prometheus:
        raise UsageError("name CSV files to import, or pass --from-prometheus")
    store = context.required_store()
    known = set(context.estate.slos)
    with store_failures():
        files = tuple(import_sli_file(store, path, known) for path in request.files)
        pull = pull_sli(context, _utc(request.until or context.clock())) if request.from_prometheus else None
    return SliImportOutcome(files, pull)


def _utc(moment: datetime) -> datetime:
    """A time without a zone is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def import_sli_file(store: Store, path: Path, known_slos: Collection[str] | None = None) -> SliImportReport:
    """Import one CSV file of SLI samples in one transaction (nothing when a line is bad). A name
    not in `known_slos` (when given) is an IMP011 warning; its samples are still stored, for an SLO
    that is declared later."""
    try:
        with regular_file(path) as local:
            found = read_sli_file(local, known_slos)
    except LimitExceeded as error:
        return SliImportReport(str(path), diagnostics=[past_limit(path, error).diagnostic])
    except OSError as error:
        return SliImportReport(str(path), diagnostics=[unreadable(path, error.strerror or str(error)).diagnostic])
    diagnostics = [renamed(item, local, path) for item in found.diagnostics]
    report = SliImportReport(str(path), found.samples, 0, found.slos, diagnostics)
    if found.failed:
        return report
    with store.transaction() as connection:
        for days in found.grid.days():
            report.minutes += write_sli_days(connection, days)
    return report


def pull_sli(context: Context, until: datetime, client: httpx.Client | None = None) -> PullReport:
    """Pull every SLO's per-minute counts over its window ending at `until` from charter.yaml's
    `spec.sources.prometheus` and write them in one transaction; nothing is written when a query fails."""
    plan = pull_plan(context.estate)
    if plan.source is None:
        return PullReport("(not configured)", diagnostics=list(plan.diagnostics))
    report = PullReport(plan.source.url, diagnostics=list(plan.diagnostics))
    owned = client is None
    session = client or prometheus_client(plan.source, context.root)
    try:
        with context.required_store().transaction() as connection:
            for pulled in pulled_counts(session, plan, until, context.policies.slo_period):
                if isinstance(pulled, Diagnostic):  # given up on this SLO: the others go on
                    report.diagnostics.append(pulled)
                    report.given_up += 1
                    continue
                name, grid = pulled
                for days in grid.days():
                    report.minutes += write_sli_days(connection, days)
                report.slos.append(name)
    except PrometheusError as error:  # raised inside the transaction: it is rolled back
        report.diagnostics.append(error.diagnostic)
        report.minutes = 0
        report.slos = []
    finally:
        if owned:
            session.close()
    return report

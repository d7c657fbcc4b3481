"""The escalation ledger's lifecycle on SQLite and PostgreSQL: first seen, last seen, acknowledged
(who, when, why), resolved when the condition clears, opened anew when it returns, suppressed with a
reason until the suppression expires; a re-run with nothing changed raises nothing new, a run at an
earlier moment rewrites nothing; and the time to acknowledge and to resolve from the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from charter.model.errors import UsageError
from charter.services.context import load_context
from charter.services.escalations import (
    EscalationsQuery,
    acknowledge_escalation,
    escalation_response_times,
    escalations_report,
)
from charter.store.database import Store, open_store
from tests.cli.test_escalations_rules import TWO_INCIDENTS, migration
from tests.escalations_strategy import ORGANIZATION, write_escalations_repo
from tests.strategy import write_repo

UNSAFE = migration("in-progress", "{successCriteria: [reads moved]}")
SAFE = migration("in-progress", "{rollbackPlan: docs/rollback.md, successCriteria: [reads moved], observability: [x]}")
SUPPRESSED = (
    ORGANIZATION
    + """\
  ignore:
    - {code: ESC001, entity: component:ledger, reason: the fix is staffed from January, until: 2026-11-10}
"""
)


def _run(root: Path, store: Store, day: int, *, record: bool = True) -> dict[str, dict[str, object]]:
    """The escalations at the end of November `day`, 2026, by code (one escalation per code here)."""
    report = escalations_report(load_context(root, store), EscalationsQuery(as_of=date(2026, 11, day), record=record))
    items = [item for digest in report.view.digests for item in digest.escalations] + report.view.suppressed
    found = {item.code: item.model_dump(mode="json", by_alias=True) for item in items}
    found["_report"] = report.view.model_dump(mode="json", by_alias=True)
    return found


def _rewrite(root: Path, files: dict[str, str]) -> None:
    write_repo(root, files, organization=None)


def test_the_ledger_keeps_first_and_last_seen_acknowledgement_resolution_and_suppression(
    tmp_path: Path, database_url: str
) -> None:
    root = write_escalations_repo(tmp_path / "org", {**TWO_INCIDENTS, "roadmap/move.yaml": UNSAFE})
    with open_store(root, database_url) as store:
        first = _run(root, store, 1)
        assert {code: (item["new"], item["state"]) for code, item in first.items() if code != "_report"} == {
            "ESC001": (True, "open"),
            "ESC006": (True, "open"),
        }
        assert first["ESC001"]["firstSeen"] == "2026-11-01T23:59:59.999999+00:00"

        # Nothing changed: nothing new, first seen kept, last seen moved.
        second = _run(root, store, 2)
        assert [second[code]["new"] for code in ("ESC001", "ESC006")] == [False, False]
        assert second["ESC006"]["firstSeen"] == "2026-11-01T23:59:59.999999+00:00"
        assert second["ESC006"]["lastSeen"] == "2026-11-02T23:59:59.999999+00:00"

        # Acknowledged by someone, at a moment, for a reason.
        identifier = str(second["ESC006"]["id"])
        morning = load_context(root, store, clock=lambda: datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
        entry = acknowledge_escalation(morning, identifier.lower(), "  rollback plan being written  ", by="jane")
        assert (entry.acknowledged_by, entry.acknowledgement) == ("jane", "rollback plan being written")
        third = _run(root, store, 3)
        assert (third["ESC006"]["state"], third["ESC006"]["acknowledgedBy"]) == ("acknowledged", "jane")
        assert third["ESC006"]["acknowledgedAt"] == "2026-11-03T09:00:00+00:00"

        # The migration gets its safety: resolved by the next run.
        _rewrite(root, {"roadmap/move.yaml": SAFE})
        fourth = _run(root, store, 4)
        assert "ESC006" not in fourth
        report = fourth["_report"]
        assert [(item["id"], item["resolvedAt"]) for item in report["resolved"]] == [  # type: ignore[index]
            (identifier, "2026-11-04T23:59:59.999999+00:00")
        ]
        times = escalation_response_times(load_context(root, store))
        assert times.raised == 2 and times.still_open == 1
        assert times.to_acknowledge.count == 1
        assert times.to_acknowledge.median_hours == pytest.approx(33.0, abs=1e-6)  # Nov 1 23:59:59.999999 → Nov 3 9:00
        assert times.to_resolve.count == 1 and times.to_resolve.median_hours == pytest.approx(72.0)

        # It comes back: new again, from now, and the old acknowledgement no longer holds.
        _rewrite(root, {"roadmap/move.yaml": UNSAFE})
        fifth = _run(root, store, 5)
        assert (fifth["ESC006"]["new"], fifth["ESC006"]["state"], fifth["ESC006"]["acknowledgedBy"]) == (
            True,
            "open",
            None,
        )
        assert fifth["ESC006"]["firstSeen"] == "2026-11-05T23:59:59.999999+00:00"

        # Suppressed through charter.yaml's spec.ignore, with its reason and expiry, then expired.
        _rewrite(root, {"charter.yaml": SUPPRESSED})
        sixth = _run(root, store, 6)
        assert (sixth["ESC001"]["state"], sixth["ESC001"]["suppressedReason"], sixth["ESC001"]["suppressedUntil"]) == (
            "suppressed",
            "the fix is staffed from January",
            "2026-11-10",
        )
        assert sixth["_report"]["counts"]["suppressed"] == 1  # type: ignore[index]
        eleventh = _run(root, store, 11)
        assert (eleventh["ESC001"]["state"], eleventh["ESC001"]["suppressedReason"]) == ("open", None)
        assert eleventh["ESC001"]["firstSeen"] == "2026-11-01T23:59:59.999999+00:00"  # never resolved meanwhile

        # A run at an earlier moment, and a dry run, leave the ledger as it is.
        earlier = _run(root, store, 7)
        assert earlier["_report"]["ledgerWritten"] is False
        _rewrite(root, {"roadmap/move.yaml": SAFE})
        dry = _run(root, store, 12, record=False)
        assert dry["_report"]["ledgerWritten"] is False and dry["_report"]["resolved"] == []
        assert _run(root, store, 12)["_report"]["resolved"] != []


def test_acknowledging_an_unknown_escalation_or_without_a_reason_is_a_usage_error(
    tmp_path: Path, database_url: str
) -> None:
    root = write_escalations_repo(tmp_path / "org", {"roadmap/move.yaml": UNSAFE})
    with open_store(root, database_url) as store:
        context = load_context(root, store)
        identifier = str(_run(root, store, 1)["ESC006"]["id"])
        with pytest.raises(UsageError, match="no escalation 'ESC006-0000000000' in the ledger"):
            acknowledge_escalation(context, "ESC006-0000000000", "on it", by="jane")
        with pytest.raises(UsageError, match="--reason"):
            acknowledge_escalation(context, identifier, "  ", by="jane")


def test_sync_records_escalations_with_its_snapshot_and_a_second_sync_opens_nothing(tmp_path: Path) -> None:
    from tests.conftest import run_charter
    from tests.escalations_strategy import escalations_json, open_items, write_escalations_repo

    owner_a_person = {"catalog/extra.yaml": CRITICAL_OWNED_BY_A_PERSON}
    root = write_escalations_repo(tmp_path / "org", owner_a_person)
    env = {"CHARTER_DATABASE_URL": ""}
    first = run_charter("sync", "--repo", str(root), "--quiet", env=env)
    assert first.exit_code == 0, first.output
    assert "escalations: 1 opened, 0 resolved" in first.stdout
    second = run_charter("sync", "--repo", str(root), "--quiet", env=env)
    assert "escalations: 0 opened, 0 resolved" in second.stdout
    [item] = open_items(escalations_json(root, "--dry-run")).values()
    assert item["code"] == "ESC007" and item["new"] is False


CRITICAL_OWNED_BY_A_PERSON = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: vault
  annotations: {charter.dev/tier: "1"}
spec: {type: service, lifecycle: production, owner: user:jane}
"""

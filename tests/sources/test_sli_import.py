"""`charter import sli` from CSV: counts binned per minute and stored per SLO and day with hourly
rollups, a later import replacing the minutes it names, and every kind of bad file refused with the
file and line, writing nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from charter.model.sli_counts import MINUTES_PER_DAY, epoch_minute
from charter.services.imports_sli import import_sli_file
from charter.store import Store, open_store
from charter.store.schema import sli_hourly, sli_samples
from charter.store.sli import pack_minutes, read_sli_counts, unpack_minutes

DAY = datetime(2026, 10, 1, tzinfo=UTC)
DAY_NUMBER = epoch_minute(DAY) // MINUTES_PER_DAY


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path, database_url) as opened:
        yield opened


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path) as opened:
        yield opened


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def day_counts(store: Store, slo: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with store.engine.connect() as connection:
        counts = read_sli_counts(connection, [slo], DAY_NUMBER, DAY_NUMBER, [DAY_NUMBER])[slo]
    good, total = counts.minute_series(epoch_minute(DAY), epoch_minute(DAY) + MINUTES_PER_DAY)
    return good, total, counts.hourly_total


def rows(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(sli_samples)).scalar_one())


def test_samples_are_binned_per_minute_with_hourly_rollups(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "sli.csv",
        "SLO,Timestamp,Good,Total,extra\n"
        "checkout-availability,2026-10-01T00:00:00Z,9,10,x\n"
        "checkout-availability,2026-10-01T00:00:30Z,5,5,x\n"  # same minute: adds up
        "checkout-availability,2026-10-01T02:01:59+01:00,0,0,x\n"  # 01:01 UTC, no traffic
        "checkout-availability,2026-10-01T23:59:00.5Z,3,4,x\n",
    )
    report = import_sli_file(store, path, {"checkout-availability"})

    assert not report.diagnostics and (report.samples, report.minutes) == (4, 3)
    good, total, hourly_total = day_counts(store, "checkout-availability")
    assert (good[0], total[0]) == (14, 15)
    assert (good[61], total[61]) == (0, 0)  # a minute without traffic is 0, not missing
    assert np.isnan(total[1]) and np.isnan(total[60])  # minutes without a sample are missing
    assert (good[-1], total[-1]) == (3, 4)
    assert hourly_total[0] == 15 and hourly_total[1] == 0 and hourly_total[23] == 4
    with store.engine.connect() as connection:
        present = connection.execute(select(sli_hourly.c.minutes)).scalar_one()
    assert list(np.frombuffer(present, np.uint8)[:2]) == [1, 1]


def test_unix_seconds_are_read_too(sqlite_store: Store, tmp_path: Path) -> None:
    seconds = int(DAY.timestamp())
    path = write(tmp_path / "sli.csv", f"slo,timestamp,good,total\na,{seconds + 59},1,2\na,{seconds + 60}.5,3,3\n")

    assert not import_sli_file(sqlite_store, path, {"a"}).failed
    good, total, _hourly = day_counts(sqlite_store, "a")
    assert list(total[:2]) == [2, 3] and list(good[:2]) == [1, 3]


def test_a_later_import_replaces_the_minutes_it_names_and_keeps_the_rest(store: Store, tmp_path: Path) -> None:
    first = "slo,timestamp,good,total\n" + "".join(f"a,2026-10-01T00:{m:02d}:00Z,10,10\n" for m in range(10))
    second = "slo,timestamp,good,total\n" + "".join(f"a,2026-10-01T00:{m:02d}:00Z,1,2\n" for m in range(5, 15))
    import_sli_file(store, write(tmp_path / "first.csv", first))
    import_sli_file(store, write(tmp_path / "second.csv", second))

    good, total, hourly_total = day_counts(store, "a")
    assert list(total[:15]) == [10] * 5 + [2] * 10
    assert list(good[:15]) == [10] * 5 + [1] * 10
    assert hourly_total[0] == 5 * 10 + 10 * 2
    assert rows(store) == 1


def test_missing_columns_name_the_file_and_import_nothing(sqlite_store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "sli.csv", "slo,when,good\na,2026-10-01T00:00:00Z,1\n")
    report = import_sli_file(sqlite_store, path)

    assert report.failed
    [found] = report.diagnostics
    assert found.code == "IMP010" and found.location is not None and found.location.path == str(path)
    assert "'timestamp', 'total'" in found.message
    assert rows(sqlite_store) == 0


def test_bad_lines_are_named_and_nothing_of_the_file_is_written(sqlite_store: Store, tmp_path: Path) -> None:
    good_file = write(tmp_path / "good.csv", "slo,timestamp,good,total\na,2026-10-01T00:00:00Z,1,1\n")
    bad_file = write(
        tmp_path / "bad.csv",
        "slo,timestamp,good,total\n"
        "a,2026-10-01T00:00:00Z,1,1\n"
        "a,2026-10-01T00:01:00,1,1\n"  # line 3: no zone
        "a,2026-10-01T00:02:00Z,5,4\n"  # line 4: good > total
        "a,2026-10-01T00:03:00Z,-1,4\n"  # line 5: negative
        "a,yesterday,1,1\n"  # line 6: not a time
        "a,2026-10-01T00:04:00Z,,4\n",  # line 7: empty count
    )
    bad = import_sli_file(sqlite_store, bad_file)
    good = import_sli_file(sqlite_store, good_file)

    assert [(item.code, item.location.line if item.location else None) for item in bad.diagnostics] == [
        ("IMP013", 3),
        ("IMP012", 4),
        ("IMP012", 5),
        ("IMP012", 6),
        ("IMP012", 7),
    ]
    assert "has no zone" in bad.diagnostics[0].message
    assert "`good` (5) is greater than `total` (4)" in bad.diagnostics[1].message
    assert not good.failed and rows(sqlite_store) == 1


def test_unknown_slo_names_are_warned_about_at_their_first_line(sqlite_store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "sli.csv",
        "slo,timestamp,good,total\na,2026-10-01T00:00:00Z,1,1\ntypo,2026-10-01T00:00:00Z,1,1\n"
        "typo,2026-10-01T00:01:00Z,1,1\n",
    )
    report = import_sli_file(sqlite_store, path, {"a"})

    [found] = report.diagnostics
    assert (found.code, found.severity, found.location.line if found.location else None) == ("IMP011", "warning", 3)
    assert "`typo`" in found.message
    assert not report.failed and report.minutes == 3


def test_blank_lines_and_quoted_fields_fall_back_to_the_line_reader(sqlite_store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "sli.csv",
        'slo,timestamp,good,total\n"a",2026-10-01T00:00:00Z,1,1\n\n"a",2026-10-01T00:01:00Z,2,3\n',
    )
    report = import_sli_file(sqlite_store, path, {"a"})

    assert not report.diagnostics and report.minutes == 2
    _good, total, _hourly = day_counts(sqlite_store, "a")
    assert list(total[:2]) == [1, 3]


@pytest.mark.parametrize(
    ("values", "tag"),
    [
        ([1.0, np.nan, 65534.0], b"H"),
        ([70000.0, 0.0, np.nan], b"I"),
        ([0.5, np.nan, 2.0], b"f"),
        ([0.1, 1e300, 0], b"d"),
    ],
)
def test_minutes_are_packed_in_the_narrowest_lossless_form(values: list[float], tag: bytes) -> None:
    row = np.array([values])
    [blob] = pack_minutes(row)
    assert blob[:1] == tag
    np.testing.assert_array_equal(unpack_minutes(blob), row[0])


def test_an_incidents_budget_share_is_read_from_the_store(sqlite_store: Store, tmp_path: Path) -> None:
    from datetime import timedelta

    from charter.analysis.reliability.slo_status import incident_budget_share
    from charter.model.incident import Incident
    from charter.model.slo import Slo
    from charter.services.sli_counts import counts_for_incident

    lines = ["slo,timestamp,good,total"]
    for minute in range(2 * MINUTES_PER_DAY):  # two days of 100 events a minute, 10 bad from 12:00 to 12:30
        moment = DAY + timedelta(minutes=minute)
        bad = 10 if MINUTES_PER_DAY + 720 <= minute < MINUTES_PER_DAY + 750 else 0
        lines.append(f"a,{moment.isoformat()},{100 - bad},100")
    import_sli_file(sqlite_store, write(tmp_path / "sli.csv", "\n".join(lines) + "\n"))
    slo = Slo("a", "sloth", 0.99)
    next_day = DAY + timedelta(days=1)
    started = next_day + timedelta(hours=11, minutes=59, seconds=30)
    incident = Incident(
        "INC-1", "errors", "SEV2", ("a",), started, resolved=next_day + timedelta(hours=12, seconds=2410)
    )
    edges = [incident.started, incident.resolved]
    for period in (timedelta(days=1), None):
        counts = counts_for_incident(sqlite_store, slo, DAY, DAY + timedelta(days=2), edges, period)  # type: ignore[arg-type]
        # 300 bad events; the window is the day before 12:40:10 (12:40): 1,440 minutes of 100.
        share = incident_budget_share(counts, slo, incident, default_period=timedelta(days=1))
        assert share == pytest.approx(300 / (0.01 * 144_000))

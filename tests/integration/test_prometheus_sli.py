"""SLI data from a real Prometheus: 31 days of request counters (with a stretch without traffic, a
scrape gap and a counter reset) are backfilled with `promtool tsdb create-blocks-from openmetrics`,
a Prometheus 2.x is started on loopback over them, Charter pulls the per-minute counts through the
HTTP API, and `charter slo status` must agree with Prometheus' own PromQL over the 30-day window and
every alert window at fixed times, within 0.1%. Also the error paths: a server that is down, a query
the server refuses (its 400 answer), and the tenant and auth headers a Mimir would need (recorded by
a small loopback HTTP server). And the retries, against a loopback server that answers slowly, 429 or
5xx: a query is asked again with backoff, and one that keeps failing gives up its SLO alone."""

from __future__ import annotations

import json
import math
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest
import stamina
from sqlalchemy import func, select

from charter.model.sli_counts import MINUTES_PER_DAY
from charter.services.context import load_context
from charter.services.imports_sli import pull_sli
from charter.services.slo_status import slo_statuses as slo_status_report
from charter.sources.prometheus import RETRY_ATTEMPTS
from charter.store import Store, open_store
from charter.store.schema import sli_samples
from tests.strategy import write_repo

NO_PROMETHEUS = shutil.which("prometheus") is None or shutil.which("promtool") is None

END = datetime(2026, 11, 1, tzinfo=UTC)
START = END - timedelta(days=31)
SCRAPE_SECONDS = 30
GAP = (START + timedelta(days=15, hours=10), START + timedelta(days=15, hours=12))  # no samples; then a reset
QUIET = (START + timedelta(days=20, hours=2), START + timedelta(days=20, hours=8))  # samples, no traffic
SLO_NAME = "checkout-requests-availability"
ERROR_QUERY = 'sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))'
TOTAL_QUERY = 'sum(rate(http_requests_total{job="checkout"}[{{.window}}]))'


def sloth_spec(slos: dict[str, tuple[str, str]]) -> str:
    entries = "".join(
        f"""
  - name: {name}
    objective: 99.5
    sli:
      events:
        error_query: '{error}'
        total_query: '{total}'"""
        for name, (error, total) in slos.items()
    )
    return f'version: "prometheus/v1"\nservice: checkout\nslos:{entries}\n'


def checkout_files() -> dict[str, str]:
    return {"slos/checkout.yaml": sloth_spec({"requests-availability": (ERROR_QUERY, TOTAL_QUERY)})}


def organization(url: str, extra: str = "") -> str:
    return f"""\
apiVersion: charter.dev/v1
kind: Organization
metadata: {{name: acme}}
spec:
  sources:
    prometheus:
      url: {url}
{extra}"""


def minute_events(minute: int) -> tuple[int, int]:
    """Bad and total requests of minute `minute` since START: even numbers, so that the two scrapes of
    a minute each see half of them."""
    moment = START + timedelta(minutes=minute)
    if QUIET[0] <= moment < QUIET[1]:
        return 0, 0
    total = 2 * (40 + minute % 13)
    if moment >= END - timedelta(hours=3):
        bad = 2 * (8 + minute % 3)  # burning fast at the end
    elif START + timedelta(days=25) <= moment < START + timedelta(days=26):
        bad = 2
    else:
        bad = 2 if minute % 97 == 0 else 0
    return bad, total


def openmetrics_days() -> Iterator[str]:
    """Counters of good (200) and bad (500) requests scraped every 30 s, one OpenMetrics text per day
    (promtool reads its whole input once per 2-hour block it writes, so one file per day keeps the
    backfill linear). After the gap the exporter restarted: its counters start again from 0."""
    counters = {"200": 1000, "500": 10}
    start = int(START.timestamp())
    for day in range(31):
        series: dict[str, list[str]] = {"200": [], "500": []}
        for minute in range(day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY):
            bad, total = minute_events(minute)
            for half in (1, 2):
                moment = start + minute * 60 + half * SCRAPE_SECONDS
                if GAP[0] <= datetime.fromtimestamp(moment, UTC) < GAP[1]:
                    counters = {"200": 0, "500": 0}
                    continue
                counters["200"] += (total - bad) // 2
                counters["500"] += bad // 2
                for code in ("200", "500"):
                    series[code].append(
                        f'http_requests_total{{job="checkout",code="{code}"}} {counters[code]} {moment}\n'
                    )
        yield "# TYPE http_requests counter\n" + "".join(series["200"] + series["500"]) + "# EOF\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def prometheus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if NO_PROMETHEUS:
        pytest.skip("prometheus and promtool are not installed (scripts/install-test-services.sh installs them)")
    folder = tmp_path_factory.mktemp("prometheus")
    data = folder / "tsdb"
    for day, text in enumerate(openmetrics_days()):
        (folder / f"day-{day}.om").write_text(text, encoding="utf-8")
        subprocess.run(
            [
                "promtool",
                "tsdb",
                "create-blocks-from",
                "openmetrics",
                "--quiet",
                str(folder / f"day-{day}.om"),
                str(data),
            ],
            check=True,
            capture_output=True,
        )
    (folder / "prometheus.yml").write_text("global: {}\nscrape_configs: []\n", encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [
            "prometheus",
            f"--config.file={folder / 'prometheus.yml'}",
            f"--storage.tsdb.path={data}",
            "--storage.tsdb.retention.time=100y",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "prometheus.log").open("w"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/-/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail(f"Prometheus did not start: {(folder / 'prometheus.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def prometheus_value(url: str, query: str, at: datetime) -> float | None:
    answer = httpx.get(f"{url}/api/v1/query", params={"query": query, "time": at.timestamp()}, timeout=30).json()
    assert answer["status"] == "success", answer
    result = answer["data"]["result"]
    if not result:
        return None
    value = float(result[0]["value"][1])
    return None if math.isnan(value) else value


def error_ratio_query(window: str) -> str:
    return (
        f'sum(increase(http_requests_total{{job="checkout",code=~"5.."}}[{window}])) / '
        f'sum(increase(http_requests_total{{job="checkout"}}[{window}]))'
    )


def stored_rows(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(sli_samples)).scalar_one())


@pytest.fixture
def pulled(prometheus_url: str, tmp_path: Path) -> Iterator[tuple[Path, Store]]:
    root = write_repo(tmp_path, checkout_files(), organization(prometheus_url))
    with open_store(root) as store:
        report = pull_sli(load_context(root, store), END)
        assert not report.failed, report.diagnostics
        assert report.slos == [SLO_NAME]
        yield root, store


def test_pulled_counts_agree_with_prometheus_over_the_slo_window(
    prometheus_url: str, pulled: tuple[Path, Store]
) -> None:
    root, store = pulled
    [status] = slo_status_report(load_context(root, store), store, END).statuses

    expected = prometheus_value(prometheus_url, error_ratio_query("30d"), END)
    assert expected is not None and status.attainment is not None
    assert 1 - status.attainment == pytest.approx(expected, rel=1e-3)
    # The counts themselves, not only their ratio (a rate not turned into events per minute would fail).
    total = prometheus_value(prometheus_url, 'sum(increase(http_requests_total{job="checkout"}[30d]))', END)
    assert status.counts.total == pytest.approx(total, rel=1e-3)
    # The gap is reported: 2 hours without samples.
    assert (GAP[0], GAP[1]) in status.gaps
    assert status.counts.idle >= 6 * 60  # the quiet stretch counts as no traffic, not as missing


@pytest.mark.parametrize(
    "at",
    [END, END - timedelta(hours=2, minutes=17), QUIET[0] + timedelta(hours=3), GAP[1] + timedelta(hours=5)],
    ids=["end", "burning", "quiet", "after-gap"],
)
def test_burn_rates_agree_with_prometheus_for_every_alert_window(
    prometheus_url: str, pulled: tuple[Path, Store], at: datetime
) -> None:
    root, store = pulled
    [status] = slo_status_report(load_context(root, store), store, at).statuses
    budget = 1 - 0.995
    for burn in status.burn_rates:
        for window, rate in ((burn.window.long, burn.long_rate), (burn.window.short, burn.short_rate)):
            expected = prometheus_value(prometheus_url, error_ratio_query(f"{int(window.total_seconds())}s"), at)
            if expected is None:
                assert rate is None, f"{window}: Prometheus has no traffic, Charter {rate}"
            else:
                assert rate is not None, f"{window}: Charter has no traffic, Prometheus {expected}"
                assert rate * budget == pytest.approx(expected, rel=1e-3, abs=1e-9), f"window {window} at {at}"


def test_a_server_that_is_down_is_a_diagnostic_and_nothing_is_written(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    root = write_repo(tmp_path, checkout_files(), organization(url))
    with open_store(root) as store:
        report = pull_sli(load_context(root, store), END)
        assert report.failed and stored_rows(store) == 0
    [found] = [item for item in report.diagnostics if item.severity == "error"]
    assert found.code == "IMP014"
    assert f"{url}/api/v1/query_range" in found.message and "ConnectError" in found.message


def test_a_query_the_server_refuses_shows_its_answer_and_nothing_is_written(
    prometheus_url: str, tmp_path: Path
) -> None:
    broken = ERROR_QUERY[:-1]  # a missing closing parenthesis
    slos = {"requests-availability": (ERROR_QUERY, TOTAL_QUERY), "z-broken": (broken, TOTAL_QUERY)}
    root = write_repo(tmp_path, {"slos/checkout.yaml": sloth_spec(slos)}, organization(prometheus_url))
    with open_store(root) as store:
        report = pull_sli(load_context(root, store), END)
        assert report.failed and stored_rows(store) == 0  # the good SLO pulled first is rolled back too
    [found] = [item for item in report.diagnostics if item.severity == "error"]
    assert found.code == "IMP015"
    assert "answered 400" in found.message and "bad_data" in found.message and "parse error" in found.message


class _Recorder(BaseHTTPRequestHandler):
    """Answers every range query with an empty matrix and keeps each request's headers."""

    seen: list[dict[str, str]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        type(self).seen.append({key.lower(): value for key, value in self.headers.items()})
        body = json.dumps({"status": "success", "data": {"resultType": "matrix", "result": []}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_tenant_auth_and_extra_headers_are_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.seen = []
    monkeypatch.setenv("CHARTER_PROMETHEUS_TOKEN", "s3cret")
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/prometheus"
        extra = "      tenant: team-a\n      headers: {X-Extra: yes-please}\n"
        root = write_repo(tmp_path, checkout_files(), organization(url, extra))
        with open_store(root) as store:
            report = pull_sli(load_context(root, store), END)
    finally:
        server.shutdown()
        server.server_close()
    assert not report.failed and report.minutes == 0
    assert len(_Recorder.seen) == 2 * math.ceil(30 * MINUTES_PER_DAY / 10_000)  # total and error queries, chunked
    for headers in _Recorder.seen:
        assert headers["x-scope-orgid"] == "team-a"
        assert headers["authorization"] == "Bearer s3cret"
        assert headers["x-extra"] == "yes-please"


def test_the_import_command_pulls_from_prometheus(prometheus_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from charter.cli.app import app

    root = write_repo(tmp_path, checkout_files(), organization(prometheus_url))
    until = END.strftime("%Y-%m-%dT%H:%M:%S")
    result = CliRunner().invoke(app, ["import", "sli", "--from-prometheus", "--until", until, "--repo", str(root)])

    assert result.exit_code == 0, result.output
    # 30 days of minutes, less the two hours of the gap (the minute before it is extrapolated from two scrapes).
    assert f"{prometheus_url}: imported {30 * MINUTES_PER_DAY - 120} minutes of 1 SLOs" in result.output


# Retries: timeouts, 429 and 5xx are asked again; an SLO whose queries keep failing is given up alone.


class _Troubled(BaseHTTPRequestHandler):
    """Answers range queries by the metric they name: `flaky_*` with 503, then 429, then an answer;
    `slow_*` after longer than the client waits; `down_*` always with 503; others at once. Every
    answer holds one point, at the chunk's start."""

    queries: list[str] = []
    flaky_failures = 0

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", 0))
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        query = form["query"]
        type(self).queries.append(query)
        try:
            if "slow_" in query:
                time.sleep(1.0)
            if "down_" in query:
                self._answer(503, {"status": "error", "errorType": "unavailable", "error": "overloaded"})
            elif "flaky_" in query and type(self).flaky_failures < 2:
                type(self).flaky_failures += 1
                retry_after = {"Retry-After": "1"} if type(self).flaky_failures == 2 else {}
                self._answer(503 if type(self).flaky_failures == 1 else 429, {"status": "error"}, retry_after)
            else:
                point = [[float(form["start"]), "2" if "total" in query else "1"]]
                result = [{"metric": {}, "values": point}]
                self._answer(200, {"status": "success", "data": {"resultType": "matrix", "result": result}})
        except (BrokenPipeError, ConnectionResetError):  # the client stopped waiting
            pass

    def _answer(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        for key, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def troubled_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Troubled)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Troubled.queries, _Troubled.flaky_failures = [], 0
    try:
        with stamina.set_testing(True, attempts=100, cap=True):  # the real attempts, without the waits
            yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def troubled_slos(*names: str) -> dict[str, str]:
    slos = {
        name: (
            f'sum(rate({name}_errors{{job="x"}}[{{{{.window}}}}]))',
            f'sum(rate({name}_total{{job="x"}}[{{{{.window}}}}]))',
        )
        for name in names
    }
    return {"slos/checkout.yaml": sloth_spec(slos)}


def test_a_query_answered_503_then_429_is_asked_again_and_pulled(troubled_url: str, tmp_path: Path) -> None:
    root = write_repo(tmp_path, troubled_slos("flaky"), organization(troubled_url))
    with open_store(root) as store:
        report = pull_sli(load_context(root, store), END)
        assert stored_rows(store) > 0

    assert not report.failed and report.slos == ["checkout-flaky"] and report.diagnostics == []
    chunks = math.ceil(30 * MINUTES_PER_DAY / 10_000)
    assert len(_Troubled.queries) == 2 * chunks + 2  # the first query was asked three times


def test_one_slow_or_failing_query_gives_up_its_slo_and_the_others_are_pulled(
    troubled_url: str, tmp_path: Path
) -> None:
    root = write_repo(
        tmp_path, troubled_slos("down", "fine", "slow"), organization(troubled_url, "      timeoutSeconds: 0.2\n")
    )
    with open_store(root) as store:
        report = pull_sli(load_context(root, store), END)
        assert stored_rows(store) > 0  # the fine SLO's counts are written

    assert not report.failed
    assert report.slos == ["checkout-fine"]
    assert report.summary.endswith("of 1 SLOs; gave up on 2 (IMP018)")
    down, slow = report.diagnostics
    assert (down.code, down.severity, slow.code) == ("IMP018", "warning", "IMP018")
    assert down.message.startswith(f"gave up on SLO 'checkout-down' after {RETRY_ATTEMPTS} attempts")
    assert "answered 503 Service Unavailable (unavailable: overloaded) to `(sum(rate(down_total" in down.message
    assert slow.message.startswith(f"gave up on SLO 'checkout-slow' after {RETRY_ATTEMPTS} attempts")
    # Its read timeout and the deadline in all are both timeoutSeconds: whichever ends it first is named.
    assert "timed out (ReadTimeout)" in slow.message or "timed out (AnswerTooSlow)" in slow.message


def test_a_real_prometheus_answering_inf_is_refused_and_nothing_is_written(prometheus_url: str, tmp_path: Path) -> None:
    # Prometheus' own answer to a division by zero: +Inf at every step. It would pass for a count.
    infinite = (ERROR_QUERY, TOTAL_QUERY.replace("))", ")) / 0", 1))
    files = {"slos/checkout.yaml": sloth_spec({"infinite": infinite})}
    root = write_repo(tmp_path, files, organization(prometheus_url))
    with open_store(root) as store:
        report = pull_sli(load_context(root, store), END)
        assert report.failed and stored_rows(store) == 0
    [found] = [item for item in report.diagnostics if item.severity == "error"]
    assert found.code == "IMP019"
    assert '`(sum(rate(http_requests_total{job="checkout"}[1m])) / 0) * 60` gives {} the value' in found.message
    assert "'+Inf' at" in found.message

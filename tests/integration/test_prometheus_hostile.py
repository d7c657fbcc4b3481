"""A Prometheus that stalls, floods or lies (issue 18), served by a small loopback HTTP server: an
answer trickled a byte at a time is cut at the request's deadline in all (not only between two reads),
an answer larger than the document limit is refused, and every sample is checked: a value that is
not a number, ±Inf, ±1e308, a time that is no time, a result that is not a matrix, and more good events
than total each end in one IMP019 naming the series and the time, with nothing written."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qsl

import pytest
import stamina

from charter.services.context import load_context
from charter.services.imports_sli import pull_sli
from charter.sources.limits import MAX_DOCUMENT_BYTES
from charter.sources.prometheus import RETRY_ATTEMPTS
from charter.store import open_store
from tests.integration.test_prometheus_sli import END, organization, sloth_spec, stored_rows
from tests.strategy import write_repo

SLOS = {
    "requests-availability": (
        'sum(rate(errors_total{job="x"}[{{.window}}]))',
        'sum(rate(all_total{job="x"}[{{.window}}]))',
    )
}


class _Hostile(BaseHTTPRequestHandler):
    """Answers every range query as `behaviour` says: a body, sent at once or a byte at a time."""

    behaviour: ClassVar[dict[str, object]] = {}
    head_bytes_sent: ClassVar[list[int]] = []  # per trickled request, how much of its head went out

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", 0))
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        total = "all_total" in form["query"]
        behaviour = type(self).behaviour
        answer = behaviour["total" if total else "errors"]
        if not float(form["start"]) <= MINUTE <= float(form["end"]):  # the answer is for one chunk of the window
            answer = matrix()
        body = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        try:
            if behaviour.get("trickle_headers"):  # the status line and headers a byte at a time, for seconds
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"X-Slow: " + b"x" * 200
                sent = type(self).head_bytes_sent
                sent.append(0)
                for index in range(len(head)):
                    self.wfile.write(head[index : index + 1])
                    self.wfile.flush()
                    sent[-1] = index + 1
                    time.sleep(0.05)
                self.wfile.write(b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if behaviour.get("trickle"):
                for index in range(len(body)):
                    self.wfile.write(body[index : index + 1])
                    self.wfile.flush()
                    time.sleep(0.05)
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client stopped reading
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with stamina.set_testing(True, attempts=100, cap=True):  # the real attempts, without the waits
            yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def matrix(*series: tuple[dict[str, str], list[list[object]]], kind: str = "matrix") -> dict[str, object]:
    result = [{"metric": labels, "values": values} for labels, values in series]
    return {"status": "success", "data": {"resultType": kind, "result": result}}


MINUTE = int(END.timestamp()) - 3600  # within the window pulled
GOOD = matrix(({}, [[MINUTE, "1"]]))
TOTAL = matrix(({}, [[MINUTE, "100"]]))


def pull(url: str, tmp_path: Path, timeout: str = "") -> tuple[list[str], int, list[str]]:
    """The errors and warnings of a pull, the rows it stored, and the SLOs it pulled."""
    extra = f"      timeoutSeconds: {timeout}\n" if timeout else ""
    root = write_repo(tmp_path, {"slos/checkout.yaml": sloth_spec(SLOS)}, organization(url, extra))
    with open_store(root) as store:
        report = pull_sli(load_context(root, store), END)
        rows = stored_rows(store)
    return [f"{item.code} {item.message}" for item in report.diagnostics], rows, report.slos


def test_a_well_behaved_answer_is_pulled(hostile_url: str, tmp_path: Path) -> None:
    _Hostile.behaviour = {"errors": GOOD, "total": TOTAL}
    diagnostics, rows, slos = pull(hostile_url, tmp_path)
    assert (diagnostics, slos) == ([], ["checkout-requests-availability"]) and rows > 0


def test_an_answer_trickled_a_byte_at_a_time_is_cut_at_the_deadline(hostile_url: str, tmp_path: Path) -> None:
    # 0.05 s a byte is never 0.3 s between two reads, but the answer takes seconds in all.
    _Hostile.behaviour = {"errors": GOOD, "total": TOTAL, "trickle": True}
    diagnostics, rows, slos = pull(hostile_url, tmp_path, timeout="0.3")
    assert (rows, slos) == (0, [])
    [gave_up] = diagnostics
    assert gave_up.startswith(f"IMP018 gave up on SLO 'checkout-requests-availability' after {RETRY_ATTEMPTS} attempts")
    assert "timed out (AnswerTooSlow)" in gave_up


def test_status_line_and_headers_trickled_a_byte_at_a_time_are_cut_at_the_deadline(
    hostile_url: str, tmp_path: Path
) -> None:
    # The head takes about 12 s a byte at a time; cut at 0.5 s, the server could send a few bytes of it
    # (httpx alone waits for the whole head, each byte well within its per-read timeout).
    _Hostile.behaviour = {"errors": GOOD, "total": TOTAL, "trickle_headers": True}
    _Hostile.head_bytes_sent.clear()
    diagnostics, rows, slos = pull(hostile_url, tmp_path, timeout="0.5")
    assert (rows, slos) == (0, [])
    [gave_up] = diagnostics
    assert "timed out (AnswerTooSlow)" in gave_up
    assert _Hostile.head_bytes_sent and max(_Hostile.head_bytes_sent) < 100


def test_an_answer_larger_than_the_document_limit_is_refused(hostile_url: str, tmp_path: Path) -> None:
    _Hostile.behaviour = {"errors": GOOD, "total": b" " * (MAX_DOCUMENT_BYTES + 1)}
    diagnostics, rows, _slos = pull(hostile_url, tmp_path)
    assert rows == 0
    assert [item for item in diagnostics if item.startswith("IMP019")] == [
        f"IMP019 {hostile_url}/api/v1/query_range answered more than 32 MiB to "
        '`(sum(rate(all_total{job="x"}[1m]))) * 60`'
    ]


WHEN = "2026-10-31T23:00:00+00:00"


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (matrix(({"job": "x"}, [[MINUTE, "abc"]])), f"gives {{job=\"x\"}} the value 'abc' at {WHEN}"),
        (matrix(({}, [[MINUTE, "+Inf"]])), f"gives {{}} the value '+Inf' at {WHEN}"),
        (matrix(({}, [[MINUTE, "1e308"]])), f"gives {{}} the value '1e308' at {WHEN}"),
        (matrix(({}, [[MINUTE, "-1e308"]])), f"gives {{}} the value '-1e308' at {WHEN}"),
        (matrix(({}, [[99999999999999, "1"]])), "gives {} a sample at '99999999999999', which is not a time"),
        (matrix(({}, [["soon", "1"]])), "gives {} a sample at 'soon', which is not a time"),
        (matrix(({}, [[MINUTE]])), "gives {} a sample that is not [time, value]"),
        ({"status": "success", "data": {"resultType": "string", "result": [MINUTE, "up"]}}, "answers a string"),
        ({"status": "success", "data": {"resultType": "matrix", "result": ["up"]}}, "a series without a list"),
    ],
)
def test_a_sample_that_is_no_count_is_refused_naming_series_and_time(
    total: dict[str, object], expected: str, hostile_url: str, tmp_path: Path
) -> None:
    _Hostile.behaviour = {"errors": GOOD, "total": total}
    diagnostics, rows, slos = pull(hostile_url, tmp_path)
    assert (rows, slos) == (0, [])
    [found] = diagnostics
    assert found.startswith("IMP019 SLO 'checkout-requests-availability': `(sum(rate(all_total")
    assert expected in found


def test_more_bad_events_than_total_is_refused(hostile_url: str, tmp_path: Path) -> None:
    _Hostile.behaviour = {"errors": matrix(({}, [[MINUTE, "500"]])), "total": TOTAL}
    diagnostics, rows, _slos = pull(hostile_url, tmp_path)
    assert rows == 0
    [found] = diagnostics
    assert "counts 500 bad events in the minute from 2026-10-31T22:59:00+00:00, more than the total 100" in found

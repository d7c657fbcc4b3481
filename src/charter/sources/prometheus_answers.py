"""Reading a Prometheus HTTP API answer so that a server that stalls, floods or lies costs bounded work
and writes no poisoned count: the answer read whole within a deadline in all (not only between two
reads) and a size (MAX_DOCUMENT_BYTES), and every sample checked to be a time and a finite count from
0 to MAX_EVENT_COUNT, with good events never more than the total. `charter.sources.prometheus`
turns an UnusableAnswer into IMP019 naming the SLO and the query."""

from __future__ import annotations

import math
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np

from charter.model.sli_counts import Floats
from charter.sources.limits import MAX_DOCUMENT_BYTES, MAX_EVENT_COUNT, size_text

# Good events may exceed the total by this share in a minute (the two queries' series extrapolate
# differently) and are clipped to it; more is a query that does not count what it claims.
GOOD_OVER_TOTAL_TOLERANCE = 0.05


class UnusableAnswer(Exception):
    """An answer that is no range of counts; the message says what, naming the series and time."""


class AnswerTooSlow(httpx.ReadTimeout):
    """The answer did not arrive whole within the request's deadline (a server trickling bytes): a
    timeout, retried like one."""


class _Watchdog:
    """Cuts the request's connection when its deadline passes, so that a server trickling its status
    line and headers (which httpx reads with only a per-read timeout) is stopped too. It learns the
    socket from httpcore's `trace` extension when the connection is made, which is why the Prometheus
    client keeps no idle connection to reuse (`prometheus_client`)."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        if event == "connection.connect_tcp.complete":
            stream = info.get("return_value")
            found = stream.get_extra_info("socket") if stream is not None else None
            if isinstance(found, socket.socket):
                self._sockets.append(found)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def _cut(self) -> None:
        self.fired = True
        for found in self._sockets:
            with suppress(OSError):
                found.shutdown(socket.SHUT_RDWR)


def post_within_deadline(
    client: httpx.Client, url: str, form: Mapping[str, str], deadline_seconds: float
) -> httpx.Response:
    """The answer to one POST, read whole within `deadline_seconds` in all (status line and headers
    too) and at most MAX_DOCUMENT_BYTES. Raises AnswerTooSlow, or UnusableAnswer for a larger answer."""
    with _Watchdog(deadline_seconds) as watchdog:
        try:
            return _post(client, url, form, deadline_seconds, watchdog)
        except httpx.TransportError as error:
            if watchdog.fired:
                raise AnswerTooSlow(
                    f"the answer took longer than {deadline_seconds:g} s in all", request=error.request
                ) from None
            raise


def _post(
    client: httpx.Client, url: str, form: Mapping[str, str], deadline_seconds: float, watchdog: _Watchdog
) -> httpx.Response:
    deadline = time.monotonic() + deadline_seconds
    with client.stream("POST", url, data=form, extensions={"trace": watchdog.trace}) as streamed:
        chunks: list[bytes] = []
        size = 0
        for chunk in streamed.iter_bytes():
            size += len(chunk)
            if size > MAX_DOCUMENT_BYTES:
                raise UnusableAnswer(f"answered more than {size_text(MAX_DOCUMENT_BYTES)}")
            if time.monotonic() > deadline:
                raise AnswerTooSlow(
                    f"the answer took longer than {deadline_seconds:g} s in all", request=streamed.request
                )
            chunks.append(chunk)
        return httpx.Response(
            streamed.status_code,
            headers={key: value for key, value in streamed.headers.items() if key.lower() != "content-encoding"},
            content=b"".join(chunks),
            request=streamed.request,
        )


def matrix_samples(body: dict[str, Any]) -> Iterator[tuple[float, float]]:
    """(time, value) of every sample of a `matrix` answer; UnusableAnswer naming the series and the
    time of the first sample that is not a time and a finite count from 0 to MAX_EVENT_COUNT. `NaN`
    (Prometheus' answer to 0/0) is no value and left out."""
    data = body.get("data")
    result = data.get("result") if isinstance(data, dict) else None
    kind = data.get("resultType") if isinstance(data, dict) else None
    if kind != "matrix" or not isinstance(result, list):
        raise UnusableAnswer(f"answers a {kind or 'result'} ({str(result)[:80]}), not a matrix of samples")
    for series in result:
        values = series.get("values") if isinstance(series, dict) else None
        if not isinstance(values, list):
            raise UnusableAnswer(f"answers a series without a list of samples: {str(series)[:200]}")
        name = _series_name(series.get("metric"))
        for sample in values:
            timestamp, value = _sample(name, sample)
            if not math.isnan(value):
                yield timestamp, value


def _sample(series: str, sample: object) -> tuple[float, float]:
    if not isinstance(sample, list) or len(sample) != 2:
        raise UnusableAnswer(f"gives {series} a sample that is not [time, value]: {str(sample)[:80]}")
    raw_time, raw_value = sample
    try:
        timestamp = float(raw_time)
        when = datetime.fromtimestamp(timestamp, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise UnusableAnswer(f"gives {series} a sample at {str(raw_time)[:40]!r}, which is not a time") from None
    try:
        value = float(raw_value)
    except (TypeError, ValueError):
        value = math.inf  # reported below, as the server wrote it
    if not (math.isnan(value) or 0.0 <= value <= MAX_EVENT_COUNT):
        raise UnusableAnswer(
            f"gives {series} the value {str(raw_value)[:40]!r} at {when.isoformat()}; "
            f"counts are finite, from 0 to {MAX_EVENT_COUNT:.0e}"
        )
    return timestamp, value


def _series_name(labels: object) -> str:
    if not isinstance(labels, dict):
        return "{}"
    return "{" + ", ".join(f'{key}="{value}"' for key, value in sorted(labels.items())) + "}"


def check_within_total(start_seconds: int, step_seconds: int, part: Floats, total: Floats, what: str) -> None:
    """UnusableAnswer at the first step whose `what` (good or bad) events exceed its total by more than
    extrapolation explains (GOOD_OVER_TOTAL_TOLERANCE, and one event); the caller clips a smaller excess."""
    allowed = np.nan_to_num(total, nan=0.0) * (1 + GOOD_OVER_TOTAL_TOLERANCE) + 1.0
    over = np.flatnonzero(part > allowed)
    if len(over):
        step = int(over[0])
        when = datetime.fromtimestamp(start_seconds + step * step_seconds, UTC).isoformat()
        raise UnusableAnswer(
            f"counts {part[step]:g} {what} events in the minute from {when}, more than the total "
            f"{float(np.nan_to_num(total[step])):g}"
        )

"""SLI counts pulled from a Prometheus-compatible HTTP API (Prometheus, Mimir, Cortex, Thanos) with
`query_range`, for `charter import sli --from-prometheus` and `charter sync`.

Per-minute counts: for every SLO with a ratio SLI (good or bad, and total), each query is asked for
the events of each minute, at a 60 s step over the SLO's window:
- a query with Sloth's `{{.window}}` gets `1m`; a rate over it (`rate(...[1m])`, per second) is
  multiplied by 60, an `increase` is taken as it is;
- a bare series selector (Pyrra, OpenSLO counters) becomes `sum(increase(<selector>[1m]))`.
Other queries cannot be turned into per-minute counts reliably and are reported (IMP016). The value
at time t counts the events of (t - 1m, t], so it is stored as the minute that starts at t - 1m. A
minute where the total query has no value is a gap; where only the good or bad query has none
(Prometheus returns nothing for a selector that matches no series yet), it counts 0.

Auth from the environment: CHARTER_PROMETHEUS_TOKEN (bearer), else CHARTER_PROMETHEUS_USER and
CHARTER_PROMETHEUS_PASSWORD (basic). `caFile`, `tenant` (`X-Scope-OrgID`) and `headers` come from
`spec.sources.prometheus`; `timeoutSeconds` bounds each request in all: its answer must arrive
whole within it, at most 32 MiB, every sample a time and a finite count (`prometheus_answers`, IMP019).

A query that times out, or is answered 429 (too many requests) or 5xx (Prometheus answers 503 to a
query it gave up on), is asked again, with exponential backoff (stamina: `RETRY_ATTEMPTS` attempts in
all, waits from `RETRY_WAIT_INITIAL` seconds doubling up to `RETRY_WAIT_MAX`, a 429's `Retry-After`
honoured up to that, never longer than `RETRY_TIMEOUT` in all). When the attempts run out, the pull
gives up on that SLO alone (IMP018, naming the SLO, the query and the last answer) and goes on with
the others. A server that cannot be reached (IMP014, or every connection timing out) or answers
another error (IMP015, such as a query it cannot parse) stops the pull; `charter.services.imports_sli`
then writes nothing of it."""

from __future__ import annotations

import os
import re
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import stamina

from charter.analysis.reliability.slo_calendar import slo_window
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Severity
from charter.model.estate import Estate
from charter.model.organization import PrometheusSource
from charter.model.sli_counts import Floats
from charter.model.slo import MetricQuery, Slo
from charter.sources.prometheus_answers import (
    UnusableAnswer,
    check_within_total,
    matrix_samples,
    post_within_deadline,
)
from charter.sources.sli_grid import MinuteGrid

CODES = Codes(
    Rule(
        "IMP014",
        "Prometheus unreachable",
        Severity.ERROR,
        rationale="SLI data cannot be pulled from a server that does not answer; nothing is written.",
        fix="Check `spec.sources.prometheus.url`, the network, and the CA file.",
        example="""\
# charter.yaml
spec:
  sources:
    prometheus: {url: "https://prometheus.internal:9090"}   # the server is down
""",
    ),
    Rule(
        "IMP015",
        "Prometheus answered an error",
        Severity.ERROR,
        rationale=(
            "A query the server refuses (bad PromQL, authentication, tenant) gives no SLI data; nothing is written."
        ),
        fix=(
            "Read the server's answer in the message: fix the SLO's query, or the credentials "
            "(CHARTER_PROMETHEUS_TOKEN, or CHARTER_PROMETHEUS_USER and CHARTER_PROMETHEUS_PASSWORD)."
        ),
        example="""\
$ charter import sli --from-prometheus
IMP015 Prometheus answered 400: parse error: unexpected character inside braces: '~'
""",
    ),
    Rule(
        "IMP016",
        "SLO without a Prometheus query Charter can pull",
        Severity.INFO,
        rationale="Only ratio SLIs with good or bad and total PromQL queries give per-minute counts.",
        fix="Import its SLI data as CSV with `charter import sli`, or give it event queries.",
        example="""\
# slos/payments.yaml (OpenSLO): a threshold SLI, not a ratio of good and total events
spec:
  indicator:
    spec:
      thresholdMetric:
        metricSource: {type: Prometheus, spec: {query: "histogram_quantile(0.99, ...)"}}
""",
    ),
    Rule(
        "IMP017",
        "Prometheus source not configured",
        Severity.ERROR,
        rationale="Pulling SLI data needs the server's URL.",
        fix="Set `spec.sources.prometheus.url` in charter.yaml.",
        example="""\
$ charter import sli --from-prometheus     # charter.yaml has no spec.sources.prometheus.url
""",
    ),
    Rule(
        "IMP018",
        "Prometheus query given up",
        Severity.WARNING,
        rationale=(
            "A query that kept timing out, or being answered 429 or 5xx, after its retries leaves its SLO's SLI "
            "data as it was; the other SLOs are still pulled."
        ),
        fix=(
            "Raise `spec.sources.prometheus.timeoutSeconds`, make the query cheaper (a recording rule), or pull "
            "again when the server is less loaded."
        ),
        example="""\
$ charter sync     # Prometheus answers 503 to one SLO's query, again and again
warning: IMP018 gave up on SLO 'checkout-availability' after 4 attempts: ... answered 503 Service Unavailable
""",
    ),
    Rule(
        "IMP019",
        "Prometheus answer Charter cannot use",
        Severity.ERROR,
        rationale=(
            "A value that is not a finite, non-negative count (`abc`, `+Inf`, 1e308), a result that is not a "
            "range of samples, or more good events than total would poison the error budget; nothing is written."
        ),
        fix=(
            "Check the SLO's queries in Prometheus' own console at the series and time named: they must count "
            "events (`sum(rate(...))`, `sum(increase(...))`), good ones never more than all of them."
        ),
        example="""\
$ charter import sli --from-prometheus
IMP019 SLO 'checkout-availability': `sum(rate(requests[1m])) * 60` gives {} the value '+Inf' at 2026-11-01T10:05:00Z
""",
    ),
)
diagnostic = CODES.diagnostic


TOKEN_VARIABLE = "CHARTER_PROMETHEUS_TOKEN"
USER_VARIABLE = "CHARTER_PROMETHEUS_USER"
PASSWORD_VARIABLE = "CHARTER_PROMETHEUS_PASSWORD"
TENANT_HEADER = "X-Scope-OrgID"
STEP_SECONDS = 60
# Prometheus refuses a range query of more than 11,000 points per series.
MAX_STEPS = 10_000
# Retries of a query that timed out or was answered 429 or 5xx (bounded in attempts and in time).
RETRY_ATTEMPTS = 4
RETRY_WAIT_INITIAL = 0.5
RETRY_WAIT_MAX = 8.0
RETRY_TIMEOUT = 120.0
# A request without a configured timeout is given this long in all.
DEFAULT_DEADLINE = 60.0
_WINDOW_TEMPLATE = re.compile(r"\{\{\s*\.window\s*\}\}")
_RATE = re.compile(r"\b(rate|irate)\s*\(")
_SELECTOR = re.compile(r"^\s*[a-zA-Z_:][a-zA-Z0-9_:]*\s*(\{[^{}]*\})?\s*$")


class PrometheusError(Exception):
    """A query failed; `found` says where and what the server answered."""

    def __init__(self, found: Diagnostic) -> None:
        super().__init__(found.message)
        self.diagnostic = found


class GaveUp(PrometheusError):
    """A query still timed out or was answered 429 or 5xx after every retry: its SLO is left out."""


class _AnsweredToRetry(Exception):
    """An answer worth asking again for: 429 or 5xx; a 429's `Retry-After` seconds when it gives them."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"{response.status_code} {response.reason_phrase}")
        self.response = response
        after = response.headers.get("Retry-After", "")
        self.retry_after = min(float(after), RETRY_WAIT_MAX) if after.isdigit() else None


@dataclass(frozen=True, slots=True)
class CountQueries:
    """The per-minute PromQL of one SLO: total events, and good or bad events."""

    total: str
    good: str | None = None
    bad: str | None = None


def per_minute_query(query: MetricQuery | None) -> str | None:
    """PromQL for the events of each minute, or None when the query cannot give them."""
    if query is None or not query.query or (query.source_type or "prometheus").lower() != "prometheus":
        return None
    text = query.query.strip()
    if _WINDOW_TEMPLATE.search(text):
        filled = _WINDOW_TEMPLATE.sub("1m", text)
        return f"({filled}) * 60" if _RATE.search(filled) else filled
    if _SELECTOR.match(text):
        return f"sum(increase({text}[1m]))"
    return None


def count_queries(slo: Slo) -> CountQueries | None:
    indicator = slo.indicator
    if indicator is None or indicator.kind != "ratio":
        return None
    total = per_minute_query(indicator.total)
    good = per_minute_query(indicator.good)
    bad = per_minute_query(indicator.bad)
    if total is None or (good is None and bad is None):
        return None
    return CountQueries(total, good, None if good is not None else bad)


@dataclass(frozen=True, slots=True)
class PullPlan:
    """What a pull asks for: the server (None: charter.yaml names none), every SLO whose counts can be
    pulled with the queries that give them, and a diagnostic for each SLO (or the server) that cannot."""

    source: PrometheusSource | None
    slos: tuple[tuple[Slo, CountQueries], ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()


def pull_plan(estate: Estate) -> PullPlan:
    """The SLOs of the estate to pull from `spec.sources.prometheus`: IMP017 when there is none,
    IMP016 for each SLO without a query that gives per-minute counts."""
    organization = estate.organization
    source = organization.spec.sources.prometheus if organization else None
    if source is None:
        return PullPlan(None, diagnostics=(diagnostic("IMP017", "charter.yaml has no `spec.sources.prometheus`"),))
    pullable: list[tuple[Slo, CountQueries]] = []
    problems: list[Diagnostic] = []
    for name in sorted(estate.slos):
        slo = estate.slos[name]
        queries = count_queries(slo)
        if queries is None:
            problems.append(
                diagnostic("IMP016", f"SLO {name!r} has no query Charter can pull per minute", slo.location)
            )
        else:
            pullable.append((slo, queries))
    return PullPlan(source, tuple(pullable), tuple(problems))


def pulled_counts(
    client: httpx.Client, plan: PullPlan, until: datetime, default_period: timedelta
) -> Iterator[tuple[str, MinuteGrid] | Diagnostic]:
    """Each planned SLO's name and per-minute counts over its window ending at `until`, or an IMP018
    warning for an SLO whose query still failed after its retries (the others go on). Raises
    PrometheusError when a query fails otherwise."""
    assert plan.source is not None
    for slo, queries in plan.slos:
        window = slo_window(slo, until, default_period)
        try:
            grid = pull_counts(client, plan.source.url, slo.name, queries, window.start_minute, window.end_minute)
        except GaveUp as gave_up:
            yield gave_up.diagnostic
            continue
        yield slo.name, grid


def prometheus_client(
    source: PrometheusSource, root: Path, environment: Mapping[str, str] = os.environ
) -> httpx.Client:
    """An HTTP client with the source's CA file, tenant and headers, and credentials from the environment."""
    headers = dict(source.headers)
    if source.tenant:
        headers[TENANT_HEADER] = source.tenant
    auth: httpx.Auth | None = None
    token = environment.get(TOKEN_VARIABLE)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    elif environment.get(USER_VARIABLE):
        auth = httpx.BasicAuth(environment[USER_VARIABLE], environment.get(PASSWORD_VARIABLE, ""))
    verify: ssl.SSLContext | bool = True
    if source.ca_file:
        ca_path = Path(source.ca_file) if Path(source.ca_file).is_absolute() else root / source.ca_file
        verify = ssl.create_default_context(cafile=str(ca_path))
    # No idle connection is kept for reuse: each request's deadline cuts the connection it made
    # (`post_within_deadline`), which it can only do for a connection it saw being made.
    limits = httpx.Limits(max_keepalive_connections=0)
    return httpx.Client(headers=headers, auth=auth, verify=verify, timeout=source.timeout_seconds, limits=limits)


def pull_counts(
    client: httpx.Client, base_url: str, slo: str, queries: CountQueries, start: int, end: int
) -> MinuteGrid:
    """The SLO's counts for the minutes [start, end), binned like an imported file."""
    total = _series(client, base_url, slo, queries.total, start, end)
    if queries.good is not None:
        good = np.nan_to_num(_series(client, base_url, slo, queries.good, start, end), nan=0.0)
    else:
        bad = np.nan_to_num(_series(client, base_url, slo, queries.bad or "", start, end), nan=0.0)
        good = total - bad
    present = ~np.isnan(total)
    try:
        if queries.good is not None:
            check_within_total(start * STEP_SECONDS, STEP_SECONDS, good, total, "good")
        else:
            check_within_total(start * STEP_SECONDS, STEP_SECONDS, total - good, total, "bad")
    except UnusableAnswer as error:
        raise _unusable(slo, queries.good or queries.bad or "", f"{error} of `{queries.total}`") from None
    good = np.clip(good, 0.0, np.where(present, total, 0.0))  # different series extrapolate differently
    grid = MinuteGrid()
    minutes = np.arange(start, end, dtype=np.int64)[present]
    slots = np.full(len(minutes), grid.slo_index(slo), dtype=np.int64)
    grid.add(slots, minutes, good[present], total[present])
    return grid


def _series(client: httpx.Client, base_url: str, slo: str, query: str, start: int, end: int) -> Floats:
    """The query's value for each minute of [start, end): the sum over its series of the value at
    the minute's end; NaN where it has none."""
    values = np.full(max(0, end - start), np.nan)
    for low, high in _chunks(start, end):
        for timestamp, value in _query_range(client, base_url, slo, query, low, high):
            index = int(timestamp) // STEP_SECONDS - 1 - start
            if 0 <= index < len(values) and np.isfinite(value):
                values[index] = value if np.isnan(values[index]) else values[index] + value
    return values


def _chunks(start: int, end: int) -> Iterator[tuple[int, int]]:
    for low in range(start, end, MAX_STEPS):
        yield low, min(end, low + MAX_STEPS)


def _query_range(
    client: httpx.Client, base_url: str, slo: str, query: str, start: int, end: int
) -> Iterator[tuple[float, float]]:
    """(time, value) of every point of every series for the minutes [start, end): evaluated at each
    minute's end."""
    url = base_url.rstrip("/") + "/api/v1/query_range"
    form = {
        "query": query,
        "start": str((start + 1) * STEP_SECONDS),
        "end": str(end * STEP_SECONDS),
        "step": str(STEP_SECONDS),
    }
    response = _post_retrying(client, url, form, slo)
    body = _json(response)
    if response.status_code >= 400 or body is None or body.get("status") != "success":
        raise PrometheusError(
            diagnostic("IMP015", f"{url} answered {response.status_code} to `{query}`: {_answer(response, body)}")
        )
    try:
        yield from matrix_samples(body)
    except UnusableAnswer as error:
        raise _unusable(slo, query, str(error)) from None


def _unusable(slo: str, query: str, what: str) -> PrometheusError:
    return PrometheusError(diagnostic("IMP019", f"SLO {slo!r}: `{query}` {what}"))


def _post_retrying(client: httpx.Client, url: str, form: Mapping[str, str], slo: str) -> httpx.Response:
    """The server's answer to the query, asked again after a timeout, a 429 or a 5xx. Raises GaveUp
    when those go on past the retries, PrometheusError (IMP014) when the server cannot be reached."""
    attempts = 0
    try:
        for attempt in stamina.retry_context(
            on=_worth_retrying,
            attempts=RETRY_ATTEMPTS,
            timeout=RETRY_TIMEOUT,
            wait_initial=RETRY_WAIT_INITIAL,
            wait_max=RETRY_WAIT_MAX,
        ):
            with attempt:
                attempts += 1
                try:
                    response = post_within_deadline(client, url, form, client.timeout.read or DEFAULT_DEADLINE)
                except UnusableAnswer as error:
                    raise PrometheusError(diagnostic("IMP019", f"{url} {error} to `{form['query']}`")) from None
                if response.status_code == 429 or response.status_code >= 500:
                    raise _AnsweredToRetry(response)
                return response
    except httpx.ConnectTimeout as error:  # no connection at all, however long it is waited for
        raise _unreachable(url, error) from None
    except (httpx.TimeoutException, _AnsweredToRetry) as error:
        if isinstance(error, httpx.TimeoutException):
            answer = f"timed out ({error.__class__.__name__})"
        else:
            answer = f"answered {error} ({_answer(error.response, _json(error.response))})"
        raise GaveUp(
            diagnostic(
                "IMP018",
                f"gave up on SLO {slo!r} after {attempts} attempts: {url} {answer} to `{form['query']}`; "
                "its SLI data is not updated by this pull",
            )
        ) from None
    except httpx.HTTPError as error:
        raise _unreachable(url, error) from None
    raise AssertionError("stamina neither returned nor raised")  # pragma: no cover


def _worth_retrying(error: Exception) -> bool | float:
    """A timeout, a 429 or a 5xx is asked again (after a 429's `Retry-After` when it gives one)."""
    if isinstance(error, _AnsweredToRetry):
        return error.retry_after if error.retry_after is not None else True
    return isinstance(error, httpx.TimeoutException) and not isinstance(error, httpx.ConnectTimeout)


def _unreachable(url: str, error: httpx.HTTPError) -> PrometheusError:
    return PrometheusError(diagnostic("IMP014", f"{url}: {error.__class__.__name__}: {error or 'no answer'}"))


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _answer(response: httpx.Response, body: dict[str, Any] | None) -> str:
    if body is not None and body.get("error"):
        return f"{body.get('errorType', 'error')}: {body['error']}"
    text = response.text.strip()
    return text[:500] if text else response.reason_phrase

"""OpenSLO's Prometheus queries as window templates. OpenSLO writes a query as it would be graphed,
`sum(rate(http_requests_total{code!~"5.."}[1m]))` or a bare series selector, without Sloth's
`{{.window}}` placeholder, while multi-window alerts measure each window by the query's range. So
the range is made the window: every range selector's duration becomes `{{.window}}`; a bare series
selector is wrapped as Pyrra wraps its metrics, `sum(rate(selector[{{.window}}]))` for a counter
(OpenSLO `counter: true`, or not said), `sum(sum_over_time(...))` for a gauge of events, and
`avg_over_time(...)` for a precomputed ratio. A query whose range cannot be told (a subquery, or an
expression without a range selector) has no template, and NoWindow says why."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

WINDOW = "{{.window}}"

QueryRole = Literal["events", "ratio"]  # counts of events (good, bad, total), or a ratio (raw)

_SELECTOR = re.compile(r"^\s*(?:[a-zA-Z_:][a-zA-Z0-9_:]*\s*)?(?:\{[^{}]*\})?\s*$")
# A range selector's duration: one or more number-unit pairs, as PromQL writes them (1h30m).
_DURATION = re.compile(r"^\s*(?:(?:[0-9]+(?:ms|s|m|h|d|w|y))+|[0-9]+(?:\.[0-9]+)?)\s*$")  # or seconds
# A string (to its closing quote or the end of the query) or the opening of a range.
_STRING_OR_RANGE = re.compile(r'"(?:[^"\\]|\\[\s\S])*"?|\'(?:[^\'\\]|\\[\s\S])*\'?|`[^`]*`?|\[')


class NoWindow(ValueError):
    """Why a query cannot be measured over each alert window."""


@dataclass(frozen=True, slots=True)
class _Range:
    """The text between one range selector's brackets, by position in the query."""

    start: int
    end: int
    text: str


def window_template(query: str, role: QueryRole = "events", counter: bool | None = None) -> str:
    """`query` with its range made `{{.window}}`, or NoWindow. A bare series selector is wrapped as
    `role` and `counter` say."""
    text = query.strip()
    if _SELECTOR.match(text):
        if role == "ratio":
            return f"avg_over_time({text}[{WINDOW}])"
        function = "sum_over_time" if counter is False else "rate"
        return f"sum({function}({text}[{WINDOW}]))"
    ranges = _ranges(text)
    if not ranges:
        raise NoWindow("it has no range selector such as [5m] to measure each alert window by")
    for found in ranges:
        if not _DURATION.match(found.text):
            raise NoWindow(f"its range [{found.text}] is not a duration (a subquery has no single window)")
    for found in reversed(ranges):
        text = text[: found.start] + WINDOW + text[found.end :]
    return text


def _ranges(query: str) -> list[_Range]:
    """Every bracketed range of the query, outside string literals (a label matcher's regular
    expression may hold brackets: `code=~"[45].."`). A string runs to its closing quote (a
    backslash escapes the next character, except between backquotes) or to the end; a range runs
    from `[` to the next `]`, whatever is between."""
    found: list[_Range] = []
    position = 0
    while (token := _STRING_OR_RANGE.search(query, position)) is not None:
        if token.group() != "[":
            position = token.end()
            continue
        start = token.end()
        end = query.find("]", start)
        if end < 0:
            raise NoWindow("a range selector's [ is never closed")
        found.append(_Range(start, end, query[start:end]))
        position = end + 1
    return found

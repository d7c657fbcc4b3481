"""`window_template` finds a query's ranges with one regular expression; it must find exactly what
the step-per-character reading it replaced found, for every query."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from charter.analysis.reliability.slo_query_window import NoWindow, _ranges, window_template


def stepwise_ranges(query: str) -> list[tuple[int, int]]:
    """The reading `_ranges` had before: one step per character (raises NoWindow likewise)."""
    found: list[tuple[int, int]] = []
    index = 0
    while index < len(query):
        character = query[index]
        if character in "\"'`":
            quote, index = character, index + 1
            while index < len(query) and query[index] != quote:
                index += 2 if quote != "`" and query[index] == "\\" else 1
        elif character == "[":
            end = query.find("]", index)
            if end < 0:
                raise NoWindow("a range selector's [ is never closed")
            found.append((index + 1, end))
            index = end
        index += 1
    return found


def outcome(find: Callable[[str], list[tuple[int, int]]], query: str) -> list[tuple[int, int]] | str:
    try:
        return find(query)
    except NoWindow as reason:
        return f"NoWindow: {reason}"


def current_ranges(query: str) -> list[tuple[int, int]]:
    return [(found.start, found.end) for found in _ranges(query)]


@pytest.mark.parametrize(
    "query",
    [
        'sum(rate(http_requests_total{job="api",code=~"[45].."}[5m]))',
        "sum(rate(x{a='[1m]'}[1h30m]))",
        'sum(rate(x{a="escaped \\" [quote]"}[5m]))',
        "sum(rate(x{a=`raw \\` [1m]`}[2m]))",
        "sum(rate(x[5m]) + rate(y[",
        'rate(x{a="never closed [1m]',
        'rate(x{a="ends with a backslash\\',
    ],
)
def test_known_queries_have_the_ranges_they_had(query: str) -> None:
    assert outcome(current_ranges, query) == outcome(stepwise_ranges, query)


def test_a_range_becomes_the_window_and_a_string_keeps_its_brackets() -> None:
    query = 'sum(rate(x{code=~"[45]..", a=`[1m]`}[5m]))'
    assert window_template(query) == 'sum(rate(x{code=~"[45]..", a=`[1m]`}[{{.window}}]))'


def test_random_queries_have_the_ranges_they_had() -> None:
    alphabet = list("ab5m ()[]{}\"'`\\=~\n") + ["é"]
    generator = random.Random(23)
    differing = []
    for _ in range(20_000):
        query = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 16)))
        if outcome(current_ranges, query) != outcome(stepwise_ranges, query):
            differing.append(query)
    assert differing == []

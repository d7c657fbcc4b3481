"""`query_problem` scans a query's strings and brackets with one regular expression; it must say
exactly what the step-per-character reading it replaced said, for every query."""

from __future__ import annotations

import random
import re

import pytest

from charter.analysis.reliability.prometheus_syntax import query_problem

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CLOSING = {")": "(", "]": "[", "}": "{"}


def stepwise_problem(query: str) -> str | None:
    """The reading `query_problem` had before: one step per character."""
    stack: list[str] = []
    quote: str | None = None
    escaped = False
    for character in query:
        if quote is not None:
            if escaped:
                escaped = False
            elif character == "\\" and quote != "`":
                escaped = True
            elif character == quote:
                quote = None
            elif character == "\n" and quote != "`":
                return "it has a line break inside a quoted string; write `\\n`, or join the lines"
            continue
        if character in "\"'`":
            quote = character
        elif character == "#":
            return "it has a `#` comment, which would hide the rest of the rule's expression; remove it"
        elif character in "([{":
            stack.append(character)
        elif character in _CLOSING:
            if not stack or stack.pop() != _CLOSING[character]:
                return f"its {character!r} closes nothing"
        elif _CONTROL.match(character) and character not in "\n\t\r":
            return f"it holds the control character {character!r}"
    if quote is not None:
        return f"a string opened with {quote} is not closed"
    if stack:
        return f"its {stack[-1]!r} is not closed"
    return None


@pytest.mark.parametrize(
    "query",
    [
        'sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))',
        'sum(rate(x{path="/a#b"}[5m]))',
        "sum(rate(x[5m])) # comment",
        'x{a="one\ntwo"}',
        'x{a="escaped \\" quote"}',
        'x{a="ends with a backslash\\',
        "x{a=`raw\nstring`}",
        "x{a=`never closed",
        "x{a='single'}",
        "sum(x))",
        "sum((x)",
        "x\x00y",
        "x\x85",
        "sum(\n  rate(x[5m])\n)\t\r",
        "",
        '"\\\n"',
    ],
)
def test_known_queries_read_as_before(query: str) -> None:
    assert query_problem(query) == stepwise_problem(query)


def test_random_queries_read_as_before() -> None:
    alphabet = list("ab ()[]{}\"'`\\#\n\t\r{}=~") + ["\x01", "\x7f", "\x9f", "é"]
    generator = random.Random(17)
    differing = []
    for _ in range(20_000):
        query = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 14)))
        if query_problem(query) != stepwise_problem(query):
            differing.append(query)
    assert differing == []


def test_random_queries_of_plain_strings_and_brackets_read_as_before() -> None:
    """Queries most of which the first, cheaper look clears or sends on: plain strings, brackets,
    and now and then what only the whole scan judges."""
    alphabet = list("ab ()[]{}\"'=~\t") * 6 + ["\\", "\n", "#", "`", "\x01", "é"]
    generator = random.Random(29)
    differing, clean = [], 0
    for _ in range(20_000):
        query = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 16)))
        expected = stepwise_problem(query)
        clean += expected is None
        if query_problem(query) != expected:
            differing.append(query)
    assert differing == []
    assert clean > 2_000  # the cheaper look is taken often enough to be held to the old reading

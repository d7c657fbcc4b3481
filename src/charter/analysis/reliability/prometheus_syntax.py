"""What Prometheus would refuse in the rules `charter slo rules` writes, found before they are
written: a query that cannot be embedded (a raw newline inside a string, a `#` comment that would
swallow what Charter appends, unbalanced brackets), a label name that is not one, a control
character (a newline) in an alert name or a label value, and an annotation whose `{{ }}` template
does not close. A lexical check, not a PromQL parser: `promtool check rules` is the judge the tests
hold it to."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from charter.model.slo import Slo, SloAlerting

LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CLOSING = {")": "(", "]": "[", "}": "{"}


# The tokens `query_problem` looks at, in one scan: a whole quoted string (its closing quote in a group:
# absent when it is not closed), a comment, a bracket, a control character outside strings.
_TOKEN = re.compile(
    r'"(?:[^"\\\n]|\\[\s\S])*(?P<double>")?'
    r"|'(?:[^'\\\n]|\\[\s\S])*(?P<single>')?"
    r"|`[^`]*(?P<back>`)?"
    r"|[#()\[\]{}\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
_CLOSE_GROUP = {'"': "double", "'": "single", "`": "back"}

# Most queries hold only plain strings (no escape, line break or backquote) and no comment or control
# character: once those strings are taken out, only their brackets need counting. A first quote that
# does not open a plain string is never taken out, so any other query falls to the whole scan.
_PLAIN_STRING = re.compile(r'"[^"\\\n]*"|\'[^\'\\\n]*\'')
_UNUSUAL = re.compile(r"[\"'`#\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NOT_BRACKET = re.compile(r"[^()\[\]{}]+")
_PAIRS = ("()", "[]", "{}")


def query_problem(query: str) -> str | None:
    """Why `query` cannot be embedded in a rule's expression, or None. Newlines between tokens are
    fine (queries are often written as YAML block scalars). One regular-expression scan over the
    strings and brackets rather than a step per character (`charter check` asks it of every query
    of thousands of SLOs), after a cheaper look that clears most queries."""
    outside_strings = _PLAIN_STRING.sub("", query)
    if _UNUSUAL.search(outside_strings) is None and _balanced(_NOT_BRACKET.sub("", outside_strings)):
        return None
    stack: list[str] = []
    for token in _TOKEN.finditer(query):
        text = token.group()
        first = text[0]
        if first in _CLOSE_GROUP:
            if token.group(_CLOSE_GROUP[first]) is None:
                end = token.end()
                if first != "`" and end < len(query) and query[end] == "\n":
                    return "it has a line break inside a quoted string; write `\\n`, or join the lines"
                return f"a string opened with {first} is not closed"
        elif first == "#":
            return "it has a `#` comment, which would hide the rest of the rule's expression; remove it"
        elif first in "([{":
            stack.append(first)
        elif first in _CLOSING:
            if not stack or stack.pop() != _CLOSING[first]:
                return f"its {first!r} closes nothing"
        else:
            return f"it holds the control character {first!r}"
    if stack:
        return f"its {stack[-1]!r} is not closed"
    return None


def _balanced(brackets: str) -> bool:
    """Whether a string of brackets alone closes each in order (innermost pairs taken out until none
    is left)."""
    while brackets:
        shorter = brackets
        for pair in _PAIRS:
            shorter = shorter.replace(pair, "")
        if shorter == brackets:
            return False
        brackets = shorter
    return True


def alerting_problems(slo: Slo) -> Iterator[str]:
    """Every name, label or annotation of the SLO's rules that Prometheus or Alertmanager would
    refuse or mangle, as a sentence naming the field."""
    alerting = slo.alerting or SloAlerting()
    if alerting.name is not None and (not alerting.name.strip() or _CONTROL.search(alerting.name)):
        yield f"the alert name {alerting.name!r} is empty or holds a control character (a line break)"
    for field, value in (("name", slo.name), ("service", slo.service or slo.component or "")):
        if _CONTROL.search(value):
            yield f"its {field} {value!r} holds a control character, and becomes a label value"
    if slo.source_format == "sloth" and slo.labels:
        yield from _label_problems("labels", slo.labels, check_names=False)  # invalid names are left out
    for where, labels, notes in (
        ("alerting", alerting.labels, alerting.annotations),
        ("page alert", alerting.page.labels, alerting.page.annotations),
        ("ticket alert", alerting.ticket.labels, alerting.ticket.annotations),
    ):
        # Most SLOs set none of them: no generator to start for an empty mapping.
        if labels:
            yield from _label_problems(f"{where} labels", labels, check_names=True)
        if notes:
            yield from _annotation_problems(f"{where} annotations", notes)


def _label_problems(where: str, labels: Mapping[str, str], *, check_names: bool) -> Iterator[str]:
    for name, value in labels.items():
        if check_names and (not LABEL_NAME.match(name) or name.startswith("__")):
            yield f"{where}: {name!r} is not a Prometheus label name (letters, digits and _, not starting with __)"
        elif (LABEL_NAME.match(name) or check_names) and _CONTROL.search(str(value)):
            yield f"{where}: the value of {name!r} holds a control character (a line break): {value!r}"


def _annotation_problems(where: str, annotations: Mapping[str, str]) -> Iterator[str]:
    for name, value in annotations.items():
        if not LABEL_NAME.match(name):
            yield f"{where}: {name!r} is not a Prometheus annotation name (letters, digits and _)"
        elif not _templates_close(str(value)):
            yield f"{where}: the template in {name!r} does not close every {{{{ with }}}}: {value!r}"


def _templates_close(text: str) -> bool:
    position = 0
    while (opening := text.find("{{", position)) != -1:
        closing = text.find("}}", opening + 2)
        if closing == -1 or "{{" in text[opening + 2 : closing]:
            return False
        position = closing + 2
    return True

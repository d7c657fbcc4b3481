"""The roadmap tradeoff a decision record writes in its front matter: `quarter: 2027Q1` and `defers:
[initiative:NAME, ...]`, read with the line of each so `charter check` can name it. A quarter that
is not written like `2027Q1`, or a deferral that names another kind, is a schema diagnostic here;
a deferral of an initiative that does not exist is found by `charter check`, which knows them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from charter.load.context import LoadContext
from charter.load.frontmatter import MarkdownRecord
from charter.load.yaml12 import locate
from charter.model.decision import DecisionFrontMatter
from charter.model.diagnostics import Location
from charter.model.refs import ReferenceError_, parse_ref

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$", re.IGNORECASE)
_LOOSE_QUARTER = re.compile(r"^(\d{4})\W*[Qq]\W*([1-4])$")


@dataclass(frozen=True, slots=True)
class RoadmapFields:
    quarter: str | None = None
    quarter_at: Location | None = None
    defers: tuple[str, ...] = ()
    defers_at: tuple[Location | None, ...] = ()


def read_roadmap_fields(
    record: MarkdownRecord, front: DecisionFrontMatter, context: LoadContext, entity: str
) -> RoadmapFields:
    if front.quarter is None and not front.defers:
        return RoadmapFields()
    quarter: str | None = None
    quarter_at: Location | None = None
    if front.quarter is not None:
        quarter_at = _front_location(record, ("quarter",))
        quarter = _quarter(str(front.quarter).strip())
        if quarter is None:
            loose = _LOOSE_QUARTER.match(str(front.quarter).strip())
            fix = f"write {loose.group(1)}Q{loose.group(2)}" if loose else "write the quarter like 2027Q1"
            context.report(
                "SCH003",
                f"quarter: {front.quarter!r} is not a quarter like 2027Q1",
                quarter_at,
                entity=entity,
                hint=fix,
            )
    names: list[str] = []
    places: list[Location | None] = []
    for index, text in enumerate(front.defers):
        where = _front_location(record, ("defers", index))
        name = _initiative(text)
        if name is None:
            context.report(
                "SCH003",
                f"defers: {text!r} is not an initiative reference",
                where,
                entity=entity,
                hint="write `initiative:NAME` for each initiative the decision defers",
            )
            continue
        names.append(name)
        places.append(where)
    return RoadmapFields(quarter, quarter_at, tuple(names), tuple(places))


def _quarter(text: str) -> str | None:
    found = _QUARTER.match(text)
    return f"{found.group(1)}Q{found.group(2)}" if found else None


def _initiative(text: str) -> str | None:
    """`initiative:NAME` or a bare name -> the initiative's plan name (`ns/NAME` outside the default
    namespace); None when it names another kind or does not parse."""
    try:
        ref = parse_ref(text.strip(), default_kind="initiative")
    except ReferenceError_:
        return None
    if ref.kind != "initiative":
        return None
    return ref.name if ref.namespace == "default" else f"{ref.namespace}/{ref.name}"


def _front_location(record: MarkdownRecord, pointer: tuple[str | int, ...]) -> Location:
    assert record.yaml is not None and record.document is not None
    line, column = locate(record.yaml.text, record.document.index, pointer) or (2, 1)
    return Location(record.path, line, column)

"""The technology radar (`radar/**`): Charter's RadarEntry documents, Build-Your-Own-Radar CSV and
JSON, and Backstage tech-radar JSON, each read as its owner writes it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from yaml.nodes import Node

from charter.load.context import LoadContext, SourceFile, document_entity
from charter.load.yaml12 import YamlDocument, YamlError, document_nodes, walk_to
from charter.model.diagnostics import Location
from charter.model.organization import CHARTER_API_VERSION
from charter.model.radar import (
    BYOR_STATUS_MOVES,
    BackstageRadar,
    BackstageTimelineEntry,
    ByorBlip,
    RadarEntry,
    RadarEntryDocument,
)

BYOR_COLUMNS = ("name", "ring", "quadrant", "description")


def is_radar_entry(data: Mapping[str, Any]) -> bool:
    return data.get("apiVersion") == CHARTER_API_VERSION and str(data.get("kind")).lower() == "radarentry"


def read_radar_entry(document: YamlDocument, source: SourceFile, context: LoadContext) -> None:
    """A `kind: RadarEntry` document."""
    data = document.data
    entity = document_entity(data, "radarentry")
    try:
        parsed = RadarEntryDocument.model_validate(data)
    except ValidationError as error:
        context.report_validation_error(error, source, document, entity=entity)
        return
    spec = parsed.spec
    context.radar.append(
        RadarEntry(
            name=parsed.metadata.name,
            title=parsed.metadata.title or parsed.metadata.name,
            ring=spec.ring.lower(),
            quadrant=spec.quadrant,
            description=spec.description or parsed.metadata.description or "",
            is_new=spec.is_new,
            moved=spec.moved,
            updated=spec.updated,
            url=spec.url,
            location=source.document_location(document),
        )
    )


def _blip(parsed: ByorBlip, location: Location) -> RadarEntry:
    is_new = parsed.is_new or parsed.status == "new"
    return RadarEntry(
        name=parsed.name,
        title=parsed.name,
        ring=parsed.ring.lower(),
        quadrant=parsed.quadrant,
        description=parsed.description or "",
        is_new=is_new,
        moved=BYOR_STATUS_MOVES.get(parsed.status or "", 0),
        location=location,
    )


def _report_fields(
    context: LoadContext, error: ValidationError, at: Location, prefix: str = "", entity: str | None = None
) -> None:
    for detail in error.errors(include_url=False):
        where = ".".join(str(step) for step in detail["loc"]) or "entry"
        context.report("SCH003", f"{prefix}{where}: {detail['msg']}", at, entity=entity)


def read_radar_csv(source: SourceFile, context: LoadContext) -> None:
    """A Build-Your-Own-Radar CSV: header `name,ring,quadrant,isNew,description` (or `status`)."""
    reader = csv.reader(io.StringIO(source.text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        context.report("SCH003", f"not a radar CSV: {error}", source.location(1, 1))
        return
    columns = [column.strip() for column in header]
    lowered = [column.lower() for column in columns]
    missing = [column for column in ("name", "ring", "quadrant") if column not in lowered]
    if missing:
        context.report(
            "SCH003",
            f"radar CSV header lacks {', '.join(missing)} (has {', '.join(columns)})",
            source.location(1, 1),
            hint="use Build-Your-Own-Radar's header: name,ring,quadrant,isNew,description",
        )
        return
    keys = ["isNew" if column == "isnew" else column for column in lowered]
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            context.report("SCH003", f"CSV: {error}", source.location(line, 1))
            break
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        at = source.location(start, 1)
        if len(row) > len(keys):
            context.report("SCH003", f"row has {len(row)} cells, the header {len(keys)}", at)
            continue
        try:
            parsed = ByorBlip.model_validate(dict(zip(keys, row, strict=False)))
        except ValidationError as error:
            _report_fields(context, error, at)
            continue
        context.radar.append(_blip(parsed, at))


def read_radar_json(source: SourceFile, context: LoadContext) -> None:
    """BYOR JSON (a list of blips) or Backstage tech-radar JSON (`{quadrants, rings, entries}`)."""
    try:
        data = json.loads(source.text)
    except json.JSONDecodeError as error:
        context.report(
            "SCH001",
            f"JSON syntax error: {error.msg}",
            source.location(error.lineno, error.colno),
            hint="fix the JSON syntax at this position",
        )
        return
    finder = _LineFinder(source)
    if isinstance(data, list):
        for index, item in enumerate(data):
            at = finder.at(index)
            try:
                parsed = ByorBlip.model_validate(item)
            except ValidationError as error:
                _report_fields(context, error, at, f"[{index}].")
                continue
            context.radar.append(_blip(parsed, at))
    elif isinstance(data, dict) and "entries" in data:
        _read_backstage(data, source, context, finder)
    else:
        context.report(
            "SCH004",
            "JSON is neither a Build-Your-Own-Radar list nor a Backstage tech-radar document",
            source.location(1, 1),
            hint="write a list of {name, ring, quadrant, isNew, description} or {quadrants, rings, entries}",
        )


def _read_backstage(data: dict[str, Any], source: SourceFile, context: LoadContext, finder: _LineFinder) -> None:
    try:
        radar = BackstageRadar.model_validate(data)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            path = tuple(detail["loc"])  # Pydantic names the fields as the JSON spells them
            where = ".".join(str(step) for step in path)
            context.report("SCH003", f"{where}: {detail['msg']}", finder.at(*path))
        return
    rings = {ring.id: ring.name.lower() for ring in radar.rings}
    quadrants = {quadrant.id: quadrant.name for quadrant in radar.quadrants}
    for index, entry in enumerate(radar.entries):
        at = finder.at("entries", index)
        latest_index, latest = _latest(entry.timeline)
        ring = rings.get(latest.ring_id)
        quadrant = quadrants.get(entry.quadrant)
        if ring is None:
            context.report(
                "SCH003",
                f"entries.{index}.timeline.{latest_index}.ringId: no ring {latest.ring_id!r} "
                f"(rings: {', '.join(rings)})",
                finder.at("entries", index, "timeline", latest_index, "ringId"),
                entity=f"radar:{entry.id}",
            )
            continue
        if quadrant is None:
            context.report(
                "SCH003",
                f"entries.{index}.quadrant: no quadrant {entry.quadrant!r} (quadrants: {', '.join(quadrants)})",
                finder.at("entries", index, "quadrant"),
                entity=f"radar:{entry.id}",
            )
            continue
        context.radar.append(
            RadarEntry(
                name=entry.id,
                title=entry.title,
                ring=ring,
                quadrant=quadrant,
                description=entry.description or latest.description or "",
                is_new=latest.moved == 2,  # Zalando's radar draws 2 as "new"
                moved=max(-1, min(1, latest.moved)) if latest.moved != 2 else 0,
                updated=_day(latest.date),
                url=entry.url or (entry.links[0].url if entry.links else None),
                location=at,
            )
        )


def _latest(timeline: list[BackstageTimelineEntry]) -> tuple[int, BackstageTimelineEntry]:
    """The timeline entry with the latest date; on a tie (or undated entries) the first listed,
    as Backstage lists the newest first."""
    best = 0
    for index, item in enumerate(timeline):
        if (_moment(item.date) or datetime.min) > (_moment(timeline[best].date) or datetime.min):
            best = index
    return best, timeline[best]


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=None)
    except ValueError:
        return None


def _day(text: str) -> date | None:
    moment = _moment(text)
    return moment.date() if moment else None


class _LineFinder:
    """Lines of nodes in a JSON file, found through its YAML node tree (JSON is YAML) when a
    diagnostic or entry needs one; the file is parsed at most once."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.root: Node | None = None
        self.parsed = False

    def at(self, *path: int | str) -> Location:
        if not self.parsed:
            self.parsed = True
            try:
                nodes = document_nodes(self.source.text)
            except YamlError:
                nodes = []
            self.root = nodes[0] if nodes else None
        if self.root is None:
            return self.source.location(1, 1)
        line, column = walk_to(self.root, path)
        return self.source.location(line, column)

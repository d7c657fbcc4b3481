"""Decision records (`decisions/**/*.md`) as MADR 2.x–4.x, adr-tools / Nygard and log4brains write
them: metadata from the front matter, the `* Status:` / `Date:` lines under the title, or a
`## Status` section; supersede links wherever those formats put them. A record is identified by its
file's slug, as log4brains identifies it; it goes by its number while no other record has that
number, and a link names a record by number only while the number is unambiguous."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import PurePosixPath

from pydantic import ValidationError

from charter.load.context import LoadContext, SourceFile
from charter.load.decision_roadmap import RoadmapFields, read_roadmap_fields
from charter.load.frontmatter import Heading, MarkdownRecord, headings, prose_lines, read_markdown
from charter.load.yaml12 import locate
from charter.model.codes import Codes, Rule
from charter.model.decision import KNOWN_DECISION_STATUSES, Decision, DecisionFrontMatter
from charter.model.diagnostics import Location, Severity

# Section names that make a Markdown file a decision record (MADR 2.x–4.x, Nygard, log4brains).
DECISION_SECTIONS = frozenset(
    {
        "context and problem statement",
        "decision drivers",
        "considered options",
        "decision outcome",
        "pros and cons of the options",
        "status",
        "context",
        "decision",
    }
)

# Entity kinds recognised in `kind:name` references written in a record's text.
MENTION_KINDS = (
    "risk",
    "initiative",
    "component",
    "system",
    "api",
    "resource",
    "domain",
    "group",
    "user",
    "slo",
    "standard",
    "controlset",
    "finding",
    "decision",
)
_MENTION = re.compile(
    r"(?<![\w/.:@-])(" + "|".join(MENTION_KINDS) + r"):([A-Za-z0-9](?:[A-Za-z0-9_.\-/]*[A-Za-z0-9])?)",
    re.IGNORECASE,
)
_LOG4BRAINS_NAME = re.compile(r"^(\d{4})(\d{2})(\d{2})-.+")
_NUMBERED_NAME = re.compile(r"^(\d+)(?:[-_ .].*)?$")
_NUMBERED_TITLE = re.compile(r"^\d+\.\s+")
_META_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(status|date|review-by|review by|expires|until)(?:\*\*|__)?\s*:"
    r"(?:\*\*|__)?\s*(.*?)\s*$",
    re.IGNORECASE,
)
_SUPERSEDE_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:status\s*:\s*)?(?:\*\*|__)?(supersede|supercede)(s|d by)\b(.*)$", re.IGNORECASE
)
_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_ADR_NUMBER = re.compile(r"\bADR[-_ ]?(\d+)\b", re.IGNORECASE)
_LEADING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\s+")
_PLACEHOLDER = re.compile(r"^[\[{].*[\]}]$")


# Two branches that each add "the next" record give two records one number (adr-tools' known
# problem): both are kept, by slug, and the number is reported.
NUMBER_USED_TWICE = "REF008"
CODES = Codes(
    Rule(
        NUMBER_USED_TWICE,
        "Decision number used twice",
        Severity.WARNING,
        rationale=(
            "Two records with one number are both read (each is identified by its file's slug), but a link that "
            "names the number cannot tell which record it means."
        ),
        fix="Renumber one of the records to the next free number and correct the links that name it by number.",
        example="""\
<!-- decisions/0007-use-grpc.md and decisions/0007-use-kafka.md, added on two branches -->
# 7. Use Kafka
""",
    ),
)


def record_number(stem: str) -> str | None:
    """The number a record's file name (without `.md`) begins with, as written (`0012` of
    `0012-use-x`); None for log4brains' `YYYYMMDD-slug` and for names without a number."""
    dated = _LOG4BRAINS_NAME.match(stem)
    if dated and _is_date(*dated.groups()):
        return None
    numbered = _NUMBERED_NAME.match(stem)
    return numbered.group(1) if numbered else None


def record_id(stem: str) -> str:
    """The name a record goes by while no other record has its number: the number as written
    (`0012-use-x`), else its slug, the file name itself (log4brains' `YYYYMMDD-slug`)."""
    return record_number(stem) or stem


def _is_date(year: str, month: str, day: str) -> bool:
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def link_target(target: str) -> str:
    """The slug of the record a link points at: `../decisions/0003-use-x.md#status` → `0003-use-x`;
    a number alone (`0003`) stays a number."""
    path = target.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    name = PurePosixPath(path).name
    if name.lower().endswith(".md"):
        name = name[:-3]
    elif name.lower().endswith(".html"):
        name = name[:-5]
    return name


def _targets(text: str) -> list[str]:
    """Records named after a supersede keyword: link targets' slugs, else `ADR-0012` style numbers."""
    links = [link_target(target) for target in _LINK.findall(text)]
    if links:
        return [link for link in links if link]
    return _ADR_NUMBER.findall(text)


@dataclass
class _Scan:
    """What the body says about the record."""

    title: Heading | None = None
    sections: set[str] = field(default_factory=set)
    status: tuple[str, int] | None = None
    dates: dict[str, tuple[str, int]] = field(default_factory=dict)
    supersedes: list[str] = field(default_factory=list)
    superseded_by: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)


def _scan_body(record: MarkdownRecord) -> _Scan:
    scan = _Scan()
    lines = list(prose_lines(record))
    found = headings(lines)
    heading_lines = {heading.line: heading for heading in found}
    scan.title = next((heading for heading in found if heading.level == 1), None)
    scan.sections = {_section_name(heading.text) for heading in found if heading.level > 1}
    section: str | None = None  # the current level-2+ section; None before the first one
    for number, line in lines:
        heading = heading_lines.get(number)
        if heading is not None:
            if heading.level > 1:
                section = _section_name(heading.text)
            continue
        for kind, name in _MENTION.findall(line):
            scan.mentions.append(f"{kind.lower()}:{name}")
        supersede = _SUPERSEDE_LINE.match(line)
        if supersede:
            targets = _targets(supersede.group(3))
            if supersede.group(2).lower() == "s":
                scan.supersedes.extend(targets)
            else:
                scan.superseded_by.extend(targets)
                if section in (None, "status"):  # a superseded record stays superseded
                    scan.status = ("superseded", number)
            continue
        if section is None:
            meta = _META_LINE.match(line)
            if meta:
                key, value = meta.group(1).lower().replace(" ", "-"), meta.group(2)
                if key == "status":
                    if value and scan.status is None:
                        scan.status = (value, number)
                elif value:
                    scan.dates.setdefault(key, (value, number))
        # `Amended by [..](..)` and the other links adr-tools writes there are not a status.
        elif section == "status" and line.strip() and scan.status is None and not _LINK.search(line):
            scan.status = (line.strip(), number)
    return scan


def _section_name(text: str) -> str:
    return re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", text).strip().rstrip(":").strip().lower()


def normalise_status(text: str) -> tuple[str, bool]:
    """Lower-cased status and whether it is a known one: `Superceded by [3](0003-x.md)` →
    (`superseded`, True); `**Accepted**` → (`accepted`, True); `on hold` → (`on hold`, False)."""
    cleaned = _LEADING_DATE.sub("", text.strip().strip("*_` ").strip()).lower()
    cleaned = cleaned.replace("superceded", "superseded").replace("supercedes", "supersedes")
    first = re.split(r"[\s,;(\[:]+", cleaned, maxsplit=1)[0].rstrip(".")
    if first in KNOWN_DECISION_STATUSES:
        return first, True
    return cleaned.rstrip("."), False


def _is_template(stem: str, title: str | None) -> bool:
    return stem.lower().endswith("template") or bool(title and _PLACEHOLDER.match(title.strip()))


def read_decision(source: SourceFile, context: LoadContext) -> None:
    """Read one decision record into `context.decisions`; a file without decision structure is
    reported as SCH011, not read."""
    record = read_markdown(source, context)
    if record is None:
        return
    stem = PurePosixPath(source.path).stem
    decision_id = record_id(stem)
    entity = f"decision:{decision_id}"
    front = DecisionFrontMatter()
    if record.document is not None and record.yaml is not None:
        if record.front_matter is None:
            context.report(
                "SCH003",
                f"front matter is a {type(record.document.data).__name__}, not a mapping",
                source.location(2, 1),
                entity=entity,
            )
            return
        try:
            front = DecisionFrontMatter.model_validate(record.front_matter)
        except ValidationError as error:
            context.report_validation_error(error, record.yaml, record.document, entity=entity)
            return
    scan = _scan_body(record)
    title_text = scan.title.text if scan.title else None
    if _is_template(stem, title_text):
        context.report(
            "SCH011",
            "a decision template, not a decision record",
            source.location(1, 1),
            hint="nothing to do: a template is not read as a record",
        )
        return
    has_status = front.status is not None or scan.status is not None
    if not (has_status or front.decided or scan.sections & DECISION_SECTIONS or "date" in scan.dates):
        context.report(
            "SCH011",
            "not a decision record: no status, date or decision sections (MADR, Nygard)",
            source.location(1, 1),
        )
        return

    roadmap = read_roadmap_fields(record, front, context, entity) if record.yaml is not None else RoadmapFields()
    status: str | None = None
    superseded_by = [link_target(target) for target in front.superseded_by]
    if front.status is not None:
        status, known = normalise_status(front.status)
        if status == "superseded":
            superseded_by.extend(_targets(front.status))
        if not known:
            _unknown_status(context, front.status, _front_location(record, "status"), entity)
    elif scan.status is not None:
        text, line = scan.status
        status, known = normalise_status(text)
        if status == "superseded":
            superseded_by.extend(_targets(text))
        if not known:
            _unknown_status(context, text, source.location(line, 1), entity)
    superseded_by.extend(scan.superseded_by)

    decided = front.decided
    if decided is None and "date" in scan.dates:
        decided = _body_date(context, source, scan.dates["date"], "Date", entity)
    expires = front.expires
    if expires is None:
        for key in ("review-by", "expires", "until"):
            if key in scan.dates:
                expires = _body_date(context, source, scan.dates[key], key, entity)
                break

    mentions = [_with_kind(name, "risk") for name in front.risks]
    mentions += [name.strip() for name in front.entities]
    mentions += [_with_kind(name, "finding") for name in front.findings]
    mentions += scan.mentions

    title = _NUMBERED_TITLE.sub("", title_text) if title_text else (front.title or stem)
    line = scan.title.line if scan.title else 1
    context.decisions.append(
        Decision(
            id=decision_id,
            title=title,
            status=status,
            date=decided,
            supersedes=_unique([link_target(target) for target in front.supersedes] + scan.supersedes),
            superseded_by=_unique(superseded_by),
            mentions=_unique(mentions),
            expires=expires,
            location=source.location(line, 1),
            aliases=tuple(front.aliases),
            slug=stem,
            number=record_number(stem),
            quarter=roadmap.quarter,
            quarter_at=roadmap.quarter_at,
            defers=roadmap.defers,
            defers_at=roadmap.defers_at,
        )
    )


def _front_location(record: MarkdownRecord, key: str) -> Location:
    assert record.yaml is not None and record.document is not None
    line, column = locate(record.yaml.text, record.document.index, (key,)) or (2, 1)
    return Location(record.path, line, column)


def _unknown_status(context: LoadContext, text: str, location: Location, entity: str) -> None:
    context.report(
        "SCH012",
        f"unknown decision status {text.strip()!r}",
        location,
        entity=entity,
        hint="use one of: " + ", ".join(sorted(KNOWN_DECISION_STATUSES)),
    )


def _body_date(
    context: LoadContext, source: SourceFile, written: tuple[str, int], label: str, entity: str
) -> date | None:
    text, line = written
    try:
        return date.fromisoformat(text.strip().strip("*_`"))
    except ValueError:
        context.report(
            "SCH003",
            f"{label}: {text!r} is not a date (YYYY-MM-DD)",
            source.location(line, 1),
            entity=entity,
            hint="write the date as YYYY-MM-DD",
        )
        return None


def _with_kind(name: str, kind: str) -> str:
    name = name.strip()
    return name if ":" in name else f"{kind}:{name}"


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


def decisions_by_id(context: LoadContext) -> dict[str, Decision]:
    """Every record read, by the name it goes by (see `Decision`), with its supersede links
    resolved to those names. A number that several records share (two branches each added "the
    next" record) is reported with the files; a link that names only such a number is reported
    with the files it could mean, and left out. Two records with one slug are REF002."""
    records = _Records(context.decisions)
    for sharing in records.shared_numbers():
        _report_number_used_twice(context, sharing, records.next_number(sharing[0]))
    found: dict[str, Decision] = {}
    for decision in context.decisions:
        resolved = replace(
            decision,
            id=records.name(decision),
            supersedes=records.resolve(context, decision, "supersedes", decision.supersedes),
            superseded_by=records.resolve(context, decision, "is superseded by", decision.superseded_by),
        )
        if resolved.id in found:
            context.report(
                "REF002",
                f"decision {resolved.id!r} is declared twice",
                resolved.location,
                entity=f"decision:{resolved.id}",
            )
            continue
        found[resolved.id] = resolved
    return found


class _Records:
    """The records of a repository by slug and by number."""

    def __init__(self, decisions: list[Decision]) -> None:
        self.by_slug: dict[str, Decision] = {}
        self.by_number: dict[int, list[Decision]] = defaultdict(list)
        for decision in decisions:
            self.by_slug.setdefault(_slug(decision), decision)
            if decision.number is not None:
                self.by_number[int(decision.number)].append(decision)

    def shared_numbers(self) -> list[list[Decision]]:
        return [sharing for _, sharing in sorted(self.by_number.items()) if len(sharing) > 1]

    def next_number(self, decision: Decision) -> str:
        """The next number no record has, written as wide as `decision`'s."""
        width = len(decision.number or "")
        return f"{max(self.by_number) + 1:0{width}d}"

    def name(self, decision: Decision) -> str:
        """Its number while no other record has it, else its slug."""
        if decision.number is not None and len(self.by_number[int(decision.number)]) == 1:
            return decision.number
        return _slug(decision)

    def resolve(
        self, context: LoadContext, decision: Decision, relation: str, targets: tuple[str, ...]
    ) -> tuple[str, ...]:
        """Each target (a slug, or a number) as the name its record goes by; a target no record
        has stays as written, for the REF006 check."""
        names: list[str] = []
        for target in targets:
            found = self.by_slug.get(target)
            number = record_number(target)
            candidates = self.by_number.get(int(number), []) if found is None and number is not None else []
            if found is None and len(candidates) == 1:
                found = candidates[0]
            if found is not None:
                names.append(self.name(found))
            elif candidates:
                _report_ambiguous(context, decision, self.name(decision), f"{relation} {target!r}", candidates)
            else:
                names.append(record_id(target))
        return _unique(names)


def _slug(decision: Decision) -> str:
    return decision.slug or decision.id


def _paths(decisions: list[Decision], conjunction: str) -> str:
    paths = [decision.location.path if decision.location else _slug(decision) for decision in decisions]
    return f"{', '.join(paths[:-1])} {conjunction} {paths[-1]}"


def _report_number_used_twice(context: LoadContext, sharing: list[Decision], free: str) -> None:
    later = sharing[1]
    warning = CODES.diagnostic(
        NUMBER_USED_TWICE,
        f"decision number {sharing[0].number} is used by {len(sharing)} records: {_paths(sharing, 'and')}",
        later.location,
        entity=f"decision:{_slug(later)}",
        hint=f"renumber one of them (the next free number is {free}) and correct the links that name it by number",
    )
    context.diagnostics.append(warning)


def _report_ambiguous(
    context: LoadContext, decision: Decision, name: str, link: str, candidates: list[Decision]
) -> None:
    context.report(
        "REF006",
        f"decision {name} {link}, which could mean {_paths(candidates, 'or')}",
        decision.location,
        entity=f"decision:{name}",
        hint="link the record's file (`[title](0007-use-x.md)`) instead of its number, or renumber one of them",
    )

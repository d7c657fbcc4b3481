"""`charter codehealth` laid out: a summary row per component and, for one component, its default
branch, hotspots, change coupling, stale files coupled to hot ones and the changes bots and agents
made; the CSV one row per file at the head of the default branch."""

from __future__ import annotations

from charter.outputs.document import (
    MARKDOWN,
    TERMINAL,
    Block,
    Column,
    CsvTable,
    Document,
    Heading,
    Paragraph,
    TableBlock,
    only,
)
from charter.outputs.views.codehealth import CodeHealthReport, ComponentCodeHealth

TOP = 10
WIDTH = 176  # the summary's ten columns side by side, names whole
SUMMARY_HEADERS = ["component", "team", "files", "hotspots", "churn (window)", "bus factor", "top author share",
                   "author turnover", "agent changes", "stale coupled"]  # fmt: skip
# Names fold rather than end in an ellipsis when the terminal is narrow: all of each is shown.
# A narrow terminal leaves these out first, in this order.
SUMMARY_DROP_FIRST = ["agent changes", "author turnover", "stale coupled", "files", "churn (window)"]
SUMMARY_COLUMNS = [
    Column(
        header,
        fold=index < 2,
        drop_rank=len(SUMMARY_DROP_FIRST) - SUMMARY_DROP_FIRST.index(header) if header in SUMMARY_DROP_FIRST else 0,
    )
    for index, header in enumerate(SUMMARY_HEADERS)
]
CSV_HEADERS = ["component", "path", "lines", "commits_in_window", "hotspot_score", "hotspot", "top_author",
               "top_author_share", "bus_factor", "age_days"]  # fmt: skip


def _share(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.0%}"


def _number(value: int | None) -> str:
    return "unknown" if value is None else str(value)


def _summary_row(item: ComponentCodeHealth) -> list[str]:
    return [
        item.component,
        item.team or "",
        str(item.files),
        _number(item.hotspot_count),
        str(item.churn_in_window),
        _number(item.knowledge.bus_factor),
        _share(item.knowledge.top_author_share),
        _share(item.author_turnover.ratio),
        _share(item.agent_change_share),
        str(len(item.stale_couplings)),
    ]


def _detail_blocks(item: ComponentCodeHealth) -> list[Block]:
    """The one component's branch, top hotspots, couplings, stale couplings and automated changes;
    `none` for an empty one."""
    sections = [
        (
            "Hotspots (change frequency × size)",
            ["file", "lines", "commits (window)", "score", "top author share"],
            [
                [
                    f.path,
                    _number(f.lines),
                    str(f.commits_in_window),
                    _number(f.hotspot_score),
                    _share(f.top_author_share),
                ]
                for f in item.hotspots[:TOP]
            ],
        ),
        (
            "Change coupling",
            ["file", "changes with", "support", "confidence"],
            [[p.first, p.second, str(p.support), _share(p.confidence)] for p in item.couplings[:TOP]],
        ),
        (
            "Untouched for a year, still coupled to a hotspot",
            ["file", "hotspot", "support", "age (days)"],
            [[p.stale, p.hotspot, str(p.support), str(p.stale_age_days)] for p in item.stale_couplings[:TOP]],
        ),
        (
            "Changes by bots and AI coding agents (window)",
            ["author", "kind", "commits", "share of commits"],
            [
                [a.label, a.kind, str(a.commits), _share(a.commits / item.changes_in_window)]
                for a in item.automated_changes
            ],
        ),
    ]
    blocks: list[Block] = [Paragraph(_branch_line(item))]
    for title, headers, rows in sections:
        if rows:
            blocks.append(TableBlock.of(headers, rows, title=title))
        else:
            blocks += [
                Paragraph(f"{title}: none", only=only(TERMINAL)),
                Heading(title, level=2, only=only(MARKDOWN)),
                Paragraph("None.", only=only(MARKDOWN)),
            ]
    return blocks


def _branch_line(item: ComponentCodeHealth) -> str:
    if item.branch is None:
        return f"Default branch of {item.repository}: not read yet; run `charter sync`."
    head = f" at {item.head[:12]}" if item.head else ""
    return f"Default branch of {item.repository}: {item.branch}{head}."


def _csv(view: CodeHealthReport) -> CsvTable:
    rows = [
        [
            item.component,
            file.path,
            "" if file.lines is None else file.lines,
            file.commits_in_window,
            "" if file.hotspot_score is None else file.hotspot_score,
            "yes" if file.hotspot else "",
            file.top_author or "",
            "" if file.top_author_share is None else f"{file.top_author_share:.4f}",
            "" if file.bus_factor is None else file.bus_factor,
            "" if file.age_days is None else file.age_days,
        ]
        for item in view.components
        for file in item.all_files
    ]
    return CsvTable(CSV_HEADERS, rows)


def codehealth_document(view: CodeHealthReport) -> Document:
    rows = [_summary_row(item) for item in view.components]
    if not view.components:
        blocks: list[Block] = [
            Paragraph("No component is mapped to a mined repository: run `charter sync` first.", only=only(TERMINAL)),
            TableBlock.of(SUMMARY_HEADERS, rows, title="Code health", title_level=1, only=only(MARKDOWN)),
        ]
        return Document(blocks, _csv(view), WIDTH)
    blocks = [TableBlock(SUMMARY_COLUMNS, rows, title="Code health", title_level=1)]
    unread = sorted({item.repository for item in view.components if item.branch is None})
    if len(view.components) == 1:
        blocks += _detail_blocks(view.components[0])
    elif unread:
        blocks.append(Paragraph(f"Default branch not read yet (run `charter sync`): {', '.join(unread)}."))
    return Document(blocks, _csv(view), WIDTH)

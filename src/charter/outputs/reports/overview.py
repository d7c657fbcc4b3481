"""The dashboard's overview laid out: what the scope holds, then the snapshot's metric values."""

from __future__ import annotations

from charter.outputs.document import Column, CsvTable, Document, Heading, Paragraph, TableBlock
from charter.outputs.views.overview import OverviewReport

NONE = "—"


def metric_text(value: float | None, unit: str) -> str:
    """A metric value as people read it: durations in minutes, hours or days, ratios as percent."""
    if value is None:
        return NONE
    if unit == "seconds":
        for size, name in ((86_400, "d"), (3_600, "h"), (60, "min")):
            if abs(value) >= size:
                return f"{value / size:,.1f} {name}"
        return f"{value:,.0f} s"
    if unit == "ratio":
        return f"{value * 100:,.1f} %"
    return f"{value:,.4g} {unit}".rstrip()


def overview_document(view: OverviewReport) -> Document:
    blocks: list[Heading | TableBlock | Paragraph] = [
        Heading(f"{view.organization}: {view.filter.description}"),
        TableBlock.of(["what", "count"], [[count.name, str(count.value)] for count in view.counts], title="In scope"),
    ]
    if view.snapshot is None:
        when = f" on or before {view.as_of}" if view.as_of else ""
        blocks.append(Paragraph(f"No snapshot{when}: `charter sync` records one."))
    else:
        commit = f" at commit {view.snapshot.repo_commit[:12]}" if view.snapshot.repo_commit else ""
        blocks.append(
            Paragraph(f"Snapshot {view.snapshot.id}, taken {view.snapshot.taken_at:%Y-%m-%d %H:%M} UTC{commit}.")
        )
        rows = [[item.metric, item.scope, metric_text(item.value, item.unit)] for item in view.metrics]
        blocks.append(TableBlock([Column("metric"), Column("scope"), Column("value", "right")], rows, title="Metrics"))
        if view.metrics_shown < view.metrics_total:
            blocks.append(Paragraph(f"{view.metrics_shown} of {view.metrics_total} values shown."))
    csv = CsvTable(
        ["metric", "scope", "value", "unit"],
        [[item.metric, item.scope, item.value, item.unit] for item in view.metrics],
    )
    return Document(blocks, csv)

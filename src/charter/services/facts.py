"""The metric values every `charter sync` snapshots, until sync asks `services.snapshot` itself."""

from __future__ import annotations

from datetime import datetime

from charter.model.metric_values import MetricValue
from charter.services.context import Context
from charter.services.workspace import Workspace


def snapshot_values(workspace: Workspace, since: datetime, until: datetime) -> list[MetricValue]:
    """Every metric value `charter sync` records: what `services.snapshot.snapshot_values` gives. Until
    sync calls that itself, it is imported here, where it cannot form an import cycle with the
    providers."""
    from charter.services import snapshot

    return snapshot.snapshot_values(Context(workspace.root, workspace.estate, workspace.store), since, until)

"""What a delivery report is computed from: the deployments around the period, the lead times of
the changes they shipped, the incidents and the deployments that shipped the commits they name,
each component's team and system; and the options of one report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from charter.analysis.component_sources import ComponentScope
from charter.analysis.delivery.bands import DoraEdition
from charter.analysis.metrics import Scope
from charter.model.delivery import Deployment, LeadTimes, ShippedChange
from charter.model.incident import Incident


def change_shippers(shipped: Mapping[str, Sequence[ShippedChange]]) -> dict[str, list[str]]:
    """Commit sha -> the deployments that shipped it (one per component at most)."""
    shippers: dict[str, list[str]] = defaultdict(list)
    for deployment_id, changes in shipped.items():
        for change in changes:
            shippers[change.sha].append(deployment_id)
    return dict(shippers)


@dataclass(frozen=True, slots=True)
class DeliveryInputs:
    """The period's deployments (every environment and status) plus those the rules need around it
    (rollbacks and hotfixes after it, the latest deployment before an incident), the lead times of
    the changes they shipped, the incidents, for each sha an incident's `causedBy.change` names the
    deployments that shipped it (full shas), and each component's team and system."""

    deployments: Sequence[Deployment]
    lead_times: LeadTimes = field(default_factory=lambda: LeadTimes((), np.zeros(0, np.int64), np.zeros(0)))
    incidents: Sequence[Incident] = ()
    change_shippers: Mapping[str, Sequence[str]] = field(default_factory=dict)
    scopes: Mapping[str, ComponentScope] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeliveryOptions:
    since: datetime
    until: datetime
    production_patterns: Sequence[str] = ("prod(uction)?",)
    hotfix_window_hours: float = 72
    by: Scope = Scope.COMPONENT
    edition: DoraEdition = DoraEdition.DORA_2023
    organization: str = "org"

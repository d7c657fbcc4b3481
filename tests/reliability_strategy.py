"""A small strategy repository for the reliability tests: `checkout` with two SLOs over a one-day
period and an error budget policy, a postmortem INC-1 in the last hour of 2026-10-01, and that day's
SLI counts: 100 requests a minute. availability: the last hour has 30 errors a minute (1,800 bad of
144,000: 125% of a 1% budget); latency: 1 slow request every 4 minutes (2.5% of its 10% budget)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

DAY = datetime(2026, 10, 1, tzinfo=UTC)
SLOS = ("checkout-availability", "checkout-latency")
MINUTES = 1440
FILES = {
    "catalog/all.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: team-a}
        spec: {type: team, children: []}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: checkout}
        spec: {type: service, lifecycle: production, owner: team-a}
        """,
    "slos/checkout.yaml": """\
        version: "prometheus/v1"
        service: checkout
        slos:
          - name: availability
            objective: 99
            sli:
              events:
                error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
                total_query: sum(rate(http_requests_total[{{.window}}]))
          - name: latency
            objective: 90
            sli:
              events:
                error_query: sum(rate(slow_requests_total[{{.window}}]))
                total_query: sum(rate(http_requests_total[{{.window}}]))
        """,
    "incidents/inc-1.md": """\
        ---
        id: INC-1
        title: Checkout errors
        severity: SEV2
        services: [checkout]
        started: 2026-10-01T23:00:00Z
        acknowledged: 2026-10-01T23:10:00Z
        resolved: 2026-10-02T00:00:00Z
        actionItems:
          - {id: INC-1-1, title: Alert on 5xx, owner: group:team-a, due: 2026-09-29, status: open}
        ---
        # Checkout errors
        """,
}
ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  policies:
    sloPeriod: 1d
    errorBudget: {exhausted: freeze-changes, incidentShare: 0.2}
"""


def sli_day() -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The good and total counts of DAY's minutes, one row per SLO of SLOS."""
    minute = np.arange(MINUTES)
    availability = np.where(minute >= MINUTES - 60, 70.0, 100.0)
    latency = np.where(minute % 4 == 0, 99.0, 100.0)
    return np.stack([availability, latency]), np.full((len(SLOS), MINUTES), 100.0)

"""A small strategy repository for the delivery tests: one component, `payments`, of team `team-a`
and system `shop`, and a published postmortem, INC-1, naming deployment `d1` as its cause."""

from __future__ import annotations

FILES = {
    "catalog/all.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: team-a}
        spec: {type: team, children: []}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: System
        metadata: {name: shop}
        spec: {owner: team-a}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: payments}
        spec: {type: service, lifecycle: production, owner: team-a, system: shop}
        """,
    "incidents/inc-1.md": """\
        ---
        id: INC-1
        title: Payments fail
        severity: SEV2
        services: [payments]
        started: 2026-10-01T11:00:00Z
        resolved: 2026-10-01T13:00:00Z
        cause: change
        causedBy: {deployment: d1}
        postmortem: {status: published, date: 2026-10-02}
        ---
        # Payments fail
        """,
}

"""DORA's delivery metrics from deployments, changes and incidents; pure."""

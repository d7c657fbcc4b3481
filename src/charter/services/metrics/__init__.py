"""Metric providers: one per domain, each measuring the registry metrics of its domain from a Context
for one period. Snapshots (and later targets, the review and the dashboard) loop over `PROVIDERS`."""

"""Everything that brings facts in (git, deployments, incidents, SLI counts, Prometheus, scanners,
security feeds): each source parses and yields records and diagnostics and never touches the store;
the import services (`charter.services.imports*`) write what they yield."""

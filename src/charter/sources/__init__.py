"""Everything that brings facts in (git, deployments, incidents, Prometheus, scanners): later issues
add one module per source behind one interface; the foundation reads only the strategy repository."""

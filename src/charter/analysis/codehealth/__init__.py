"""Code health from git history: hotspots, coupling, knowledge and turnover; pure."""

"""`charter assess`: a score from 0 to 100 per area (delivery, reliability, security, maintainability,
operational readiness) for every component, from checks over its facts, rolled up to system, team and
the organisation. Pure: the facts come in gathered (`services/assess.py`)."""

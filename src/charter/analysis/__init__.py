"""Pure functions over the Estate and stored facts: governance, standards, risk, metrics. No I/O."""

"""Strategy repository to model: one reader per format; every error is a Diagnostic with file:line."""

"""The strategy checks: governance, standards and the scorecard, suppressions, baselines, selection; pure."""

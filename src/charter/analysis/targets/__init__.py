"""Targets evaluated against snapshots: a target's value read in its metric's unit, the entities its
scope selects, and its status, trend, projection and backtest over the recorded history."""

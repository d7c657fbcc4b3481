"""Renderers of Charter's results: one module per output format, each returning a string."""

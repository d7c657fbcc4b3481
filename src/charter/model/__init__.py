"""Frozen domain types, entity references and the Estate graph. Pure: no I/O."""

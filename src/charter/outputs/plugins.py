"""The formats Charter ships, named in code, joined by the ones plugins declare as entry points.
Built-ins do not depend on the package's installed metadata, so they are there in a source
checkout, and under an install whose metadata is older than its code; a plugin cannot replace one."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import EntryPoint, entry_points


def registered(group: str, built_in: Mapping[str, str]) -> dict[str, EntryPoint]:
    """Every format of the entry point `group` by name: the built-ins (`name -> module:attribute`)
    and the plugins' entry points, none loaded."""
    found = {entry_point.name: entry_point for entry_point in entry_points(group=group)}
    found.update({name: EntryPoint(name, value, group) for name, value in built_in.items()})
    return found

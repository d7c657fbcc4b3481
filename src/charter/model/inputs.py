"""What a load read: every file by repo-relative path with its content digest (or the reason it
could not be read), the catalog globs in force, and the folder-walk problems. Equal inputs give
an equal Estate, which is what lets a check result be reused."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class LoadInputs:
    files: dict[str, str] = field(default_factory=dict)
    catalog_globs: tuple[str, ...] = ()
    walk_problems: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"files": self.files, "catalogGlobs": list(self.catalog_globs), "walkProblems": list(self.walk_problems)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LoadInputs:
        return cls(dict(data["files"]), tuple(data["catalogGlobs"]), tuple(data["walkProblems"]))

"""Expanding a Location's glob target without leaving the places Charter may read: the pattern's
fixed part is checked before anything is listed, the walk descends only where a match can still be
found and only into directories that resolve inside those places, and it stops after a bounded
number of entries (`/**/*.conf` once walked the whole filesystem)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

WILDCARDS = frozenset("*?[")
MAX_PATTERN_ENTRIES = 100_000  # directory entries one pattern may look at; a repository holds far fewer


def has_wildcard(text: str) -> bool:
    return any(character in WILDCARDS for character in text)


def is_inside(real: Path, places: Sequence[Path]) -> bool:
    """Whether a resolved path lies in one of `places` (resolved directories)."""
    return any(real.is_relative_to(place) for place in places)


@dataclass
class PatternMatches:
    """What a pattern matched: files inside the allowed places, matches that resolve outside them
    (symlinks), and whether the walk was refused (`fixed_outside`) or cut short (`too_broad`)."""

    files: list[Path] = field(default_factory=list)
    outside: list[tuple[Path, Path]] = field(default_factory=list)  # (as matched, where it resolves)
    fixed_outside: Path | None = None  # the pattern's fixed part, when it lies outside the places
    too_broad: int = 0  # the bound on entries the walk reached

    @property
    def problem(self) -> str | None:
        """Why the pattern was not expanded, or None."""
        if self.fixed_outside is not None:
            return f"its fixed part {self.fixed_outside} is outside the repository and the `sources.catalog` roots"
        if self.too_broad:
            return f"it reaches more than {self.too_broad:,} directory entries; name the folder the files are in"
        return None


def split_pattern(pattern: str) -> tuple[Path, list[str]]:
    """The fixed leading directory of an absolute pattern (`..` folded) and the segments after it."""
    parts = Path(os.path.normpath(pattern)).parts
    fixed: list[str] = []
    for index, part in enumerate(parts):
        if has_wildcard(part):
            return Path(*fixed), list(parts[index:])
        fixed.append(part)
    return Path(*fixed[:-1]), [fixed[-1]]


def expand_pattern(pattern: str, places: Sequence[Path], limit: int | None = None) -> PatternMatches:
    """The files an absolute glob `pattern` (`*`, `?`, `[...]`, `**` for any depth; hidden names only
    when the pattern spells the dot) matches inside `places`, sorted; at most `limit` directory
    entries (default MAX_PATTERN_ENTRIES) are looked at."""
    result = PatternMatches()
    start, segments = split_pattern(pattern)
    try:
        real_start = start.resolve(strict=True)
    except (OSError, RuntimeError):
        return result  # nothing there: the pattern matches no file
    if not is_inside(real_start, places):
        result.fixed_outside = start
        return result
    walk = _Walk(segments, places, limit or MAX_PATTERN_ENTRIES, result)
    walk.directory(start, real_start, walk.closure({0}))
    result.files.sort()
    result.outside.sort()
    return result


@dataclass
class _Walk:
    """A walk that follows the pattern's segments as a small automaton: `states` are the indexes of
    the segments the next name may match."""

    segments: list[str]
    places: Sequence[Path]
    limit: int
    result: PatternMatches
    seen: set[tuple[Path, frozenset[int]]] = field(default_factory=set)
    entries: int = 0

    def closure(self, states: set[int]) -> frozenset[int]:
        """`states` with every `**` also matching no directory at all."""
        closed = set(states)
        pending = list(states)
        while pending:
            index = pending.pop()
            if index < len(self.segments) and self.segments[index] == "**" and index + 1 not in closed:
                closed.add(index + 1)
                pending.append(index + 1)
        return frozenset(closed)

    def step(self, states: frozenset[int], name: str) -> frozenset[int]:
        after: set[int] = set()
        for index in states:
            if index == len(self.segments):
                continue
            segment = self.segments[index]
            if name.startswith(".") and not segment.startswith("."):
                continue
            if segment == "**":
                after.add(index)
            elif fnmatchcase(name, segment):
                after.add(index + 1)
        return self.closure(after)

    def directory(self, path: Path, real: Path, states: frozenset[int]) -> None:
        stack = [(path, real, states)]
        while stack and not self.result.too_broad:
            path, real, states = stack.pop()
            if (real, states) in self.seen:
                continue  # a symlink loop, or two ways to the same place
            self.seen.add((real, states))
            for name, is_symlink, is_dir, is_file in self.names(path, states):
                after = self.step(states, name)
                if not after:
                    continue
                child = path / name
                child_real = child.resolve() if is_symlink else real / name
                if is_file and len(self.segments) in after:
                    if is_inside(child_real, self.places):
                        self.result.files.append(child)
                    else:
                        self.result.outside.append((child, child_real))
                elif is_dir and after != {len(self.segments)}:
                    if is_inside(child_real, self.places):
                        stack.append((child, child_real, after))
                    else:
                        self.result.outside.append((child, child_real))

    def names(self, path: Path, states: frozenset[int]) -> list[tuple[str, bool, bool, bool]]:
        """The entries of `path` the pattern may match next, with (symlink, directory, file). When
        every next segment is a plain name, only those names are looked up, as glob does: the folder
        is not listed and its entries do not count towards the limit."""
        pending = [self.segments[index] for index in states if index < len(self.segments)]
        if pending and not any(has_wildcard(segment) for segment in pending):
            found = []
            for name in dict.fromkeys(pending):
                child = path / name
                try:
                    found.append((name, child.is_symlink(), child.is_dir(), child.is_file()))
                except OSError:
                    continue
            return [entry for entry in found if entry[2] or entry[3]]
        try:
            entries = sorted(os.scandir(path), key=lambda entry: entry.name)
        except OSError:
            return []
        listed = []
        for entry in entries:
            self.entries += 1
            if self.entries > self.limit:
                self.result.too_broad = self.limit
                return []
            try:
                listed.append((entry.name, entry.is_symlink(), entry.is_dir(), entry.is_file()))
            except OSError:
                continue
        return listed

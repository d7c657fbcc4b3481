"""What the server keeps of the overview, its most asked page: each overview made, by scope, day and
snapshot, with what the server rendered of it (its JSON, its page); and the snapshot in force on a
day, trusted for a moment so that a busy dashboard does not ask the store on every request."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from charter.outputs.views import overview as view

if TYPE_CHECKING:
    from charter.store.snapshot_scopes import SnapshotHead

MAX_HEADS = 1024  # days whose snapshot is remembered; more and the memory starts over


@dataclass(slots=True)
class OverviewEntry:
    """A cached overview and what the server made of it (its JSON, its HTML), by format."""

    report: view.OverviewReport
    renderings: dict[str, object] = field(default_factory=dict)


class OverviewCache:
    """Overviews by scope, day and snapshot, the most recently used kept; shared by threads. The
    snapshot in force on a day (None: now) is asked of the store at most once per `head_seconds`:
    a new snapshot (`charter sync`) shows within that time."""

    def __init__(
        self, kept: int = 256, head_seconds: float = 0.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.kept = kept
        self.head_seconds = head_seconds
        self.monotonic = monotonic
        self._entries: OrderedDict[object, OverviewEntry] = OrderedDict()
        self._heads: dict[date | None, tuple[SnapshotHead | None, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: object) -> OverviewEntry | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: object, entry: OverviewEntry) -> None:
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > self.kept:
                self._entries.popitem(last=False)

    def head(self, day: date | None, read: Callable[[], SnapshotHead | None]) -> SnapshotHead | None:
        """The snapshot in force on `day`: remembered, when asked within `head_seconds`, else `read`."""
        if self.head_seconds > 0:
            found = self._heads.get(day)
            if found is not None and self.monotonic() < found[1]:
                return found[0]
        head = read()
        if self.head_seconds > 0:
            with self._lock:
                if len(self._heads) >= MAX_HEADS:
                    self._heads.clear()
                self._heads[day] = (head, self.monotonic() + self.head_seconds)
        return head

"""How `charter.demo.history` decides a history commit by commit and streams it into `git
fast-import`: pull requests merged, squashed or rebased (a few feature branches open at once), bot
lockfile bumps, release tags on main, maintenance branches with patch releases and cherry-picked
back-ports, renames, binary files and empty commits. Only the current tree is kept in memory."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from charter.demo.fastimport import GITHUB, FastImport, Identity, inline_file, marked_file, renamed_file
from charter.demo.history_text import TextFactory
from charter.demo.working_clock import WorkingClock

if TYPE_CHECKING:
    from charter.demo.history_spec import Author, HistorySpec


@dataclass(frozen=True, slots=True)
class TagMark:
    """A tag written, pointing at a commit mark; `tagged_at` in Unix seconds."""

    name: str
    mark: int
    branch: str
    annotated: bool
    tagged_at: int
    line: str | None


@dataclass(frozen=True, slots=True)
class MainlineMark:
    """A commit on main's first-parent chain and the monorepo prefix it touched (None: the root)."""

    mark: int
    committed_at: int
    prefix: str | None


@dataclass(slots=True)
class _Line:
    """One release line: the whole repository, or one monorepo prefix."""

    name: str
    prefix: str
    sources: dict[str, list[str]]
    maintenance_at: frozenset[int]
    binaries: list[str] = field(default_factory=list)
    since_release: int = 0
    releases: int = 0
    major: int = 1
    minor: int = 0


@dataclass(slots=True)
class _Maintenance:
    branch: str
    line: _Line
    major: int
    minor: int
    tip: int
    files: dict[str, tuple[str, ...]]
    sources: list[str]
    due: int
    left: int
    patch: int = 0


@dataclass(slots=True)
class _Feature:
    slot: int
    line: _Line
    author: Author
    number: int
    title: str
    planned: int
    tip: int = 0
    made: int = 0
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)
    blobs: dict[str, int] = field(default_factory=dict)


class HistoryStream:
    """Decides the history commit by commit and writes each command as soon as it is decided."""

    FEATURE_SLOTS = 3
    MAX_FOLDER_FILES = 40

    def __init__(self, spec: HistorySpec, stdin: IO[bytes], stdout: IO[bytes]) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        layout = spec.layout
        self.text = TextFactory(self.rng, layout.extension, layout.file_lines, layout.max_file_lines)
        self.git = FastImport(stdin, stdout)
        self.start = int(spec.start.timestamp())
        self.span = int(spec.end.timestamp()) - self.start
        self.main_tip = 0
        self._clock = (-1, self.start)
        self._working = WorkingClock(self.start, self.start + self.span)
        self.files: dict[str, tuple[str, ...]] = {}
        self.renamed: set[str] = set()
        self.humans = [author for author in spec.authors if not author.is_bot]
        self.bots = [author for author in spec.authors if author.is_bot]
        styles = spec.merge_styles
        self.style_weights = (styles.merge, styles.squash, styles.rebase)
        self.lines = self._plan_lines()
        self.maintenance: list[_Maintenance] = []
        self.features: list[_Feature] = []
        self.free_slots = list(range(self.FEATURE_SLOTS))
        self.used_slots: set[int] = set()
        self.pull_requests = 0
        self.tags: list[TagMark] = []
        self.mainline: list[MainlineMark] = []

    # ------------------------------------------------------------------ plan
    def _plan_lines(self) -> list[_Line]:
        """The release lines, and which of their releases get a maintenance branch: spread over the
        releases the history is expected to reach (an estimate, kept on the low side)."""
        prefixes = self.spec.path_prefixes or ("",)
        merge, squash, rebase = self.style_weights
        # Mainline commits per pull request: a merge lands ~4 commits as 1, a rebase ~2.5 as 2.5.
        mainline_share = (merge + squash + 2.5 * rebase) / (4 * merge + squash + 2.5 * rebase)
        human = 1.0 - self.spec.bots - self.spec.empty_commits
        per_line = self.spec.commits * 0.85 * (human * mainline_share + 1 - human) / len(prefixes)
        expected = int(per_line // self.spec.release_every)
        wanted = min(self.spec.maintenance_branches, max(0, expected - 1))
        spread = frozenset(expected * (k + 1) // (wanted + 1) for k in range(wanted))
        lines = []
        for prefix in prefixes:
            clean = prefix.strip("/")
            lines.append(_Line(clean.rsplit("/", 1)[-1], f"{clean}/" if clean else "", {}, spread))
        return lines

    # ------------------------------------------------------------------ output
    @property
    def emitted(self) -> int:
        return self.git.commits

    def _now(self) -> int:
        """The committer time of the next commit: commits spread evenly over the span in stream order,
        each at a random moment of its slot (the same moment however often it is asked for)."""
        if self._clock[0] != self.emitted:
            slot = self.emitted + self.rng.random()
            self._clock = (self.emitted, self._working.at(slot / self.spec.commits))
        return self._clock[1]

    def _identity(self, author: Author) -> Identity:
        name, email = author.name, author.email
        if author.aliases and self.rng.random() < 0.3:
            name, email = self.rng.choice(author.aliases)
        return Identity(name.encode(author.encoding), email.encode(), author.timezone.encode())

    def _main_commit(
        self,
        line: _Line | None,
        author: Identity,
        authored: int | None,
        committer: Identity,
        message: str,
        changes: list[bytes],
        merge: int | None = None,
    ) -> int:
        """A commit on main (authored now unless written earlier), counted towards its line's release."""
        now = self._now()
        parent = self.main_tip if merge else None
        authored = now if authored is None else authored
        mark = self.git.commit("refs/heads/main", author, authored, committer, now, message, changes, parent, merge)
        self._on_main(mark, now, line)
        return mark

    def _tag(self, name: str, mark: int, branch: str, line: _Line, committed: int) -> None:
        annotated = self.rng.random() < self.spec.annotated_tags
        if annotated:
            end = self.start + self.span
            tagged = max(committed, min(committed + self.rng.randint(300, 7200), end))
            tagger = self._identity(self.rng.choice(self._active_humans()))
            self.git.annotated_tag(name, mark, tagger, tagged, f"Release {name}\n")
        else:
            tagged = committed
            self.git.reset(f"refs/tags/{name}", mark)
        self.tags.append(TagMark(name, mark, branch, annotated, tagged, line.name or None))

    # ------------------------------------------------------------------ the history
    def run(self) -> None:
        self.git.begin()
        self._initial_commit()
        while self.emitted < self.spec.commits:
            self._step()
        self._finish()
        self.git.end()

    def _step(self) -> None:
        due = next((branch for branch in self.maintenance if branch.left and branch.due <= self.emitted), None)
        if due is not None:
            self._patch_release(due)
            return
        rng = self.rng
        if self.features and rng.random() < 0.5:
            self._advance(rng.choice(self.features))
            return
        line = rng.choice(self.lines)
        roll = rng.random()
        if roll < self.spec.bots and self.bots:
            self._bot_commit(line)
        elif roll < self.spec.bots + self.spec.empty_commits:
            self._empty_commit(line)
        else:
            style = rng.choices(("merge", "squash", "rebase"), weights=self.style_weights)[0]
            if style == "merge" and self.free_slots:
                self._open_feature(line)
            elif style == "rebase":
                self._rebased(line)
            else:
                self._squashed(line)

    def _active_humans(self) -> list[Author]:
        moment = self.emitted / self.spec.commits
        active = [a for a in self.humans if a.active[0] <= moment <= a.active[1]]
        return active or self.humans

    def _human(self) -> Author:
        people = self._active_humans()
        return self.rng.choices(people, weights=[person.weight for person in people])[0]

    def _on_main(self, mark: int, committed: int, line: _Line | None) -> None:
        self.main_tip = mark
        self.mainline.append(MainlineMark(mark, committed, line.prefix.rstrip("/") or None if line else None))
        if line is None:
            return
        line.since_release += 1
        if line.since_release >= self.spec.release_every:
            line.since_release = 0
            self._release(line, mark, committed)

    def _initial_commit(self) -> None:
        changes = [inline_file(".mailmap", self.text.mailmap(self.spec.authors).encode())]
        changes.append(inline_file("README.md", b"# Service\n\nGenerated history.\n"))
        for line in self.lines:
            for directory in self.spec.layout.directories:
                paths = line.sources.setdefault(f"{line.prefix}{directory}", [])
                for _ in range(self.spec.layout.files_per_directory):
                    path = self.text.new_source_path(f"{line.prefix}{directory}")
                    paths.append(path)
                    changes.append(self._write(self.files, path, self.text.source_file()))
            if self.spec.layout.lockfile:
                changes.append(self._write(self.files, line.prefix + self.spec.layout.lockfile, self.text.lockfile()))
            if self.spec.layout.vendored:
                for index in range(4):
                    path = f"{line.prefix}{self.spec.layout.vendored}/part_{index}{self.spec.layout.extension}"
                    changes.append(self._write(self.files, path, self.text.source_file(120)))
        founder = self._identity(self.humans[0])
        self._main_commit(None, founder, None, founder, "Initial import\n", changes)

    # ------------------------------------------------------------------ file changes
    def _write(
        self, tree: dict[str, tuple[str, ...]], path: str, lines: tuple[str, ...], blobs: dict[str, int] | None = None
    ) -> bytes:
        """Set `path` to `lines` in `tree`: inline in the commit, or, for a feature branch (`blobs`), as a
        marked blob its merge commit names again instead of sending the bytes twice."""
        tree[path] = lines
        data = "".join(lines).encode()
        if blobs is None:
            return inline_file(path, data)
        blobs[path] = self.git.blob(data)
        return marked_file(path, blobs[path])

    def _pick_sources(self, line: _Line) -> list[str]:
        """Files that change together: mostly one folder, hot files more often than cold ones."""
        folders = list(line.sources)
        weights = [1.0 / (rank + 1) for rank in range(len(folders))]
        folder = line.sources[self.rng.choices(folders, weights=weights)[0]]
        count = min(len(folder), self.rng.choices((1, 2, 3, 4, 6), weights=(50, 28, 12, 7, 3))[0])
        chosen: list[str] = []
        for _ in range(count * 3):
            path = folder[int(len(folder) * self.rng.random() ** 2)]
            if path not in chosen:
                chosen.append(path)
            if len(chosen) == count:
                break
        return chosen

    def _change_set(
        self, line: _Line, own: dict[str, tuple[str, ...]], blobs: dict[str, int] | None = None
    ) -> list[bytes]:
        """One human commit's edits to `own`: main's files, or a feature branch's (read through to main's,
        its blobs marked in `blobs`)."""
        rng, changes, on_main = self.rng, [], blobs is None
        touched = self._pick_sources(line)
        for path in touched:
            current = own.get(path) or self.files.get(path) or self.text.source_file()
            changes.append(self._write(own, path, self.text.edited(current), blobs))
        folder = rng.choice(list(line.sources))
        if rng.random() < 0.03 and len(line.sources[folder]) < self.MAX_FOLDER_FILES:
            path = self.text.new_source_path(folder)
            changes.append(self._write(own, path, self.text.source_file(), blobs))
            touched.append(path)
            if on_main:
                line.sources[folder].append(path)
        if self.spec.layout.lockfile and rng.random() < 0.03:
            path = line.prefix + self.spec.layout.lockfile
            current = own.get(path) or self.files[path]
            changes.append(self._write(own, path, self.text.bumped_lockfile(current)[0], blobs))
        if on_main and rng.random() < self.spec.renames:
            changes.extend(self._rename(line, touched))
        if on_main and rng.random() < self.spec.binaries:
            changes.append(self._binary(line))
        if on_main and self.spec.layout.vendored and rng.random() < 0.004:
            folder = f"{line.prefix}{self.spec.layout.vendored}"
            vendored = [path for path in self.files if path.startswith(folder + "/")]
            changes.extend(self._write(self.files, path, self.text.rewritten(self.files[path])) for path in vendored)
        return changes

    def _rename(self, line: _Line, touched: list[str]) -> list[bytes]:
        """Move an untouched file within its folder, sometimes with a small edit (still a rename to git)."""
        folder = self.rng.choice(list(line.sources))
        paths = line.sources[folder]
        old = paths[self.rng.randrange(len(paths))]
        if len(paths) < 2 or old in touched:
            return []
        paths.remove(old)
        self.renamed.add(old)
        new = self.text.new_source_path(folder)
        paths.append(new)
        content = self.files.pop(old)
        changes = [renamed_file(old, new)]
        if self.rng.random() < 0.5:
            changes.append(self._write(self.files, new, self.text.edited(content)))
        else:
            self.files[new] = content
        return changes

    def _binary(self, line: _Line) -> bytes:
        if line.binaries and self.rng.random() < 0.5:
            path = self.rng.choice(line.binaries)
        else:
            path = f"{line.prefix}assets/image-{len(line.binaries) + 1}.png"
            line.binaries.append(path)
        return inline_file(path, b"\x89PNG\r\n\x1a\n\x00\x00" + self.rng.randbytes(self.rng.randint(200, 3000)))

    # ------------------------------------------------------------------ ways changes land on main
    def _lag(self, now: int, mean_hours: float) -> int:
        """An author time before `now`: work is written hours or days before it lands."""
        return max(self.start, now - int(self.rng.expovariate(1.0 / (mean_hours * 3600))))

    def _squashed(self, line: _Line) -> None:
        """A pull request squashed into one commit: authored when it was merged, as GitHub does."""
        author = self._identity(self._human())
        self.pull_requests += 1
        changes = self._change_set(line, self.files)
        message = f"{self.text.title(line.name)} (#{self.pull_requests})\n"
        self._main_commit(line, author, None, GITHUB, message, changes)

    def _rebased(self, line: _Line) -> None:
        """A pull request rebased onto main: its commits keep the times they were written."""
        author = self._human()
        self.pull_requests += 1
        for _ in range(min(self.rng.randint(1, 4), self.spec.commits - self.emitted)):
            changes = self._change_set(line, self.files)
            authored = self._lag(self._now(), 30)
            self._main_commit(
                line, self._identity(author), authored, GITHUB, f"{self.text.title(line.name)}\n", changes
            )

    def _bot_commit(self, line: _Line) -> None:
        if not self.spec.layout.lockfile:
            self._empty_commit(line)
            return
        bot = self._identity(self.rng.choice(self.bots))
        path = line.prefix + self.spec.layout.lockfile
        lines, package, old, new = self.text.bumped_lockfile(self.files[path])
        self.pull_requests += 1
        message = f"Bump {package} from {old} to {new} (#{self.pull_requests})\n"
        authored = self._lag(self._now(), 6)
        self._main_commit(line, bot, authored, GITHUB, message, [self._write(self.files, path, lines)])

    def _empty_commit(self, line: _Line) -> None:
        author = self._identity(self._human())
        self._main_commit(line, author, None, author, "Trigger a deployment\n", [])

    def _open_feature(self, line: _Line) -> None:
        self.pull_requests += 1
        slot = self.free_slots.pop(0)
        self.used_slots.add(slot)
        feature = _Feature(
            slot, line, self._human(), self.pull_requests, self.text.title(line.name), self.rng.randint(1, 5)
        )
        self.features.append(feature)
        self._feature_commit(feature, parent=self.main_tip)

    def _advance(self, feature: _Feature) -> None:
        if feature.made < feature.planned:
            self._feature_commit(feature, parent=None)
            return
        # Main's tree plus the feature's files; a file main renamed meanwhile stays renamed (the
        # conflict resolved in main's favour).
        changes = []
        for path, lines in feature.files.items():
            if path not in self.renamed:
                self.files[path] = lines
                changes.append(marked_file(path, feature.blobs[path]))
        for path in feature.files:
            known = feature.line.sources.get(path.rsplit("/", 1)[0])
            if known is not None and path not in known and path not in self.renamed:
                known.append(path)
        merger = self._identity(self._human())
        message = f"Merge pull request #{feature.number} from acme/{_slug(feature.title)}\n\n{feature.title}\n"
        self._main_commit(feature.line, merger, None, GITHUB, message, changes, merge=feature.tip)
        self.features.remove(feature)
        self.free_slots.append(feature.slot)

    def _feature_commit(self, feature: _Feature, parent: int | None) -> None:
        changes = self._change_set(feature.line, feature.files, feature.blobs)
        identity = self._identity(feature.author)
        now = self._now()
        message = f"{self.text.title(feature.line.name)}\n"
        ref = f"refs/heads/pull/slot-{feature.slot}"
        feature.tip = self.git.commit(ref, identity, now, identity, now, message, changes, parent)
        feature.made += 1

    # ------------------------------------------------------------------ releases
    def _release(self, line: _Line, mark: int, committed: int) -> None:
        line.releases += 1
        if line.releases > 1:
            line.minor += 1
            if line.releases % 15 == 0:
                line.major, line.minor = line.major + 1, 0
        fields = {"major": line.major, "minor": line.minor, "name": line.name}
        self._tag(self.spec.tag_pattern.format(patch=0, **fields), mark, "main", line, committed)
        if line.releases not in line.maintenance_at:
            return
        branch = self.spec.branch_pattern.format(patch=0, **fields)
        self.git.reset(f"refs/heads/{branch}", mark)
        sources = [path for paths in line.sources.values() for path in paths]
        patches = self.rng.randint(1, 3)
        cut = _Maintenance(branch, line, line.major, line.minor, mark, dict(self.files), sources, 0, patches)
        cut.due = self._next_patch()
        self.maintenance.append(cut)

    def _next_patch(self) -> int:
        return self.emitted + max(2, int(self.spec.release_every * self.rng.uniform(0.3, 1.5)))

    def _patch_release(self, branch: _Maintenance) -> None:
        rng = self.rng
        author = self._human()
        # A back-port needs a file main still has, and room for two commits.
        backport = rng.random() < self.spec.backports and self.spec.commits - self.emitted >= 2
        on_both = [path for path in branch.sources if path in self.files] if backport else []
        backport = bool(on_both)
        path = rng.choice(on_both or branch.sources)
        identity = self._identity(author)
        edit_seed = rng.getrandbits(32)
        title = self.text.fix_title(path)
        self.pull_requests += 1
        message = f"{title} (#{self.pull_requests})\n"
        authored = self._lag(self._now(), 6)
        if backport:  # fixed on main first, then cherry-picked: same author and author time
            fixed = self.text.edited(self.files[path], random.Random(edit_seed))
            on_main = self._main_commit(
                branch.line, identity, authored, GITHUB, message, [self._write(self.files, path, fixed)]
            )
            message += f"\n(cherry picked from commit {self.git.sha_of(on_main)})\n"
        now = self._now()
        fixed = self.text.edited(branch.files[path], random.Random(edit_seed))
        changes = [self._write(branch.files, path, fixed)]
        ref = f"refs/heads/{branch.branch}"
        branch.tip = self.git.commit(ref, identity, authored, identity, now, message, changes, branch.tip)
        branch.patch += 1
        branch.left -= 1
        branch.due = self._next_patch()
        name = self.spec.tag_pattern.format(
            major=branch.major, minor=branch.minor, patch=branch.patch, name=branch.line.name
        )
        self._tag(name, branch.tip, branch.branch, branch.line, now)

    def _finish(self) -> None:
        """Pull requests still open keep their branch; the slots they were written on go."""
        for feature in self.features:
            self.git.reset(f"refs/heads/feature/{feature.number}-{_slug(feature.title)}", feature.tip)
        for slot in sorted(self.used_slots):
            self.git.reset(f"refs/heads/pull/slot-{slot}", None)


def _slug(title: str) -> str:
    return title.lower().replace(" ", "-")

"""A real-shaped history of any size made from a real one: `replicate(bundle, target, copies)` builds a
bare repository whose history is `copies` copies of the bundle's whole history (every ref) chained one
after another, by piping `git fast-export` through a stream rewriter into `git fast-import`.

Copy k keeps every commit's author, message, file contents and diffs; its dates are the history's
own, squeezed into the k-th of `copies` equal slices of the history's span (`replica_time`), so the
copies follow one another in time, the newest commit is about as recent as the bundle's, and a year
holds `copies` times the bundle's commits, as a history that size has them. Its paths live under
`copy<k>/` (copy 0 keeps its own), its root
commits take the tip of copy k-1's default branch as parent (so HEAD reaches every copy), its
branches are `refs/heads/copy<k>/<name>` (the last copy's default branch is the default branch
itself, HEAD), its tags `v<M>.<m>.<p>…` become `v<M + 10k>.<m>.<p>…` (still release tags) and its
other tags `copy<k>-<name>`. Copy 0 is exported with its blobs; the later copies' file contents are
the same blobs, so they are exported with `--no-data` and name them by object id, which fast-import
finds among the objects it wrote for copy 0. The result is repacked as a clone's pack would be, and
checked: every copy's commits and refs, `git fsck --connectivity-only`, `git log --numstat` over HEAD.

Copy 0's commits are the bundle's but for their dates and commit signatures (fast-export leaves
them out).

    python benchmarks/replicated_history.py BUNDLE TARGET COPIES
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

COMPLETE = "charter-replica.json"  # written last: a target without it is rebuilt
FORMAT = 2  # what a replica is; a replica built as another format is rebuilt
DAY = 86_400
RELEASE_TAG = re.compile(rb"v(\d+)(\.\d+\.\d+.*)")
MARK = re.compile(rb":(\d+)")


@dataclass(frozen=True)
class Built:
    """What `replicate` built, checked against git."""

    target: Path
    commits: int  # `git rev-list --count --all`
    head_commits: int  # `git rev-list --count HEAD`
    seconds: float  # 0 when an existing replica was reused


@dataclass
class Copy:
    """How one copy's stream is rewritten, and what it leaves for the next."""

    index: int
    last: bool
    default_branch: bytes  # "refs/heads/main"
    mark_offset: int
    times: TimeSlices
    parent_of_roots: bytes | None  # the mark of copy index-1's default branch tip
    refs: dict[bytes, bytes] = field(default_factory=dict)  # source ref -> mark, as fast-import sets them
    highest_mark: int = 0

    @property
    def path_prefix(self) -> bytes:
        return f"copy{self.index}/".encode() if self.index else b""

    def ref(self, name: bytes) -> bytes:
        """`name` (a full ref) as this copy has it."""
        if name.startswith(b"refs/tags/"):
            return b"refs/tags/" + self.tag(name[len(b"refs/tags/") :])
        if self.last and name == self.default_branch:
            return name
        namespace, _, rest = name.partition(b"/")
        kind, _, short = rest.partition(b"/")
        return b"/".join([namespace, kind, f"copy{self.index}".encode(), short])

    def tag(self, name: bytes) -> bytes:
        release = RELEASE_TAG.fullmatch(name)
        if release:
            return b"v%d%s" % (int(release.group(1)) + 10 * self.index, release.group(2))
        return b"copy%d-%s" % (self.index, name) if self.index else name

    def mark(self, reference: bytes) -> bytes:
        """A `:N` mark moved into this copy's range; an object id left as it is."""
        found = MARK.fullmatch(reference)
        if not found:
            return reference
        number = int(found.group(1))
        self.highest_mark = max(self.highest_mark, number)
        return b":%d" % (number + self.mark_offset)

    def path(self, quoted_or_plain: bytes) -> bytes:
        if not self.index:
            return quoted_or_plain
        if quoted_or_plain.startswith(b'"'):  # C-style quoted: the prefix needs no escaping
            return b'"' + self.path_prefix + quoted_or_plain[1:]
        return self.path_prefix + quoted_or_plain

    def person(self, line: bytes) -> bytes:
        """An `author`/`committer`/`tagger` line with its timestamp moved into this copy's slice."""
        who, stamp, zone = line.rstrip(b"\n").rsplit(b" ", 2)
        return b"%s %d %s\n" % (who, replica_time(int(stamp), self.index, self.times), zone)


@dataclass(frozen=True)
class TimeSlices:
    """The bundle's commits span `width` seconds from `origin`; the replica cuts that span into
    `copies` equal slices, one a copy."""

    origin: int
    width: int
    copies: int


def replica_time(seconds: int, index: int, times: TimeSlices) -> int:
    """`seconds` of the bundle's history as copy `index` has it: squeezed into its slice, in order."""
    return times.origin + (index * times.width + seconds - times.origin) // times.copies


def time_slices(source: Path, copies: int) -> TimeSlices:
    """The span of every author and committer time in `source` (a day added, so the newest commit
    of the last copy stays inside it), cut into `copies` slices."""
    stamps = [int(stamp) for stamp in git(source, "log", "--all", "--format=%at%n%ct").split()]
    return TimeSlices(min(stamps), max(stamps) - min(stamps) + DAY, copies)


def split_first_path(arguments: bytes) -> tuple[bytes, bytes]:
    """`R`/`C` arguments split into the source path (quoted or up to the first space) and the rest."""
    if not arguments.startswith(b'"'):
        source, _, rest = arguments.partition(b" ")
        return source, rest
    index = 1
    while arguments[index : index + 1] != b'"':
        index += 2 if arguments[index : index + 1] == b"\\" else 1
    return arguments[: index + 1], arguments[index + 2 :]


def file_command(copy: Copy, line: bytes) -> bytes:
    """One of a commit's file commands rewritten for `copy`."""
    body = line.rstrip(b"\n")
    if body.startswith(b"M "):
        _, mode, reference, path = body.split(b" ", 3)
        return b"M %s %s %s\n" % (mode, copy.mark(reference), copy.path(path))
    if body.startswith(b"D "):
        return b"D %s\n" % copy.path(body[2:])
    if body.startswith((b"R ", b"C ")):
        source, target = split_first_path(body[2:])
        return b"%s %s %s\n" % (body[:1], copy.path(source), copy.path(target))
    if body == b"deleteall":  # a copy's deleteall wipes its own files, not the earlier copies'
        return line if not copy.index else b"D %s\n" % copy.path_prefix.rstrip(b"/")
    if body.startswith(b"N "):
        _, reference, commit = body.split(b" ", 2)
        return b"N %s %s\n" % (copy.mark(reference), copy.mark(commit))
    return line


def rewrite(copy: Copy, stream: IO[bytes], out: IO[bytes]) -> None:
    """Copy `stream` (one fast-export) to `out` (fast-import's input) rewritten for `copy`."""
    current_ref: bytes | None = None  # the ref of the commit being read, None outside a commit
    message_read = False  # the commit's first data block (its message) was read
    awaiting_parent = False  # the message was just read: its `from`, if any, comes next
    reset_ref: bytes | None = None  # a `reset` was just read: its `from`, if any, comes next
    for line in iter(stream.readline, b""):
        if reset_ref is not None:
            if line.startswith(b"from "):
                copy.refs[reset_ref] = line[5:].rstrip(b"\n")
                out.write(b"from %s\n" % copy.mark(line[5:].rstrip(b"\n")))
                reset_ref = None
                continue
            reset_ref = None
        if awaiting_parent and line != b"\n":
            awaiting_parent = False
            if not line.startswith(b"from ") and copy.parent_of_roots is not None:
                out.write(b"from %s\n" % copy.parent_of_roots)
        if line.startswith(b"data "):
            out.write(line)
            copy_bytes(stream, out, int(line[5:]))
            awaiting_parent = current_ref is not None and not message_read
            message_read = True
            continue
        command, _, rest = line.rstrip(b"\n").partition(b" ")
        if command == b"commit":
            current_ref, message_read = rest, False
            out.write(b"commit %s\n" % copy.ref(rest))
        elif command == b"reset":
            current_ref, reset_ref = None, rest
            copy.refs.pop(rest, None)
            out.write(b"reset %s\n" % copy.ref(rest))
        elif command == b"tag":
            current_ref = None
            out.write(b"tag %s\n" % copy.tag(rest))
        elif command == b"blob":
            current_ref = None
            out.write(line)
        elif command == b"mark":
            if current_ref is not None:
                copy.refs[current_ref] = rest
            out.write(b"mark %s\n" % copy.mark(rest))
        elif command in (b"author", b"committer", b"tagger"):
            out.write(copy.person(line))
        elif command in (b"from", b"merge"):
            out.write(b"%s %s\n" % (command, copy.mark(rest)))
        elif command in (b"M", b"D", b"R", b"C", b"N", b"deleteall"):
            out.write(file_command(copy, line))
        else:  # original-oid, encoding, blank separators
            out.write(line)


def copy_bytes(stream: IO[bytes], out: IO[bytes], length: int) -> None:
    while length:
        chunk = stream.read(min(length, 1 << 20))
        if not chunk:
            raise RuntimeError("fast-export's stream ended inside a data block")
        out.write(chunk)
        length -= len(chunk)


def git(repository: Path, *arguments: str) -> str:
    return subprocess.run(["git", "-C", str(repository), *arguments], capture_output=True, text=True, check=True).stdout


def export(source: Path, with_data: bool) -> Iterator[IO[bytes]]:
    command = ["git", "-C", str(source), "fast-export", "--all", "--signed-tags=strip", "--reencode=no"]
    exporting = subprocess.Popen([*command, *([] if with_data else ["--no-data"])], stdout=subprocess.PIPE)
    assert exporting.stdout is not None
    yield exporting.stdout
    exporting.stdout.close()
    if exporting.wait() != 0:
        raise RuntimeError(f"git fast-export in {source} failed ({exporting.returncode})")


def import_copies(source: Path, building: Path, copies: int) -> None:
    default_branch = git(source, "symbolic-ref", "HEAD").strip().encode()
    importing = subprocess.Popen(
        ["git", "-C", str(building), "fast-import", "--quiet", "--date-format=raw-permissive"],
        stdin=subprocess.PIPE,
        bufsize=1 << 20,
    )
    assert importing.stdin is not None
    times = time_slices(source, copies)
    previous: Copy | None = None
    for index in range(copies):
        copy = Copy(
            index=index,
            last=index == copies - 1,
            default_branch=default_branch,
            mark_offset=0 if previous is None else previous.mark_offset + previous.highest_mark,
            times=times,
            parent_of_roots=None if previous is None else previous.mark(previous.refs[default_branch]),
        )
        for stream in export(source, with_data=index == 0):
            rewrite(copy, stream, importing.stdin)
        previous = copy
    importing.stdin.close()
    if importing.wait() != 0:
        raise RuntimeError(f"git fast-import into {building} failed ({importing.returncode})")
    git(building, "symbolic-ref", "HEAD", default_branch.decode())


def replicate(bundle: Path, target: Path, copies: int) -> Built:
    """The bare repository at `target` holding `copies` chained copies of `bundle`'s history: reused
    when a complete one for the same bundle and count is there, built otherwise. Raises RuntimeError
    when the result does not have `copies` times the bundle's commits or fails `git fsck`."""
    import time

    identity = {"bundle": str(bundle.resolve()), "size": bundle.stat().st_size, "copies": copies, "format": FORMAT}
    marker = target / COMPLETE
    if marker.is_file():
        recorded = json.loads(marker.read_text(encoding="utf-8"))
        if {key: recorded.get(key) for key in identity} == identity:
            return Built(target, recorded["commits"], recorded["head_commits"], 0.0)
    started = time.perf_counter()
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(target.name + ".partial")
    shutil.rmtree(building, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="replica-source-", dir=target.parent) as folder:
        source = Path(folder) / "source.git"
        subprocess.run(["git", "clone", "-q", "--mirror", str(bundle), str(source)], check=True)
        subprocess.run(["git", "init", "-q", "--bare", str(building)], check=True)
        import_copies(source, building, copies)
        # fast-import's pack deltas little: `git log --numstat` reads it 1.5x slower than the pack a
        # clone receives. Repacked (one thread, to spare a shared machine) it reads as a clone does.
        subprocess.run(
            ["git", "-C", str(building), "-c", "pack.threads=1", "repack", "-a", "-d", "-f", "-q"], check=True
        )
        expected = copies * int(git(source, "rev-list", "--count", "--all"))
        expected_head = copies * int(git(source, "rev-list", "--count", "HEAD"))
        expected_refs = copies * len(git(source, "for-each-ref").splitlines())
    built = check(building, expected, expected_head, expected_refs)
    building.rename(target)
    seconds = time.perf_counter() - started
    record = {**identity, "commits": built.commits, "head_commits": built.head_commits, "seconds": seconds}
    marker.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return Built(target, built.commits, built.head_commits, seconds)


def check(repository: Path, commits: int, head_commits: int, refs: int) -> Built:
    """The replica against what it must hold: every copy's commits and refs, a connected object
    graph, and a `git log --numstat` over HEAD that reads every commit HEAD reaches."""
    counted = int(git(repository, "rev-list", "--count", "--all"))
    counted_head = int(git(repository, "rev-list", "--count", "HEAD"))
    counted_refs = len(git(repository, "for-each-ref").splitlines())
    problems = [
        f"{what}: {found}, expected {wanted}"
        for what, found, wanted in [
            ("commits on all refs", counted, commits),
            ("commits on HEAD", counted_head, head_commits),
            ("refs", counted_refs, refs),
        ]
        if found != wanted
    ]
    fsck = subprocess.run(
        ["git", "-C", str(repository), "fsck", "--connectivity-only", "--no-progress"],
        capture_output=True,
        text=True,
        check=False,
    )
    if fsck.returncode != 0 or fsck.stdout.strip():
        problems.append(f"git fsck --connectivity-only: {(fsck.stdout + fsck.stderr).strip()}")
    logged = git(repository, "log", "--numstat", "--format=commit %H", "HEAD")
    read = sum(1 for line in logged.splitlines() if line.startswith("commit "))
    if read != counted_head:
        problems.append(f"git log --numstat over HEAD read {read} commits, rev-list counts {counted_head}")
    if problems:
        raise RuntimeError(f"{repository}: " + "; ".join(problems))
    return Built(repository, counted, counted_head, 0.0)


def main() -> None:
    bundle, target, copies = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    built = replicate(bundle, target, copies)
    print(f"{built.target}: {built.commits} commits on all refs, {built.head_commits} on HEAD ({built.seconds:.1f} s)")


if __name__ == "__main__":
    main()

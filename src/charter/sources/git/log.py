"""Git run over one clone: the commit log with per-file line counts (written by git straight to a file,
parsed by `log_records`), the refs and the tags. One git process per reader."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from threading import Event
from typing import BinaryIO

from charter.load.cores import usable_cores
from charter.model.delivery import CommitRecord, FileChange, TagRecord
from charter.sources.git.log_records import LOG_OPTIONS, parse_log

# The refs whose history is mined: branches, remote-tracking branches and tags (a release tag may sit on
# a side branch that no branch contains any more). Not refs/pull/* of a mirror clone, nor notes or stashes.
MINED_REF_PREFIXES = ("refs/heads", "refs/remotes", "refs/tags")
_READ_SIZE = 1 << 20
_WAIT_SECONDS = 0.1
# rev-list's output: object names of one length (SHA-1 or SHA-256), one a line.
_OBJECT_NAMES = {41: re.compile(rb"(?:[0-9a-f]{40}\n)*"), 65: re.compile(rb"(?:[0-9a-f]{64}\n)*")}
_TAG_FORMAT = (
    "%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)%00%(taggerdate:unix)%00"
    "%(*committerdate:unix)%00%(committerdate:unix)%00%(refname)"
)


class GitError(Exception):
    """Git exited with an error; `detail` is what it wrote on stderr."""

    def __init__(self, repo: Path, command: Sequence[str], returncode: int, detail: str) -> None:
        self.repo = repo
        self.command = tuple(command)
        self.returncode = returncode
        self.detail = detail.strip()
        super().__init__(f"git {' '.join(command[:1])} in {repo} exited {returncode}: {self.detail}")


def git_environment(repo: Path) -> dict[str, str]:
    """The environment for git in `repo`: never prompt for credentials, and never look above the
    repository for a `.git` (a plain folder inside some other clone is not a repository)."""
    environment = dict(os.environ)
    environment["GIT_TERMINAL_PROMPT"] = "0"
    environment["GIT_CEILING_DIRECTORIES"] = str(Path(repo).absolute().parent)
    environment.pop("GIT_DIR", None)
    environment.pop("GIT_WORK_TREE", None)
    return environment


def run_git(repo: Path, *arguments: str, stdin: str | None = None) -> str:
    """Run one short git command in `repo` and return its stdout; GitError when it fails."""
    completed = subprocess.run(
        ["git", "-C", str(repo), *arguments],
        input=stdin.encode() if stdin is not None else None,
        capture_output=True,
        env=git_environment(repo),
        check=False,
    )
    if completed.returncode != 0:
        raise GitError(repo, arguments, completed.returncode, completed.stderr.decode(errors="replace"))
    return completed.stdout.decode(errors="replace")


def revision_input(include: Sequence[str], exclude: Sequence[str]) -> str:
    """Revisions for `--stdin` (no command-line limit however many refs a repository has); excluded
    ones as `^sha`, which every git reads (`--not` on stdin needs git 2.42)."""
    lines = list(dict.fromkeys(include)) + [f"^{sha}" for sha in dict.fromkeys(exclude)]
    return "".join(line + "\n" for line in lines)


def iter_commits(repo: Path, include: Sequence[str], exclude: Sequence[str]) -> Iterator[CommitRecord]:
    """Every commit reachable from `include` and not from `exclude`, newest first, with its numstat;
    GitError when git fails. For tests and small histories: mining parses the log in chunks instead."""
    if not include:
        return
    with tempfile.TemporaryFile() as log:
        write_log(repo, include, exclude, log)
        log.seek(0)
        parsed = parse_log(repo.name, iter(lambda: log.read(_READ_SIZE), b""))
    files: dict[str, list[FileChange]] = {}
    for _, sha, path, old_path, added, deleted, _, _ in parsed.files:
        files.setdefault(sha, []).append(FileChange(path, added, deleted, old_path))
    for _, sha, parents, name, email, authored, committed, *_ in parsed.commits:
        yield CommitRecord(
            sha,
            tuple(parents.split()),
            name,
            email,
            datetime.fromtimestamp(authored, UTC),
            datetime.fromtimestamp(committed, UTC),
            tuple(files.get(sha, ())),
        )


def write_log(
    repo: Path, include: Sequence[str], exclude: Sequence[str], output: BinaryIO, stop: Event | None = None
) -> None:
    """Run `git log` with `LOG_OPTIONS` over the commits reachable from `include` and not from `exclude`,
    its output going straight to `output` (a file: git never waits for a reader). GitError when git
    fails, including after part of the log was written (a corrupt object is found only when the walk
    reaches it); when `stop` is set, git is ended and GitError raised. No `include` (a repository
    without commits): nothing to log, and git is not asked (it would log HEAD, which is unborn)."""
    if include:
        start_log(repo, include, exclude, output).finish(stop)


class RunningLog:
    """A `git log` writing to a file (`start_log`): `finish` waits for it, `end` stops it."""

    def __init__(
        self,
        repo: Path,
        include: Sequence[str],
        exclude: Sequence[str],
        output: BinaryIO,
        commits: bytes | None = None,
    ) -> None:
        self.repo = repo
        self.started = time.monotonic()
        if commits is None:
            self.arguments = [*LOG_OPTIONS, "--stdin"]
            revisions = revision_input(include, exclude).encode()
        else:  # these commits in this order, none of their ancestors: no walk
            if not commits:
                raise ValueError("a log of listed commits needs one at least (with none, git would log HEAD)")
            self.arguments = [*LOG_OPTIONS, "--no-walk=unsorted", "--stdin"]
            revisions = commits
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 - it lives as long as git runs: `end` closes it
        try:
            self.process = subprocess.Popen(
                ["git", "-C", str(repo), *self.arguments],
                stdin=subprocess.PIPE,
                stdout=output,
                stderr=self.errors,
                env=git_environment(repo),
            )
            assert self.process.stdin is not None
            # git reads all revisions before it writes anything.
            self.process.stdin.write(revisions)
            self.process.stdin.close()
        except BaseException:
            self.end()
            raise

    def finish(self, stop: Event | None = None) -> None:
        """Wait for git to end; GitError when it failed, or was stopped by `stop`."""
        try:
            returncode = _wait(self.process, stop)
            if returncode is None:
                raise GitError(self.repo, self.arguments, -1, "stopped: the sync was interrupted")
            if returncode != 0:
                self.errors.seek(0)
                raise GitError(self.repo, self.arguments, returncode, self.errors.read().decode(errors="replace"))
        finally:
            self.end()

    def ended(self) -> bool:
        """Whether git has exited (it may have failed: `finish` says)."""
        return self.process.poll() is not None

    def end(self) -> None:
        """Stop git if it still runs (what it wrote beyond what was read is not to be read)."""
        process = getattr(self, "process", None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        self.errors.close()


def start_log(
    repo: Path, include: Sequence[str], exclude: Sequence[str], output: BinaryIO, commits: bytes | None = None
) -> RunningLog:
    """Start `git log` as `write_log` runs it, without waiting for it; with `commits` (object names
    one a line, a part of `ListedCommits`), the log of those commits alone, in that order, each
    written exactly as the whole log writes it, with no walk through the others."""
    return RunningLog(repo, include, exclude, output, commits)


def spare_core() -> bool:
    """Whether this process can keep more than one core busy (its affinity and CPU quota:
    `load/cores.py`), so that a second git has one to itself while the first runs. The machine's
    load is not asked: a load average lags, and counts this sync's own gits."""
    return usable_cores() > 1


@dataclass(frozen=True, slots=True)
class ListedCommits:
    """The commits of a log, in its order, as `git rev-list` wrote them: object names of `width`
    bytes with their newline, kept as bytes (a million commits are 41 MB, not a list of strings)."""

    lines: bytes
    width: int

    def __len__(self) -> int:
        return len(self.lines) // self.width

    def after(self, count: int) -> bytes:
        """The lines after the first `count`, as `git log --no-walk --stdin` reads them."""
        return self.lines[count * self.width :]

    def names(self) -> list[str]:
        return self.lines.decode("ascii").split()


class CommitList:
    """The commits of the log over `include` and not `exclude`, in the log's order: one `git
    rev-list` (the same walk as `git log`'s, without the diffs), started at once, writing to a file
    (so it ends however late it is read), and read by `result` (GitError when git fails, ValueError
    on output that is not one object name a line); `end` stops it."""

    def __init__(self, repo: Path, include: Sequence[str], exclude: Sequence[str]) -> None:
        self.repo = repo
        self.arguments = ("rev-list", "--stdin")
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 - read and closed by `result` or `end`
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 - the same
        with tempfile.TemporaryFile() as revisions:
            revisions.write(revision_input(include, exclude).encode())
            revisions.seek(0)
            try:
                self.process = subprocess.Popen(
                    ["git", "-C", str(repo), *self.arguments],
                    stdin=revisions,
                    stdout=self.output,
                    stderr=self.errors,
                    env=git_environment(repo),
                )
            except BaseException:
                self.output.close()
                self.errors.close()
                raise

    def result(self) -> ListedCommits:
        try:
            returncode = self.process.wait()
            if returncode != 0:
                self.errors.seek(0)
                raise GitError(self.repo, self.arguments, returncode, self.errors.read().decode(errors="replace"))
            self.output.seek(0)
            output = self.output.read()
        finally:
            self.output.close()
            self.errors.close()
        width = output.find(b"\n") + 1 if output else 41
        names = _OBJECT_NAMES.get(width)
        if names is None or not names.fullmatch(output):
            raise ValueError(f"git rev-list wrote something that is not a list of object names: {output[:80]!r}")
        return ListedCommits(output, width)

    def end(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.output.close()
        self.errors.close()


def _wait(process: subprocess.Popen[bytes], stop: Event | None) -> int | None:
    """The exit status of `process`, or None once `stop` is set."""
    if stop is None:
        return process.wait()
    while not stop.is_set():
        try:
            return process.wait(timeout=_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            continue
    return None


def read_refs(repo: Path) -> dict[str, str]:
    """The mined refs that lead to a commit, and the object each points to (an annotated tag's own
    object, not its commit). Symbolic refs (`origin/HEAD`) and tags of trees or blobs are left out."""
    return read_ref_listing(repo)[0]


def read_ref_listing(repo: Path) -> tuple[dict[str, str], dict[str, str]]:
    """`read_refs`, and the symbolic refs under the mined prefixes with the ref each names
    (`refs/remotes/origin/HEAD` -> `refs/remotes/origin/main`), from one `git for-each-ref`."""
    output = run_git(
        repo,
        "for-each-ref",
        "--format=%(objectname) %(objecttype) %(*objecttype) %(symref)%00%(refname)",
        *MINED_REF_PREFIXES,
    )
    refs: dict[str, str] = {}
    symbolic: dict[str, str] = {}
    for line in output.splitlines():
        described, name = line.split("\0", 1)
        sha, kind, peeled_kind, symref = described.split(" ", 3)
        if symref:
            symbolic[name] = symref
        elif kind == "commit" or peeled_kind in ("commit", "tag"):
            refs[name] = sha
    return refs, symbolic


def read_tags(repo: Path) -> list[TagRecord]:
    """Every tag that ends at a commit, with the commit and its deployment time: the tagger date of an
    annotated tag, else the committer date of the tagged commit. Tags of trees and blobs are skipped."""
    output = run_git(repo, "for-each-ref", f"--format={_TAG_FORMAT}", "refs/tags")
    tags: list[TagRecord] = []
    nested: list[tuple[str, str, datetime]] = []
    for line in output.splitlines():
        kind, sha, peeled_kind, peeled_sha, tagger_date, peeled_commit_date, commit_date, ref = line.split("\0")
        name = ref.removeprefix("refs/tags/")
        if kind == "commit":
            tags.append(TagRecord(name, sha, _epoch(commit_date), annotated=False))
        elif kind == "tag" and peeled_kind == "commit":
            tagged = tagger_date or peeled_commit_date
            tags.append(TagRecord(name, peeled_sha, _epoch(tagged), annotated=True))
        elif kind == "tag" and peeled_kind == "tag" and tagger_date:
            nested.append((name, sha, _epoch(tagger_date)))
    tags.extend(_peel_nested_tags(repo, nested))
    return sorted(tags, key=lambda tag: tag.name)


def _peel_nested_tags(repo: Path, nested: list[tuple[str, str, datetime]]) -> list[TagRecord]:
    """A tag of a tag: ask git for the commit at the end of the chain, if there is one."""
    if not nested:
        return []
    query = "".join(f"{sha}^{{}}\n" for _, sha, _ in nested)
    answers = run_git(repo, "cat-file", "--batch-check=%(objecttype) %(objectname)", stdin=query).splitlines()
    tags = []
    for (name, _, tagged_at), answer in zip(nested, answers, strict=True):
        kind, _, commit = answer.partition(" ")
        if kind == "commit":
            tags.append(TagRecord(name, commit, tagged_at, annotated=True))
    return tags


def _epoch(text: str) -> datetime:
    return datetime.fromtimestamp(int(text), UTC)

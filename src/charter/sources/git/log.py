"""Streaming readers over git's own output: the commit log with per-file line counts, the refs and the
tags of one clone. One git process per reader; its stdout is read in large chunks and split on NUL,
so nothing is kept per line and the parse costs little next to git computing the diffs."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from charter.model.delivery import CommitRecord, FileChange, TagRecord

# The refs whose history is mined: branches, remote-tracking branches and tags (a release tag may sit on
# a side branch that no branch contains any more). Not refs/pull/* of a mirror clone, nor notes or stashes.
MINED_REF_PREFIXES = ("refs/heads", "refs/remotes", "refs/tags")

# One record per commit: a record-separator byte, then NUL-separated fields; with -z every numstat entry
# is NUL-terminated too, and a rename is `added\tdeleted\t` NUL `old path` NUL `new path`.
COMMIT_FORMAT = "%x1e%H%x00%P%x00%aN%x00%aE%x00%at%x00%ct"
# Options that pin the output, whatever the user's git configuration says (signatures, merge diffs,
# text conversion filters, colour). `--numstat` of a merge stays empty: its changes are its parents'.
LOG_OPTIONS = (
    "log",
    "-z",
    "--numstat",
    "-M",
    "--no-diff-merges",
    "--diff-algorithm=myers",
    "--no-show-signature",
    "--no-textconv",
    "--no-color",
    f"--format={COMMIT_FORMAT}",
)
_HEADER_FIELDS = 6
_READ_SIZE = 1 << 20
_SMALL_READ = 1 << 16
_GATHER_SECONDS = 0.01
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


# One commit as the store wants it: sha, parents (space-separated), author name and email (after
# `.mailmap`), author and committer time (Unix seconds), is a merge, lines added and deleted over text
# files, and its files. A file is (path, old path of a rename or None, added, deleted); binary: None.
FileRow = tuple[str, str | None, int | None, int | None]
CommitRow = tuple[str, str, str, str, int, int, bool, int, int, tuple[FileRow, ...]]


def iter_commits(repo: Path, include: Sequence[str], exclude: Sequence[str]) -> Iterator[CommitRecord]:
    """Every commit reachable from `include` and not from `exclude`, newest first, with its numstat;
    from one `git log` process. GitError when git fails, also after some commits were yielded (a
    corrupt object is found only when the walk reaches it)."""
    for sha, parents, name, email, authored, committed, _, _, _, files in iter_commit_rows(repo, include, exclude):
        yield CommitRecord(
            sha,
            tuple(parents.split()),
            name,
            email,
            datetime.fromtimestamp(authored, UTC),
            datetime.fromtimestamp(committed, UTC),
            tuple(FileChange(path, added, deleted, old_path) for path, old_path, added, deleted in files),
        )


def iter_commit_rows(repo: Path, include: Sequence[str], exclude: Sequence[str]) -> Iterator[CommitRow]:
    """The same commits as `iter_commits`, as plain tuples ready for the store (no object per file)."""
    if not include:
        return
    header: list[str] = []
    files: list[FileRow] = []
    rename: list[str] | None = None
    for token in _log_tokens(repo, include, exclude):
        if rename is not None:
            # The two paths after a rename's counts are taken as they come, whatever bytes they hold.
            rename.append(token)
            if len(rename) == 4:
                added, deleted, old_path, new_path = rename
                files.append((new_path, old_path, _count(added), _count(deleted)))
                rename = None
        elif len(header) < _HEADER_FIELDS:
            header.append(token)
        elif token.startswith("\x1e"):
            yield _commit_row(header, files)
            header, files = [token], []
        elif token:
            added, deleted, path = token.lstrip("\n").split("\t", 2)
            if path:
                files.append((path, None, _count(added), _count(deleted)))
            else:
                rename = [added, deleted]
    if header:
        yield _commit_row(header, files)


def _commit_row(header: list[str], files: list[FileRow]) -> CommitRow:
    marked_sha, parents, name, email, authored, committed = header
    additions = deletions = 0
    for _, _, added, deleted in files:
        if added is not None and deleted is not None:
            additions += added
            deletions += deleted
    return (
        marked_sha[1:],
        parents,
        name,
        email,
        int(authored),
        int(committed),
        " " in parents,
        additions,
        deletions,
        tuple(files),
    )


def _count(text: str) -> int | None:
    return None if text == "-" else int(text)


def _log_tokens(repo: Path, include: Sequence[str], exclude: Sequence[str]) -> Iterator[str]:
    """The NUL-separated tokens of `git log`, decoded (bytes that are not UTF-8, as in old author
    names, become U+FFFD), read in large chunks while git is still writing."""
    arguments = [*LOG_OPTIONS, "--stdin"]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            ["git", "-C", str(repo), *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=git_environment(repo),
            bufsize=0,
        )
        assert process.stdin is not None and process.stdout is not None
        _widen_pipe(process.stdout.fileno())
        try:
            # git reads all revisions before it writes anything, so this cannot deadlock.
            process.stdin.write(revision_input(include, exclude).encode())
            process.stdin.close()
            leftover = b""
            while chunk := process.stdout.read(_READ_SIZE):
                if len(chunk) < _SMALL_READ:
                    # git flushes after every commit: waking up for each costs more than the parse.
                    time.sleep(_GATHER_SECONDS)
                data = leftover + chunk
                end = data.rfind(b"\0")
                if end < 0:
                    leftover = data
                    continue
                leftover = data[end + 1 :]
                yield from data[:end].decode(errors="replace").split("\0")
            if leftover:
                yield leftover.decode(errors="replace")
            returncode = process.wait()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
        if returncode != 0:
            errors.seek(0)
            raise GitError(repo, arguments, returncode, errors.read().decode(errors="replace"))


def _widen_pipe(descriptor: int) -> None:
    """Let git write ahead of the parse (Linux pipes hold 64 KiB by default); best effort."""
    try:
        import fcntl

        fcntl.fcntl(descriptor, fcntl.F_SETPIPE_SZ, _READ_SIZE)
    except (ImportError, AttributeError, OSError):
        pass


def read_refs(repo: Path) -> dict[str, str]:
    """The mined refs that lead to a commit, and the object each points to (an annotated tag's own
    object, not its commit). Symbolic refs (`origin/HEAD`) and tags of trees or blobs are left out."""
    output = run_git(
        repo,
        "for-each-ref",
        "--format=%(objectname) %(objecttype) %(*objecttype) %(symref)%00%(refname)",
        *MINED_REF_PREFIXES,
    )
    refs: dict[str, str] = {}
    for line in output.splitlines():
        described, name = line.split("\0", 1)
        sha, kind, peeled_kind, symref = described.split(" ")
        if not symref and (kind == "commit" or peeled_kind in ("commit", "tag")):
            refs[name] = sha
    return refs


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

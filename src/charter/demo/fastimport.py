"""Writing `git fast-import` commands into its stdin as they are decided: commits whose files are
inline or marked blobs, annotated and lightweight tags, branch resets, and `get-mark` to learn a
commit's sha while the import runs. Marks are numbered here, one sequence for commits and blobs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True, slots=True)
class Identity:
    """An author, committer or tagger as git stores it: bytes (a name need not be UTF-8) and an offset."""

    name: bytes
    email: bytes
    timezone: bytes

    def line(self, role: bytes, seconds: int) -> bytes:
        return b"%s %s <%s> %d %s\n" % (role, self.name, self.email, seconds, self.timezone)


GITHUB = Identity(b"GitHub", b"noreply@github.com", b"+0000")


def inline_file(path: str, data: bytes) -> bytes:
    """A file change carrying its bytes (`M 100644 inline`)."""
    return b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data)


def marked_file(path: str, blob: int) -> bytes:
    """A file change naming a blob written earlier, so that the same bytes are not sent twice."""
    return b"M 100644 :%d %s\n" % (blob, path.encode())


def renamed_file(old: str, new: str) -> bytes:
    return b"R %s %s\n" % (old.encode(), new.encode())


class FastImport:
    """One import stream. `commits` counts the commits written so far."""

    def __init__(self, stdin: IO[bytes], stdout: IO[bytes]) -> None:
        self._out = stdin
        self._replies = stdout
        self._mark = 0
        self.commits = 0

    def begin(self) -> None:
        # With `done`, a stream cut short (this process dying) fails instead of importing half a history.
        self._out.write(b"feature done\n")

    def end(self) -> None:
        self._out.write(b"done\n")

    def blob(self, data: bytes) -> int:
        self._mark += 1
        self._out.write(b"blob\nmark :%d\ndata %d\n%s\n" % (self._mark, len(data), data))
        return self._mark

    def commit(
        self,
        ref: str,
        author: Identity,
        authored: int,
        committer: Identity,
        committed: int,
        message: str,
        changes: list[bytes],
        parent: int | None = None,
        merge: int | None = None,
    ) -> int:
        """Write a commit on `ref` (after `parent` when given, else after the ref's tip) and return its mark."""
        self._mark += 1
        self.commits += 1
        body = message.encode()
        parts = [
            b"commit %s\nmark :%d\n" % (ref.encode(), self._mark),
            author.line(b"author", authored),
            committer.line(b"committer", committed),
            b"data %d\n%s\n" % (len(body), body),
        ]
        if parent:
            parts.append(b"from :%d\n" % parent)
        if merge:
            parts.append(b"merge :%d\n" % merge)
        parts.extend(changes)
        parts.append(b"\n")
        self._out.write(b"".join(parts))
        return self._mark

    def annotated_tag(self, name: str, commit: int, tagger: Identity, seconds: int, message: str) -> None:
        body = message.encode()
        self._out.write(
            b"tag %s\nfrom :%d\n%sdata %d\n%s\n"
            % (name.encode(), commit, tagger.line(b"tagger", seconds), len(body), body)
        )

    def reset(self, ref: str, commit: int | None) -> None:
        """Point `ref` at `commit` (a branch, or a lightweight tag), or delete it when None."""
        start = b"from :%d\n" % commit if commit is not None else b""
        self._out.write(b"reset %s\n%s\n" % (ref.encode(), start))

    def sha_of(self, commit: int) -> str:
        """The sha of a commit already written (fast-import answers on its stdout)."""
        self._out.write(b"get-mark :%d\n" % commit)
        self._out.flush()
        return self._replies.readline().decode("ascii").strip()

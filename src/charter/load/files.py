"""Finding and reading the strategy repository's files safely: the repository root, the folders of
each format, and file contents checked for size, binary data and encoding before any parser sees
them."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from charter.load.patterns import expand_pattern, is_inside, split_pattern
from charter.model.repository import ORGANIZATION_FILE as ORGANIZATION_FILE  # named from here by the readers

MAX_FILE_BYTES = 10 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")

# folder -> suffixes read there. YAML documents are classified by content, whatever the folder.
STRATEGY_FOLDERS: dict[str, tuple[str, ...]] = {
    "catalog": YAML_SUFFIXES,
    "standards": YAML_SUFFIXES,
    "slos": YAML_SUFFIXES,
    "risks": YAML_SUFFIXES,
    "controls": YAML_SUFFIXES,
    "roadmap": YAML_SUFFIXES,
    "decisions": (".md",),
    "incidents": (".md",),
    "radar": (*YAML_SUFFIXES, ".csv", ".json"),
}


class RepositoryNotFound(Exception):
    """No strategy repository where one was expected."""


def find_repository(start: Path | None = None) -> Path:
    """The nearest directory upward from `start` (default: the current one) holding charter.yaml."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / ORGANIZATION_FILE).is_file():
            return candidate
    raise RepositoryNotFound(
        f"no {ORGANIZATION_FILE} in {here} or any parent directory: run inside a strategy "
        "repository, pass --repo DIR, or create one with `charter init`"
    )


def resolve_repository(repo: Path | None) -> Path:
    """`--repo DIR` when given (it must hold charter.yaml), else the nearest one upward."""
    if repo is None:
        return find_repository()
    path = repo.resolve()
    if not (path / ORGANIZATION_FILE).is_file():
        raise RepositoryNotFound(
            f"{repo} is not a strategy repository: it has no {ORGANIZATION_FILE} (create one with `charter init`)"
        )
    return path


@dataclass(frozen=True, slots=True)
class RawFile:
    """A file's bytes and their digest, with the repo-relative path used in diagnostics."""

    path: Path
    display: str
    data: bytes
    digest: str

    @classmethod
    def of(cls, path: Path, display: str, data: bytes) -> RawFile:
        return cls(path, display, data, hashlib.blake2b(data, digest_size=20).hexdigest())


@dataclass(frozen=True, slots=True)
class FileProblem:
    """Why a file could not be read as text: a diagnostic code, message, line and hint."""

    code: str
    message: str
    line: int = 0
    column: int = 0
    hint: str | None = None


def display_path(path: Path, root: Path) -> str:
    """Repo-relative POSIX path; files outside the repository are shown relative to it too."""
    text, prefix = str(path), str(root) + os.sep
    if text.startswith(prefix):  # the common case, without pathlib's parsing
        return text[len(prefix) :].replace(os.sep, "/")
    return Path(os.path.relpath(path, root)).as_posix()


def read_raw(path: Path, root: Path) -> RawFile | FileProblem:
    """The file's bytes, unless it is over MAX_FILE_BYTES or cannot be read. One descriptor for the
    size and the bytes, without pathlib's file objects: a large organisation has thousands of files."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            size = os.fstat(descriptor).st_size
            if size > MAX_FILE_BYTES:
                return FileProblem(
                    "SCH007",
                    f"file is {size / 1048576:.1f} MiB; strategy files are limited to {MAX_FILE_BYTES // 1048576} MiB",
                )
            data = _read_all(descriptor, size)
        finally:
            os.close(descriptor)
    except OSError as exc:
        return FileProblem("SCH008", f"cannot read file: {exc.strerror or exc}")
    return RawFile.of(path, display_path(path, root), data)


def _read_all(descriptor: int, size: int) -> bytes:
    """Everything up to the end of the file: its size in one read, then whatever it grew by (or a
    pipe gave, whose size is 0)."""
    chunks = [os.read(descriptor, size + 1)]
    while chunks[-1]:
        chunks.append(os.read(descriptor, 1 << 16))
    return b"".join(chunks) if len(chunks) > 2 else chunks[0]


def decode_text(raw: RawFile) -> str | FileProblem:
    """The file as text: UTF-8 (a BOM is allowed), no NUL bytes, not empty."""
    data = raw.data
    if b"\x00" in data:
        return FileProblem(
            "SCH005", "binary file (contains NUL bytes)", hint="remove the binary file from the strategy folders"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return FileProblem(
            "SCH005",
            f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded",
            line,
            column,
            "save the file as UTF-8",
        )
    if not text.strip():
        return FileProblem("SCH006", "file is empty")
    return text


@dataclass(frozen=True, slots=True)
class WalkProblem:
    path: Path
    message: str
    code: str = "SCH008"


OUTSIDE = "outside the repository and the `sources.catalog` roots"


def walk_files(folder: Path, suffixes: tuple[str, ...], inside: Sequence[Path] = ()) -> Iterator[Path | WalkProblem]:
    """Files under `folder` with one of `suffixes`, sorted, following symlinks but reporting loops
    instead of looping. With `inside` (resolved directories), a symlink, to a file or a directory,
    that resolves outside all of them is reported (SCH014) and not followed."""
    seen: set[Path] = set()
    stack = [folder]
    while stack:
        directory = stack.pop()
        try:
            real = directory.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            yield WalkProblem(directory, f"cannot resolve directory: {exc}")
            continue
        if inside and not is_inside(real, inside):
            yield WalkProblem(directory, f"symlink to {real}, {OUTSIDE}: not read", "SCH014")
            continue
        if real in seen:
            yield WalkProblem(directory, f"symlink loop: {directory} leads back to {real}")
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as exc:
            yield WalkProblem(directory, f"cannot list directory: {exc.strerror or exc}")
            continue
        subdirectories: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError as exc:
                yield WalkProblem(path, f"cannot stat: {exc.strerror or exc}")
                continue
            if is_dir:
                subdirectories.append(path)
            elif is_file:
                if path.suffix.lower() not in suffixes:
                    continue
                if inside and entry.is_symlink():
                    target = path.resolve()
                    if not is_inside(target, inside):
                        yield WalkProblem(path, f"symlink to {target}, {OUTSIDE}: not read", "SCH014")
                        continue
                yield path
            elif entry.is_symlink():
                yield WalkProblem(path, "broken symlink or symlink loop")
        stack.extend(reversed(subdirectories))


def input_fingerprint(raw: RawFile | FileProblem) -> str:
    """What a load's result depends on for one file: its digest, or why it could not be read."""
    return raw.digest if isinstance(raw, RawFile) else f"!{raw.code}"


def organization_file_problem(root: Path) -> WalkProblem | None:
    """SCH014 when charter.yaml is a symlink leading out of the repository (it is then not read)."""
    path = root / ORGANIZATION_FILE
    real = path.resolve()
    return None if real.is_relative_to(root) else WalkProblem(path, f"symlink to {real}, {OUTSIDE}: not read", "SCH014")


def catalog_roots(root: Path, patterns: Sequence[str]) -> list[Path]:
    """The directories `sources.catalog` globs may reach into: each pattern's fixed leading part,
    resolved."""
    return [split_pattern(_absolute(root, pattern))[0].resolve() for pattern in patterns]


def catalog_glob_files(root: Path, patterns: Sequence[str]) -> tuple[list[Path], list[WalkProblem]]:
    """Files matched by `sources.catalog` globs (a bounded walk), and the matches refused: a
    symlink leading outside the repository and the roots, or a pattern reaching too far."""
    places = [root, *catalog_roots(root, patterns)]
    files: list[Path] = []
    problems: list[WalkProblem] = []
    for pattern in patterns:
        expanded = expand_pattern(_absolute(root, pattern), places)
        files.extend(expanded.files)
        problems.extend(
            WalkProblem(path, f"symlink to {real}, {OUTSIDE}: not read", "SCH014") for path, real in expanded.outside
        )
        if expanded.problem is not None:
            problems.append(
                WalkProblem(root / ORGANIZATION_FILE, f"sources.catalog {pattern!r}: {expanded.problem}", "REF009")
            )
    return files, problems


def _absolute(root: Path, pattern: str) -> str:
    return pattern if os.path.isabs(pattern) else str(root / pattern)


def repo_path_exists(root: Path, relative: str) -> bool:
    """Whether a path named in the strategy (a rollback plan, evidence) exists inside the repository;
    a `#fragment` is ignored, and a path that leaves the repository does not count."""
    candidate = (root / relative.split("#", 1)[0]).resolve()
    return candidate.is_relative_to(root) and candidate.exists()

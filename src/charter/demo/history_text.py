"""The text inside generated git histories: source files made of plausible lines and edited a few
lines at a time, lockfiles that bots bump, file names, pull request titles and the `.mailmap`. Cheap
to make: lines come from a pool drawn once, so a 50,000-commit history costs little Python."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Protocol

# fmt: off
MODULES = (
    "handlers", "client", "models", "routes", "retry", "cache", "config", "auth", "serializers", "metrics",
    "queue", "schema", "session", "limits", "errors", "events", "workers", "utils", "views", "storage",
    "index", "tokens", "invoices", "payments", "search", "accounts", "webhooks", "settings", "pagination",
)
_WORDS = (
    "request", "response", "account", "amount", "batch", "budget", "cursor", "deadline", "event", "key",
    "limit", "order", "payload", "record", "result", "retries", "session", "state", "token", "window",
)
_TEMPLATES = (
    "    {a} = {b}({c}, {n})\n",
    "    if {a} is None:\n",
    "        return {b}.{c}()\n",
    "def {a}_{b}({c}):\n",
    "    # {a} before {b}: the {c} may be stale\n",
    '    log.info("{a} %s", {b})\n',
    "    for {a} in {b}.{c}s:\n",
    "        {a}.{b} += {n}\n",
    "    raise {A}Error({b})\n",
    "\n",
)
_VERBS = ("Add", "Fix", "Handle", "Refactor", "Remove", "Speed up", "Validate", "Log", "Document", "Simplify",
          "Cache", "Retry")
_NOUNS = ("timeouts", "pagination", "rate limits", "the health check", "error codes", "config loading",
          "token refresh", "batch writes", "idempotency keys", "metric labels", "empty pages", "slow queries")
_PACKAGES = (
    "requests", "urllib3", "certifi", "idna", "pydantic", "sqlalchemy", "alembic", "click", "rich", "httpx",
    "anyio", "sniffio", "h11", "jinja2", "markupsafe", "pyyaml", "attrs", "structlog", "orjson", "uvicorn",
    "starlette", "fastapi", "psycopg", "redis", "boto3", "botocore", "s3transfer", "jmespath", "six", "packaging",
)
# fmt: on


class NamedAuthor(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def email(self) -> str: ...

    @property
    def aliases(self) -> tuple[tuple[str, str], ...]: ...


class TextFactory:
    """Every piece of text of one history, drawn from one seeded random source."""

    POOL_SIZE = 1024

    def __init__(
        self, rng: random.Random, extension: str, file_lines: tuple[int, int] = (8, 40), max_file_lines: int = 100
    ) -> None:
        self.rng = rng
        self.extension = extension
        self.file_lines = file_lines
        self.max_file_lines = max_file_lines
        self.pool = [self._line() for _ in range(self.POOL_SIZE)]
        self._counter = 0
        self._used: set[str] = set()

    def _line(self) -> str:
        pick = self.rng.choice
        a, b, c = pick(_WORDS), pick(_WORDS), pick(_WORDS)
        return pick(_TEMPLATES).format(a=a, b=b, c=c, A=a.capitalize(), n=self.rng.randint(0, 99))

    def _pool_lines(self, count: int, rng: random.Random) -> list[str]:
        pool, size = self.pool, self.POOL_SIZE
        return [pool[int(rng.random() * size)] for _ in range(count)]

    # ------------------------------------------------------------------ source files
    def source_file(self, lines: int | None = None) -> tuple[str, ...]:
        return tuple(self._pool_lines(lines or self.rng.randint(*self.file_lines), self.rng))

    def edited(self, lines: tuple[str, ...], rng: random.Random | None = None) -> tuple[str, ...]:
        """A small edit: a few lines replaced, a block inserted, sometimes lines deleted; a file that
        grew too long is cut back, as a refactoring does."""
        rng = rng or self.rng
        result = list(lines)
        for _ in range(rng.randint(0, 3)):
            if result:
                result[int(rng.random() * len(result))] = self.pool[int(rng.random() * self.POOL_SIZE)]
        at = int(rng.random() * (len(result) + 1))
        result[at:at] = self._pool_lines(rng.randint(1, 6), rng)
        if len(result) > 12 and rng.random() < 0.5:
            at = int(rng.random() * (len(result) - 4))
            del result[at : at + rng.randint(1, 4)]
        if len(result) > self.max_file_lines:
            del result[self.max_file_lines // 2 :]
        return tuple(result)

    def rewritten(self, lines: tuple[str, ...]) -> tuple[str, ...]:
        """About half the lines replaced, as a vendored dependency's upgrade does."""
        rng = self.rng
        return tuple(line if rng.random() < 0.5 else self.pool[int(rng.random() * self.POOL_SIZE)] for line in lines)

    def new_source_path(self, folder: str) -> str:
        for _ in range(4):
            module = self.rng.choice(MODULES)
            path = f"{folder}/{module}{self.extension}"
            if path not in self._used:
                self._used.add(path)
                return path
        self._counter += 1
        path = f"{folder}/{self.rng.choice(MODULES)}_{self._counter}{self.extension}"
        self._used.add(path)
        return path

    # ------------------------------------------------------------------ lockfiles
    def lockfile(self) -> tuple[str, ...]:
        lines: list[str] = []
        for package in _PACKAGES:
            version = f"{self.rng.randint(0, 5)}.{self.rng.randint(0, 30)}.{self.rng.randint(0, 12)}"
            lines += ["[[package]]\n", f'name = "{package}"\n', f'version = "{version}"\n', "\n"]
        return tuple(lines)

    def bumped_lockfile(self, lines: tuple[str, ...]) -> tuple[tuple[str, ...], str, str, str]:
        """The lockfile with one package's version raised: (lines, package, old version, new version)."""
        index = self.rng.randrange(len(lines) // 4)
        package = lines[4 * index + 1].split('"')[1]
        old = lines[4 * index + 2].split('"')[1]
        major, minor, patch = (int(part) for part in old.split("."))
        new = f"{major}.{minor + 1}.0" if self.rng.random() < 0.3 else f"{major}.{minor}.{patch + 1}"
        result = list(lines)
        result[4 * index + 2] = f'version = "{new}"\n'
        return tuple(result), package, old, new

    # ------------------------------------------------------------------ messages
    def title(self, area: str = "") -> str:
        where = self.rng.choice(MODULES)
        return f"{self.rng.choice(_VERBS)} {self.rng.choice(_NOUNS)} in {area + ' ' if area else ''}{where}"

    def fix_title(self, path: str) -> str:
        module = path.rsplit("/", 1)[-1].split(".", 1)[0]
        return f"Fix {self.rng.choice(_NOUNS)} in {module}"

    @staticmethod
    def mailmap(authors: Iterable[NamedAuthor]) -> str:
        lines = ["# Proper Name <proper@email> Commit Name <commit@email>"]
        for author in authors:
            lines += [f"{author.name} <{author.email}> {name} <{email}>" for name, email in author.aliases]
        return "\n".join(lines) + "\n"

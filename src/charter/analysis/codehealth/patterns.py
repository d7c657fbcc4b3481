"""Which paths code health leaves out (lockfiles, vendored and generated files, after GitHub Linguist's
`vendor.yml` and `generated.rb`), as a compiled matcher.

Path globs are matched against the repository-relative path, `/`-separated, case-sensitively, with
gitignore's reading: a pattern without a `/` (other than a trailing one) matches the file name at any
depth (`*.min.js`, `package-lock.json`); a trailing `/` names a directory at any depth and everything
under it (`node_modules/`); any other pattern is anchored at the repository root (`vendor/**` is only
the top-level `vendor`, `**/vendor/**` is any). `*` matches within one path segment, `**` across
segments, `?` one character; everything else is literal, brackets included (in `fnmatch` `[bot]`
would be a character class). Bot and agent globs (`codehealth.authors`) read `*` and `?` the same way."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

# A documented subset of Linguist's rules (lib/linguist/vendor.yml, lib/linguist/generated.rb) that
# can be told from the path alone; Linguist also reads file contents, which history rows lack.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    # Lockfiles (generated.rb: npm, Yarn, pnpm, Bun, Poetry, Pipenv, uv, Cargo, Go, Composer, Bundler, ...)
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "Cargo.lock",
    "go.sum",
    "composer.lock",
    "Gemfile.lock",
    "Podfile.lock",
    "Package.resolved",
    "flake.lock",
    "mix.lock",
    "pubspec.lock",
    "packages.lock.json",
    # Lockfiles Linguist's list lacks: Gradle's dependency locking, Bun's text lockfile.
    "gradle.lockfile",
    "buildscript-gradle.lockfile",
    "bun.lock",
    # Minified assets and source maps (vendor.yml "Minified JavaScript and CSS", generated.rb)
    "*.min.js",
    "*.min.css",
    "*-min.js",
    "*-min.css",
    "*.js.map",
    "*.css.map",
    # Generated code (generated.rb: protobuf and gRPC stubs, Go generators, .NET designer files)
    "*.pb.go",
    "*.pb.cc",
    "*.pb.h",
    "*_pb2.py",
    "*_pb2.pyi",
    "*_pb2_grpc.py",
    "*_pb.js",
    "*_grpc_pb.js",
    "*.pb.swift",
    "*_generated.go",
    "zz_generated.*.go",
    "*.Designer.cs",
    "*.designer.cs",
    # Vendored dependencies and build output (vendor.yml; these match at any depth, as Linguist's do)
    "vendor/",
    "vendors/",
    "third_party/",
    "third-party/",
    "3rdparty/",
    "node_modules/",
    "bower_components/",
    "dist/",
    "**/Godeps/_workspace/**",
    "**/.yarn/releases/",
    "**/.yarn/plugins/",
    "Carthage/",
    "Pods/",
    # Build tool wrappers (vendor.yml "Gradle", "Maven")
    "gradlew",
    "gradlew.bat",
    "**/gradle/wrapper/",
    "mvnw",
    "mvnw.cmd",
    "**/.mvn/wrapper/",
)


def wildcards_regex(text: str, star: str = ".*", question: str = ".") -> str:
    """`text` as a regular expression where `*` and `?` stand for `star` and `question`, all else literal."""
    return "".join(star if char == "*" else question if char == "?" else re.escape(char) for char in text)


def _glob_body(pattern: str) -> str:
    """Translate `**` and `*` / `?` within segments; `**/` may match no directory at all."""
    pieces = []
    for index, chunk in enumerate(pattern.split("**")):
        if index > 0:
            if chunk.startswith("/"):
                pieces.append("(?:.*/)?")
                chunk = chunk[1:]
            else:
                pieces.append(".*")
        pieces.append(wildcards_regex(chunk, "[^/]*", "[^/]"))
    return "".join(pieces)


def path_glob_regex(pattern: str) -> str:
    """The regular expression (for `fullmatch`) a path glob stands for, as the module docstring reads them."""
    directory = pattern.endswith("/")
    body = pattern.strip("/")
    anchored = "/" in body or pattern.startswith("/")
    regex = _glob_body(body)
    if directory:
        regex += "/.*"
    return regex if anchored else f"(?:.*/)?{regex}"


def compile_path_globs(patterns: Sequence[str]) -> Callable[[str], bool]:
    """A predicate: does the path match any of the globs?"""
    if not patterns:
        return lambda path: False
    combined = re.compile("|".join(f"(?:{path_glob_regex(pattern)})" for pattern in patterns), re.DOTALL)
    return lambda path: combined.fullmatch(path) is not None

"""Load a whole strategy repository into an Estate: charter.yaml, the strategy folders, Backstage
Locations and the `sources.catalog` roots; every problem becomes a diagnostic and the rest of the
repository is still read."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from charter.load.context import LoadContext, SourceFile
from charter.load.decisions import decisions_by_id
from charter.load.documents import read_document
from charter.load.files import (
    ORGANIZATION_FILE,
    STRATEGY_FOLDERS,
    YAML_SUFFIXES,
    FileProblem,
    RawFile,
    WalkProblem,
    catalog_glob_files,
    catalog_roots,
    decode_text,
    display_path,
    input_fingerprint,
    organization_file_problem,
    read_raw,
    walk_files,
)
from charter.load.parallel_parse import Parsed, ParsedInOrder, parse_in_order
from charter.load.patterns import expand_pattern, has_wildcard, is_inside
from charter.load.readers import FILE_READERS, YAML_READERS
from charter.load.slos import slos_by_name
from charter.load.slos_openslo import report_unresolved_indicators
from charter.load.yaml12 import YamlDocument, YamlError, documents_starting_at, walk_to
from charter.model.catalog import CatalogEntity, LocationSpec
from charter.model.diagnostics import Diagnostic, Location
from charter.model.estate import Entity, Estate
from charter.model.inputs import LoadInputs
from charter.model.refs import EntityRef
from charter.model.repository import NO_ORGANIZATION


class ParseCache(Protocol):
    """Parsed YAML documents by content digest, so unchanged files are not parsed again."""

    def lookup(self, digests: Iterable[str]) -> dict[str, list[YamlDocument]]: ...

    def store(self, entries: Mapping[str, list[YamlDocument] | bytes]) -> None: ...


@dataclass(frozen=True, slots=True)
class _YamlFiles:
    """YAML files read and being parsed: each file's bytes and text (None: unreadable), the documents
    the cache held by digest, the parses of the others in order of first appearance, those parses
    by digest as they are read, and what goes to the cache (as parsed, or as a worker encoded it)."""

    sources: list[tuple[RawFile | FileProblem, SourceFile | None]]
    cached: dict[str, list[YamlDocument]]
    in_order: ParsedInOrder
    parsed: dict[str, Parsed | YamlError] = field(default_factory=dict)
    fresh: dict[str, list[YamlDocument] | bytes] = field(default_factory=dict)

    def __enter__(self) -> _YamlFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.in_order.close()


@dataclass
class _Loader:
    root: Path
    cache: ParseCache | None
    context: LoadContext = field(default_factory=LoadContext)
    visited: set[tuple[int, int]] = field(default_factory=set)  # (device, inode): one read per file
    catalog_roots: list[Path] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)
    walk_problems: list[str] = field(default_factory=list)

    # Reading -----------------------------------------------------------------------------------

    def read_text(self, raw: RawFile | FileProblem, path: Path) -> SourceFile | None:
        shown = display_path(path, self.root)
        self.inputs[shown] = input_fingerprint(raw)
        if isinstance(raw, FileProblem):
            self.problem(raw, shown)
            return None
        text = decode_text(raw)
        if isinstance(text, FileProblem):
            self.problem(text, shown)
            return None
        return SourceFile(shown, text)

    def problem(self, problem: FileProblem, shown: str) -> None:
        self.context.report(
            problem.code, problem.message, Location(shown, problem.line, problem.column), hint=problem.hint
        )

    def load_yaml_files(self, paths: list[Path]) -> list[CatalogEntity]:
        """Read YAML files (parsed once per content digest); returns Locations found in them."""
        with self.begin_yaml_files(paths) as files:
            return self.finish_yaml_files(files)

    def begin_yaml_files(self, paths: list[Path]) -> _YamlFiles:
        """Read the files and start parsing those the cache does not hold, on the other cores this
        process may use: what the caller does before `finish_yaml_files` overlaps the parse."""
        raws: list[tuple[Path, RawFile | FileProblem]] = []
        for path in paths:
            try:
                status = os.stat(path)
            except OSError:
                status = None
            if status is not None:
                identity = (status.st_dev, status.st_ino)
                if identity in self.visited:
                    continue
                self.visited.add(identity)
            raws.append((path, read_raw(path, self.root)))
        digests = [raw.digest for _, raw in raws if isinstance(raw, RawFile)]
        cached = self.cache.lookup(digests) if self.cache and digests else {}
        sources = [(raw, self.read_text(raw, path)) for path, raw in raws]
        return _YamlFiles(sources, cached, self._parse_new(cached, sources))

    def finish_yaml_files(self, files: _YamlFiles) -> list[CatalogEntity]:
        """Read the files' documents into the model in order; returns the Locations among them."""
        locations_before = len(self.context.entities)
        for raw, source in files.sources:
            if source is not None:
                self.read_documents(source, raw.digest, files)  # type: ignore[union-attr]
        if self.cache and files.fresh:
            self.cache.store(files.fresh)
        return [
            entity
            for entity in self.context.entities[locations_before:]
            if isinstance(entity, CatalogEntity) and isinstance(entity.spec, LocationSpec)
        ]

    def read_documents(self, source: SourceFile, digest: str, files: _YamlFiles) -> None:
        """Read one file's documents into the model: from the cache, else from the new parses (each
        new content's comes in the order the files do), which then go to the cache."""
        documents = files.cached.get(digest)
        if documents is None:
            result = files.parsed.get(digest)
            if result is None:
                result = files.parsed[digest] = next(files.in_order)
            if isinstance(result, YamlError):
                code = "SCH002" if result.message.startswith("duplicate key") else "SCH001"
                self.context.report(
                    code, result.message, source.location(result.line, result.column), hint=result.hint or None
                )
                return
            documents = result.documents
            files.fresh[digest] = result.documents if result.encoded is None else result.encoded
        if not documents:
            self.context.report("SCH006", "file holds no YAML document", source.location(1, 1))
        for document in documents:
            read_document(document, source, self.context, YAML_READERS)

    @staticmethod
    def _parse_new(
        cached: dict[str, list[YamlDocument]], sources: list[tuple[RawFile | FileProblem, SourceFile | None]]
    ) -> ParsedInOrder:
        """The documents of each text the cache does not hold, in order of first appearance, parsed
        on every core this process may use (`load/parallel_parse.py`)."""
        texts: dict[str, str] = {}
        for raw, source in sources:
            if source is not None and raw.digest not in cached:  # type: ignore[union-attr]
                texts.setdefault(raw.digest, source.text)  # type: ignore[union-attr]
        return parse_in_order(list(texts.values()))

    def load_other_files(self, folder: str, paths: list[Path]) -> None:
        for path in paths:
            reader = FILE_READERS.get((folder, path.suffix.lower()))
            source = self.read_text(read_raw(path, self.root), path)
            if source is not None and reader is not None:
                reader(source, self.context)

    def walk(self, folder: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
        for item in walk_files(folder, suffixes, self.places()):
            if isinstance(item, WalkProblem):
                self.walk_problem(item)
            else:
                yield item

    def walk_problem(self, problem: WalkProblem) -> None:
        self.walk_problems.append(problem.message)
        self.context.report(problem.code, problem.message, Location(display_path(problem.path, self.root)))

    # Locations ---------------------------------------------------------------------------------

    def follow_locations(self, locations: list[CatalogEntity]) -> None:
        """Breadth-first over Location targets, each read once."""
        pending = locations
        while pending:
            targets: list[Path] = []
            for location_entity in pending:
                targets.extend(self.location_targets(location_entity))
            pending = self.load_yaml_files(targets)

    def location_targets(self, entity: CatalogEntity) -> Iterator[Path]:
        spec = entity.spec
        assert isinstance(spec, LocationSpec)
        if entity.location is None:
            return
        base = (self.root / entity.location.path).parent
        written: list[tuple[tuple[str | int, ...], str]] = [(("target",), spec.target)] if spec.target else []
        written += [(("targets", index), target) for index, target in enumerate(spec.targets)]
        for pointer, target in written:
            where = entity.location.at("spec", *pointer)
            if spec.type not in (None, "file") or "://" in target:
                self.context.report(
                    "REF004",
                    f"Location target {target!r} is not a file path; Charter reads only local files",
                    where,
                    entity=entity.ref.short,
                    hint="point the Location at a file in the repository",
                )
                continue
            if has_wildcard(target):
                expanded = expand_pattern(str(base / target), self.places())
                if expanded.problem is not None:
                    code = "REF004" if expanded.fixed_outside is not None else "REF009"
                    message = f"Location target {target!r} is not expanded: {expanded.problem}"
                    self.context.report(code, message, where, entity=entity.ref.short)
                    continue
                matches, outside = expanded.files, expanded.outside
            else:
                single = (base / target).resolve()
                matches = [single] if single.is_file() and self.allowed(single) else []
                outside = [(single, single)] if single.exists() and not self.allowed(single) else []
            for _, real in outside:
                self.context.report(
                    "REF004",
                    f"Location target {target!r} resolves to {real}, outside the repository and "
                    "the `sources.catalog` roots",
                    where,
                    entity=entity.ref.short,
                )
            if not matches and not outside and spec.presence != "optional":
                self.context.report(
                    "REF003", f"Location target {target!r} matches no file", where, entity=entity.ref.short
                )
            yield from matches

    def places(self) -> list[Path]:
        """Where the strategy may be read from: the repository and the `sources.catalog` roots."""
        return [self.root, *self.catalog_roots]

    def allowed(self, path: Path) -> bool:
        return is_inside(path.resolve(), self.places())


def load_strategy_repo(
    root: Path,
    cache: ParseCache | None = None,
    folders: Sequence[str] | None = None,
    select: Callable[[str, Path], bool] | None = None,
) -> Estate:
    """Read every strategy file under `root` into an Estate. Never raises on bad content.

    `folders` (names of STRATEGY_FOLDERS) reads charter.yaml and only those folders, for commands
    that need a part of a large organisation (`charter risks` parses a few thousand documents, not
    the whole catalog). The catalog's `sources.catalog` files and Location targets come with the
    `catalog` folder. References into folders left out stay as written; `charter check` checks them.
    `select(folder, path)` narrows further: of the files found in those folders (under the resolved
    root), only those it accepts are read."""
    return _load_strategy_repo(root.resolve(), cache, folders, select)


def _load_strategy_repo(
    root: Path,
    cache: ParseCache | None,
    folders: Sequence[str] | None = None,
    select: Callable[[str, Path], bool] | None = None,
) -> Estate:
    loader = _Loader(root, cache)
    organization_problem = organization_file_problem(root)
    if organization_problem is None:
        locations = loader.load_yaml_files([root / ORGANIZATION_FILE])
    else:
        loader.walk_problem(organization_problem)
        locations = []
    organization = loader.context.organizations[0] if loader.context.organizations else None
    patterns = organization.spec.sources.catalog if organization else []
    with_catalog = folders is None or "catalog" in folders
    loader.catalog_roots = catalog_roots(root, patterns)
    catalog_files, refused = catalog_glob_files(root, patterns) if with_catalog else ([], [])
    for problem in refused:
        loader.walk_problem(problem)
    yaml_paths: list[Path] = []
    other_paths: list[tuple[str, list[Path]]] = []
    for folder, suffixes in STRATEGY_FOLDERS.items():
        directory = root / folder
        if (folders is not None and folder not in folders) or not directory.is_dir():
            continue
        paths = [path for path in loader.walk(directory, suffixes) if select is None or select(folder, path)]
        yaml_paths.extend(path for path in paths if path.suffix.lower() in YAML_SUFFIXES)
        other_paths.append((folder, [path for path in paths if path.suffix.lower() not in YAML_SUFFIXES]))
    with loader.begin_yaml_files([*yaml_paths, *catalog_files]) as yaml_files:
        for folder, paths in other_paths:  # read while the YAML files are parsed
            loader.load_other_files(folder, paths)
        locations += loader.finish_yaml_files(yaml_files)
    loader.follow_locations(locations)
    estate = _assemble(root, loader)
    estate.inputs = LoadInputs(loader.inputs, tuple(patterns), tuple(loader.walk_problems))
    return estate


def _assemble(root: Path, loader: _Loader) -> Estate:
    context = loader.context
    report_unresolved_indicators(context)
    organizations = context.organizations
    for extra in organizations[1:]:
        context.report("SCH013", "a second Organization document", extra.location)
    if not organizations or (organizations[0].location and organizations[0].location.path != ORGANIZATION_FILE):
        context.report(
            "SCH003",
            NO_ORGANIZATION,
            Location(ORGANIZATION_FILE, 1, 1),
            hint="see `charter init` for a minimal charter.yaml",
        )
    entities: dict[EntityRef, Entity] = {}
    for entity in context.entities:
        ref = entity.ref
        first = entities.get(ref)
        if first is not None:
            where = f" (first declared at {first.location})" if first.location else ""
            context.report("REF002", f"{ref.short} is declared twice{where}", entity.location, entity=ref.short)
            continue
        entities[ref] = entity
    slos = slos_by_name(context)
    decisions = decisions_by_id(context)
    estate = Estate.build(
        root=str(root),
        organization=organizations[0] if organizations else None,
        entities=entities,
        slos=slos,
        decisions=decisions,
        incidents=context.incidents,
        radar=context.radar,
        load_diagnostics=context.diagnostics,
    )
    return estate


def pinpoint(diagnostics: Iterable[Diagnostic], root: Path) -> list[Diagnostic]:
    """Turn the document pointers analysis left in locations into exact lines. Analysis knows the
    line each document starts on, so a file is parsed again once, from its first document that
    needs a line to its last: not the documents before them, and not the rest of the file."""
    result = list(diagnostics)
    by_document: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, diagnostic in enumerate(result):
        location = diagnostic.location
        if location is not None and location.pointer and location.line and location.path.endswith(YAML_SUFFIXES):
            by_document[location.path][location.line].append(index)
    for path, documents in by_document.items():
        try:
            lines = (root / path).read_text(encoding="utf-8-sig").splitlines(keepends=True)
        except (OSError, UnicodeDecodeError):
            continue
        for start, node, offset in documents_starting_at(lines, documents):
            for index in documents[start]:
                diagnostic = result[index]
                location = diagnostic.location
                assert location is not None
                line, column = walk_to(node, location.pointer)
                result[index] = replace(diagnostic, location=replace(location, line=line + offset, column=column))
    return result

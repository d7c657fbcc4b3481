"""OSCAL catalogs and profiles as requirement lists: the controls of a catalog (enhancements such as
`ac-2.1` included), and a profile resolved against what it imports (`include-all`,
`include-controls` by `with-ids` or `matching` glob, `exclude-controls`, `with-child-controls`,
back-matter `#uuid` imports, nested profiles). Documents are fetched through a lookup the caller
passes in, so this module reads no file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

JSON_PATH_ROOT = "$"


class OscalError(Exception):
    """An OSCAL document that cannot be used: which document, where in it (a JSON path), and why."""

    def __init__(self, message: str, document: str, json_path: str = JSON_PATH_ROOT) -> None:
        super().__init__(f"{document}: {json_path}: {message}")
        self.message = message
        self.document = document
        self.json_path = json_path


@dataclass(frozen=True, slots=True)
class OscalControl:
    """One control as OSCAL identifies it (`ac-2.1`), its label as people write it (`AC-2(1)`),
    its title, and the control it enhances."""

    id: str
    label: str
    title: str
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class OscalRequirements:
    """What an obligation requires: the controls selected, in document order, and the title of
    the profile or catalog they come from."""

    title: str
    controls: tuple[OscalControl, ...]
    documents: tuple[str, ...]  # every document read, the profile first

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(control.id for control in self.controls)


# (href as written, key of the document that names it) -> (key of the document found, its content).
DocumentLookup = Callable[[str, str], tuple[str, Mapping[str, Any]]]

_NIST_STYLE = re.compile(r"^([a-z]+)-0*(\d+)((?:\.\d+|\(\d+\))*)$")


def control_key(identifier: str) -> str:
    """The form two writings of one control share: `AC-2(1)`, `ac-02.1` and `ac-2.1` -> `ac-2.1`.
    Other identifiers (`CC6.1`, `A.5.1`) are only lower-cased."""
    text = identifier.strip().lower()
    found = _NIST_STYLE.match(text)
    if found is None:
        return text
    family, number, enhancements = found.groups()
    parts = re.findall(r"\d+", enhancements)
    return f"{family}-{number}" + "".join(f".{int(part)}" for part in parts)


def requirements_of(key: str, document: Mapping[str, Any], lookup: DocumentLookup) -> OscalRequirements:
    """The requirement list of a catalog (every control) or of a profile (resolved)."""
    if "profile" in document:
        return _Resolver(lookup).profile(key, document, ())
    if "catalog" in document:
        catalog = _object(document["catalog"], key, "$.catalog")
        return OscalRequirements(_title(catalog, key, "$.catalog"), tuple(catalog_controls(key, document)), (key,))
    raise OscalError("neither a `catalog` nor a `profile` document", key)


def catalog_controls(key: str, document: Mapping[str, Any]) -> Iterator[OscalControl]:
    """Every control of a catalog in document order, groups flattened, enhancements after their parent."""
    catalog = _object(document.get("catalog"), key, "$.catalog")
    yield from _walk_container(catalog, key, "$.catalog", None)


def _walk_container(node: Mapping[str, Any], key: str, path: str, parent: str | None) -> Iterator[OscalControl]:
    for index, group in enumerate(_list(node.get("groups", []), key, f"{path}.groups")):
        group_path = f"{path}.groups[{index}]"
        yield from _walk_container(_object(group, key, group_path), key, group_path, parent)
    for index, raw in enumerate(_list(node.get("controls", []), key, f"{path}.controls")):
        control_path = f"{path}.controls[{index}]"
        control = _object(raw, key, control_path)
        identifier = control.get("id")
        if not isinstance(identifier, str) or not identifier:
            raise OscalError("a control needs a string `id`", key, f"{control_path}.id")
        yield OscalControl(identifier, _label(control, identifier), _title(control, key, control_path), parent)
        yield from _walk_container(control, key, control_path, identifier)


def _label(control: Mapping[str, Any], identifier: str) -> str:
    labels = [prop for prop in control.get("props", []) if isinstance(prop, dict) and prop.get("name") == "label"]
    plain = [prop for prop in labels if "class" not in prop] or labels
    value = plain[0].get("value") if plain else None
    return value if isinstance(value, str) and value else identifier.upper()


def _title(node: Mapping[str, Any], key: str, path: str) -> str:
    title = node.get("title")
    if title is None and isinstance(node.get("metadata"), dict):
        title = node["metadata"].get("title")
    return title if isinstance(title, str) else ""


def _object(value: Any, key: str, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise OscalError(f"expected an object, found {_kind(value)}", key, path)
    return value


def _list(value: Any, key: str, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise OscalError(f"expected an array, found {_kind(value)}", key, path)
    return value


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "nothing"}
    return names.get(type(value), "a number")


@dataclass(frozen=True, slots=True)
class _Selector:
    ids: frozenset[str]
    patterns: tuple[str, ...]
    with_children: bool

    def matches(self, identifier: str) -> bool:
        return identifier in self.ids or any(fnmatchcase(identifier, pattern) for pattern in self.patterns)


def _selectors(value: Any, key: str, path: str) -> list[_Selector]:
    selectors = []
    for index, raw in enumerate(_list(value, key, path)):
        where = f"{path}[{index}]"
        item = _object(raw, key, where)
        ids = _list(item.get("with-ids", []), key, f"{where}.with-ids")
        patterns = []
        for position, matching in enumerate(_list(item.get("matching", []), key, f"{where}.matching")):
            pattern = _object(matching, key, f"{where}.matching[{position}]").get("pattern")
            if not isinstance(pattern, str):
                raise OscalError("`matching` needs a string `pattern`", key, f"{where}.matching[{position}]")
            patterns.append(pattern)
        children = item.get("with-child-controls", "no")
        if children not in ("yes", "no"):
            raise OscalError("`with-child-controls` is `yes` or `no`", key, f"{where}.with-child-controls")
        selectors.append(_Selector(frozenset(str(i) for i in ids), tuple(patterns), children == "yes"))
    return selectors


def _selected(controls: Sequence[OscalControl], selectors: Iterable[_Selector]) -> set[str]:
    """Ids chosen by the selectors, with the descendants of a match when it asks for its children."""
    children: dict[str, list[str]] = {}
    for control in controls:
        if control.parent is not None:
            children.setdefault(control.parent, []).append(control.id)
    chosen: set[str] = set()
    for selector in selectors:
        for control in controls:
            if selector.matches(control.id):
                chosen.add(control.id)
                if selector.with_children:
                    chosen.update(_descendants(control.id, children))
    return chosen


def _descendants(identifier: str, children: Mapping[str, list[str]]) -> Iterator[str]:
    for child in children.get(identifier, []):
        yield child
        yield from _descendants(child, children)


@dataclass
class _Resolver:
    lookup: DocumentLookup

    def profile(self, key: str, document: Mapping[str, Any], seen: tuple[str, ...]) -> OscalRequirements:
        if key in seen:
            raise OscalError(f"profiles import each other: {' -> '.join((*seen, key))}", key, "$.profile.imports")
        profile = _object(document.get("profile"), key, "$.profile")
        imports = _list(profile.get("imports"), key, "$.profile.imports")
        if not imports:
            raise OscalError("a profile needs at least one import", key, "$.profile.imports")
        controls: dict[str, OscalControl] = {}
        documents = [key]
        for index, raw in enumerate(imports):
            where = f"$.profile.imports[{index}]"
            selected, read = self.import_(key, profile, _object(raw, key, where), where, (*seen, key))
            for control in selected:
                controls.setdefault(control.id, control)
            documents += [item for item in read if item not in documents]
        return OscalRequirements(_title(profile, key, "$.profile"), tuple(controls.values()), tuple(documents))

    def import_(
        self, key: str, profile: Mapping[str, Any], item: Mapping[str, Any], where: str, seen: tuple[str, ...]
    ) -> tuple[list[OscalControl], tuple[str, ...]]:
        href = item.get("href")
        if not isinstance(href, str) or not href:
            raise OscalError("an import needs an `href`", key, f"{where}.href")
        if href.startswith("#"):
            href = _back_matter_href(profile, href[1:], key, f"{where}.href")
        found_key, found = self.lookup(href, key)
        if "profile" in found:
            source = self.profile(found_key, found, seen)
        else:
            source = requirements_of(found_key, found, self.lookup)
        available = source.controls
        if "include-all" in item:
            chosen = {control.id for control in available}
        elif "include-controls" in item:
            chosen = _selected(available, _selectors(item["include-controls"], key, f"{where}.include-controls"))
        else:
            raise OscalError("an import needs `include-all` or `include-controls`", key, where)
        if "exclude-controls" in item:
            chosen -= _selected(available, _selectors(item["exclude-controls"], key, f"{where}.exclude-controls"))
        return [control for control in available if control.id in chosen], source.documents


def _back_matter_href(profile: Mapping[str, Any], uuid: str, key: str, where: str) -> str:
    """The JSON (else YAML) `rlink` of the back-matter resource an `#uuid` import names."""
    resources = _object(profile.get("back-matter", {}), key, "$.profile.back-matter").get("resources", [])
    for index, raw in enumerate(_list(resources, key, "$.profile.back-matter.resources")):
        resource = _object(raw, key, f"$.profile.back-matter.resources[{index}]")
        if resource.get("uuid") != uuid:
            continue
        links = [link for link in resource.get("rlinks", []) if isinstance(link, dict) and link.get("href")]
        for wanted in ("json", "yaml"):
            for link in links:
                media = str(link.get("media-type", ""))
                if wanted in media or str(link["href"]).lower().endswith(_SUFFIXES[wanted]):
                    return str(link["href"])
        raise OscalError(
            f"back-matter resource {uuid} has no JSON or YAML `rlinks` entry",
            key,
            f"$.profile.back-matter.resources[{index}].rlinks",
        )
    raise OscalError(f"no back-matter resource has uuid {uuid}", key, where)


_SUFFIXES = {"json": (".json",), "yaml": (".yaml", ".yml")}

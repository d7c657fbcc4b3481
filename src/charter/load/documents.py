"""YAML documents to model objects: decide what format a document is in (by its content, not
its folder) and hand it to that format's reader."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from charter.load.context import LoadContext, SourceFile, document_entity
from charter.load.yaml12 import YamlDocument
from charter.model.catalog import ENTITY_TYPES, CatalogEntity
from charter.model.kinds import CHARTER_KINDS
from charter.model.organization import CHARTER_API_VERSION, Organization

DocumentReader = Callable[[YamlDocument, SourceFile, LoadContext], None]
Matcher = Callable[[Mapping[str, Any]], bool]


def read_catalog_entity(document: YamlDocument, source: SourceFile, context: LoadContext) -> None:
    """A Backstage entity. The built-in kinds get their typed spec; kinds of plugins are kept with
    their spec as written."""
    data = document.data
    kind = str(data.get("kind", ""))
    api_version = str(data.get("apiVersion", ""))
    model = ENTITY_TYPES.get(kind.lower()) if api_version.startswith("backstage.io/") else None
    location = source.document_location(document)
    try:
        entity = (model or CatalogEntity).model_validate({**data, "location": location})
    except ValidationError as error:
        context.report_validation_error(error, source, document, entity=document_entity(data))
        return
    if model is None:
        context.report(
            "SCH009",
            f"{kind} ({api_version}) is a kind of a Backstage plugin: kept, not checked",
            location,
            entity=entity.ref.short,
        )
    context.entities.append(entity)


def read_organization(document: YamlDocument, source: SourceFile, context: LoadContext) -> None:
    data = document.data
    try:
        organization = Organization.model_validate({**data, "location": source.document_location(document)})
    except ValidationError as error:
        context.report_validation_error(error, source, document, entity=document_entity(data))
        return
    context.organizations.append(organization)


def read_charter_entity(document: YamlDocument, source: SourceFile, context: LoadContext) -> None:
    data = document.data
    model = CHARTER_KINDS[str(data["kind"]).lower()]
    try:
        entity = model.model_validate({**data, "location": source.document_location(document)})
    except ValidationError as error:
        context.report_validation_error(error, source, document, entity=document_entity(data))
        return
    context.entities.append(entity)


def _is_charter(kinds: set[str]) -> Matcher:
    return lambda data: data.get("apiVersion") == CHARTER_API_VERSION and str(data.get("kind")).lower() in kinds


def _is_backstage(data: Mapping[str, Any]) -> bool:
    api_version = str(data.get("apiVersion", ""))
    return "backstage.io/" in api_version and isinstance(data.get("kind"), str)


# Checked in order; the first match reads the document. Formats other modules read are added in
# `charter.load.readers`, which assembles the full table.
CORE_READERS: list[tuple[Matcher, DocumentReader]] = [
    (_is_charter({"organization"}), read_organization),
    (_is_charter(set(CHARTER_KINDS)), read_charter_entity),
    (_is_backstage, read_catalog_entity),
]


def read_document(
    document: YamlDocument,
    source: SourceFile,
    context: LoadContext,
    readers: list[tuple[Matcher, DocumentReader]],
) -> None:
    data = document.data
    location = source.document_location(document)
    if not isinstance(data, Mapping):
        context.report("SCH010", f"document is a {type(data).__name__}, not a mapping", location)
        return
    for matches, reader in readers:
        if matches(data):
            reader(document, source, context)
            return
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if api_version is None and kind is None:
        message = "document has neither apiVersion nor kind"
    else:
        message = f"unknown kind {kind!r} for apiVersion {api_version!r}"
    context.report(
        "SCH004",
        message,
        location,
        hint="use a Backstage, OpenSLO, Sloth, Pyrra or charter.dev/v1 kind (see `charter schema`)",
    )

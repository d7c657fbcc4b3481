"""JSON Schemas of Charter's own kinds, generated from the models so they never drift; editors
use them for completion through yaml-language-server."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from charter.model.kinds import Capacity, ControlSet, Initiative, Risk, Standard
from charter.model.organization import Organization
from charter.model.radar import RadarEntryDocument

SCHEMA_BASE_URI = "https://charter.dev/schemas/v1/"

KIND_MODELS: dict[str, type[BaseModel]] = {
    "Organization": Organization,
    "Standard": Standard,
    "Risk": Risk,
    "Initiative": Initiative,
    "Capacity": Capacity,
    "ControlSet": ControlSet,
    "RadarEntry": RadarEntryDocument,
}


def kind_schema(kind: str) -> dict[str, Any]:
    schema = KIND_MODELS[kind].model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE_URI}{kind.lower()}.schema.json",
        "title": f"charter.dev/v1 {kind}",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def all_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema, one per kind."""
    return {f"{kind.lower()}.schema.json": kind_schema(kind) for kind in KIND_MODELS}

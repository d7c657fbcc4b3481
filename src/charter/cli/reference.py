"""The user reference (docs/reference.md), generated from the code so it cannot drift: every
command and its options, every kind's fields with their descriptions (the JSON Schemas carry the
same), every `charter.dev/*` annotation, the incident front matter with its allowed values, and
every policy with its default. `scripts/write_reference.py` writes it; a test fails when it is stale."""

from __future__ import annotations

import json
from typing import Any

from charter.cli.walk import every_command
from charter.model.base import Metadata
from charter.model.catalog import ANNOTATIONS
from charter.model.incident import IncidentFrontMatter
from charter.model.organization import Policies
from charter.model.schemas import KIND_MODELS

NONE = "—"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _kind_of(schema: dict[str, Any]) -> str:
    """A field's type as a reader says it: `string`, `integer`, `a | b` for allowed values, a
    model's name for an object."""
    if "enum" in schema:
        return " | ".join(f"`{value}`" for value in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            kinds = [_kind_of(option) for option in schema[key] if option.get("type") != "null"]
            return " or ".join(kinds) or "null"
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_kind_of(schema.get('items', {}))}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"map of {_kind_of(schema['additionalProperties'])}"
    return str(kind)


def _default_of(schema: dict[str, Any], required: bool, default: object) -> str:
    """`required`, the default the schema states, else the one the model builds (a factory's)."""
    if required:
        return "required"
    if "default" in schema:
        return f"`{json.dumps(schema['default'])}`"
    if default is not _NO_DEFAULT and not isinstance(default, dict):
        return f"`{json.dumps(default)}`"
    return NONE


_NO_DEFAULT = object()
# Models documented once, in a section of their own, rather than under every kind that holds them.
SHARED_MODELS = ("Metadata",)


def _referenced(schema: dict[str, Any]) -> str | None:
    """The name of the model a field holds (directly, in a list, or optional), if any."""
    for candidate in [schema, schema.get("items", {}), *schema.get("anyOf", [])]:
        if "$ref" in candidate:
            return str(candidate["$ref"]).rsplit("/", 1)[-1]
    return None


def _description(field: dict[str, Any], definitions: dict[str, Any]) -> str:
    if field.get("description"):
        return str(field["description"])
    if "const" in field:
        return f"Always `{field['const']}`."
    inner = definitions.get(_referenced(field) or "", {})
    if inner.get("description"):
        return str(inner["description"]).split("\n\n")[0]
    return NONE


def _field_rows(
    schema: dict[str, Any], definitions: dict[str, Any], prefix: str, seen: frozenset[str], defaults: object
) -> list[str]:
    rows = []
    required = set(schema.get("required", []))
    for name, field in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        default = defaults.get(name, _NO_DEFAULT) if isinstance(defaults, dict) else _NO_DEFAULT
        rows.append(
            f"| `{path}` | {_cell(_kind_of(field))} | {_cell(_default_of(field, name in required, default))} "
            f"| {_cell(_description(field, definitions))} |"
        )
        inner = _referenced(field)
        if inner is not None and inner not in seen and inner in definitions and inner not in SHARED_MODELS:
            marker = "[]." if field.get("type") == "array" or "items" in field else "."
            rows += _field_rows(definitions[inner], definitions, f"{path}{marker}", seen | {inner}, default)
    return rows


def _fields_table(schema: dict[str, Any], defaults: object = None) -> list[str]:
    """One row per field, nested fields under their parent's path (`spec.owner`, `links[].url`)."""
    definitions = schema.get("$defs", {})
    return [
        "| field | type | default | description |",
        "|---|---|---|---|",
        *_field_rows(schema, definitions, "", frozenset(), defaults),
    ]


def _commands_section() -> list[str]:
    from charter.cli.app import app

    lines = ["## Commands", ""]
    for entry in every_command(app):
        help_text = (entry.command.help or "").strip().split("\n\n")[0].replace("\n", " ")
        lines += [f"### `charter {entry.name}`", "", help_text, ""]
        options = [option for option in entry.options() if not option.hidden]
        if options:
            lines += ["| option | values | help |", "|---|---|---|"]
            for option in options:
                names = ", ".join(f"`{name}`" for name in [*option.opts, *option.secondary_opts])
                choices = option.type_descriptor.choices
                values = " \\| ".join(f"`{choice}`" for choice in choices) if choices else NONE
                lines.append(f"| {names} | {values} | {_cell(option.help or NONE)} |")
            lines.append("")
    return lines


def reference_markdown() -> str:
    """The whole reference, in Markdown."""
    lines = [
        "# Charter reference",
        "",
        "Generated from the code by `scripts/write_reference.py`; do not edit by hand "
        "(`tests/test_reference.py` fails when it is stale).",
        "",
        *_commands_section(),
        "## Kinds",
        "",
        "The fields of Charter's own kinds (`apiVersion: charter.dev/v1`); `charter schema` writes the same, "
        "descriptions included, as JSON Schemas for editors.",
        "",
    ]
    for kind, model in KIND_MODELS.items():
        schema = model.model_json_schema(by_alias=True, mode="validation")
        lines += [f"### {kind}", "", *_fields_table(schema), ""]
    lines += [
        "### metadata (every kind)",
        "",
        *_fields_table(Metadata.model_json_schema(by_alias=True, mode="validation")),
        "",
    ]
    lines += ["## Annotations", "", "| annotation | meaning |", "|---|---|"]
    lines += [f"| `{name}` | {_cell(meaning)} |" for name, meaning in sorted(ANNOTATIONS.items())]
    lines += [
        "",
        "## Incident front matter",
        "",
        "The YAML front matter of a postmortem (`incidents/*.md`).",
        "",
        *_fields_table(IncidentFrontMatter.model_json_schema(by_alias=True, mode="validation")),
        "",
        "## Policies",
        "",
        "`spec.policies` of the Organization (charter.yaml), each with its default.",
        "",
        *_fields_table(
            Policies.model_json_schema(by_alias=True, mode="validation"),
            Policies().model_dump(by_alias=True, mode="json"),
        ),
        "",
    ]
    return "\n".join(lines)

"""The user reference (docs/reference.md) is generated from the code and must be current, like
Datasette's documentation tests: a command, an option, a field, an annotation or a policy added
without regenerating it fails here, as does an annotation the code reads that the reference lacks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from charter.cli.reference import reference_markdown
from charter.model.catalog import ANNOTATIONS
from charter.model.incident import IncidentFrontMatter
from charter.model.organization import Policies
from charter.model.schemas import KIND_MODELS, kind_schema

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "reference.md"
ANNOTATION_IN_CODE = re.compile(r"""["'`](charter\.dev/[a-z][a-z-]*)["'`:]""")


def test_the_reference_is_current() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == reference_markdown(), (
        "docs/reference.md is stale: run `python scripts/write_reference.py`"
    )


def test_every_annotation_the_code_reads_is_in_the_reference() -> None:
    found = {
        match.group(1)
        for path in (ROOT / "src" / "charter").rglob("*.py")
        for match in ANNOTATION_IN_CODE.finditer(path.read_text(encoding="utf-8"))
    }
    found -= {"charter.dev/v1"}  # the apiVersion, not an annotation
    assert found, "the scan found no annotation at all"
    assert sorted(found - ANNOTATIONS.keys()) == []
    text = reference_markdown()
    for name in ANNOTATIONS:
        assert f"| `{name}` |" in text


@pytest.mark.parametrize(
    "model", [*KIND_MODELS.values(), Policies, IncidentFrontMatter], ids=lambda model: model.__name__
)
def test_every_field_of_every_kind_policy_and_front_matter_has_a_description(model: type) -> None:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    for definition in [schema, *schema.get("$defs", {}).values()]:
        for name, field in definition.get("properties", {}).items():
            # `kind: Risk` says itself; a model's own description stands for a field that holds it
            referenced = schema.get("$defs", {}).get(str(field.get("$ref", "")).rsplit("/", 1)[-1], {})
            described = field.get("description") or "const" in field or referenced.get("description")
            assert described, f"{definition.get('title')}.{name} has no description"


def test_every_policy_shows_its_default() -> None:
    text = reference_markdown().split("## Policies", 1)[1]
    assert "| `postmortemWithinDays` | integer | `5` |" in text
    assert "| `criticalTiers` | list of integer | `[1, 2]` |" in text
    assert '| `errorBudget.exhausted` | `freeze-changes` \\| `none` | `"freeze-changes"` |' in text


def test_descriptions_reach_the_json_schemas_editors_read() -> None:
    schema = kind_schema("Risk")
    metadata = schema["$defs"]["Metadata"]["properties"]
    assert metadata["annotations"]["description"].startswith("Key-value annotations")
    assert schema["properties"]["apiVersion"]["description"] == "`charter.dev/v1`."

"""OpenVEX documents (`@context: https://openvex.dev/ns/...`): each of `statements[]` says what one
vulnerability means for its products (and their subcomponents): not_affected, affected, fixed
(read as resolved) or under_investigation, with a justification and an impact statement. Both the
v0.2 shape (`vulnerability: {name, aliases}`, products as objects with `@id`) and the earlier one
(`vulnerability` as text, products as text) are read."""

from __future__ import annotations

from pathlib import Path

from charter.model.finding import VexState, VexStatement
from charter.sources.findings.fields import FieldError, Node, value_timestamp
from charter.sources.findings.identity import canonical_ids
from charter.sources.findings.jsonstream import stream_values
from charter.sources.findings.scan import FileContents, each_good

STATUSES: dict[str, VexState] = {
    "not_affected": "not_affected",
    "affected": "affected",
    "fixed": "resolved",
    "under_investigation": "under_investigation",
}


def read_openvex(path: Path) -> FileContents:
    contents = FileContents()
    source = str(path)
    for value in stream_values(path, ("statements.item", "timestamp")):
        if value.prefix == "timestamp":
            contents.issued_at = value_timestamp(value)
            continue
        statement = Node(value.value, value.json_path)
        for found in each_good(contents, (statement,), lambda item: openvex_statements(item, source)):
            contents.statements.extend(found)
    return contents


def openvex_statements(statement: Node, source: str) -> list[VexStatement]:
    """One statement, once per product or subcomponent it names (none named: every product)."""
    identifier, aliases = _vulnerability(statement)
    canonical, _others = canonical_ids(identifier, aliases)
    status = statement.required_text("status")
    state = STATUSES.get(status)
    if state is None:
        raise FieldError(
            statement.at("status"), f"{status!r} is not an OpenVEX status", f"Use one of {', '.join(STATUSES)}."
        )
    products: list[str | None] = [*_products(statement)] or [None]
    return [
        VexStatement(
            canonical,
            state,
            statement.text("justification"),
            statement.text("impact_statement") or statement.text("action_statement"),
            product,
            source,
        )
        for product in products
    ]


def _vulnerability(statement: Node) -> tuple[str, tuple[str, ...]]:
    value = statement.data.get("vulnerability")
    if isinstance(value, str):
        return value.strip(), ()
    vulnerability = statement.node("vulnerability")
    if vulnerability is None:
        raise FieldError(statement.at("vulnerability"), "is missing", "Name the vulnerability of every statement.")
    name = vulnerability.text("name") or vulnerability.required_text("@id")
    return name, vulnerability.texts("aliases")


def _products(statement: Node) -> list[str]:
    found: list[str] = []
    for index, item in enumerate(statement.array("products")):
        if isinstance(item, str):
            found.append(item.strip())
            continue
        product = Node(item, f"{statement.at('products')}[{index}]")
        subcomponents = [part for part in map(_identifier, product.nodes("subcomponents")) if part]
        if subcomponents:  # the statement is about these packages inside the product
            found.extend(subcomponents)
        elif identifier := _identifier(product):
            found.append(identifier)
    return found


def _identifier(node: Node) -> str | None:
    identifiers = node.node("identifiers")
    return node.text("@id") or (identifiers.text("purl") if identifiers else None)

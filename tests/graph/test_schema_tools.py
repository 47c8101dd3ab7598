"""schema.graphql loads in standard GraphQL tooling and is ready for federation."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema, parse, validate

from graph.schema import build_schema as build_served_schema

ROOT = Path(__file__).resolve().parents[2]
RFC3339 = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"


def checked_in() -> str:
    return (ROOT / "schema.graphql").read_text()


def test_checked_in_schema_loads_in_graphql_core() -> None:
    schema = build_schema(checked_in())
    for name in ("link", "key", "shareable"):
        assert schema.get_directive(name) is not None, name
    # And a client's operation validates against it.
    document = parse(
        "query Stock { vehicles(first: 2) { nodes { id askingPrice }"
        " pageInfo { hasNextPage endCursor } } }"
    )
    assert validate(schema, document) == []


def test_custom_scalars_say_where_their_format_is_specified() -> None:
    schema = build_schema(checked_in())
    assert schema.type_map["DateTime"].specified_by_url == RFC3339  # type: ignore[union-attr]
    assert schema.type_map["Date"].specified_by_url == RFC3339  # type: ignore[union-attr]
    decimal_url = schema.type_map["Decimal"].specified_by_url  # type: ignore[union-attr]
    assert decimal_url == "docs/codegen.md#decimal"
    doc = (ROOT / "docs" / "codegen.md").read_text()
    assert "\n## Decimal\n" in doc  # the anchor the URL names


def test_relay_and_value_types_are_shareable() -> None:
    document = parse(checked_in())
    shareable_types = set()
    shareable_fields = set()
    for definition in document.definitions:
        directives = {d.name.value for d in getattr(definition, "directives", None) or ()}
        name = getattr(definition, "name", None)
        if name is not None and "shareable" in directives:
            shareable_types.add(name.value)
        for field in getattr(definition, "fields", None) or ():
            if any(d.name.value == "shareable" for d in field.directives or ()):
                shareable_fields.add(f"{name.value}.{field.name.value}")  # type: ignore[union-attr]
    assert {"PageInfo", "Address", "Photo", "BookValue", "Fee"} <= shareable_types
    assert {"Query.node", "Query.nodes"} <= shareable_fields
    # Entities are joined by key, not shared field by field.
    assert not {"Dealership", "InventoryVehicle", "Customer"} & shareable_types


def test_every_value_type_is_shareable() -> None:
    # Value objects (graph.types.values) have no identity, so another subgraph may define
    # the same shape (an Address, a Fee): the fields must be shareable for it to compose.
    from graph.types import values

    names = [
        cls.__strawberry_definition__.name
        for cls in vars(values).values()
        if isinstance(cls, type) and hasattr(cls, "__strawberry_definition__")
    ]
    assert len(names) >= 10
    sdl = checked_in()
    assert [n for n in names if f"type {n} @shareable {{" not in sdl] == []


async def test_service_sdl_is_the_checked_in_file() -> None:
    result = await build_served_schema().execute("query Sdl { _service { sdl } }")
    assert result.errors is None
    assert result.data is not None
    assert result.data["_service"]["sdl"] + "\n" == checked_in()


def test_the_codegen_config_in_the_doc_is_the_one_the_check_runs() -> None:
    doc = (ROOT / "docs" / "codegen.md").read_text()
    block = doc.split("```ts\n", 1)[1].split("```\n", 1)[0]
    assert block == (ROOT / "tools" / "schema-check" / "codegen.ts").read_text()


def test_every_custom_scalar_of_ours_has_specified_by() -> None:
    from graphql import GraphQLScalarType, specified_scalar_types

    schema = build_schema(checked_in())
    federation = {"_Any", "link__Import", "federation__FieldSet"}
    ours = [
        t
        for name, t in schema.type_map.items()
        if isinstance(t, GraphQLScalarType)
        and name not in specified_scalar_types
        and name not in federation
        and not name.startswith("__")
    ]
    assert {t.name for t in ours} >= {"Decimal", "DateTime", "Date"}
    assert [t.name for t in ours if not t.specified_by_url] == []

"""The schema's SDL as one self-contained document.

Strawberry prints the federation directives it applies (``@link``, ``@key``, ``@shareable``)
without their definitions, as Apollo's tools know them; graphql-js ``buildSchema``,
graphql-core ``build_schema`` and graphql-inspector then stop at ``Unknown directive
"@link"``. ``self_contained`` adds the definitions of the Apollo Federation 2 directives the
document uses, in the form the federation spec gives them, so the same text loads in every
GraphQL tool and still composes as a subgraph.
"""

from __future__ import annotations

from graphql import DirectiveDefinitionNode, DirectiveNode, Visitor, parse, visit

FEDERATION_DEFINITIONS: dict[str, str] = {
    "link": (
        "directive @link(url: String, as: String, for: link__Purpose, import: [link__Import])"
        " repeatable on SCHEMA"
    ),
    "key": (
        "directive @key(fields: federation__FieldSet!, resolvable: Boolean = true)"
        " repeatable on OBJECT | INTERFACE"
    ),
    "shareable": "directive @shareable repeatable on OBJECT | FIELD_DEFINITION",
    "external": "directive @external(reason: String) on OBJECT | FIELD_DEFINITION",
    "requires": "directive @requires(fields: federation__FieldSet!) on FIELD_DEFINITION",
    "provides": "directive @provides(fields: federation__FieldSet!) on FIELD_DEFINITION",
}
"""Apollo Federation 2 directive definitions (https://specs.apollo.dev/federation/v2.0)."""

SUPPORT_TYPES: dict[str, str] = {
    "link__Import": "scalar link__Import",
    "link__Purpose": (
        '"""`SECURITY` features provide metadata necessary to securely resolve fields."""\n'
        "enum link__Purpose {\n"
        '  """`SECURITY` features provide metadata necessary to securely resolve fields."""\n'
        "  SECURITY\n\n"
        '  """`EXECUTION` features provide metadata necessary for operation execution."""\n'
        "  EXECUTION\n"
        "}"
    ),
    "federation__FieldSet": "scalar federation__FieldSet",
}
"""The types the definitions above name."""


class _Directives(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.used: set[str] = set()
        self.defined: set[str] = set()

    def enter_directive(self, node: DirectiveNode, *_: object) -> None:
        self.used.add(node.name.value)

    def enter_directive_definition(self, node: DirectiveDefinitionNode, *_: object) -> None:
        self.defined.add(node.name.value)


def self_contained(sdl: str) -> str:
    """``sdl`` with a definition for each federation directive it applies but does not
    define (placed after the schema definition), and the types those definitions name."""
    found = _Directives()
    visit(parse(sdl), found)
    missing = sorted(found.used - found.defined - {"deprecated", "specifiedBy", "oneOf"})
    unknown = [name for name in missing if name not in FEDERATION_DEFINITIONS]
    if unknown:
        raise ValueError(f"no definition known for directive(s) {unknown}: add them here")
    definitions = [FEDERATION_DEFINITIONS[name] for name in missing]
    support = [
        text
        for name, text in SUPPORT_TYPES.items()
        if any(name in definition for definition in definitions)
    ]
    if not definitions:
        return sdl
    head, sep, rest = sdl.partition("\n}\n\n") if sdl.startswith("schema") else ("", "", sdl)
    added = "\n\n".join([*definitions, *support])
    if sep:
        return f"{head}{sep}{added}\n\n{rest}"
    return f"{added}\n\n{rest}"

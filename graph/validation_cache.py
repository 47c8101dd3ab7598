"""Validation errors kept per parsed document, found by the document's identity.

Strawberry's ``ValidationCache`` keys an LRU cache by the document itself, and a graphql-core
document hashes by walking every one of its nodes: each request paid for that walk to find
what it validated before. Here the document's identity finds it (``graph.document_cache``),
with the rules the document was validated against.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from graph.document_cache import KeptByDocument

Rules = tuple[type[ASTValidationRule], ...]


class ValidatedDocuments:
    """One schema's validation errors for its last ``maxsize`` documents, least recently
    used out first."""

    def __init__(self, maxsize: int) -> None:
        self._kept: KeptByDocument[tuple[int, Rules], list[GraphQLError]]
        self._kept = KeptByDocument(maxsize)

    def errors(
        self, schema: GraphQLSchema, document: DocumentNode, rules: Rules
    ) -> list[GraphQLError]:
        # The rules are classes: hashing and comparing them walks no document.
        key = (id(document), tuple(rules))
        errors = self._kept.get(key, document)
        if errors is None:
            errors = validate_document(schema, document, rules)
            self._kept.put(key, document, errors)
        return errors


class ValidationCache(SchemaExtension):
    """Validates each document once (``ValidatedDocuments``); given the schema's store."""

    def __init__(self, validated: ValidatedDocuments) -> None:
        super().__init__()
        self.validated = validated

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.pre_execution_errors = self.validated.errors(
            context.schema._schema, context.graphql_document, context.validation_rules
        )
        yield

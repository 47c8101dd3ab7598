"""Validation errors kept per parsed document, found by the document's identity.

Strawberry's ``ValidationCache`` keys an LRU cache by the document itself, and a graphql-core
document hashes by walking every one of its nodes: each request paid for that walk to find
what it validated before. The parser cache hands out the same ``DocumentNode`` for the same
text, so its identity finds the entry; an entry keeps its document, so that id cannot be
reused while the entry lives (as ``graph.cost_extension.PlanCache`` does for plans).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

Rules = tuple[type[ASTValidationRule], ...]


class ValidatedDocuments:
    """One schema's validation errors for its last ``maxsize`` documents, least recently
    used out first."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[int, tuple[DocumentNode, Rules, list[GraphQLError]]]
        self._entries = OrderedDict()

    def errors(
        self, schema: GraphQLSchema, document: DocumentNode, rules: Rules
    ) -> list[GraphQLError]:
        key = id(document)
        entry = self._entries.get(key)
        # The same rules too: they are classes, compared one by one without a walk.
        if entry is not None and entry[0] is document and entry[1] == rules:
            self._entries.move_to_end(key)
            return entry[2]
        errors = validate_document(schema, document, rules)
        self._entries[key] = (document, tuple(rules), errors)
        if len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
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

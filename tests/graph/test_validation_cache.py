"""Each document is validated once: found again by its identity, with the same rules."""

from __future__ import annotations

import pytest
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    NoUnusedFragmentsRule,
    parse,
    specified_rules,
)

import graph.validation_cache as validation_cache
from graph.schema import build_schema
from graph.validation_cache import Rules, ValidatedDocuments

SCHEMA = build_schema()._schema
RULES = tuple(specified_rules)


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The documents validate_document was called with, in order."""
    seen: list[object] = []
    real = validation_cache.validate_document

    def counted(schema: GraphQLSchema, document: DocumentNode, rules: Rules) -> list[GraphQLError]:
        seen.append(document)
        return real(schema, document, rules)

    monkeypatch.setattr(validation_cache, "validate_document", counted)
    return seen


def test_a_document_seen_again_is_not_validated_again(validations: list[object]) -> None:
    cache = ValidatedDocuments(maxsize=8)
    good, bad = parse("{ __typename }"), parse("{ noSuchField }")
    assert cache.errors(SCHEMA, good, RULES) == []
    first = cache.errors(SCHEMA, bad, RULES)
    assert [e.message for e in first] == ["Cannot query field 'noSuchField' on type 'Query'."]
    assert cache.errors(SCHEMA, good, RULES) == []
    assert cache.errors(SCHEMA, bad, RULES) is first
    assert validations == [good, bad]


def test_an_equal_document_parsed_anew_or_other_rules_validate_again(
    validations: list[object],
) -> None:
    cache = ValidatedDocuments(maxsize=8)
    document, again = parse("{ __typename }"), parse("{ __typename }")
    cache.errors(SCHEMA, document, RULES)
    cache.errors(SCHEMA, again, RULES)  # equal, not the same: no walk to compare them
    cache.errors(SCHEMA, document, (*RULES, NoUnusedFragmentsRule))
    cache.errors(SCHEMA, document, (*RULES, NoUnusedFragmentsRule))
    assert validations == [document, again, document]


def test_the_least_recently_used_document_goes_first(validations: list[object]) -> None:
    cache = ValidatedDocuments(maxsize=2)
    a, b, c = parse("{ a: __typename }"), parse("{ b: __typename }"), parse("{ c: __typename }")
    for document in (a, b, a, c, a, b):  # c pushes b out, then b pushes c out
        cache.errors(SCHEMA, document, RULES)
    assert validations == [a, b, c, b]


async def test_the_schema_validates_a_query_text_once(validations: list[object]) -> None:
    schema = build_schema()
    for _ in range(3):
        result = await schema.execute("query Q { noSuchField }")
        assert result.errors is not None
        assert "noSuchField" in result.errors[0].message
    assert len(validations) == 1

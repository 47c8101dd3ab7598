"""The schema: root types, query limits, query cost and error masking.

A federation schema, so the API can also join an Apollo Federation 2 supergraph as a
subgraph; on its own it is an ordinary GraphQL API.
"""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.federation.schema import FederationAny
from strawberry.printer import print_schema
from strawberry.types import ExecutionContext, Info
from strawberry.types.fields.resolver import StrawberryResolver

from graph.config import ServerConfig
from graph.cost_extension import MaxAliasesLimiter, PlanCache, QueryCostLimiter
from graph.error_contract import OperationNameRequired, is_variable_error
from graph.errors import BadUserInput, GraphError
from graph.extension_hooks import CachedHooksRunner
from graph.fast_execution import FastLeafExecutor
from graph.metrics import NameOperation
from graph.mutations import Mutation
from graph.queries import Query
from graph.sdl import self_contained
from graph.subscriptions import Subscription
from graph.throttle import AsyncBuckets, AwaitedBuckets, CostBuckets
from graph.types.values import SCALAR_OVERRIDES
from graph.validation_cache import ValidatedDocuments, ValidationCache

log = logging.getLogger(__name__)

DOCUMENT_CACHE_SIZE = 256


def _is_internal(error: GraphQLError) -> bool:
    """Errors our own code raised on purpose carry a code; anything else is a fault."""
    original = error.original_error
    if original is None or isinstance(original, GraphError) or is_variable_error(error):
        return False
    log.error("internal error at %s", error.path, exc_info=original)
    return True


class MaskInternalErrors(MaskErrors):
    def _process_result(self, result: object) -> None:
        # Most answers have no errors: this skips the base class's isinstance check against
        # a runtime-checkable Protocol, which is slow, when there is nothing to mask.
        if getattr(result, "errors", None):
            super()._process_result(result)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_ERROR"},
        )


class DealerGraphSchema(strawberry.federation.Schema):
    _sdl: str | None = None

    def as_str(self) -> str:
        """The SDL with the federation directives' definitions (graph.sdl), so it loads in
        any GraphQL tool; ``_service { sdl }`` answers the same text."""
        if self._sdl is None:
            self._sdl = self_contained(print_schema(self))
        return self._sdl

    def _get_federation_query_type(self, *args: Any, **kwargs: Any) -> type:
        query: type = super()._get_federation_query_type(*args, **kwargs)
        service = next(f for f in query.__strawberry_definition__.fields if f.name == "_service")
        sdl = service.type.__strawberry_definition__.fields[0]  # type: ignore[union-attr]
        sdl.base_resolver = StrawberryResolver(lambda: self.as_str())
        return query

    def entities_resolver(
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        # Strawberry reads __typename and the key without checking they are there.
        types = self.schema_converter.type_map
        for representation in representations:
            ok = isinstance(representation, dict) and "id" in representation
            if not ok or representation.get("__typename") not in types:
                raise BadUserInput(
                    "each representation needs the __typename of an entity and its id",
                    argument="representations",
                )
        return super().entities_resolver(info, representations)

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        # Each extension class's hooks are wrapped once, not on every request.
        return CachedHooksRunner(execution_context=execution_context, extensions=extensions)

    cost_buckets: AsyncBuckets
    """Each API client's cost budget; one set per schema, and the app builds one schema
    (subscriptions bill their events to it)."""
    log_answers: bool = True
    """Whether errors that are answers get their INFO line; ``serve`` only with --verbose."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Errors with a code are answers, not faults: one line each, no traceback (internal
        # faults are logged with theirs by the masking extension).
        if not self.log_answers:
            return
        for error in errors:
            original = error.original_error
            if isinstance(original, GraphError):
                log.info("%s at %s: %s", original.code, ".".join(map(str, error.path or ())), error)


def build_schema(
    server: ServerConfig | None = None,
    *,
    buckets: CostBuckets | None = None,
    shared_buckets: AsyncBuckets | None = None,
    log_answers: bool = True,
) -> DealerGraphSchema:
    """``buckets``: this process's cost buckets (tests pass theirs, with a fake clock);
    ``shared_buckets``: the ones every replica shares instead (``[shared] redis_url``)."""
    server = server or ServerConfig()
    cost_buckets = shared_buckets or AwaitedBuckets(buckets or CostBuckets())
    plans = PlanCache(maxsize=DOCUMENT_CACHE_SIZE)
    validated = ValidatedDocuments(maxsize=DOCUMENT_CACHE_SIZE)
    schema = DealerGraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # Money always with two decimals ("52995.00"), whatever digits the vendor sent.
        scalar_overrides=SCALAR_OVERRIDES,
        # Plain leaf fields (attribute reads) without per-field resolver machinery.
        execution_context_class=FastLeafExecutor,
        extensions=[
            # Depth, cost and aliases, counted in linear time (graph.cost): Strawberry's own
            # depth and alias limiters re-walk every fragment spread.
            lambda: QueryCostLimiter(server=server, buckets=cost_buckets, plans=plans),
            lambda: MaxAliasesLimiter(max_alias_count=server.max_aliases),
            lambda: MaxTokensLimiter(max_token_count=server.max_tokens),
            # Clients send the same few documents again and again: parse and validate each
            # once (bounded LRU caches keyed by the text, and by the parsed document's
            # identity and the rules).
            lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
            lambda: ValidationCache(validated),
            lambda: MaskInternalErrors(should_mask_error=_is_internal),
            OperationNameRequired,
            NameOperation,
        ],
    )
    schema.cost_buckets = cost_buckets
    schema.log_answers = log_answers
    return schema


def schema_sdl() -> str:
    """The schema as checked in at ``schema.graphql``."""
    return build_schema().as_str() + "\n"

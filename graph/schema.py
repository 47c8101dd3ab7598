"""The schema: root types, query limits and error masking.

A federation schema, so the API can also join an Apollo Federation 2 supergraph as a
subgraph; on its own it is an ordinary GraphQL API.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.types import ExecutionContext

from graph.config import ServerConfig
from graph.errors import GraphError
from graph.mutations import Mutation
from graph.queries import Query

log = logging.getLogger(__name__)


def _is_internal(error: GraphQLError) -> bool:
    """Errors our own code raised on purpose carry a code; anything else is a fault."""
    original = error.original_error
    if original is None or isinstance(original, GraphError):
        return False
    log.error("internal error at %s", error.path, exc_info=original)
    return True


class MaskInternalErrors(MaskErrors):
    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_ERROR"},
        )


class DealerGraphSchema(strawberry.federation.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Errors with a code are answers, not faults: one line each, no traceback (internal
        # faults are logged with theirs by the masking extension).
        for error in errors:
            original = error.original_error
            if isinstance(original, GraphError):
                log.info("%s at %s: %s", original.code, ".".join(map(str, error.path or ())), error)


def build_schema(server: ServerConfig | None = None) -> strawberry.federation.Schema:
    server = server or ServerConfig()
    return DealerGraphSchema(
        query=Query,
        mutation=Mutation,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=server.max_query_depth),
            lambda: MaxAliasesLimiter(max_alias_count=server.max_aliases),
            lambda: MaxTokensLimiter(max_token_count=server.max_tokens),
            lambda: MaskInternalErrors(should_mask_error=_is_internal),
        ],
    )


def schema_sdl() -> str:
    """The schema as checked in at ``schema.graphql``."""
    return build_schema().as_str() + "\n"

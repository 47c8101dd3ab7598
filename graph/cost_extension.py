"""Refusing queries too deep, too costly, too aliased or over the client's budget, before
they run.

Runs after parsing and validation and before execution, so a refused query reaches no
vendor. A refusal is an execution result the extension sets itself: Strawberry then skips
graphql-core's ``execute`` and answers ``{"data": null, "errors": [...]}``. Every answer,
refused or not, reports its cost under ``extensions.cost``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, OperationType, ValidationContext, ValidationRule
from strawberry.extensions import AddValidationRules, SchemaExtension

from graph.config import ServerConfig
from graph.context import Context
from graph.cost import CostSettings, PlanTooComplex, QueryPlan, alias_count
from graph.errors import GraphError
from graph.throttle import Allowance, CostBuckets


class QueryCostLimiter(SchemaExtension):
    def __init__(self, *, server: ServerConfig, buckets: CostBuckets) -> None:
        self.server = server
        self.buckets = buckets
        self.requested = 0
        self.taken = 0

    def _context(self) -> Context | None:
        context = self.execution_context.context
        return context if isinstance(context, Context) else None

    def _max_cost(self, context: Context) -> int:
        # A query larger than the client's whole bucket could never be admitted.
        return min(self.server.max_query_cost, context.client.cost_capacity)

    def on_execute(self) -> Iterator[None]:
        refusal = self._admit()
        if refusal is not None:
            self.execution_context.result = GraphQLExecutionResult(
                data=None, errors=[GraphQLError(refusal.message, original_error=refusal)]
            )
            yield
            return
        try:
            yield
        finally:
            self._settle()

    def _admit(self) -> GraphError | None:
        ec = self.execution_context
        document = ec.graphql_document
        if document is None:
            return None
        context = self._context()
        visible = len(context.visible_dealerships()) if context is not None else 1
        settings = CostSettings(
            default_page_size=self.server.default_page_size,
            max_page_size=self.server.max_page_size,
            visible_dealerships=visible,
            sorted_scan_pages=-(-self.server.max_sorted_rows // 100),
        )
        plan = QueryPlan(ec.schema._schema, document, ec.operation_name, ec.variables, settings)
        max_depth = self.server.max_query_depth
        if plan.depth() > max_depth:
            return GraphError(
                f"the operation exceeds the maximum operation depth of {max_depth}",
                code="MAX_DEPTH_EXCEEDED",
                maxDepth=max_depth,
            )
        if context is None:
            return None  # not served over the API (no client): nothing to bill
        max_cost = self._max_cost(context)
        try:
            cost = plan.cost()
        except PlanTooComplex:
            return GraphError(
                "the query is too complex to plan; split it into smaller queries",
                code="MAX_COST_EXCEEDED",
                maxCost=max_cost,
            )
        self.requested = cost
        if cost > max_cost:
            return GraphError(
                f"the query's planned cost {cost} exceeds the maximum {max_cost} "
                "(vendor requests); ask for fewer rows or less nesting",
                code="MAX_COST_EXCEEDED",
                cost=cost,
                maxCost=max_cost,
            )
        if plan.operation is not None and plan.operation.operation is OperationType.SUBSCRIPTION:
            # Billed per event, not once (graph.subscription_billing): an open subscription
            # runs its selection, record reads included, for every event it delivers.
            context.event_cost = cost
            return None
        client = context.client
        taken = self.buckets.take(client.name, cost, _allowance(context))
        if not taken.granted:
            return GraphError(
                f"this API key's cost budget is spent: the query needs {cost}; "
                f"retry in {taken.retry_after:.1f} s",
                code="THROTTLED",
                cost=cost,
                retryAfter=taken.retry_after,
            )
        self.taken = cost
        return None

    def _settle(self) -> None:
        context = self._context()
        if context is None or not self.taken:
            return
        unspent = self.taken - min(context.upstream.requests, self.taken)
        self.buckets.give_back(context.client.name, unspent, _allowance(context))

    def get_results(self) -> dict[str, Any]:
        context = self._context()
        if context is None:
            return {}
        actual = context.upstream.requests
        status = self.buckets.status(context.client.name, _allowance(context))
        return {
            "cost": {
                "requestedQueryCost": self.requested,
                "actualQueryCost": actual,
                "maxQueryCost": self._max_cost(context),
                "upstreamRequests": actual,
                "throttleStatus": status.as_extension(),
            }
        }


def _allowance(context: Context) -> Allowance:
    client = context.client
    return Allowance(capacity=client.cost_capacity, restore_rate=client.cost_restore_rate)


class MaxAliasesLimiter(AddValidationRules):
    """Strawberry's alias limit, counted once per fragment: its own walks every spread
    again, which takes minutes on a small document of fragments spreading each other."""

    def __init__(self, max_alias_count: int) -> None:
        super().__init__([_max_aliases_rule(max_alias_count)])


@cache  # one class per limit, so validation results can be cached by their rules
def _max_aliases_rule(limit: int) -> type[ValidationRule]:
    class MaxAliases(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            total = alias_count(context.document)
            if total > limit:
                context.report_error(GraphQLError(f"{total} aliases found. Allowed: {limit}"))

    return MaxAliases

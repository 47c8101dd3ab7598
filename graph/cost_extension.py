"""Refusing queries too deep, too costly, too aliased or over the client's budget, before
they run.

Runs after parsing and validation and before execution, so a refused query reaches no
vendor. A refusal is an execution result the extension sets itself: Strawberry then skips
graphql-core's ``execute`` and answers ``{"data": null, "errors": [...]}``. Every answer,
refused or not, reports its cost under ``extensions.cost``. Plans are kept (``PlanCache``),
so a document sent again with the same variables is not walked again.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from graphql import DocumentNode, GraphQLError, OperationType, ValidationContext, ValidationRule
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import AddValidationRules, SchemaExtension

from adapters.errors import SharedStateUnavailable
from graph.config import ServerConfig
from graph.context import Context
from graph.cost import CostSettings, PlanTooComplex, QueryPlan, alias_count
from graph.document_cache import KeptByDocument
from graph.errors import GraphError
from graph.throttle import Allowance, AsyncBuckets, Taken, ThrottleStatus


class QueryCostLimiter(SchemaExtension):
    """The limits, with each client's cost bucket: this process's (``AwaitedBuckets``) or
    the one every replica shares on Redis (``graph.throttle_redis``). A bucket Redis cannot
    answer for refuses the query, as the vendor budgets it also holds would."""

    def __init__(self, *, server: ServerConfig, buckets: AsyncBuckets, plans: PlanCache) -> None:
        self.server = server
        self.buckets = buckets
        self.plans = plans
        self.requested = 0
        self.taken = 0

    def _context(self) -> Context | None:
        context = self.execution_context.context
        return context if isinstance(context, Context) else None

    def _max_cost(self, context: Context) -> int:
        # A query larger than the client's whole bucket could never be admitted.
        return min(self.server.max_query_cost, context.client.cost_capacity)

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        planned = self._plan()
        if isinstance(planned, Bill):
            try:
                planned = self._took(planned, await self.buckets.take(*planned.take_args()))
            except SharedStateUnavailable as exc:
                planned = GraphError(exc.message, code=exc.code)
        if planned is not None:
            self._refuse(planned)
            yield
            return
        try:
            yield
        finally:
            unspent = self._unspent()
            if unspent is not None:
                with contextlib.suppress(SharedStateUnavailable):  # errs for the client
                    await self.buckets.give_back(*unspent)

    async def get_results(self) -> dict[str, Any]:  # type: ignore[override]
        context = self._context()
        if context is None:
            return {}
        allowance = _allowance(context)
        try:
            status = await self.buckets.status(context.client.name, allowance)
        except SharedStateUnavailable:
            status = ThrottleStatus(allowance.capacity, 0.0, allowance.restore_rate)
        return self._results(context, status)

    def _refuse(self, refusal: GraphError) -> None:
        self.execution_context.result = GraphQLExecutionResult(
            data=None, errors=[GraphQLError(refusal.message, original_error=refusal)]
        )

    def _plan(self) -> GraphError | Bill | None:
        """A refusal, the cost to take from the client's bucket, or None (nothing to bill)."""
        ec = self.execution_context
        document = ec.graphql_document
        if document is None:
            return None
        context = self._context()
        planned = self._planned(document, context)
        max_depth = self.server.max_query_depth
        if planned.depth > max_depth:
            return GraphError(
                f"the operation exceeds the maximum operation depth of {max_depth}",
                code="MAX_DEPTH_EXCEEDED",
                maxDepth=max_depth,
            )
        if context is None:
            return None  # not served over the API (no client): nothing to bill
        max_cost = self._max_cost(context)
        cost = planned.cost
        if cost is None:
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
        if planned.subscription:
            # Billed per event, not once (graph.subscription_billing): an open subscription
            # runs its selection, record reads included, for every event it delivers.
            context.event_cost = cost
            return None
        return Bill(context.client.name, cost, _allowance(context))

    def _planned(self, document: DocumentNode, context: Context | None) -> Planned:
        """The operation's plan: kept from an earlier request when one had the same."""
        ec = self.execution_context
        visible = len(context.visible_dealerships()) if context is not None else 1
        operation_name = ec.operation_name
        key = PlanCache.key(document, operation_name, ec.variables, visible)
        planned = self.plans.get(key, document) if key is not None else None
        if planned is None:
            settings = CostSettings(
                default_page_size=self.server.default_page_size,
                max_page_size=self.server.max_page_size,
                visible_dealerships=visible,
                sorted_scan_pages=-(-self.server.max_sorted_rows // 100),
            )
            plan = QueryPlan(ec.schema._schema, document, operation_name, ec.variables, settings)
            planned = Planned.of(plan, self.server.max_query_depth)
            if key is not None:
                self.plans.put(key, document, planned)
        return planned

    def _took(self, bill: Bill, taken: Taken) -> GraphError | None:
        if not taken.granted:
            return GraphError(
                f"this API key's cost budget is spent: the query needs {bill.cost}; "
                f"retry in {taken.retry_after:.1f} s",
                code="THROTTLED",
                cost=bill.cost,
                retryAfter=taken.retry_after,
            )
        self.taken = bill.cost
        return None

    def _unspent(self) -> tuple[str, float, Allowance] | None:
        """What to give back once the query ran: planned but not sent."""
        context = self._context()
        if context is None or not self.taken:
            return None
        unspent = self.taken - min(context.upstream.requests, self.taken)
        return context.client.name, unspent, _allowance(context)

    def _results(self, context: Context, status: ThrottleStatus) -> dict[str, Any]:
        actual = context.upstream.requests
        return {
            "cost": {
                "requestedQueryCost": self.requested,
                "actualQueryCost": actual,
                "maxQueryCost": self._max_cost(context),
                "upstreamRequests": actual,
                "throttleStatus": status.as_extension(),
            }
        }


@dataclass(frozen=True, slots=True)
class Planned:
    """What ``_plan`` needs of a ``QueryPlan``, small enough to keep."""

    depth: int
    cost: int | None
    """None when planning gave up (``PlanTooComplex``), or was not tried: the depth is over
    the limit, and the cost walk recurses once per level."""
    subscription: bool

    @classmethod
    def of(cls, plan: QueryPlan, max_depth: int) -> Planned:
        depth = plan.depth()
        cost: int | None = None
        if depth <= max_depth:
            with contextlib.suppress(PlanTooComplex):
                cost = plan.cost()
        operation = plan.operation
        subscription = operation is not None and operation.operation is OperationType.SUBSCRIPTION
        return cls(depth, cost, subscription)


PlanKey = tuple[int, str | None, tuple[Any, ...], int]

MAX_KEYED_VALUES = 64
"""Variables with more values than this (long id lists) are planned every time, not kept."""
MAX_KEYED_STRING = 256
"""Nor are variables holding a longer string: a kept plan keeps its key."""


class _NotKeyed(Exception):
    pass


class PlanCache(KeptByDocument[PlanKey, Planned]):
    """Plans by document, operation, variables and the number of dealerships the client
    sees: everything a plan reads besides the server's settings, which one schema keeps.
    Clients send the same few documents with the same few variables again and again, and
    planning one walks it all (tens of microseconds for a 20-field list). Documents are
    keyed by identity (``graph.document_cache``); least recently used entries go first."""

    @staticmethod
    def key(
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        visible_dealerships: int,
    ) -> PlanKey | None:
        """None when the variables are too large (or of a kind JSON cannot send) to keep."""
        try:
            frozen = _frozen(variables or {}, [MAX_KEYED_VALUES])
        except _NotKeyed:
            return None
        return id(document), operation_name, frozen, visible_dealerships


_KEYED_SCALARS = (str, int, float, bool, type(None))


def _frozen(value: Any, room: list[int]) -> tuple[Any, ...]:
    """A hashable copy of a JSON value that keeps its types apart (1, 1.0 and True hash
    alike, and coerce differently): each value with its type."""
    room[0] -= 1
    if room[0] < 0:
        raise _NotKeyed
    kind = type(value)
    if kind is dict:
        return (dict, tuple((k, _frozen(v, room)) for k, v in value.items()))
    if kind is list:
        return (list, tuple(_frozen(v, room) for v in value))
    if kind not in _KEYED_SCALARS or (kind is str and len(value) > MAX_KEYED_STRING):
        raise _NotKeyed
    return (kind, value)


@dataclass(frozen=True, slots=True)
class Bill:
    client: str
    cost: int
    allowance: Allowance

    def take_args(self) -> tuple[str, int, Allowance]:
        return self.client, self.cost, self.allowance


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

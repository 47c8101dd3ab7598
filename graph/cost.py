"""Planning a query before it runs: its depth, and its cost in vendor requests.

Both are read from the document alone, for the operation about to execute, in time linear
in the document: fields are collected the way graphql-core's ``collect_fields`` collects
them (a fragment spread already seen in a selection set is skipped, ``@skip``/``@include``
honoured with the request's variables, fields with one response key merged), each
fragment's depth is worked out once, and costs are remembered per (type, selections,
objects, dealerships), so a document whose fragments each spread the previous one twice
is planned in a few milliseconds.

``alias_count`` counts aliases as Strawberry's ``MaxAliasesLimiter`` does (a fragment's
every time it is spread), working each fragment out once.

Depth counts nested fields that have a selection set, as Strawberry's
``QueryDepthLimiter`` did (``{ dealerships { id } }`` is 1); introspection fields count 0.

Cost is the number of vendor requests the query is planned to make. Each field is priced
for the number of parent objects it runs under ("objects") and the number of
dealerships those objects come from ("dealerships in play"):

=============================================  =========================  ===================
field                                          costs                      its children run
                                                                          under
=============================================  =========================  ===================
``Query.dealerships``                          0 (from configuration)     V objects, V
                                                                          dealerships
``Query.dealership(id:)``                      0                          1, 1
root connection (``Query.vehicles``,           pages x D                  ``first`` objects,
``Query.repairOrders``)                                                   D dealerships
``Query.events`` (the event log)               0                          ``first`` objects,
                                                                          V dealerships
``Query.node``/``nodes``/``_entities``         distinct dealerships the   one per id,
                                               ids name (Dealership ids   those
                                               cost 0)                    dealerships
other ``Query`` fields (``_service``)          0                          1, 1
``Mutation`` field                             1                          1, 1
connection field (type name ends with          objects x pages            objects x
``Connection``, e.g. ``Dealership.deals``,                                ``first``, same
``Account.payments``)                                                     dealerships
relation: a field whose type implements        min(objects, dealerships)  same objects, same
``Node`` (not ``Dealership``), outside a       (one batched call per      dealerships
connection, edge or mutation payload           store per level)
(``Deal.buyer``, ``RepairOrder.technicians``,
``TechnicianAssignment.technician``)
``Dealership.dmsStore`` (the DMS's list of    min(objects, dealerships)  same, same
stores, read once per login and kept)
a field returning ``Dealership``               0                          same, same
(``vehicle.dealership``)
anything else: scalars, value objects          0                          same, same
(``totals``, ``pricing``, ``pageInfo``),
connections' ``nodes``/``edges``, payloads
=============================================  =========================  ===================

V is the number of dealerships the client may see; D is the number of distinct
``dealershipIds`` given, else V. ``pages`` is ``ceil(first / 100)`` (at least 1: an empty
window still asks the vendor for the count), ``first`` being the argument's value (variables
resolved), ``default_page_size`` when absent, capped at ``max_page_size``.

The plan is an estimate of the vendor work a query starts, not a bill: a relation whose
rows a list already loaded, or an answer from the response cache, costs nothing when it
runs, while a relation read through a paged listing or a write that first looks a customer
up costs more than one. Clients are charged the plan up front and given back what went
unspent; a query that spends more than its plan is not charged the difference.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
    get_operation_ast,
    is_abstract_type,
    is_composite_type,
)
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_directive_values,
    get_variable_values,
)

from graph.ids import InvalidGlobalId, decode_global_id

VENDOR_PAGE_SIZE = 100
"""Rows the vendors return per request at most."""
MAX_PLAN_STEPS = 100_000
"""Fields priced before planning gives up: a defence, never reached by a sane query."""

_CONTAINER_SUFFIXES = ("Connection", "Edge", "Payload")
_ID_ROOT_FIELDS = {"node", "nodes", "_entities"}
_EVENTS_ROOT_FIELD = "events"
# Value objects read from the vendor (not from a record already loaded): priced as relations.
_VENDOR_READ_FIELDS = {("Dealership", "dmsStore")}

Owner = GraphQLObjectType | GraphQLInterfaceType


class PlanTooComplex(Exception):
    """Planning needed more than ``MAX_PLAN_STEPS`` steps."""


@dataclass(frozen=True, slots=True)
class CostSettings:
    default_page_size: int = 25
    max_page_size: int = 100
    visible_dealerships: int = 1
    sorted_scan_pages: int = 10
    """Pages per store a sorted or range-checked vehicle list reads (graph.sorted_listing)."""


@dataclass(frozen=True, slots=True)
class _Scope:
    """What a selection runs under: how many objects, from how many dealerships."""

    objects: int
    dealerships: int


class QueryPlan:
    """The depth and cost of one operation of a validated document."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None = None,
        variables: Mapping[str, Any] | None = None,
        settings: CostSettings | None = None,
    ) -> None:
        self.schema = schema
        self.settings = settings or CostSettings()
        self.operation = get_operation_ast(document, operation_name)
        self.fragments: dict[str, FragmentDefinitionNode] = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._variables = self._coerce(variables or {})
        node_type = schema.get_type("Node")
        self._node = node_type if isinstance(node_type, GraphQLInterfaceType) else None
        self._fragment_depths: dict[str, int] = {}
        self._costs: dict[tuple[Any, ...], int] = {}
        self.fragment_expansions = 0
        """How often a fragment's selections were walked: linear in the document."""
        self.steps = 0

    def _coerce(self, raw: Mapping[str, Any]) -> VariableValues:
        if self.operation is not None:
            coerced = get_variable_values(
                self.schema, self.operation.variable_definitions or (), dict(raw)
            )
            if isinstance(coerced, VariableValues):
                return coerced
        # Variables that do not coerce fail execution before any resolver runs.
        return VariableValues(sources={}, coerced={})

    # -- depth ---------------------------------------------------------------------------

    def depth(self) -> int:
        if self.operation is None:
            return 0
        for name in fragments_in_dependency_order(self.operation.selection_set, self.fragments):
            self.fragment_expansions += 1
            self._fragment_depths[name] = self._depth_of(self.fragments[name].selection_set)
        return self._depth_of(self.operation.selection_set)

    def _depth_of(self, selection_set: SelectionSetNode) -> int:
        best = 0
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                if selection.selection_set is None or selection.name.value.startswith("__"):
                    continue
                best = max(best, 1 + self._depth_of(selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                best = max(best, self._depth_of(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                # A cycle (refused by validation) finds no entry and counts 0.
                best = max(best, self._fragment_depths.get(selection.name.value, 0))
        return best

    # -- cost ----------------------------------------------------------------------------

    def cost(self) -> int:
        """Planned vendor requests. Call only once the depth is known to be bounded: the
        walk recurses once per nesting level."""
        operation = self.operation
        if operation is None:
            return 0
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0
        fields = self._collect(root, [operation.selection_set])
        total = 0
        for owner, nodes in fields.values():
            total += self._root_field(operation.operation, owner, nodes)
        return total

    def _root_field(self, kind: OperationType, owner: Owner, nodes: list[FieldNode]) -> int:
        field = _field_def(owner, nodes[0])
        if field is None:
            return 0
        name = nodes[0].name.value
        named = get_named_type(field.type)
        visible = self.settings.visible_dealerships
        if kind == OperationType.MUTATION:
            return 1 + self._children(named, nodes, _Scope(1, 1))
        if name == "dealerships":
            return self._children(named, nodes, _Scope(visible, visible))
        if name == _EVENTS_ROOT_FIELD:  # read from the event log: only its records cost
            first = self._first(field, nodes[0])
            return self._children(named, nodes, _Scope(first, visible))
        if name in _ID_ROOT_FIELDS:
            ids = self._ids(name, field, nodes[0])
            stores = {gid.dealership_id for gid in ids}
            loads = {gid.dealership_id for gid in ids if gid.type_name != "Dealership"}
            return len(loads) + self._children(named, nodes, _Scope(len(ids), len(stores)))
        if named.name.endswith("Connection"):
            first = self._first(field, nodes[0])
            chosen = self._argument(field, nodes[0], "dealershipIds")
            stores = len(set(chosen)) if isinstance(chosen, list) else visible
            pages = self._scan_pages(field, nodes[0]) or _pages(first)
            return stores * pages + self._children(named, nodes, _Scope(first, stores))
        return self._children(named, nodes, _Scope(1, 1))

    def _field(self, owner: Owner, nodes: list[FieldNode], scope: _Scope) -> int:
        field = _field_def(owner, nodes[0])
        if field is None:
            return 0
        self.steps += 1
        if self.steps > MAX_PLAN_STEPS:
            raise PlanTooComplex
        named = get_named_type(field.type)
        if named.name.endswith("Connection"):
            first = self._first(field, nodes[0])
            inner = _Scope(scope.objects * first, scope.dealerships)
            pages = self._scan_pages(field, nodes[0]) or _pages(first)
            return scope.objects * pages + self._children(named, nodes, inner)
        own = 0
        read = (owner.name, nodes[0].name.value) in _VENDOR_READ_FIELDS
        if read or self._is_relation(owner, named):
            own = min(scope.objects, scope.dealerships)
        return own + self._children(named, nodes, scope)

    def _is_relation(self, owner: Owner, named: GraphQLNamedType) -> bool:
        if named.name == "Dealership" or owner.name.endswith(_CONTAINER_SUFFIXES):
            return False
        if self._node is None or not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            return False
        return named is self._node or self._node in named.interfaces

    def _children(self, named: GraphQLNamedType, nodes: list[FieldNode], scope: _Scope) -> int:
        sets = [n.selection_set for n in nodes if n.selection_set is not None]
        if not sets or scope.objects == 0:
            return 0
        key = (named.name, _selection_key(sets), scope.objects, scope.dealerships)
        known = self._costs.get(key)
        if known is not None:
            return known
        total = 0
        if is_composite_type(named):
            for owner, merged in self._collect(named, sets).values():
                total += self._field(owner, merged, scope)
        self._costs[key] = total
        return total

    def _collect(
        self, parent: GraphQLNamedType, sets: Sequence[SelectionSetNode]
    ) -> dict[tuple[str, str], tuple[Owner, list[FieldNode]]]:
        """Fields by (owning type, response key), as ``collect_fields`` groups them.

        The runtime type of an abstract parent is not known yet, so every fragment that
        could apply is taken (the plan errs high)."""
        fields: dict[tuple[str, str], tuple[Owner, list[FieldNode]]] = {}
        seen: set[str] = set()
        stack: list[tuple[GraphQLNamedType, Iterable[SelectionNode]]] = [
            (parent, s.selections) for s in reversed(sets)
        ]
        while stack:
            owner, selections = stack.pop()
            for selection in selections:
                if not self._included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    if selection.name.value.startswith("__") or not isinstance(
                        owner, GraphQLObjectType | GraphQLInterfaceType
                    ):
                        continue  # introspection asks no vendor; unions have no fields
                    key = (owner.name, (selection.alias or selection.name).value)
                    fields.setdefault(key, (owner, []))[1].append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    inner = self._narrow(owner, selection.type_condition)
                    if inner is not None:
                        stack.append((inner, selection.selection_set.selections))
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if name in seen or fragment is None:
                        continue
                    seen.add(name)
                    inner = self._narrow(owner, fragment.type_condition)
                    if inner is not None:
                        self.fragment_expansions += 1
                        stack.append((inner, fragment.selection_set.selections))
        return fields

    def _narrow(self, owner: GraphQLNamedType, condition: Any) -> GraphQLNamedType | None:
        """The type a fragment's fields belong to under ``owner``; None if it never applies."""
        if condition is None:
            return owner
        target = self.schema.get_type(condition.name.value)
        if target is None:
            return None
        if is_abstract_type(owner):
            return target
        if target is owner:
            return owner
        if isinstance(target, GraphQLInterfaceType | GraphQLUnionType) and self.schema.is_sub_type(
            target, owner
        ):
            return owner
        return None

    # -- values --------------------------------------------------------------------------

    def _included(self, node: SelectionNode) -> bool:
        if not node.directives:
            return True
        try:
            skip = get_directive_values(GraphQLSkipDirective, node, self._variables)
            include = get_directive_values(GraphQLIncludeDirective, node, self._variables)
        except GraphQLError:
            return True  # execution reports it; plan as if the selection ran
        if skip is not None and skip.get("if") is True:
            return False
        return not (include is not None and include.get("if") is False)

    def _argument(self, field: GraphQLField, node: FieldNode, name: str) -> Any:
        try:
            return get_argument_values(field, node, self._variables).get(name)
        except GraphQLError:
            return None  # execution reports it; plan with the default

    def _scan_pages(self, field: GraphQLField, node: FieldNode) -> int:
        """The pages a list read whole costs (sorted, or checked against ranges), else 0."""
        if "orderBy" not in field.args:
            return 0
        flt = self._argument(field, node, "filter")
        ranges = isinstance(flt, dict) and any(
            k.lower().startswith(("min", "max")) and v is not None for k, v in flt.items()
        )
        if self._argument(field, node, "orderBy") is None and not ranges:
            return 0
        return self.settings.sorted_scan_pages

    def _first(self, field: GraphQLField, node: FieldNode) -> int:
        s = self.settings
        value = self._argument(field, node, "first")
        first = value if isinstance(value, int) else s.default_page_size
        return max(0, min(first, s.max_page_size))

    def _ids(self, name: str, field: GraphQLField, node: FieldNode) -> list[Any]:
        if name == "node":
            values: Any = [self._argument(field, node, "id")]
        elif name == "nodes":
            values = self._argument(field, node, "ids")
        else:
            representations = self._argument(field, node, "representations")
            values = [r.get("id") for r in representations or () if isinstance(r, dict)]
        decoded = []
        for value in values if isinstance(values, list) else ():
            if not isinstance(value, str):
                continue
            try:
                decoded.append(decode_global_id(value))
            except InvalidGlobalId:
                continue  # resolves to null without asking anyone
        return decoded


def _pages(first: int) -> int:
    return max(1, math.ceil(first / VENDOR_PAGE_SIZE))


def _field_def(owner: Owner, node: FieldNode) -> GraphQLField | None:
    return owner.fields.get(node.name.value)


def _selection_key(sets: Sequence[SelectionSetNode]) -> tuple[Any, ...]:
    """Identifies what a list of selection sets collects to: a bare fragment spread by its
    name (``a { ...F }`` and ``b { ...F }`` collect alike), anything else by identity."""
    key: list[Any] = []
    for selection_set in sets:
        for selection in selection_set.selections:
            if isinstance(selection, FragmentSpreadNode) and not selection.directives:
                key.append(selection.name.value)
            else:
                key.append(id(selection))
    return tuple(key)


def fragments_in_dependency_order(
    root: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> list[str]:
    """Fragments ``root`` reaches, each after those it spreads; worked iteratively, so a long
    chain of spreads cannot exhaust the interpreter's stack. A cycle (which validation
    refuses) is cut where it closes."""
    order: list[str] = []
    done: dict[str, bool] = {}  # False: in progress
    for start in _spreads_in(root):
        if start in done or start not in fragments:
            continue
        done[start] = False
        stack = [(start, _spreads_in(fragments[start].selection_set))]
        while stack:
            name, pending = stack[-1]
            if pending:
                child = pending.pop()
                if child not in done and child in fragments:
                    done[child] = False
                    stack.append((child, _spreads_in(fragments[child].selection_set)))
                continue
            stack.pop()
            done[name] = True
            order.append(name)
    return order


def alias_count(document: DocumentNode) -> int:
    """Aliased fields in the document's operations, each fragment counted every time it is
    spread (as Strawberry's ``MaxAliasesLimiter`` counts), worked out once per fragment."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    per_fragment: dict[str, int] = {}

    def count(selection_set: SelectionSetNode) -> int:
        total = 0
        stack = [selection_set]
        while stack:
            for selection in stack.pop().selections:
                if isinstance(selection, FragmentSpreadNode):
                    total += per_fragment.get(selection.name.value, 0)
                    continue
                if isinstance(selection, FieldNode) and selection.alias is not None:
                    total += 1
                if selection.selection_set is not None:
                    stack.append(selection.selection_set)
        return total

    total = 0
    for operation in document.definitions:
        if isinstance(operation, OperationDefinitionNode):
            for name in fragments_in_dependency_order(operation.selection_set, fragments):
                if name not in per_fragment:
                    per_fragment[name] = count(fragments[name].selection_set)
            total += count(operation.selection_set)
    return total


def _spreads_in(selection_set: SelectionSetNode) -> list[str]:
    names: list[str] = []
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif isinstance(selection, FieldNode | InlineFragmentNode):
                if selection.selection_set is not None:
                    stack.append(selection.selection_set)
    return names

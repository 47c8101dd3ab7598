"""An executor that answers plain leaf fields without per-field resolver machinery.

graphql-core resolves every field of every row the same way: a path object, a resolve-info
object, Strawberry's resolver wrapper around ``getattr``, then value completion through a
chain of type checks. For a list of 1,000 rows of 20 scalars that is 20,000 times the
machinery for what is an attribute read and a scalar's serialize.

A field is *plain* when Strawberry resolves it with its default resolver (no resolver of
our own, no field extensions, no permission classes), it takes no arguments, and its type
is a scalar or enum, or lists of them, nullable or not. For those this executor reads the
attribute and serializes it directly; ``__typename`` is the parent type's name. Anything
else goes through graphql-core's own path, field by field:

- a selection with a field that is not plain (a resolver, arguments, an object or an
  abstract type) runs that field the standard way, the plain ones beside it fast;
- a value the fast path cannot complete cleanly (null in a non-null field, a value the
  scalar rejects, an exception) is completed again the standard way, which reports the
  error exactly as it always has (reading a plain attribute has no side effect);
- a list whose items are objects of one selection of plain leaves is built row by row in
  one loop, each row that does not complete cleanly going the standard way;
- with any resolver middleware (an extension that wraps resolvers) or incremental
  delivery (``@defer``/``@stream``) in play, nothing is fast.

The answers are the same bytes either way (tests/graph/test_fast_execution.py).
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from keyword import iskeyword
from typing import Any
from weakref import WeakMethod

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLResolveInfoHelpers,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter

from graph.types.values import DATE_SCALAR, DATETIME_SCALAR, decimal_text

_TYPENAME = "__typename"


class _NotPlain(Exception):
    """The fast path cannot complete this value; the standard path will."""


Completer = Callable[[Any], Any]


@lru_cache(maxsize=1024)
def _leaf_completer(return_type: GraphQLOutputType) -> Completer | None:
    """A function completing a value of this type as graphql-core does when that raises
    no error, raising ``_NotPlain`` otherwise; None for types that are not leaves or lists
    of leaves. One per type (the schema's types live as long as it), so the row functions
    made of them (``_row_function``) serve every request."""
    non_null = is_non_null_type(return_type)
    inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    if is_leaf_type(inner):
        coerce = inner.coerce_output_value  # type: ignore[union-attr]

        def complete_leaf(value: Any) -> Any:
            if value is None or value is Undefined:
                if non_null:
                    raise _NotPlain
                return None
            if isinstance(value, Exception):
                raise _NotPlain
            coerced = coerce(value)
            if coerced is None or coerced is Undefined:
                raise _NotPlain
            return coerced

        return _with_shortcut(inner, complete_leaf)  # type: ignore[arg-type]
    if isinstance(inner, GraphQLList):
        complete_item = _leaf_completer(inner.of_type)
        if complete_item is None:
            return None

        def complete_list(value: Any) -> Any:
            if value is None or value is Undefined:
                if non_null:
                    raise _NotPlain
                return None
            if isinstance(
                value, str | bytes | bytearray | Mapping | Exception | AsyncIterable
            ) or not isinstance(value, Iterable):
                raise _NotPlain
            return [complete_item(item) for item in value]

        return complete_list
    return None


_INT_RANGE = range(-(2**31), 2**31)
_KEPT_AS_IS: dict[Any, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}
"""Built-in scalars whose output is the value itself when it has exactly this type."""


def _with_shortcut(leaf: GraphQLScalarType | GraphQLEnumType, general: Completer) -> Completer:
    """``general``, with the answer for the commonest values found without a call
    (``_shortcut``, as the row functions answer them). Anything else takes ``general``
    (graphql-core's own coercion)."""
    names: dict[str, Any] = {"c0": general}
    expression = _shortcut(0, "value", leaf, False, names)
    if expression is None:
        return general
    exec(f"def complete(value):\n    return {expression}", names)  # made from the rules below
    complete: Completer = names["complete"]
    return complete


@lru_cache(maxsize=256)
def _enum_names(leaf: CustomGraphQLEnumType) -> dict[int, str]:
    """The name answered for each member of a Strawberry enum, by the member's id."""
    # Strawberry answers the first name whose value equals the member's value.
    names: dict[int, str] = {}
    for member in leaf.wrapped_cls:
        names[id(member)] = next(
            name for name, value in leaf.values.items() if value.value == member.value
        )
    return names


_SERIALIZED_TO_STR: frozenset[tuple[Completer, type]] = frozenset(
    {
        (decimal_text, Decimal),
        (DATE_SCALAR.serialize, datetime.date),
        (DATETIME_SCALAR.serialize, datetime.datetime),
    }
)
"""Custom scalars' serialize functions, each with the type of value it always answers with
a str (never None, so never an error in graphql-core's completion): ``decimal_text``
formats any Decimal, ``isoformat`` any date or datetime."""


def _direct_serialize(leaf: GraphQLScalarType) -> tuple[Completer, type] | None:
    """The scalar's serialize function and the value type for which calling it directly
    answers what its completer does, when ``_SERIALIZED_TO_STR`` knows them."""
    definition = leaf.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    # graphql-core's coerce_output_value is the scalar's serialize function itself.
    known = (leaf.coerce_output_value, getattr(definition, "origin", None))
    return known if known in _SERIALIZED_TO_STR else None


@dataclass(frozen=True, slots=True)
class _Field:
    response_name: str
    field_details_list: Any
    typename: bool = False
    get: Callable[[Any, str], Any] | None = None
    attribute: str = ""
    complete: Completer | None = None
    return_type: GraphQLOutputType | None = None

    @property
    def plain(self) -> bool:
        return self.typename or self.complete is not None


def _plain_field(field_def: GraphQLField) -> tuple[Any, str] | None:
    """(read function, attribute) when Strawberry resolves the field with ``getattr``."""
    if not getattr(field_def.resolve, "_is_default", False) or field_def.args:
        return None
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or not definition.is_basic_field:
        return None
    return definition.default_resolver, definition.python_name


@lru_cache(maxsize=4096)
def _plain_leaf(
    schema: GraphQLSchema, parent_type: GraphQLObjectType, field_name: str
) -> tuple[Callable[[Any, str], Any], str, Completer, GraphQLOutputType] | None:
    """(read function, attribute, completer, type) of a field read and completed the fast
    way, or None: worked out once per schema field, not on every request. A field taking
    no arguments is never passed any in a valid document, so the schema field decides."""
    field_def = schema.get_field(parent_type, field_name)
    if field_def is None:
        return None
    plain = _plain_field(field_def)
    complete = _leaf_completer(field_def.type) if plain else None
    if plain is None or complete is None:
        return None
    return plain[0], plain[1], complete, field_def.type


def _weakly(method: Any) -> Callable[..., Any]:
    """``method`` of an executor, called through a weak reference to it."""
    ref = WeakMethod(method)

    def call(*args: Any) -> Any:
        bound = ref()
        assert bound is not None, "async work of a finished execution"
        return bound(*args)

    return call


class FastLeafExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor with plain leaf fields read directly (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # graphql-core's helpers hold the executor's own bound methods: a reference cycle
        # that kept each request (context, primed rows, models) alive until the cycle
        # collector found it, and made each of its passes walk them.
        self.async_helpers = GraphQLResolveInfoHelpers(
            gather=_weakly(self.gather_async_work), track=_weakly(self.track_async_work)
        )
        middleware = self.middleware_manager
        self._fast = middleware is None or not middleware.middlewares
        self._plans: dict[int, tuple[Any, list[_Field]]] = {}

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> list[_Field]:
        key = id(grouped_field_set)
        cached = self._plans.get(key)
        if cached is not None and cached[0] is grouped_field_set:
            return cached[1]
        plan: list[_Field] = []
        for response_name, field_details_list in grouped_field_set.items():
            field_name = field_details_list[0].node.name.value
            if field_name == _TYPENAME:
                plan.append(_Field(response_name, field_details_list, typename=True))
                continue
            found = _plain_leaf(self.schema, parent_type, field_name)
            if found is None:
                plan.append(_Field(response_name, field_details_list))
            else:
                plan.append(_Field(response_name, field_details_list, False, *found))
        # The grouped field set is kept with its plan so that its id is not reused.
        self._plans[key] = (grouped_field_set, plan)
        return plan

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        if not self._fast:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for field in self._plan(parent_type, grouped_field_set):
                name = field.response_name
                if field.typename:
                    results[name] = parent_type.name
                    continue
                if field.complete is not None:
                    try:
                        results[name] = field.complete(field.get(source_value, field.attribute))  # type: ignore[misc]
                        continue
                    except Exception:  # the standard path below reports it
                        pass
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field.field_details_list,
                    Path(path, name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return _gather_fields(results, awaitable_fields)

    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo,
        path: Path,
        items: Iterable[Any],
        position_context: Any,
    ) -> Any:
        rows = self._plain_rows(item_type, field_details_list, path, position_context)
        if rows is None:
            return super().complete_iterable_value(
                item_type, field_details_list, info, path, items, position_context
            )
        object_type, plan = rows
        is_type_of = object_type.is_type_of
        is_awaitable = self.is_awaitable
        row = _row_function(
            object_type.name,
            tuple(
                (f.response_name, f.typename, f.get, f.attribute, f.complete, f.return_type)
                for f in plan
            ),
        )
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        index = 0
        try:
            for item in items:
                if item is not None and not is_awaitable(item):
                    try:
                        if is_type_of is not None and is_type_of(item, info) is not True:
                            raise _NotPlain
                        completed.append(row(item))
                        index += 1
                        continue
                    except Exception:  # the standard path below reports it
                        pass
                item_path = path.add_key(index, None)
                if self._standard_item(
                    item, completed, item_type, field_details_list, info, item_path
                ):
                    awaitable_indices.append(index)
                index += 1
        except Exception:
            # An error the standard path propagates (a null in a non-null list): settle
            # what is already running, as graphql-core does.
            if awaitable_indices:
                self.settle_in_background([completed[i] for i in awaitable_indices])
            raise
        if not awaitable_indices:
            return completed
        return _gather_items(completed, awaitable_indices)

    def _standard_item(
        self,
        item: Any,
        completed: list[Any],
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo,
        item_path: Path,
    ) -> bool:
        """One list item the way graphql-core completes it; True if it is awaitable."""
        if self.is_awaitable(item):
            completed.append(
                self.complete_awaitable_list_item_value(
                    item, item_type, field_details_list, info, item_path, None
                )
            )
            return True
        return self.complete_list_item_value(
            item, completed, item_type, field_details_list, info, item_path, None
        )

    def _plain_rows(
        self, item_type: GraphQLOutputType, field_details_list: Any, path: Path, position: Any
    ) -> tuple[GraphQLObjectType, list[_Field]] | None:
        """The item type and its fields when a list's items are objects whose selection is
        only plain leaves; None otherwise."""
        if not self._fast or position is not None:
            return None
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if not is_object_type(object_type) or is_list_type(object_type):
            return None
        if self.get_stream_usage(field_details_list, path) is not None:
            return None
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(
            object_type,  # type: ignore[arg-type]
            field_details_list,
        )
        if new_defer_usages:
            return None
        plan = self._plan(object_type, grouped_field_set)  # type: ignore[arg-type]
        if not all(field.plain for field in plan):
            return None
        return object_type, plan  # type: ignore[return-value]


RowField = tuple[
    str,
    bool,
    Callable[[Any, str], Any] | None,
    str,
    Completer | None,
    GraphQLOutputType | None,
]


@lru_cache(maxsize=512)
def _row_function(typename: str, fields: tuple[RowField, ...]) -> Callable[[Any], Any]:
    """One function completing a row of plain leaves into its response dict, the fields in
    selection order: ``__typename``, else ``complete(get(row, attribute))`` with the
    commonest values answered inline (``_leaf_source``), an attribute read directly where
    Strawberry's resolver is ``getattr``. Any error it raises sends the row the standard
    way (``complete_iterable_value``)."""
    names: dict[str, Any] = {"typename": typename}
    entries = []
    for index, (response_name, is_typename, get, attribute, complete, return_type) in enumerate(
        fields
    ):
        if is_typename:
            entries.append(f"{response_name!r}: typename")
            continue
        names[f"c{index}"], names[f"g{index}"] = complete, get
        direct = get is getattr and attribute.isidentifier() and not iskeyword(attribute)
        read = f"item.{attribute}" if direct else f"g{index}(item, {attribute!r})"
        value = _leaf_source(index, read, return_type, names)  # type: ignore[arg-type]
        entries.append(f"{response_name!r}: {value}")
    source = "def row(item):\n    return {" + ", ".join(entries) + "}"
    exec(source, names)  # source made above from the selection's own names
    row: Callable[[Any], Any] = names["row"]
    return row


def _leaf_source(
    index: int, read: str, return_type: GraphQLOutputType, names: dict[str, Any]
) -> str:
    """The expression completing one field of a row: ``c{index}(read)`` (its completer),
    with no call for the values ``_shortcut`` knows, and None in a nullable field."""
    non_null = isinstance(return_type, GraphQLNonNull)
    leaf = return_type.of_type if non_null else return_type
    expression = _shortcut(index, read, leaf, not non_null, names)
    return expression or f"c{index}({read})"  # lists of leaves, other scalars


def _shortcut(
    index: int, read: str, leaf: GraphQLOutputType, nullable: bool, names: dict[str, Any]
) -> str | None:
    """An expression answering ``read`` as its completer ``c{index}`` does, without calling
    it for the commonest values: a str for String and ID, a bool for Boolean, a 32-bit int
    for Int, a Strawberry enum's member, a value ``_direct_serialize`` knows, and None where
    ``nullable``. Anything else still takes the completer, which sends the value the
    standard way wherever it did (a null in a non-null field among them). None for a leaf
    without such values. The names it uses go into ``names``."""
    value = f"(x := {read})"
    other = f"(None if x is None else c{index}(x))" if nullable else f"c{index}(x)"
    kept = _KEPT_AS_IS.get(leaf)
    if kept is not None:
        names[f"t{index}"] = kept
        return f"(x if type({value}) is t{index} else {other})"
    if leaf is GraphQLInt:
        in_range = f"{_INT_RANGE.start} <= x < {_INT_RANGE.stop}"
        return f"(x if type({value}) is int and {in_range} else {other})"
    if isinstance(leaf, CustomGraphQLEnumType):
        names[f"e{index}"] = _enum_names(leaf)
        return f"(e{index}.get(id({value})) or {other})"
    direct = _direct_serialize(leaf) if isinstance(leaf, GraphQLScalarType) else None
    if direct is not None:
        names[f"s{index}"], names[f"t{index}"] = direct
        return f"(s{index}(x) if type({value}) is t{index} else {other})"
    return None


async def _gather_fields(results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
    # As graphql-core's execute_fields does once some field is awaitable.
    if len(awaitable_fields) == 1:
        field = awaitable_fields[0]
        results[field] = await results[field]
    else:
        awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
        results.update(zip(awaitable_fields, awaited, strict=True))
    return results


async def _gather_items(completed: list[Any], awaitable_indices: list[int]) -> list[Any]:
    # As graphql-core's complete_iterable_value does once some item is awaitable.
    if len(awaitable_indices) == 1:
        index = awaitable_indices[0]
        completed[index] = await completed[index]
    else:
        awaited = await gather_with_cancel(*(completed[index] for index in awaitable_indices))
        for index, value in zip(awaitable_indices, awaited, strict=True):
            completed[index] = value
    return completed

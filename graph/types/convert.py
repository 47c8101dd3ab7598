"""Build graph objects from canonical models by copying same-named fields.

Graph types mirror the canonical models' field names on purpose, so one small routine
serves every type and list-item leaves stay plain attributes (no per-field resolver, which
the executor pays for on every row).

Lists of value objects (photos, book values, fees, lines) are built when first read, which
the executor does only when the query selects them: most list queries do not, and a
vehicle's photos were a third of building a page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any, TypeVar, overload

from pydantic import BaseModel
from strawberry.types.private import is_private

from graph.ids import encode_global_id

T = TypeVar("T")

_VALUE_TYPES: dict[type[BaseModel], type] = {}


def value_type(model: type[BaseModel]) -> Any:
    """Register a graph type as the rendering of a canonical value object."""

    def register(cls: type[T]) -> type[T]:
        _VALUE_TYPES[model] = cls
        return cls

    return register


_MISSING = object()


@cache
def _sources(cls: type) -> tuple[tuple[str, str, bool], ...]:
    """(graph field, model attribute, is a GraphQL field) for each constructor argument.

    A type's ``renamed_from`` maps graph names that differ from the model's. Private
    fields (not in the schema) receive the model's value as it is.
    """
    renamed: dict[str, str] = getattr(cls, "renamed_from", {})
    public = {
        f.python_name
        for f in cls.__strawberry_definition__.fields  # type: ignore[attr-defined]
        if not is_private(f.type)
    }
    return tuple(
        (f.name, renamed.get(f.name, f.name), f.name in public)
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.init  # resolver fields are dataclass fields too, but not constructor arguments
    )


class LazyValues(Sequence[Any]):
    """Value objects' graph types, built from their models on first read."""

    __slots__ = ("_built", "_models")

    def __init__(self, models: tuple[BaseModel, ...]) -> None:
        self._models = models
        self._built: list[Any] | None = None

    def _values(self) -> list[Any]:
        if self._built is None:
            self._built = [_convert(m) for m in self._models]
        return self._built

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._values()[index]

    def __len__(self) -> int:
        return len(self._models)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyValues):
            other = other._values()
        return self._values() == other

    __hash__ = None  # type: ignore[assignment]  # like the list it stands for

    def __repr__(self) -> str:
        return repr(self._values())


def _convert(value: Any) -> Any:
    # Exact type lookups: isinstance against pydantic's model metaclass is slow, and this
    # runs for every field of every row.
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return value
    if kind is tuple:
        if value and type(value[0]) in _VALUE_TYPES:
            return LazyValues(value)
        return [_convert(v) for v in value]
    graph_type = _VALUE_TYPES.get(kind)
    if graph_type is not None:
        return build(graph_type, value)
    if issubclass(kind, BaseModel):
        raise KeyError(kind)  # a value object without a graph type: a programming error
    _PLAIN_TYPES.add(kind)
    return value


_PLAIN_TYPES: set[type] = set()
"""Types seen to need no conversion (str, int, Decimal, dates, enums...)."""


def to_graph_value(value: Any) -> Any:
    """A model value (a value object, or a tuple of them) as the graph shows it, for a
    type that passes a field of its own to ``build``."""
    return _convert(value)


def build(cls: type[T], model: BaseModel, **extra: Any) -> T:
    values = model.__dict__
    kwargs = dict(extra)
    plain = _PLAIN_TYPES
    for name, source, public in _sources(cls):
        if name in kwargs:
            continue
        value = values[source] if source in values else getattr(model, source, _MISSING)
        if value is not _MISSING:
            # Most values are plain: skip the call for them (this runs per field per row).
            kwargs[name] = _convert(value) if public and type(value) not in plain else value
    return cls(**kwargs)


def build_node(cls: type[T], model: BaseModel, dealership_id: str, **extra: Any) -> T:
    native = model.id  # type: ignore[attr-defined]
    return build(
        cls,
        model,
        id=encode_global_id(cls.__name__, dealership_id, native),
        vendor_id=native,
        dealership_id=dealership_id,
        **extra,
    )


def to_node(cls: type[T], model: BaseModel, dealership_id: str) -> T:
    """A node from its model, through the type's own ``from_model`` where it has one."""
    factory = getattr(cls, "from_model", None)
    if factory is not None:
        return factory(model, dealership_id)  # type: ignore[no-any-return]
    return build_node(cls, model, dealership_id)

"""Which graph type renders which kind of record, so ``node(id)``, federation references
and write answers find a type by name or kind without importing every type module (which
would tie the type modules into a circle with the modules that resolve them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from graph.kinds import Kind

T = TypeVar("T", bound=type)

_BY_NAME: dict[str, tuple[type, Kind[Any, Any] | None]] = {}
_BY_KIND: dict[Kind[Any, Any], type] = {}


def node_type(kind: Kind[Any, Any] | None) -> Callable[[T], T]:
    """Register a node type (outermost decorator), rendering ``kind`` (None: Dealership)."""

    def register(cls: T) -> T:
        _BY_NAME[cls.__name__] = (cls, kind)
        if kind is not None:
            _BY_KIND[kind] = cls
        return cls

    return register


def by_name(type_name: str) -> tuple[type, Kind[Any, Any] | None] | None:
    return _BY_NAME.get(type_name)


def graph_type(kind: Kind[Any, Any]) -> type:
    return _BY_KIND[kind]

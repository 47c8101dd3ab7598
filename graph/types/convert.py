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
import datetime
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, TypeVar, overload

from pydantic import BaseModel
from strawberry.types.private import is_private

from adapters.photos import Photos
from adapters.typed_maps import union_members
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

    def __init__(self, models: Sequence[BaseModel]) -> None:
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
    if kind is Photos:  # its models too are made only when read
        return LazyValues(value)
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
    """A ``cls`` from ``model``'s same-named fields, ``extra`` given as they are."""
    return _build(cls, model, extra)


def _build(cls: type[T], model: BaseModel, extra: dict[str, Any]) -> T:
    key = (cls, type(model), tuple(extra))
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(cls, type(model), tuple(extra))
    try:
        return builder(model, extra)  # type: ignore[no-any-return]
    except KeyError:  # a model made without validation may lack a field: ask it by name
        return _build_by_name(cls, model, extra)


def _build_by_name(cls: type[T], model: BaseModel, extra: dict[str, Any]) -> T:
    """What a compiled builder does, field by field (models missing a field of their own)."""
    values = model.__dict__
    kwargs = dict(extra)
    for name, source, public in _sources(cls):
        if name in kwargs:
            continue
        value = values[source] if source in values else getattr(model, source, _MISSING)
        if value is not _MISSING:
            kwargs[name] = _convert(value) if public and type(value) not in _PLAIN_TYPES else value
    return cls(**kwargs)


Builder = Callable[[BaseModel, dict[str, Any]], Any]
_builders: dict[tuple[type, type, tuple[str, ...]], Builder] = {}


def _compile_builder(cls: type, model: type[BaseModel], extra: tuple[str, ...]) -> Builder:
    """One function building ``cls`` from a ``model`` (with ``extra``).

    The model's fields are taken as they are, except public ones its annotations do not
    promise to be scalars or enums (validated, so always plain), which are converted unless
    they turn out plain; attributes that are not model fields (properties) are read by
    name. Where the type's ``__init__`` is the generated one, the instance's ``__dict__``
    is the model's copied and amended, as that ``__init__`` would have set it (the call
    was a third of building a 1,000-row page, and one statement per field most of the
    rest); otherwise the type is called."""
    names: dict[str, Any] = {
        "cls": cls,
        "convert": _convert,
        "plain": _PLAIN_TYPES,
        "MISSING": _MISSING,
        "new": object.__new__,
        "FIELDS": len(model.model_fields),
        "Photos": Photos,
        "LazyValues": LazyValues,
    }
    model_fields = model.model_fields
    sources = _sources(cls)
    fields = {name for name, _, _ in sources}
    unknown = [name for name in extra if name not in fields]
    # A model made without validation may lack a field: the caller asks it by name then.
    lines = ["def build(model, extra):", "    v = model.__dict__", "    if len(v) != FIELDS:"]
    lines += ["        raise KeyError(model)", "    d = v.copy()"]
    lines += [f"    del d[{key!r}]" for key in model_fields if key not in fields]
    for name, source, public in sources:
        if name in extra:
            continue
        if source in model_fields:
            if source != name:
                lines.append(f"    d[{name!r}] = v[{source!r}]")
            if public and not _scalar_annotation(model_fields[source].annotation):
                # What convert() answers, without the call, for the commonest values of a
                # list field: an empty tuple (a new empty list) and photos (read lazily).
                lines.append(f"    x = d[{name!r}]")
                lines.append("    if type(x) is tuple and not x:")
                lines.append(f"        d[{name!r}] = []")
                lines.append("    elif type(x) is Photos:")
                lines.append(f"        d[{name!r}] = LazyValues(x)")
                lines.append("    elif type(x) not in plain:")
                lines.append(f"        d[{name!r}] = convert(x)")
        else:  # a property, or nothing: then the type's default stands
            lines.append(f"    x = getattr(model, {source!r}, MISSING)")
            value = "x if type(x) in plain else convert(x)" if public else "x"
            lines.append(f"    if x is not MISSING: d[{name!r}] = {value}")
    lines += [f"    d[{name!r}] = extra[{name!r}]" for name in extra]
    direct = _plain_dataclass_init(cls)
    given = {n for n, source, _ in sources if n in extra or source in model_fields}
    if direct is None or unknown or not _required(cls) <= given:  # __init__ would refuse
        lines.append("    return cls(**d)")
    else:
        defaults, factories = direct
        names["DEFAULTS"] = {k: v for k, v in defaults.items() if k not in given}
        names["FACTORIES"] = tuple((n, f) for n, f in factories if n not in given)
        if names["DEFAULTS"]:
            lines.append("    d = {**DEFAULTS, **d}")
        if names["FACTORIES"]:
            lines.append("    d.update({n: f() for n, f in FACTORIES if n not in d})")
        lines += ["    obj = new(cls)", "    obj.__dict__ = d", "    return obj"]
    exec("\n".join(lines), names)  # source made above from the type's own fields
    builder: Builder = names["build"]
    return builder


_SCALARS = (str, int, float, Decimal, datetime.date, Enum)  # bool is an int, datetime a date


def _scalar_annotation(annotation: Any) -> bool:
    """A model field's annotation that only admits scalars, enums and None."""
    return all(
        k is type(None) or (isinstance(k, type) and issubclass(k, _SCALARS))
        for k in union_members(annotation)
    )


def _required(cls: type) -> set[str]:
    """The constructor arguments without a default."""
    return {
        f.name
        for f in dataclasses.fields(cls)
        if f.init and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }


def _plain_dataclass_init(
    cls: type,
) -> tuple[dict[str, Any], tuple[tuple[str, Callable[[], Any]], ...]] | None:
    """(defaults, default factories) the dataclass ``__init__`` of ``cls`` sets when an
    argument is not given, if that ``__init__`` only assigns its fields (generated by
    dataclasses, no ``__post_init__``, no slots); None otherwise."""
    init = cls.__dict__.get("__init__") or getattr(cls, "__init__", None)
    code = getattr(init, "__code__", None)
    if (
        code is None
        or code.co_filename != "<string>"  # generated by dataclasses, not written
        or hasattr(cls, "__post_init__")
        or "__slots__" in cls.__dict__
        or getattr(cls, "__dataclass_params__", None) is None
        or cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    ):
        return None
    defaults: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            defaults[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            factories.append((f.name, f.default_factory))
    return defaults, tuple(factories)


def build_node(cls: type[T], model: BaseModel, dealership_id: str, **extra: Any) -> T:
    native = model.id  # type: ignore[attr-defined]
    # One dict for the builder, not keywords packed here and again in build(): every row.
    given = {
        "id": encode_global_id(cls.__name__, dealership_id, native),
        "vendor_id": native,
        "dealership_id": dealership_id,
    }
    if extra:
        given.update(extra)
        if len(given) != 3 + len(extra):  # as the keywords would refuse it
            raise TypeError(f"{cls.__name__}: {sorted(given.keys() & extra.keys())} given twice")
    return _build(cls, model, given)


def to_node(cls: type[T], model: BaseModel, dealership_id: str) -> T:
    """A node from its model, through the type's own ``from_model`` where it has one."""
    factory = getattr(cls, "from_model", None)
    if factory is not None:
        return factory(model, dealership_id)  # type: ignore[no-any-return]
    return build_node(cls, model, dealership_id)

"""Canonical models made from a field map without validating each row's values again.

A field map's converters are annotated with what they return (``to.text`` a ``str`` or
``None``, ``to.money`` a ``Decimal`` or ``None``, an enum table its members...). Where those
types are the model's own field types, pydantic's validation of each row repeats what the
converters already did: about 3 us of the 10 us a listed vehicle costs to map. ``made``
checks the map against the model once and then builds rows as ``model_construct`` does:

- every field the map writes must take exactly what its converter is annotated to return,
  every required field must be written, and the model must have nothing validation would
  add (constraints, validators, default factories, extra fields, post-init); otherwise
  every row of the map is validated as before;
- a field that takes no ``None`` from a converter that may return it is checked on each
  row (a null id), and such a row is validated as before, so that it fails as before;
- so is a row whose added values (``extras``) are not each of one of its field's classes.

The model is the same either way: same values, same fields set (tests compare both paths
over every row each sandbox vendor lists).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel

from adapters.convert import Raw
from adapters.fieldmap import FieldMap, Normalized, Required, read

M = TypeVar("M", bound=BaseModel)

_NONE = type(None)
_set = object.__setattr__


def union_members(annotation: Any) -> tuple[Any, ...]:
    """``(X, Y, NoneType)`` for ``X | Y | None`` (either spelling), ``(X,)`` for ``X``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _kinds(annotation: Any) -> frozenset[Any] | None:
    """The types a ``X | Y | None`` annotation admits, each exactly; None for annotations
    that are not plain classes or ``tuple[...]`` (``Any``, a ``TypeVar``...)."""
    kinds: set[Any] = set()
    for arg in union_members(annotation):
        if arg is None or arg is _NONE:
            kinds.add(_NONE)
        elif isinstance(arg, type) or typing.get_origin(arg) is tuple:
            kinds.add(arg)
        else:
            return None
    return frozenset(kinds)


def _returns(convert: Callable[[Any], Any]) -> frozenset[Any] | None:
    if isinstance(convert, partial) or not callable(convert):
        return None
    try:
        hints = typing.get_type_hints(convert)
    except (NameError, TypeError):
        return None
    return _kinds(hints["return"]) if "return" in hints else None


@dataclass(frozen=True, slots=True)
class _Plan:
    template: dict[str, Any]
    """Every field in the model's order, with its default (required ones are always set)."""
    not_none: tuple[str, ...]
    """Fields whose converter may answer None where the model takes none."""
    extras: dict[str, tuple[type, ...]]
    """The classes each extra is taken as without validation."""
    given: frozenset[str]
    """The fields every row sets: what the map writes, and the extras."""


def _plan(model: type[BaseModel], field_map: FieldMap, extras: tuple[str, ...]) -> _Plan | None:
    fields = model.model_fields
    decorators = model.__pydantic_decorators__
    if (
        model.model_config.get("extra") != "forbid"
        or decorators.field_validators
        or decorators.model_validators
        or model.__pydantic_post_init__
        or any(f.metadata or f.default_factory is not None for f in fields.values())
    ):
        return None
    produced: dict[str, frozenset[Any] | None] = {}
    for name, spec in field_map.items():
        if isinstance(spec, Normalized):
            members = {type(v) for v in spec.table.values()} | {type(spec.fallback)}
            produced[name] = frozenset(members)
            produced[f"{name}_raw"] = frozenset({str, _NONE})
        else:
            produced[name] = _returns(spec.convert if isinstance(spec, Required) else spec[1])
    given = set(produced) | set(extras)
    if not given <= set(fields) or any(
        f.is_required() and n not in given for n, f in fields.items()
    ):
        return None
    not_none: list[str] = []
    for name, kinds in produced.items():
        declared = _kinds(fields[name].annotation)
        if kinds is None or declared is None or not kinds - {_NONE} <= declared:
            return None
        if _NONE in kinds and _NONE not in declared:
            not_none.append(name)
    taken_as_is: dict[str, tuple[type, ...]] = {}
    for name in extras:
        declared = _kinds(fields[name].annotation) or frozenset()
        taken_as_is[name] = tuple(k for k in declared if isinstance(k, type))
    template = {n: None if f.is_required() else f.default for n, f in fields.items()}
    return _Plan(template, tuple(not_none), taken_as_is, frozenset(given))


def _written(field_map: FieldMap) -> set[str]:
    names = set(field_map)
    return names | {f"{n}_raw" for n, spec in field_map.items() if isinstance(spec, Normalized)}


_plans: dict[tuple[type[BaseModel], int, tuple[str, ...]], tuple[FieldMap, _Plan | None]] = {}
_MAX_PLANS = 1024
"""Maps are declared once, at import: the bound guards against maps made per call, whose
plans would otherwise be kept for ever (past it, rows are validated)."""


def _plan_of(model: type[BaseModel], field_map: FieldMap, extras: tuple[str, ...]) -> _Plan | None:
    key = (model, id(field_map), extras)
    entry = _plans.get(key)
    if entry is None or entry[0] is not field_map:  # maps are kept, so an id is their own
        twice = _written(field_map).intersection(extras)
        if twice:  # as model(**read(...), **extras) would refuse it
            raise TypeError(f"{model.__name__}: {sorted(twice)} given twice")
        if len(_plans) >= _MAX_PLANS:
            return None
        entry = _plans[key] = (field_map, _plan(model, field_map, extras))
    return entry[1]


def made(model: type[M], field_map: FieldMap, raw: Raw, **extras: Any) -> M:
    """``model(**read(field_map, raw), **extras)``, without validating again what the map's
    converters already made of the row's values."""
    plan = _plan_of(model, field_map, tuple(extras))
    if plan is None:
        return _validated(model, field_map, raw, extras)
    # Read straight into the model's defaults, in its field order: no second dict to merge.
    fields = read(field_map, raw, into=plan.template.copy())
    for name in plan.not_none:
        if fields[name] is None:  # validation refuses it, as it always did
            return _validated(model, field_map, raw, extras)
    for name, value in extras.items():
        if type(value) not in plan.extras[name]:
            return _validated(model, field_map, raw, extras)
        fields[name] = value
    built = model.__new__(model)
    _set(built, "__dict__", fields)
    _set(built, "__pydantic_fields_set__", set(plan.given))
    _set(built, "__pydantic_extra__", None)
    _set(built, "__pydantic_private__", None)
    return built


def _validated(model: type[M], field_map: FieldMap, raw: Raw, extras: dict[str, Any]) -> M:
    """The row read as keywords and validated by pydantic, as every model once was made."""
    return model(**read(field_map, raw), **extras)

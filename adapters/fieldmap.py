"""Typed field maps: the plain renames of a vendor record, declared once per canonical field.

A map names, for each canonical field, the vendor key (a dotted path for a nested object)
and the converter from ``adapters.convert``; mappers keep code only for what is computed.
The same declarations give the writes their vendor-to-command field names (``vendor_names``),
so a vendor's spelling of a field is written down once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, TypeVar

from adapters.convert import Raw, normalize, obj

Converter = Callable[[Any], Any]
E = TypeVar("E", bound=Enum)


@dataclass(frozen=True, slots=True)
class Required:
    """A key every record carries (the id): a record without it breaks the contract."""

    key: str
    convert: Converter


@dataclass(frozen=True, slots=True)
class Normalized:
    """An enum: the field from ``table`` (``fallback`` for a value it does not know) and
    ``<field>_raw`` with the vendor's own value, as ``convert.normalize`` gives them."""

    key: str
    table: Mapping[str, Enum]
    fallback: Enum


Spec = tuple[str, Converter] | Required | Normalized
FieldMap = Mapping[str, Spec]


def same_words(enum: type[E], *words: str) -> dict[str, E]:
    """The part of a vendor's value table whose words are the canonical values themselves."""
    return {word: enum(word) for word in words}


def renames(convert: Converter, **keys: str) -> dict[str, Spec]:
    """Fields read alike: canonical field = vendor key, each through ``convert``."""
    return {name: (key, convert) for name, key in keys.items()}


def key_of(spec: Spec) -> str:
    return spec.key if isinstance(spec, Required | Normalized) else spec[0]


def under(parent: str, field_map: FieldMap) -> dict[str, Spec]:
    """``field_map`` read from the nested object ``parent`` (a lead's ``customer``)."""

    def moved(spec: Spec) -> Spec:
        if isinstance(spec, Required | Normalized):
            return replace(spec, key=f"{parent}.{spec.key}")
        return (f"{parent}.{spec[0]}", spec[1])

    return {name: moved(spec) for name, spec in field_map.items()}


def _lookup(raw: Raw, path: str) -> tuple[bool, Any]:
    """(whether the record carries ``path``, its value); a null parent is an absent one."""
    value: Any = raw
    for step in path.split("."):
        parent = obj(value)
        if step not in parent:
            return False, None
        value = parent[step]
    return True, value


def read(field_map: FieldMap, raw: Raw, *, given_only: bool = False) -> dict[str, Any]:
    """The keyword arguments ``field_map`` reads from ``raw``. ``given_only``: only the
    fields whose key the record carries (embeds, whose ``model_fields_set`` the graph reads)."""
    out: dict[str, Any] = {}
    for name, spec in field_map.items():
        found, value = _lookup(raw, key_of(spec))
        if not found:
            if isinstance(spec, Required):
                raise KeyError(spec.key)
            if given_only:
                continue
        if isinstance(spec, Normalized):
            out[name], out[f"{name}_raw"] = normalize(value, spec.table, spec.fallback)
        else:
            out[name] = (spec.convert if isinstance(spec, Required) else spec[1])(value)
    return out


def written_as(record: object, field_map: FieldMap) -> dict[str, Any]:
    """``record``'s fields under the vendor keys ``field_map`` reads them from: a request
    body that is the read map reversed (single-step keys only)."""
    return {key_of(spec): getattr(record, name) for name, spec in field_map.items()}


def vendor_names(field_map: FieldMap, prefix: str = "") -> dict[str, str]:
    """Vendor key -> canonical field (``prefix`` before it), as writes blame a refused
    field in the command's terms."""
    return {key_of(spec): f"{prefix}{name}" for name, spec in field_map.items()}

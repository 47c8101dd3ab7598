"""Typed field maps: the plain renames of a vendor record, declared once per canonical field.

A map names, for each canonical field, the vendor key (a dotted path for a nested object)
and the converter from ``adapters.convert``; mappers keep code only for what is computed.
The same declarations give the writes their vendor-to-command field names (``vendor_names``),
so a vendor's spelling of a field is written down once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum
from functools import partial
from typing import Any, TypeVar

from adapters.convert import Raw, decimal, ident, integer, normalize, obj, text

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


def interpret(
    field_map: FieldMap,
    raw: Raw,
    into: dict[str, Any] | None = None,
    *,
    given_only: bool = False,
) -> dict[str, Any]:
    """What ``read`` answers, worked out spec by spec: the reference the compiled readers
    are held to (tests), and the reader of maps past the compiled ones' bound."""
    out: dict[str, Any] = {} if into is None else into
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


Reader = Callable[[Raw, dict[str, Any] | None], dict[str, Any]]
"""A map's reader: ``reader(raw, into)`` writes the fields into ``into`` (a new dict when
None) and answers it."""


def read(
    field_map: FieldMap, raw: Raw, *, given_only: bool = False, into: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The keyword arguments ``field_map`` reads from ``raw``. ``given_only``: only the
    fields whose key the record carries (embeds, whose ``model_fields_set`` the graph reads).
    ``into``: the dict to write them into (a model's defaults: no second dict to merge)."""
    return reader_of(field_map, given_only)(raw, into)


# Maps are declared once, at import, so their number is bounded; the bound guards against
# a map built per call, which would otherwise be compiled (and kept) on every call.
_MAX_COMPILED = 1024
_compiled: dict[int, tuple[FieldMap, Reader, Reader]] = {}


def reader_of(field_map: FieldMap, given_only: bool = False) -> Reader:
    """``field_map`` compiled into one function (once per map): the same answers and
    errors as ``interpret``, without looking each spec's kind and path up on every row."""
    entry = _compiled.get(id(field_map))
    if entry is None or entry[0] is not field_map:  # the map is kept, so its id is its own
        if len(_compiled) >= _MAX_COMPILED:
            return partial(interpret, field_map, given_only=given_only)
        entry = (field_map, compile_map(field_map), compile_map(field_map, given_only=True))
        _compiled[id(field_map)] = entry
    return entry[2] if given_only else entry[1]


# The commonest input of each converter answered without calling it: a value of exactly
# the type the converter answers it as (the value itself), as JSON decoding gives them. Every
# other value still goes through the converter. A call per field was most of reading a row.
_AS_IS: dict[Converter, str] = {
    text: "type(x) is str",
    ident: "type(x) is str and x",  # an empty id is None
    integer: "type(x) is int",  # not a bool: its type is bool
    decimal: "type(x) is Decimal and x.is_finite()",  # ``money`` is ``decimal``
}


def compile_map(field_map: FieldMap, *, given_only: bool = False) -> Reader:
    """Python source doing what ``interpret`` does for this map, step by step in the same
    order (so the same error comes first), compiled once."""
    names: dict[str, Any] = {"obj": obj, "normalize": normalize, "dict": dict, "Decimal": Decimal}
    parents: dict[str, str] = {"": "raw"}  # dotted prefix -> the variable holding it
    lines = ["def read_map(raw, into=None):"]
    if field_map:
        lines.append("    raw = raw if type(raw) is dict else obj(raw)")
    lines.append("    out = {} if into is None else into")

    def parent_of(prefix: str) -> str:
        """The variable holding the object at ``prefix``, read where first needed, as
        ``interpret`` reads it (an absent or null parent is an empty one)."""
        if prefix not in parents:
            above, _, step = prefix.rpartition(".")
            holder, var = parent_of(above), f"p{len(parents)}"
            lines.append(f"    {var} = {holder}.get({step!r})")
            lines.append(f"    {var} = {var} if type({var}) is dict else obj({var})")
            parents[prefix] = var
        return parents[prefix]

    for index, (name, spec) in enumerate(field_map.items()):
        prefix, _, step = key_of(spec).rpartition(".")
        holder = parent_of(prefix)
        if isinstance(spec, Normalized):
            table, fallback = f"t{index}", f"f{index}"
            names[table], names[fallback] = spec.table, spec.fallback
            # normalize() of a str: the table's member for it, else for it in lower case
            convert = [
                "if type(x) is str:",
                f"    out[{name!r}] = {table}[x] if x in {table} else"
                f" {table}.get(x.lower(), {fallback})",
                f"    out[{f'{name}_raw'!r}] = x",
                "else:",
                f"    out[{name!r}], out[{f'{name}_raw'!r}] = normalize(x, {table}, {fallback})",
            ]
        else:
            function = spec.convert if isinstance(spec, Required) else spec[1]
            names[f"c{index}"] = function
            as_is = _AS_IS.get(function)
            value = f"x if {as_is} else c{index}(x)" if as_is else f"c{index}(x)"
            convert = [f"out[{name!r}] = {value}"]
        if isinstance(spec, Required):
            lines.append(f"    if {step!r} not in {holder}: raise KeyError({spec.key!r})")
            lines.append(f"    x = {holder}[{step!r}]")
            lines += [f"    {line}" for line in convert]
        elif given_only:
            lines.append(f"    if {step!r} in {holder}:")
            lines.append(f"        x = {holder}[{step!r}]")
            lines += [f"        {line}" for line in convert]
        else:  # absent or null: the converter sees None either way
            lines.append(f"    x = {holder}.get({step!r})")
            lines += [f"    {line}" for line in convert]
    lines.append("    return out")
    exec("\n".join(lines), names)  # source made above from the map's own keys
    reader: Reader = names["read_map"]
    return reader


def written_as(record: object, field_map: FieldMap) -> dict[str, Any]:
    """``record``'s fields under the vendor keys ``field_map`` reads them from: a request
    body that is the read map reversed (single-step keys only)."""
    return {key_of(spec): getattr(record, name) for name, spec in field_map.items()}


def vendor_names(field_map: FieldMap, prefix: str = "") -> dict[str, str]:
    """Vendor key -> canonical field (``prefix`` before it), as writes blame a refused
    field in the command's terms."""
    return {key_of(spec): f"{prefix}{name}" for name, spec in field_map.items()}

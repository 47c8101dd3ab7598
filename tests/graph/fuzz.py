"""A schema-aware fuzzer: random operations built from the served schema, their variables
filled with real ids and values half the time and with values of the wrong shape, size or
range the other half.

Each operation picks a root field (query or mutation), gives each argument a variable of
its declared type, and selects a random handful of the result's fields a level or two
deep. ``outcome`` reads an answer as the contract demands: any HTTP status below 500, and
no ``INTERNAL_ERROR``.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

SKIPPED_ROOTS = {"_service", "_entities", "dealershipEvents"}
"""Federation plumbing has its own tests; subscriptions need a socket."""


@dataclass
class Fuzzer:
    schema: GraphQLSchema
    ids: Sequence[str]
    """Real global ids of this server's records, of every kind."""
    rng: random.Random = field(default_factory=lambda: random.Random(1))

    def operation(self) -> tuple[str, dict[str, Any]]:
        mutation = self.rng.random() < 0.3
        root = self.schema.mutation_type if mutation else self.schema.query_type
        assert root is not None
        names = sorted(n for n in root.fields if n not in SKIPPED_ROOTS)
        name = self.rng.choice(names)
        field_def = root.fields[name]
        declarations, arguments, variables = [], [], {}
        for i, (arg_name, arg) in enumerate(field_def.args.items()):
            if not isinstance(arg.type, GraphQLNonNull) and self.rng.random() < 0.4:
                continue
            var = f"v{i}"
            declarations.append(f"${var}: {arg.type}")
            arguments.append(f"{arg_name}: ${var}")
            variables[var] = self.value(arg.type, depth=0)
        selection = self.selection(field_def, depth=0)
        head = ("mutation" if mutation else "query") + (
            f"({', '.join(declarations)})" if declarations else ""
        )
        args = f"({', '.join(arguments)})" if arguments else ""
        return f"{head} {{ {name}{args}{selection} }}", variables

    # -- values ------------------------------------------------------------------------------

    def value(self, type_: GraphQLInputType, depth: int) -> Any:
        if self.rng.random() < 0.08:
            return self.garbage()
        if isinstance(type_, GraphQLNonNull):
            return self.value(type_.of_type, depth)
        if self.rng.random() < 0.05:
            return None
        if isinstance(type_, GraphQLList):
            return [self.value(type_.of_type, depth) for _ in range(self.rng.randint(0, 3))]
        if isinstance(type_, GraphQLEnumType):
            names = list(type_.values)
            return self.rng.choice(names) if self.rng.random() < 0.85 else "NOT_A_VALUE"
        if isinstance(type_, GraphQLInputObjectType):
            if depth > 3:
                return {}
            return {
                name: self.value(f.type, depth + 1)
                for name, f in type_.fields.items()
                if isinstance(f.type, GraphQLNonNull) or self.rng.random() < 0.5
            }
        assert isinstance(type_, GraphQLScalarType)
        return self.scalar(type_.name)

    def scalar(self, name: str) -> Any:
        good = self.rng.random() < 0.6
        r = self.rng
        if name == "ID":
            return r.choice(self.ids) if good and self.ids else self.text()
        if name == "Int":
            return r.randint(-3, 120) if good else r.choice([2**31, -(2**40), 1.5, "7"])
        if name == "Boolean":
            return r.random() < 0.5 if good else "yes"
        if name == "Decimal":
            return (
                f"{r.randint(0, 99999)}.{r.randint(0, 99):02d}"
                if good
                else r.choice(["abc", "1e400", "-0.001", "NaN", "12.345", "9" * 40])
            )
        if name == "DateTime":
            return r.choice(
                ["2027-03-01T09:00:00+00:00", "2026-01-01T00:00:00Z"]
                if good
                else ["soon", "2027-13-40T99:00:00", "-249561-01-01T00:00:00", "2027-03-01T09:00"]
            )
        if name == "Date":
            return "2026-05-04" if good else r.choice(["yesterday", "2026-02-30", "0000-00-00"])
        return self.text() if not good else r.choice(["Ford", "1FTEW1EP0PKA12345", "ok"])

    def text(self) -> str:
        r = self.rng
        kind = r.random()
        if kind < 0.3:
            return "".join(r.choice(string.printable) for _ in range(r.randint(0, 30)))
        if kind < 0.5:
            return "x" * r.choice([101, 501, 5000])
        if kind < 0.7:
            return r.choice(["\u202e\u0000\ud7ff", "😀" * 10, "'; DROP TABLE x; --", "%s%n"])
        return r.choice(["", " ", "null", "-1", "{}", "Q3VzdG9tZXI6"])

    def garbage(self) -> Any:
        return self.rng.choice([{"nested": [1, {"a": None}]}, [[]], 10**30, -1, "", True, 3.7])

    # -- selections --------------------------------------------------------------------------

    def selection(self, field_def: GraphQLField, depth: int) -> str:
        named = get_named_type(field_def.type)
        if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            return ""
        return " { " + " ".join(self._fields(named, depth)) + " }"

    def _fields(self, named: GraphQLNamedType, depth: int) -> list[str]:
        if isinstance(named, GraphQLUnionType):
            return ["__typename"]
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
        chosen = ["__typename"]
        items = list(named.fields.items())
        for name, f in self.rng.sample(items, min(len(items), self.rng.randint(1, 6))):
            if any(isinstance(a.type, GraphQLNonNull) for a in f.args.values()):
                continue
            inner = get_named_type(f.type)
            composite = isinstance(
                inner, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
            )
            if composite and depth >= 2:
                continue
            small = "(first: 3)" if "first" in f.args else ""
            chosen.append(name + small + (self.selection(f, depth + 1) if composite else ""))
        return chosen


def outcome(status: int, body: Mapping[str, Any] | None) -> str:
    """``ok``, or what broke the contract: ``http-5xx`` or ``internal-error``."""
    if status >= 500:
        return "http-5xx"
    for error in (body or {}).get("errors") or ():
        if (error.get("extensions") or {}).get("code") == "INTERNAL_ERROR":
            return "internal-error"
    return "ok"

"""Compiled field maps answer as the interpreted ones: on every row the five sandboxes
serve (lists and detail reads, each vendor's every kind) and on every object of the vendor
page examples, every ``read`` is made both ways and compared, errors included."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters import fieldmap
from adapters.base import Window
from adapters.convert import ident, integer, money, text
from adapters.fieldmap import FieldMap, Normalized, Required, compile_map, interpret
from adapters.http import loads
from adapters.models import Dms, VehicleStatus
from adapters.supergood.mapping import labor_line, part_record
from adapters.vendors import VENDORS
from graph.kinds import KINDS
from tests.adapters.adapter_sandbox_kit import connect
from tests.adapters.conftest import StartSandbox

FIXTURES = Path(__file__).parent / "fixtures"
EVERY_ROW = Window(0, 1000)  # more than any seeded list at scale 1


def outcome(read: Callable[[], dict[str, Any]]) -> tuple[str, Any]:
    """What a read gives: its fields in order, exactly (repr keeps Decimal digits and
    types), or the error it raises."""
    try:
        return "fields", repr(list(read().items()))
    except Exception as exc:  # any error must be the same both ways
        return "error", (type(exc), exc.args)


class Comparing:
    """``fieldmap.reader_of`` that makes every read both ways and holds them equal."""

    def __init__(self) -> None:
        self.reads = 0
        self.maps: set[int] = set()
        self.mismatches: list[str] = []

    def __call__(self, field_map: FieldMap, given_only: bool = False) -> fieldmap.Reader:
        compiled = compile_map(field_map, given_only=given_only)

        def read(raw: Any, into: dict[str, Any] | None = None) -> dict[str, Any]:
            self.reads += 1
            self.maps.add(id(field_map))
            # Each way writes into its own copy of what it is given (a model's defaults).
            ours = outcome(lambda: compiled(raw, None if into is None else dict(into)))
            theirs = outcome(
                lambda: interpret(
                    field_map, raw, None if into is None else dict(into), given_only=given_only
                )
            )
            if ours != theirs:
                self.mismatches.append(f"{list(field_map)} on {raw!r}: {ours} != {theirs}")
            return interpret(field_map, raw, into, given_only=given_only)

        return read


@pytest.fixture
def comparing(monkeypatch: pytest.MonkeyPatch) -> Comparing:
    checker = Comparing()
    monkeypatch.setattr(fieldmap, "reader_of", checker)
    return checker


async def test_compiled_maps_read_every_sandbox_row_as_interpreted(
    sandbox: StartSandbox, session: aiohttp.ClientSession, comparing: Comparing
) -> None:
    sb = await sandbox(vendors=tuple(v.name for v in VENDORS))
    for name, handle in sb.vendors.items():
        adapter = connect(Dms(name), session, handle)
        for store_id, _ in handle.stores:
            for kind in KINDS:
                if kind.capability not in adapter.capabilities:
                    continue
                page = await kind.list(adapter, store_id, kind.empty_filter, EVERY_ROW)
                ids = [row.id for row in page.items[:3] if getattr(row, "id", None)]
                if ids:  # detail reads map some kinds with maps of their own
                    await kind.get(adapter, store_id, ids)
                assert page.items, f"{name} {kind.name}: nothing to compare on"
        await adapter.close()
    assert not comparing.mismatches, comparing.mismatches[:3]
    assert len(comparing.maps) > 40


def objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in ``value``, nested ones included."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from objects(item)


@pytest.mark.parametrize("vendor", [v.name for v in VENDORS])
def test_compiled_maps_read_every_page_example_as_interpreted(
    vendor: str, comparing: Comparing
) -> None:
    """Every mapper of the vendor on every object of its page examples: most objects are
    not the mapper's record, which tries the error paths too."""
    spec = next(v for v in VENDORS if v.name == vendor).adapter.spec
    mappers = {resource.mapper for resource in spec.resources.values()}
    examples = sorted(FIXTURES.glob(f"{vendor}_*.json"))
    assert examples
    for path in examples:
        for raw in objects(loads(path.read_bytes())):
            for mapper in mappers:
                try:
                    mapper(raw)
                except Exception:  # the reads inside are what is compared
                    continue
    assert comparing.reads and not comparing.mismatches, comparing.mismatches[:3]


STATUS = {"in_stock": VehicleStatus.IN_STOCK}
CORNERS: FieldMap = {
    "id": Required("vehicleId", str),
    "price": ("pricing.amount", money),
    "deep": ("a.b.c", repr),
    "status": Normalized("status", STATUS, VehicleStatus.UNKNOWN),
    "nested_id": Required("a.id", str),
    "missing": ("nowhere", repr),
}


@pytest.mark.parametrize(
    "raw",
    [
        {"vehicleId": "1", "pricing": {"amount": 1.50}, "status": "IN_STOCK", "a": {"id": "x"}},
        {"vehicleId": "1", "pricing": None, "a": {"b": {"c": None}, "id": "x"}},
        {"vehicleId": "1", "a": {"b": None}},  # the nested id is missing
        {"vehicleId": "1", "pricing": 5, "a": {"id": "x"}},  # a number where an object goes
        {"vehicleId": "1", "pricing": {"amount": True}, "a": {"id": "x"}},  # refused money
        {"pricing": {"amount": "x"}},  # no id: the id's KeyError comes first
        None,
        {},
    ],
)
@pytest.mark.parametrize("given_only", [False, True])
def test_compiled_map_corners(raw: Any, given_only: bool) -> None:
    raw = None if raw is None else json.loads(json.dumps(raw), parse_float=Decimal)
    compiled = compile_map(CORNERS, given_only=given_only)
    assert outcome(lambda: compiled(raw)) == outcome(
        lambda: interpret(CORNERS, raw, given_only=given_only)
    )


def test_each_map_is_compiled_once() -> None:
    first = fieldmap.reader_of(CORNERS)
    assert fieldmap.reader_of(CORNERS) is first
    assert fieldmap.reader_of(dict(CORNERS)) is not first  # another map: its own reader


def test_past_the_bound_maps_are_interpreted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fieldmap, "_compiled", {})
    monkeypatch.setattr(fieldmap, "_MAX_COMPILED", 0)
    raw = {"vehicleId": "1", "a": {"id": "x"}, "status": "in_stock"}
    assert fieldmap.read(CORNERS, raw) == interpret(CORNERS, raw)
    assert fieldmap._compiled == {}


def test_the_family_maps_made_per_spelling_are_compiled_once() -> None:
    line = {"amount": 10, "opCode": "A1", "soldHours": 1.5}
    part = {"partId": 1, "partNumber": "P-1", "qty": 2}
    labor_line(line, hours="soldHours")
    part_record(part, on_hand="qty")
    compiled = len(fieldmap._compiled)
    for _ in range(3):
        labor_line(line, hours="soldHours")
        part_record(part, on_hand="qty")
    assert len(fieldmap._compiled) == compiled


class Label(str):
    """A str subclass: converters answer it as ``str(value)``, a plain str."""


INLINED: FieldMap = {
    "id": Required("id", ident),
    "name": ("name", text),
    "year": ("year", integer),
    "price": ("price", money),
    "status": Normalized(
        "status", {**STATUS, "Hold": VehicleStatus.ON_HOLD}, VehicleStatus.UNKNOWN
    ),
}
EDGES = [
    None,
    "",
    "x",
    "IN_STOCK",
    "in_stock",
    "Hold",
    "hold",
    0,
    7,
    -3,
    2**40,
    True,
    False,
    Decimal("1.50"),
    Decimal("-0"),
    Decimal("NaN"),
    Decimal("Infinity"),
    Decimal("sNaN"),
    1.5,
    "12",
    "1.0",
    "1e3",
    [],
    {},
    Label("in_stock"),
]


@pytest.mark.parametrize("given_only", [False, True])
@pytest.mark.parametrize("key", ["id", "name", "year", "price", "status"])
def test_converters_answered_inline_as_called(key: str, given_only: bool) -> None:
    """The commonest values are answered without calling the converter: every value,
    of every type, comes out as the converter itself answers it (or fails as it fails)."""
    compiled = compile_map(INLINED, given_only=given_only)
    base = {"id": "v1", "name": "n", "year": 2020, "price": Decimal("1.00"), "status": "hold"}
    for value in EDGES:
        raw = {**base, key: value}
        ours = outcome(lambda: compiled(raw))  # noqa: B023 - called at once
        theirs = outcome(lambda: interpret(INLINED, raw, given_only=given_only))  # noqa: B023
        assert ours == theirs, (key, value)
        if ours[0] == "fields":
            got = compiled(raw)
            for name, expected in interpret(INLINED, raw, given_only=given_only).items():
                assert type(got[name]) is type(expected), (key, value, name)

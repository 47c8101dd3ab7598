"""Models made from checked field maps equal the validated ones, row by row.

Every kind each sandbox vendor lists (its first store, up to 60 rows) is mapped twice: with
the maps checked once and their rows taken as their converters made them, and with every
map left to pydantic's validation. The models must be equal, value by value of the same
type, with the same fields set."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from pydantic import ValidationError

from adapters import convert as to
from adapters import typed_maps
from adapters.base import Window
from adapters.fieldmap import FieldMap, Normalized, Required, renames
from adapters.models import Canonical, InventoryVehicle, VehicleStatus
from adapters.registry import build_adapter
from adapters.typed_maps import made
from adapters.vendors import VENDORS
from graph import kinds
from sandbox import SandboxOptions, start_sandbox


async def every_row() -> list[Any]:
    sb = await start_sandbox(SandboxOptions(seed=1, scale=1.0, rate_limit_per_minute=100_000))
    rows: list[Any] = []
    try:
        async with aiohttp.ClientSession() as session:
            for vendor in VENDORS:
                handle = sb.vendors[vendor.name]
                adapter = build_adapter(
                    vendor.dms, http=session, base_url=handle.base_url, secrets=handle.credentials
                )
                store = handle.stores[0][0]
                for kind in kinds.KINDS:
                    if kind.capability in adapter.capabilities:
                        page = await kind.list(adapter, store, kind.empty_filter, Window(0, 60))
                        rows += page.items
                await adapter.close()
    finally:
        await sb.stop()
    return rows


def _values(model: Any) -> Any:
    """A model as comparable data: each value with its exact type, nested models too."""
    if isinstance(model, Canonical):
        return (
            type(model).__name__,
            sorted(model.model_fields_set),
            {k: _values(v) for k, v in model.__dict__.items()},
        )
    if isinstance(model, tuple | list):
        return [_values(v) for v in model]
    return (type(model).__name__, repr(model))


async def test_checked_maps_make_the_models_validation_makes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made_plans = []
    plan = typed_maps._plan

    def recorded(*args: Any) -> Any:
        made_plans.append(result := plan(*args))
        return result

    monkeypatch.setattr(typed_maps, "_plans", {})
    monkeypatch.setattr(typed_maps, "_plan", recorded)
    trusted = [_values(m) for m in await every_row()]
    assert any(p is not None for p in made_plans)  # some maps were taken as checked
    monkeypatch.setattr(typed_maps, "_plans", {})
    monkeypatch.setattr(typed_maps, "_plan", lambda *args: None)
    validated = [_values(m) for m in await every_row()]
    assert len(trusted) > 300
    for ours, theirs in zip(trusted, validated, strict=True):
        assert ours == theirs


class Priced(Canonical):
    id: str
    status: VehicleStatus = VehicleStatus.UNKNOWN
    status_raw: str | None = None
    price: Decimal | None = None
    note: str | None = None


PRICED: FieldMap = {
    "id": Required("id", to.ident),
    "status": Normalized("status", {"in_stock": VehicleStatus.IN_STOCK}, VehicleStatus.UNKNOWN),
    **renames(to.money, price="price"),
}


def test_a_checked_map_builds_without_validation_as_validation_would() -> None:
    row = {"id": 7, "status": "in_stock", "price": Decimal("10.5")}
    built = made(Priced, PRICED, row, note="x")
    assert built == Priced(id="7", status="in_stock", status_raw="in_stock", price="10.5", note="x")
    assert built.model_fields_set == {"id", "status", "status_raw", "price", "note"}
    assert typed_maps._plan_of(Priced, PRICED, ("note",)) is not None


@pytest.mark.parametrize(
    ("row", "extras"),
    [
        ({"id": None}, {}),  # a null id: validated, and refused, as before
        ({"id": "1"}, {"note": 5}),  # an extra of another type than the field's
    ],
)
def test_rows_the_check_does_not_cover_are_validated(row: Any, extras: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        made(Priced, PRICED, row, **extras)


def test_maps_whose_converters_say_nothing_are_validated() -> None:
    untyped: FieldMap = {"id": Required("id", to.ident), "price": ("price", lambda v: v)}
    assert typed_maps._plan_of(Priced, untyped, ()) is None
    assert made(Priced, untyped, {"id": "1", "price": "2.50"}).price == Decimal("2.50")


def test_maps_whose_converters_give_another_type_are_validated() -> None:
    as_text: FieldMap = {"id": Required("id", to.ident), **renames(to.text, price="price")}
    assert typed_maps._plan_of(Priced, as_text, ()) is None
    assert made(Priced, as_text, {"id": "1", "price": "2.50"}).price == Decimal("2.50")


def test_a_vehicle_map_is_checked() -> None:
    from adapters.autosoft.mapping import VEHICLE

    assert typed_maps._plan_of(InventoryVehicle, VEHICLE, ("photos",)) is not None

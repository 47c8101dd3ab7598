"""Models made from checked field maps equal the validated ones, row by row.

Every kind each sandbox vendor lists (its first store, up to 60 rows, and the detail of 10
repair orders, which carries their lines) is mapped twice: with
the maps checked once and their rows taken as their converters made them, and with every
map left to pydantic's validation. The models must be equal, value by value of the same
type, with the same fields set."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from adapters import convert as to
from adapters import typed_maps
from adapters.base import Capability, Window
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
                        if kind.capability is Capability.REPAIR_ORDERS:  # lines: the detail
                            ids = [r.id for r in page.items[:10]]
                            rows += [r for r in await adapter.get_repair_orders(store, ids) if r]
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
            # in the model's field order, as model_dump and repr list them
            [(k, _values(v)) for k, v in model.__dict__.items()],
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


def test_the_vehicle_maps_are_checked() -> None:
    from adapters.autosoft.mapping import VEHICLE
    from adapters.dealertrack.mapping import VEHICLE as WITH_LISTS  # options, book values

    assert typed_maps._plan_of(InventoryVehicle, VEHICLE, ("photos",)) is not None
    assert typed_maps._plan_of(InventoryVehicle, WITH_LISTS, ()) is not None


class Checked(Canonical):
    id: str
    price: Decimal | None = None


class Constrained(Canonical):
    id: str
    price: Decimal | None = Field(default=None, ge=0)


class Upper(Canonical):
    id: str
    price: Decimal | None = None

    @field_validator("id")
    @classmethod
    def upper(cls, value: str) -> str:
        return value.upper()


class Whole(Canonical):
    id: str
    price: Decimal | None = None

    @model_validator(mode="after")
    def priced(self) -> Whole:
        if self.price is None:
            raise ValueError("a whole record has a price")
        return self


class Tagged(Canonical):
    id: str
    price: Decimal | None = None
    tags: tuple[str, ...] = Field(default_factory=tuple)


class Open(Checked):
    model_config = ConfigDict(extra="allow")


class Noted(Checked):
    def model_post_init(self, context: Any) -> None:
        object.__setattr__(self, "__pydantic_private__", {"noted": True})


ID_AND_PRICE: FieldMap = {"id": Required("id", to.ident), **renames(to.money, price="price")}


@pytest.mark.parametrize("model", [Constrained, Upper, Whole, Tagged, Open, Noted])
def test_models_that_validation_would_change_are_validated(model: type[Canonical]) -> None:
    assert typed_maps._plan_of(Checked, ID_AND_PRICE, ()) is not None
    assert typed_maps._plan_of(model, ID_AND_PRICE, ()) is None
    row = {"id": "ab", "price": Decimal(1)}
    assert made(model, ID_AND_PRICE, row) == model(id="ab", price=Decimal(1))


def test_validation_that_refuses_a_row_still_refuses_it() -> None:
    with pytest.raises(ValidationError):
        made(Constrained, ID_AND_PRICE, {"id": "a", "price": Decimal(-1)})
    with pytest.raises(ValidationError):
        made(Whole, ID_AND_PRICE, {"id": "a"})
    assert made(Upper, ID_AND_PRICE, {"id": "ab"}).id == "AB"


def test_maps_that_miss_or_overrun_the_model_are_validated() -> None:
    no_id: FieldMap = renames(to.money, price="price")
    stray: FieldMap = {**ID_AND_PRICE, **renames(to.text, colour="colour")}
    assert typed_maps._plan_of(Checked, no_id, ()) is None
    assert typed_maps._plan_of(Checked, stray, ()) is None
    with pytest.raises(ValidationError):
        made(Checked, stray, {"id": "a", "colour": "red"})


def test_a_field_that_takes_none_is_not_checked_row_by_row() -> None:
    plan = typed_maps._plan_of(Priced, PRICED, ())
    assert plan is not None and plan.not_none == ("id",)
    built = made(Priced, PRICED, {"id": "7"})
    assert (built.status, built.status_raw, built.price) == (VehicleStatus.UNKNOWN, None, None)
    assert built.model_fields_set == {"id", "status", "status_raw", "price"}
    assert built.note is None and "note" not in built.model_fields_set


def test_a_plan_is_made_once_per_map_and_belongs_to_it() -> None:
    first = typed_maps._plan_of(Checked, ID_AND_PRICE, ())
    assert typed_maps._plan_of(Checked, ID_AND_PRICE, ()) is first
    other: FieldMap = dict(ID_AND_PRICE)
    assert typed_maps._plan_of(Checked, other, ()) is not first
    with_note = typed_maps._plan_of(Priced, PRICED, ("note",))
    assert with_note is not typed_maps._plan_of(Priced, PRICED, ())


class Loose(Canonical):
    id: str
    price: Any = None


def test_a_field_of_any_type_is_validated() -> None:
    assert typed_maps._plan_of(Loose, ID_AND_PRICE, ()) is None


def test_a_value_both_read_and_added_is_refused() -> None:
    with pytest.raises(TypeError, match="given twice"):
        made(Priced, PRICED, {"id": "1"}, status_raw="x")
    with pytest.raises(TypeError, match="given twice"):  # every time, not only the first
        made(Priced, PRICED, {"id": "1"}, status_raw="x")


def test_past_the_bound_rows_are_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typed_maps, "_plans", {})
    monkeypatch.setattr(typed_maps, "_MAX_PLANS", 1)
    first: FieldMap = dict(ID_AND_PRICE)
    second: FieldMap = dict(ID_AND_PRICE)
    assert typed_maps._plan_of(Checked, first, ()) is not None
    assert typed_maps._plan_of(Checked, second, ()) is None
    assert made(Checked, second, {"id": "1", "price": Decimal(2)}).price == Decimal(2)

"""JSON shapes the Supergood-family pages share (the customer address, photo lists)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from adapters import convert as to
from adapters.convert import Raw
from adapters.fieldmap import FieldMap, Required, read, renames
from adapters.models import (
    Address,
    BookValue,
    Customer,
    Employee,
    EmployeeRole,
    FinanceProduct,
    LaborLine,
    Part,
    PartLine,
    Photos,
    RepairOrderTotals,
    ServiceVehicle,
    VehicleRef,
)
from adapters.supergood import fields as family
from adapters.typed_maps import made

USER_ROLE = {r.value: r for r in EmployeeRole if r is not EmployeeRole.OTHER}
# customerType values that mean a company rather than a person.
BUSINESS_CUSTOMER_TYPES = frozenset({"business", "commercial", "fleet", "company"})


ADDRESS: FieldMap = {
    **renames(to.text, line1="line1", line2="line2", city="city", region="region"),
    **renames(to.text, postal_code="postalCode", country="country"),
}


def address(raw: Any) -> Address | None:
    """``{"line1", "city", "region", "postalCode", "country"}``; None when absent."""
    a = to.obj(raw)
    return made(Address, ADDRESS, a) if a else None


def photos(raw: Any) -> Photos:
    """``[{"url": ...}, ...]`` in display order; listing feeds lead with the first."""
    if not raw:
        return Photos()
    # Decoded JSON objects are dicts: skip the Mapping check (an ABC, slow) for them.
    return Photos.in_order([str((p if type(p) is dict else to.obj(p))["url"]) for p in raw])


def repair_order_totals(raw: Any) -> RepairOrderTotals:
    """``{labor, parts, shopSupplies, tax, grandTotal}``; the pre-tax subtotal, which the
    pages do not show, is the grand total less tax by definition."""
    totals = read(family.TOTALS, to.obj(raw))
    tax, grand_total = totals["tax"], totals["grand_total"]
    if totals["subtotal"] is None and tax is not None and grand_total is not None:
        totals["subtotal"] = grand_total - tax
    return RepairOrderTotals(**totals)


CUSTOMER: FieldMap = {
    **family.CUSTOMER,
    **renames(to.text, email="email", phone="phone"),
    **renames(address, address="address"),
}


def map_customer(raw: Raw) -> Customer:
    """The customer record of AutoSoft and Dealertrack (``customerType`` retail/business)."""
    kind = (to.text(raw.get("customerType")) or "").lower()
    return made(Customer, CUSTOMER, raw, is_business=kind in BUSINESS_CUSTOMER_TYPES)


PART: FieldMap = {
    "id": Required("partId", to.ident),
    "part_number": Required("partNumber", str),
    **renames(to.text, description="description"),
    **renames(to.decimal, reorder_point="reorderPoint"),
    **renames(to.timestamp, updated_at="updatedAt"),
}


def part_record(
    raw: Raw,
    *,
    on_hand: str = "onHand",
    cost: str = "cost",
    price: str = "price",
    bin_location: str = "bin",
    vendor: str = "vendor",
) -> Part:
    """A part as the family shapes it: ``partId``, ``partNumber``, ``description``,
    ``reorderPoint``, ``updatedAt``, and the vendor's own names for the rest."""
    return made(Part, _part_fields(on_hand, cost, price, bin_location, vendor), raw)


@lru_cache
def _part_fields(on_hand: str, cost: str, price: str, bin_location: str, vendor: str) -> FieldMap:
    # One map per spelling, made once: a field map is compiled on first use (fieldmap).
    return {
        **PART,
        **renames(to.decimal, quantity_on_hand=on_hand),
        **renames(to.money, cost=cost, price=price),
        **renames(to.text, bin=bin_location, vendor=vendor),
    }


def map_part(raw: Raw) -> Part:
    """``{partId, partNumber, description, onHand, cost, price, bin, vendor, reorderPoint}``."""
    return part_record(raw)


def employee(
    raw: Raw,
    roles: Mapping[str, EmployeeRole],
    *,
    name: str = "name",
    active: str = "active",
) -> Employee:
    """A user as the family shapes it: ``userId``, ``firstName``, ``lastName``, ``email``,
    ``role`` (read through ``roles``), and the vendor's names for the display name and the
    active flag. A user the vendor does not mark inactive is active."""
    role, role_raw = to.normalize(raw.get("role"), roles, EmployeeRole.OTHER)
    first, last = to.text(raw.get("firstName")), to.text(raw.get("lastName"))
    user_id = to.ident(raw["userId"])
    is_active = to.boolean(raw.get(active))
    return Employee(
        id=user_id,
        name=to.text(raw.get(name)) or to.full_name(first, last) or user_id,
        first_name=first,
        last_name=last,
        email=to.text(raw.get("email")),
        role=role,
        role_raw=role_raw,
        active=True if is_active is None else is_active,
    )


def map_user(raw: Raw) -> Employee:
    """``{userId, firstName, lastName, name, email, role, active}``."""
    return employee(raw, USER_ROLE)


VEHICLE_REF: FieldMap = {
    **renames(to.ident, vehicle_id="vehicleId"),
    **renames(to.text, vin="vin", stock_number="stockNumber"),
}


def vehicle_ref(raw: Any) -> VehicleRef | None:
    """``{"vehicleId", "vin", "stockNumber"}`` as deals and leads point at a vehicle."""
    v = to.obj(raw)
    return made(VehicleRef, VEHICLE_REF, v) if v else None


def book_values(raw: Any) -> tuple[BookValue, ...]:
    """``{"kbb": 21400.00, "nada": ...}``: one per guide with a value, in the vendor's order
    and under the vendor's name for the guide."""
    return tuple(
        BookValue(source=str(guide), amount=amount)
        for guide, value in to.obj(raw).items()
        if (amount := to.money(value)) is not None
    )


def finance_products(raw: Any) -> tuple[FinanceProduct, ...]:
    """``[{"code", "name", "price"}]`` as deals list their F&I products."""
    return tuple(
        FinanceProduct(code=str(p["code"]), name=to.text(p.get("name")), price=to.money(p["price"]))
        for p in map(to.obj, raw or ())
    )


def declined(raw: Raw) -> bool:
    """A line the vendor does not flag as declined is work done."""
    return to.boolean(raw.get("declined")) is True


def labor_line(raw: Raw, *, hours: str = "hours") -> LaborLine:
    """``{opCode, description, <hours>, rate, amount, declined}``."""
    return made(LaborLine, _labor_fields(hours), raw, declined=declined(raw))


@lru_cache
def _labor_fields(hours: str) -> FieldMap:
    return {**family.LABOR_LINE, **renames(to.decimal, hours=hours)}


def part_line(raw: Raw) -> PartLine:
    """``{partNumber, description, qty, unitPrice, amount, declined}``."""
    return made(PartLine, family.PART_LINE, raw, declined=declined(raw))


def embedded_vehicle(
    vehicle: Raw,
    owner_id: str | None,
    *,
    mileage: int | None = None,
    details: FieldMap = family.EMBEDDED_VEHICLE,
) -> ServiceVehicle | None:
    """A customer's vehicle as repair orders and appointments embed it, keyed by VIN (the
    family has no service-vehicle resource); ``details``: what the vendor describes it by."""
    vin = to.text(vehicle.get("vin"))
    if not vin:
        return None
    return ServiceVehicle(
        **read(details, vehicle), id=vin, vin=vin, mileage=mileage, owner_id=owner_id
    )

"""JSON shapes the Supergood-family pages share (the customer address, photo lists)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.convert import (
    Raw,
    boolean,
    decimal,
    full_name,
    ident,
    integer,
    money,
    normalize,
    obj,
    text,
    timestamp,
)
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
    Photo,
    RepairOrderTotals,
    ServiceVehicle,
    VehicleRef,
)

USER_ROLE = {r.value: r for r in EmployeeRole if r is not EmployeeRole.OTHER}
# customerType values that mean a company rather than a person.
BUSINESS_CUSTOMER_TYPES = frozenset({"business", "commercial", "fleet", "company"})


def address(raw: Any) -> Address | None:
    """``{"line1", "city", "region", "postalCode", "country"}``; None when absent."""
    a = obj(raw)
    if not a:
        return None
    return Address(
        line1=text(a.get("line1")),
        line2=text(a.get("line2")),
        city=text(a.get("city")),
        region=text(a.get("region")),
        postal_code=text(a.get("postalCode")),
        country=text(a.get("country")),
    )


def photos(raw: Any) -> tuple[Photo, ...]:
    """``[{"url": ...}, ...]`` in display order; listing feeds lead with the first."""
    return tuple(
        Photo(url=str(obj(p)["url"]), primary=i == 0, position=i + 1)
        for i, p in enumerate(raw or ())
    )


def repair_order_totals(raw: Any) -> RepairOrderTotals:
    """``{labor, parts, shopSupplies, tax, grandTotal}``; the pre-tax subtotal, which the
    pages do not show, is the grand total less tax by definition."""
    t = obj(raw)
    tax, grand_total = money(t.get("tax")), money(t.get("grandTotal"))
    subtotal = money(t.get("subtotal"))
    if subtotal is None and tax is not None and grand_total is not None:
        subtotal = grand_total - tax
    return RepairOrderTotals(
        labor=money(t.get("labor")),
        parts=money(t.get("parts")),
        shop_supplies=money(t.get("shopSupplies")),
        subtotal=subtotal,
        tax=tax,
        grand_total=grand_total,
    )


def map_customer(raw: Raw) -> Customer:
    """The customer record of AutoSoft and Dealertrack (``customerType`` retail/business)."""
    kind = (text(raw.get("customerType")) or "").lower()
    return Customer(
        id=ident(raw["customerId"]),
        first_name=text(raw.get("firstName")),
        last_name=text(raw.get("lastName")),
        company_name=text(raw.get("companyName")),
        is_business=kind in BUSINESS_CUSTOMER_TYPES,
        email=text(raw.get("email")),
        phone=text(raw.get("phone")),
        address=address(raw.get("address")),
        created_at=timestamp(raw.get("createdAt")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


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
    return Part(
        id=ident(raw["partId"]),
        part_number=str(raw["partNumber"]),
        description=text(raw.get("description")),
        quantity_on_hand=decimal(raw.get(on_hand)),
        cost=money(raw.get(cost)),
        price=money(raw.get(price)),
        bin=text(raw.get(bin_location)),
        vendor=text(raw.get(vendor)),
        reorder_point=decimal(raw.get("reorderPoint")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


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
    role, role_raw = normalize(raw.get("role"), roles, EmployeeRole.OTHER)
    first, last = text(raw.get("firstName")), text(raw.get("lastName"))
    user_id = ident(raw["userId"])
    is_active = boolean(raw.get(active))
    return Employee(
        id=user_id,
        name=text(raw.get(name)) or full_name(first, last) or user_id,
        first_name=first,
        last_name=last,
        email=text(raw.get("email")),
        role=role,
        role_raw=role_raw,
        active=True if is_active is None else is_active,
    )


def map_user(raw: Raw) -> Employee:
    """``{userId, firstName, lastName, name, email, role, active}``."""
    return employee(raw, USER_ROLE)


def vehicle_ref(raw: Any) -> VehicleRef | None:
    """``{"vehicleId", "vin", "stockNumber"}`` as deals and leads point at a vehicle."""
    v = obj(raw)
    if not v:
        return None
    return VehicleRef(
        vehicle_id=ident(v.get("vehicleId")),
        vin=text(v.get("vin")),
        stock_number=text(v.get("stockNumber")),
    )


def book_values(raw: Any) -> tuple[BookValue, ...]:
    """``{"kbb": 21400.00, "nada": ...}``: one per guide with a value, in the vendor's order
    and under the vendor's name for the guide."""
    return tuple(
        BookValue(source=str(guide), amount=amount)
        for guide, value in obj(raw).items()
        if (amount := money(value)) is not None
    )


def finance_products(raw: Any) -> tuple[FinanceProduct, ...]:
    """``[{"code", "name", "price"}]`` as deals list their F&I products."""
    return tuple(
        FinanceProduct(code=str(p["code"]), name=text(p.get("name")), price=money(p["price"]))
        for p in map(obj, raw or ())
    )


def labor_line(raw: Raw, *, hours: str = "hours") -> LaborLine:
    """``{opCode, description, <hours>, rate, amount, declined}``; a line the vendor does not
    flag as declined is work done."""
    return LaborLine(
        op_code=text(raw.get("opCode")),
        description=text(raw.get("description")),
        hours=decimal(raw.get(hours)),
        rate=money(raw.get("rate")),
        amount=money(raw["amount"]),
        declined=boolean(raw.get("declined")) is True,
    )


def part_line(raw: Raw) -> PartLine:
    """``{partNumber, description, qty, unitPrice, amount, declined}``."""
    return PartLine(
        part_number=text(raw.get("partNumber")),
        description=text(raw.get("description")),
        quantity=decimal(raw["qty"]),
        unit_price=money(raw.get("unitPrice")),
        amount=money(raw["amount"]),
        declined=boolean(raw.get("declined")) is True,
    )


def embedded_vehicle(
    vehicle: Raw, owner_id: str | None, *, mileage: int | None = None
) -> ServiceVehicle | None:
    """A customer's vehicle as repair orders and appointments embed it, keyed by VIN (the
    family has no service-vehicle resource)."""
    vin = text(vehicle.get("vin"))
    if not vin:
        return None
    return ServiceVehicle(
        id=vin,
        vin=vin,
        year=integer(vehicle.get("year")),
        make=text(vehicle.get("make")),
        model=text(vehicle.get("model")),
        mileage=mileage,
        owner_id=owner_id,
    )

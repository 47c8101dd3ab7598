"""Dealertrack JSON (docs/contracts/dealertrack.md) to canonical models. Pure functions over
decoded JSON (floats already ``Decimal``). Every record also carries ``rooftopId``: the
dealership it belongs to, which the graph already knows, so it is not kept."""

from __future__ import annotations

from typing import Any

from adapters import convert as to
from adapters.convert import Raw
from adapters.embeds import embedded_customer
from adapters.fieldmap import FieldMap, Normalized, read, renames, same_words
from adapters.models import (
    Deal,
    DealFinancing,
    DealPricing,
    DealStatus,
    Fee,
    InventoryVehicle,
    Photos,
    RepairOrder,
    RepairOrderStatus,
    ServiceAppointment,
    Store,
    TechnicianAssignment,
    TradeIn,
    VehicleCondition,
    VehicleRef,
    VehicleStatus,
)
from adapters.supergood import fields as family
from adapters.supergood.mapping import (
    book_values,
    embedded_vehicle,
    finance_products,
    labor_line,
    part_line,
    repair_order_totals,
)
from adapters.typed_maps import made

VEHICLE_STATUS = {
    **same_words(VehicleStatus, "in_stock", "in_transit", "sold"),
    "wholesaled": VehicleStatus.WHOLESALE,
}
VEHICLE_CONDITION = {
    **same_words(VehicleCondition, "new", "used"),
    "cpo": VehicleCondition.CERTIFIED,
}
REPAIR_ORDER_STATUS = same_words(RepairOrderStatus, "open", "on_hold", "closed")
DEAL_STATUS = same_words(
    DealStatus, "draft", "pending", "approved", "contracted", "delivered", "cancelled"
)
APPOINTMENT_STATUS = family.APPOINTMENT_STATUS
DOC_FEE = "doc"  # the documentary fee among ``figures.fees``, as the create example shows


def photos(raw: Any) -> Photos:
    """The vendor flags the primary photo itself; the list is in display order."""
    return Photos(
        (str(p["url"]), to.boolean(p.get("primary")) is True, i + 1)
        for i, p in enumerate(map(to.obj, raw or ()))
    )


VEHICLE: FieldMap = {
    **family.vehicle(VEHICLE_STATUS),
    **family.VEHICLE_BODY,
    "condition": Normalized("condition", VEHICLE_CONDITION, VehicleCondition.UNKNOWN),
    **renames(to.money, msrp="pricing.msrp", asking_price="pricing.askingPrice"),
    **renames(to.money, internet_price="pricing.internetPrice", cost="pricing.cost"),
    **renames(to.integer, mileage="mileage"),
    **renames(to.text, lot_name="lotLocation"),
    **renames(to.day, acquired_on="acquiredAt"),
    **renames(to.strings, options="options"),
    "book_values": ("bookValues", book_values),
    "photos": ("photos", photos),
}


def map_vehicle(raw: Raw) -> InventoryVehicle:
    return made(InventoryVehicle, VEHICLE, raw)


def _technician(raw: Raw) -> TechnicianAssignment:
    return TechnicianAssignment(
        employee_id=str(to.ident(raw["userId"])),
        name=to.text(raw.get("name")),
        assigned_hours=to.decimal(raw.get("assignedHours")),
    )


REPAIR_ORDER: FieldMap = {
    **family.repair_order("roId", REPAIR_ORDER_STATUS),
    **renames(to.text, customer_name="customer.name", advisor_name="advisor.name"),
    **renames(to.ident, advisor_id="advisor.userId"),
    "totals": ("totals", repair_order_totals),
    **renames(
        to.boolean,
        customer_approved="approvals.customerApproved",
        advisor_approved="approvals.advisorApproved",
    ),
}


def map_repair_order(raw: Raw) -> RepairOrder:
    customer = to.obj(raw.get("customer"))
    lines = to.obj(raw.get("lines"))
    customer_id = to.ident(customer.get("customerId"))
    mileage_in = to.integer(raw.get("mileageIn"))
    vehicle = embedded_vehicle(to.obj(raw.get("vehicle")), customer_id, mileage=mileage_in)
    technicians = tuple(_technician(t) for t in map(to.obj, raw.get("technicians") or ()))
    return RepairOrder(
        **read(REPAIR_ORDER, raw),
        customer_id=customer_id,
        customer=embedded_customer(customer),
        vehicle_id=vehicle.id if vehicle else None,
        vehicle=vehicle,
        mileage_in=mileage_in,
        technician_ids=tuple(t.employee_id for t in technicians),
        technicians=technicians,
        labor_lines=tuple(
            labor_line(line, hours="soldHours") for line in map(to.obj, lines.get("labor") or ())
        ),
        part_lines=tuple(part_line(line) for line in map(to.obj, lines.get("parts") or ())),
    )


VEHICLE_REF: FieldMap = {
    **renames(to.ident, vehicle_id="vehicleId"),
    **renames(to.text, vin="vehicle.vin", stock_number="vehicle.stockNumber"),
}
PRICING: FieldMap = {
    **renames(to.money, selling_price="salePrice", rebates="rebates", cash_down="cashDown"),
    **renames(to.money, tax_amount="tax.amount"),
    **renames(to.decimal, tax_rate="tax.rate"),
}
TRADE_IN: FieldMap = {
    **renames(to.text, vin="vin"),
    **renames(to.money, allowance="value", payoff="payoff"),
}
FINANCING: FieldMap = {
    **renames(to.integer, term_months="finance.termMonths"),
    **renames(to.decimal, apr="finance.apr", approved_apr="lenderDecision.approvedApr"),
    **renames(to.strings, lender_preferences="finance.preferredLenders"),
    **renames(to.ident, lender_id="lenderDecision.lenderId"),
    **renames(to.money, monthly_payment="finance.monthlyPayment"),
}


def _vehicle_ref(raw: Raw) -> VehicleRef | None:
    ref = made(VehicleRef, VEHICLE_REF, raw)
    return ref if ref.vehicle_id or ref.vin or ref.stock_number else None


def _pricing(figures: Raw) -> DealPricing:
    """The documentary fee (``type: doc``) is the canonical doc fee; other fees stay fees."""
    fees = [to.obj(f) for f in figures.get("fees") or ()]
    doc = [to.money(f["amount"]) for f in fees if f.get("type") == DOC_FEE]
    return DealPricing(
        **read(PRICING, figures),
        doc_fee=sum(d for d in doc if d is not None) if doc else None,
        fees=tuple(
            Fee(code=str(f["type"]), amount=to.money(f["amount"]))
            for f in fees
            if f.get("type") != DOC_FEE
        ),
    )


def _financing(raw: Raw) -> DealFinancing | None:
    finance = to.obj(raw.get("finance"))
    decision = to.obj(raw.get("lenderDecision"))
    lender_status = to.text(raw.get("lenderStatus"))
    if not (finance or decision or lender_status):
        return None  # a cash deal
    return made(DealFinancing, FINANCING, raw, lender_status=lender_status)


DEAL: FieldMap = {
    **family.deal(DEAL_STATUS),
    **renames(to.ident, buyer_id="customer.customerId", co_buyer_id="coBuyer.customerId"),
}


def map_deal(raw: Raw) -> Deal:
    """The extrapolated deal, or the create / PATCH answers (which carry a few fields)."""
    figures = to.obj(raw.get("figures"))
    trade = to.obj(figures.get("tradeIn"))
    return Deal(
        **read(DEAL, raw),
        buyer=embedded_customer(to.obj(raw.get("customer"))),
        vehicle=_vehicle_ref(raw),
        pricing=_pricing(figures),
        trade_ins=(made(TradeIn, TRADE_IN, trade),) if trade else (),
        financing=_financing(raw),
        products=finance_products(to.obj(raw.get("finance")).get("products")),
    )


APPOINTMENT: FieldMap = {
    **family.APPOINTMENT,
    **renames(to.ident, advisor_id="advisor.userId"),
    **renames(to.strings, op_codes="opCodes"),
}


def map_appointment(raw: Raw) -> ServiceAppointment:
    starts_at = to.timestamp(raw.get("scheduledAt"))
    customer_id = to.ident(to.obj(raw.get("customer")).get("customerId"))
    vehicle = embedded_vehicle(to.obj(raw.get("vehicle")), customer_id)
    return ServiceAppointment(
        **read(APPOINTMENT, raw),
        starts_at=starts_at,
        ends_at=to.end_time(starts_at, raw.get("durationMinutes")),
        customer_id=customer_id,
        vehicle_id=vehicle.id if vehicle else None,  # keyed by VIN, as on repair orders
        vin=vehicle.vin if vehicle else None,
        vehicle=vehicle,
    )


def map_rooftop(raw: Raw) -> Store:
    return Store(
        store_id=to.ident(raw["rooftopId"]),
        name=to.text(raw.get("name")),
        status=to.text(raw.get("status")),
        created_at=to.timestamp(raw.get("createdAt")),
    )

"""Dealertrack JSON (docs/contracts/dealertrack.md) to canonical models. Pure functions over
decoded JSON (floats already ``Decimal``). Every record also carries ``rooftopId``: the
dealership it belongs to, which the graph already knows, so it is not kept."""

from __future__ import annotations

from typing import Any

from adapters.convert import (
    Raw,
    boolean,
    day,
    decimal,
    end_time,
    ident,
    integer,
    money,
    normalize,
    obj,
    strings,
    text,
    timestamp,
)
from adapters.embeds import embedded_customer
from adapters.models import (
    AppointmentStatus,
    Deal,
    DealFinancing,
    DealPricing,
    DealStatus,
    Fee,
    InventoryVehicle,
    Photo,
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
from adapters.supergood.mapping import (
    book_values,
    embedded_vehicle,
    finance_products,
    labor_line,
    part_line,
    repair_order_totals,
)

VEHICLE_STATUS = {
    "in_stock": VehicleStatus.IN_STOCK,
    "in_transit": VehicleStatus.IN_TRANSIT,
    "sold": VehicleStatus.SOLD,
    "wholesaled": VehicleStatus.WHOLESALE,
}
VEHICLE_CONDITION = {
    "new": VehicleCondition.NEW,
    "used": VehicleCondition.USED,
    "cpo": VehicleCondition.CERTIFIED,
}
REPAIR_ORDER_STATUS = {
    "open": RepairOrderStatus.OPEN,
    "on_hold": RepairOrderStatus.ON_HOLD,
    "closed": RepairOrderStatus.CLOSED,
}
DEAL_STATUS = {
    "draft": DealStatus.DRAFT,
    "pending": DealStatus.PENDING,
    "approved": DealStatus.APPROVED,
    "contracted": DealStatus.CONTRACTED,
    "delivered": DealStatus.DELIVERED,
    "cancelled": DealStatus.CANCELLED,
}
APPOINTMENT_STATUS = {s.value: s for s in AppointmentStatus if s is not AppointmentStatus.UNKNOWN}
DOC_FEE = "doc"  # the documentary fee among ``figures.fees``, as the create example shows


def photos(raw: Any) -> tuple[Photo, ...]:
    """The vendor flags the primary photo itself; the list is in display order."""
    return tuple(
        Photo(url=str(p["url"]), primary=boolean(p.get("primary")) is True, position=i + 1)
        for i, p in enumerate(map(obj, raw or ()))
    )


def map_vehicle(raw: Raw) -> InventoryVehicle:
    status, status_raw = normalize(raw.get("status"), VEHICLE_STATUS, VehicleStatus.UNKNOWN)
    condition, condition_raw = normalize(
        raw.get("condition"), VEHICLE_CONDITION, VehicleCondition.UNKNOWN
    )
    pricing = obj(raw.get("pricing"))
    return InventoryVehicle(
        id=ident(raw["vehicleId"]),
        vin=text(raw.get("vin")),
        stock_number=text(raw.get("stockNumber")),
        status=status,
        status_raw=status_raw,
        condition=condition,
        condition_raw=condition_raw,
        year=integer(raw.get("year")),
        make=text(raw.get("make")),
        model=text(raw.get("model")),
        trim=text(raw.get("trim")),
        body_style=text(raw.get("bodyStyle")),
        mileage=integer(raw.get("mileage")),
        exterior_color=text(raw.get("exteriorColor")),
        interior_color=text(raw.get("interiorColor")),
        msrp=money(pricing.get("msrp")),
        asking_price=money(pricing.get("askingPrice")),
        internet_price=money(pricing.get("internetPrice")),
        cost=money(pricing.get("cost")),
        book_values=book_values(raw.get("bookValues")),
        lot_name=text(raw.get("lotLocation")),
        photos=photos(raw.get("photos")),
        options=strings(raw.get("options")),
        acquired_on=day(raw.get("acquiredAt")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def _technician(raw: Raw) -> TechnicianAssignment:
    return TechnicianAssignment(
        employee_id=str(ident(raw["userId"])),
        name=text(raw.get("name")),
        assigned_hours=decimal(raw.get("assignedHours")),
    )


def map_repair_order(raw: Raw) -> RepairOrder:
    status, status_raw = normalize(
        raw.get("status"), REPAIR_ORDER_STATUS, RepairOrderStatus.UNKNOWN
    )
    customer = obj(raw.get("customer"))
    advisor = obj(raw.get("advisor"))
    lines = obj(raw.get("lines"))
    approvals = obj(raw.get("approvals"))
    customer_id = ident(customer.get("customerId"))
    mileage_in = integer(raw.get("mileageIn"))
    vehicle = embedded_vehicle(obj(raw.get("vehicle")), customer_id, mileage=mileage_in)
    technicians = tuple(_technician(t) for t in map(obj, raw.get("technicians") or ()))
    return RepairOrder(
        id=ident(raw["roId"]),
        ro_number=text(raw.get("roNumber")),
        status=status,
        status_raw=status_raw,
        opened_at=timestamp(raw.get("openedAt")),
        promised_at=timestamp(raw.get("promisedAt")),
        customer_id=customer_id,
        customer_name=text(customer.get("name")),
        customer=embedded_customer(customer),
        vehicle_id=vehicle.id if vehicle else None,
        vehicle=vehicle,
        mileage_in=mileage_in,
        advisor_id=ident(advisor.get("userId")),
        advisor_name=text(advisor.get("name")),
        technician_ids=tuple(t.employee_id for t in technicians),
        technicians=technicians,
        labor_lines=tuple(
            labor_line(line, hours="soldHours") for line in map(obj, lines.get("labor") or ())
        ),
        part_lines=tuple(part_line(line) for line in map(obj, lines.get("parts") or ())),
        totals=repair_order_totals(raw.get("totals")),
        customer_approved=boolean(approvals.get("customerApproved")),
        advisor_approved=boolean(approvals.get("advisorApproved")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def _vehicle_ref(raw: Raw) -> VehicleRef | None:
    vehicle = obj(raw.get("vehicle"))
    ref = VehicleRef(
        vehicle_id=ident(raw.get("vehicleId")),
        vin=text(vehicle.get("vin")),
        stock_number=text(vehicle.get("stockNumber")),
    )
    return ref if ref.vehicle_id or ref.vin or ref.stock_number else None


def _pricing(figures: Raw) -> DealPricing:
    """The documentary fee (``type: doc``) is the canonical doc fee; other fees stay fees."""
    tax = obj(figures.get("tax"))
    fees = [obj(f) for f in figures.get("fees") or ()]
    doc = [money(f["amount"]) for f in fees if f.get("type") == DOC_FEE]
    return DealPricing(
        selling_price=money(figures.get("salePrice")),
        rebates=money(figures.get("rebates")),
        doc_fee=sum(d for d in doc if d is not None) if doc else None,
        cash_down=money(figures.get("cashDown")),
        tax_rate=decimal(tax.get("rate")),
        tax_amount=money(tax.get("amount")),
        fees=tuple(
            Fee(code=str(f["type"]), amount=money(f["amount"]))
            for f in fees
            if f.get("type") != DOC_FEE
        ),
    )


def _financing(raw: Raw) -> DealFinancing | None:
    finance = obj(raw.get("finance"))
    decision = obj(raw.get("lenderDecision"))
    lender_status = text(raw.get("lenderStatus"))
    if not (finance or decision or lender_status):
        return None  # a cash deal
    return DealFinancing(
        term_months=integer(finance.get("termMonths")),
        apr=decimal(finance.get("apr")),
        lender_preferences=strings(finance.get("preferredLenders")),
        lender_id=ident(decision.get("lenderId")),
        lender_status=lender_status,
        monthly_payment=money(finance.get("monthlyPayment")),
        approved_apr=decimal(decision.get("approvedApr")),
    )


def map_deal(raw: Raw) -> Deal:
    """The extrapolated deal, or the create / PATCH answers (which carry a few fields)."""
    status, status_raw = normalize(raw.get("status"), DEAL_STATUS, DealStatus.UNKNOWN)
    figures = obj(raw.get("figures"))
    trade = obj(figures.get("tradeIn"))
    return Deal(
        id=ident(raw["dealId"]),
        deal_number=text(raw.get("dealNumber")),
        status=status,
        status_raw=status_raw,
        buyer_id=ident(obj(raw.get("customer")).get("customerId")),
        buyer=embedded_customer(obj(raw.get("customer"))),
        co_buyer_id=ident(obj(raw.get("coBuyer")).get("customerId")),
        vehicle=_vehicle_ref(raw),
        pricing=_pricing(figures),
        trade_ins=(
            TradeIn(
                vin=text(trade.get("vin")),
                allowance=money(trade.get("value")),
                payoff=money(trade.get("payoff")),
            ),
        )
        if trade
        else (),
        financing=_financing(raw),
        products=finance_products(obj(raw.get("finance")).get("products")),
        salesperson_id=ident(raw.get("salespersonId")),
        reference_id=text(raw.get("referenceId")),
        created_at=timestamp(raw.get("createdAt")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def map_appointment(raw: Raw) -> ServiceAppointment:
    status, status_raw = normalize(raw.get("status"), APPOINTMENT_STATUS, AppointmentStatus.UNKNOWN)
    starts_at = timestamp(raw.get("scheduledAt"))
    customer_id = ident(obj(raw.get("customer")).get("customerId"))
    vehicle = embedded_vehicle(obj(raw.get("vehicle")), customer_id)
    return ServiceAppointment(
        id=ident(raw["appointmentId"]),
        status=status,
        status_raw=status_raw,
        starts_at=starts_at,
        ends_at=end_time(starts_at, raw.get("durationMinutes")),
        customer_id=customer_id,
        vehicle_id=vehicle.id if vehicle else None,  # keyed by VIN, as on repair orders
        vin=vehicle.vin if vehicle else None,
        vehicle=vehicle,
        advisor_id=ident(obj(raw.get("advisor")).get("userId")),
        op_codes=strings(raw.get("opCodes")),
        concern=text(raw.get("concern")),
        transportation=text(raw.get("transportation")),
        notes=text(raw.get("notes")),
        created_at=timestamp(raw.get("createdAt")),
    )


def map_rooftop(raw: Raw) -> Store:
    return Store(
        store_id=ident(raw["rooftopId"]),
        name=text(raw.get("name")),
        status=text(raw.get("status")),
        created_at=timestamp(raw.get("createdAt")),
    )

"""Auto/Mate JSON (per docs/contracts/automate.md) to canonical models. Where Auto/Mate
departs from the family's shapes: odometers with units, percent rates, jobs that group a
repair order's lines, receivables and receipts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from adapters import convert as to
from adapters.convert import Raw
from adapters.embeds import embedded_customer
from adapters.fieldmap import FieldMap, Normalized, Required, read, renames, same_words
from adapters.models import (
    Account,
    AccountKind,
    AccountStatus,
    Consent,
    Customer,
    Deal,
    DealFinancing,
    DealPricing,
    DealStatus,
    Employee,
    EmployeeRole,
    Fee,
    InventoryVehicle,
    LaborLine,
    Part,
    PartLine,
    Payment,
    PaymentMethod,
    RepairOrder,
    RepairOrderStatus,
    RepairOrderTotals,
    ServiceAppointment,
    ServiceVehicle,
    TradeIn,
    VehicleCondition,
    VehicleStatus,
)
from adapters.supergood import fields as family
from adapters.supergood.mapping import (
    address,
    embedded_vehicle,
    employee,
    finance_products,
    part_record,
    photos,
    vehicle_ref,
)
from adapters.typed_maps import made

VEHICLE_STATUS = {
    "in_stock": VehicleStatus.IN_STOCK,
    "retail_sold": VehicleStatus.SOLD,
    "wholesale": VehicleStatus.WHOLESALE,
    "transit": VehicleStatus.IN_TRANSIT,
}
VEHICLE_CONDITION = same_words(VehicleCondition, "new", "used", "certified")
DEAL_STATUS = {
    "penciled": DealStatus.DRAFT,  # a desking worksheet, nothing submitted yet
    **same_words(DealStatus, "submitted", "approved", "contracted", "delivered", "cancelled"),
}
REPAIR_ORDER_STATUS = same_words(
    RepairOrderStatus, "open", "in_progress", "waiting_parts", "completed", "closed"
)
APPOINTMENT_STATUS = family.APPOINTMENT_STATUS
USER_ROLE = {
    **same_words(EmployeeRole, "service_advisor", "technician", "salesperson"),
    "fni_manager": EmployeeRole.FINANCE_MANAGER,
    "manager": EmployeeRole.MANAGER,
    "parts_counter": EmployeeRole.PARTS,
    "accounting": EmployeeRole.ACCOUNTING,
}
RECEIVABLE_STATUS = {
    **same_words(AccountStatus, "current", "past_due"),
    "paid_in_full": AccountStatus.PAID_OFF,
    "closed": AccountStatus.CLOSED,
}
PAYMENT_METHOD = {
    **same_words(PaymentMethod, "cash", "check"),
    "credit_card": PaymentMethod.CARD,
    "debit_card": PaymentMethod.CARD,
    **same_words(PaymentMethod, "ach", "other"),
}
BUSINESS_CUSTOMER_TYPES = frozenset({"fleet"})
DOC_FEE_CODE = "DOC"
DEFAULT_ODOMETER_UNIT = "mi"


def odometer(raw: Any) -> tuple[int | None, str]:
    """``{"value": 23875, "unit": "mi"}``: the reading and its unit (kept, never converted)."""
    o = to.obj(raw)
    return to.integer(o.get("value")), to.text(o.get("unit")) or DEFAULT_ODOMETER_UNIT


def sticker_price(value: Any) -> Decimal | None:
    """Auto/Mate writes ``"msrp": 0`` when no sticker is on file (the page's used Accord
    lists at 25,995.00 with msrp 0): no vehicle has a zero MSRP, so 0 means unknown."""
    amount = to.money(value)
    return None if amount is None or amount == 0 else amount


VEHICLE: FieldMap = {
    **family.vehicle(VEHICLE_STATUS),
    **family.VEHICLE_BODY,
    **family.POWERTRAIN,
    "condition": Normalized("condition", VEHICLE_CONDITION, VehicleCondition.UNKNOWN),
    "msrp": ("msrp", sticker_price),
    **renames(to.money, asking_price="listPrice", sale_price="salePrice", cost="cost"),
    **renames(to.text, drivetrain="driveType", lot_name="lot.name"),
    **renames(to.ident, lot_id="lot.lotId"),
    **renames(to.day, acquired_on="acquisitionDate"),
    **renames(to.integer, days_in_stock="agingDays"),
    **renames(to.boolean, is_wholesale="isWholesale"),
}


def map_vehicle(raw: Raw) -> InventoryVehicle:
    mileage, unit = odometer(raw.get("odometer"))
    return made(
        InventoryVehicle,
        VEHICLE,
        raw,
        mileage=mileage,
        mileage_unit=unit,
        photos=photos(raw.get("photos")),
    )


def preferred_phone(raw: Any) -> str | None:
    """The mobile number when there is one (it takes calls and texts), else the first."""
    phones = [to.obj(p) for p in raw or ()]
    mobile = [p for p in phones if str(p.get("type") or "").lower() == "mobile"]
    chosen = (mobile or phones or [{}])[0]
    return to.text(chosen.get("number"))


def opt_ins(raw: Any) -> Consent | None:
    o = to.obj(raw)
    if not o:
        return None
    # A marketing opt-in for phone calls is the consent TCPA asks for.
    return Consent(
        tcpa=to.boolean(o.get("phone")),
        email=to.boolean(o.get("email")),
        sms=to.boolean(o.get("sms")),
    )


def map_customer(raw: Raw) -> Customer:
    kind = (to.text(raw.get("customerType")) or "").lower()
    emails = to.strings(raw.get("emails"))
    return Customer(
        **read(family.CUSTOMER, raw),
        is_business=kind in BUSINESS_CUSTOMER_TYPES,
        email=emails[0] if emails else None,
        phone=preferred_phone(raw.get("phones")),
        address=address(raw.get("address")),
        reference_id=to.text(raw.get("externalId")),
        consent=opt_ins(raw.get("marketingOptIn")),
    )


TRADE_IN: FieldMap = {
    **family.EMBEDDED_VEHICLE,
    **renames(to.text, vin="vin", lienholder="lienholder"),
    # Auto/Mate records the appraisal (ACV), not a separate trade allowance.
    **renames(to.money, actual_cash_value="acv", payoff="payoff"),
}


def trade_in(raw: Any) -> TradeIn | None:
    t = to.obj(raw)
    if not t:
        return None
    mileage, _ = odometer(t.get("odometer"))
    return made(TradeIn, TRADE_IN, t, mileage=mileage)


def percent_as_fraction(value: Any) -> Decimal | None:
    """``"ratePercent": 8.75`` -> 0.0875, exactly (canonical tax rates are fractions)."""
    number = to.decimal(value)
    return None if number is None else number.scaleb(-2)


def fees(raw: Any) -> tuple[Decimal | None, tuple[Fee, ...]]:
    """(doc fee, the other fees): canonical pricing carries the doc fee in its own field."""
    doc: Decimal | None = None
    others: list[Fee] = []
    for f in map(to.obj, raw or ()):
        code, amount = str(f["code"]), to.money(f["amount"])
        if amount is None:
            raise ValueError("a fee without an amount")
        if code.upper() == DOC_FEE_CODE:
            doc = amount if doc is None else doc + amount
        else:
            others.append(Fee(code=code, description=to.text(f.get("description")), amount=amount))
    return doc, tuple(others)


DEAL: FieldMap = {
    **family.deal(DEAL_STATUS),
    **renames(to.text, sale_type="dealType"),
    **renames(
        to.ident, buyer_id="customerId", co_buyer_id="coBuyerId", finance_manager_id="fniManagerId"
    ),
}


PRICING: FieldMap = {
    **renames(to.money, selling_price="pricing.salePrice", discounts="pricing.discounts"),
    **renames(to.money, rebates="pricing.rebates", cash_down="finance.cashDown"),
    **renames(to.money, tax_amount="taxes.amount"),
    "tax_rate": ("taxes.ratePercent", percent_as_fraction),
}
FINANCING: FieldMap = {
    **renames(to.integer, term_months="termMonths"),
    **renames(to.decimal, apr="aprPercent"),
    **renames(to.ident, lender_id="lenderCode"),
    **renames(to.money, monthly_payment="monthlyPayment"),
}


def map_deal(raw: Raw) -> Deal:
    finance = to.obj(raw.get("finance"))
    doc_fee, other_fees = fees(raw.get("fees"))
    trade = trade_in(raw.get("tradeIn"))
    financed = any(finance.get(k) is not None for k in ("termMonths", "aprPercent", "lenderCode"))
    return Deal(
        **read(DEAL, raw),
        vehicle=vehicle_ref(raw.get("vehicle")),
        pricing=made(DealPricing, PRICING, raw, doc_fee=doc_fee, fees=other_fees),
        trade_ins=(trade,) if trade else (),
        financing=made(DealFinancing, FINANCING, finance) if financed else None,
        products=finance_products(finance.get("products")),
    )


# Auto/Mate keys service vehicles by VIN too, and describes them a little more.
SERVICE_VEHICLE: FieldMap = {
    **family.EMBEDDED_VEHICLE,
    **renames(to.text, trim="trim", license_plate="licensePlate"),
}
LABOR_LINE: FieldMap = {
    **family.LABOR_LINE,
    **renames(to.decimal, hours="laborHours"),
    **renames(to.money, rate="laborRate"),
}
PART_LINE: FieldMap = {**family.PART_LINE, "quantity": Required("quantity", to.decimal)}
TOTALS: FieldMap = {**family.TOTALS, **renames(to.money, grand_total="total")}


def service_vehicle(
    vehicle: Raw, owner_id: str | None, mileage: int | None = None
) -> ServiceVehicle | None:
    return embedded_vehicle(vehicle, owner_id, mileage=mileage, details=SERVICE_VEHICLE)


def _labor(line: Any, job: Raw, declined: bool) -> tuple[LaborLine, ...]:
    """A job's labor lines; a line without its own op code is the job's."""
    technician_id, job_name = to.ident(job.get("technicianId")), to.text(job.get("description"))
    labor: list[LaborLine] = []
    for x in map(to.obj, line):
        fields = read(LABOR_LINE, x)
        fields["op_code"] = fields["op_code"] or to.text(job.get("opCode"))
        labor.append(
            LaborLine(**fields, declined=declined, technician_id=technician_id, job_name=job_name)
        )
    return tuple(labor)


def _parts(line: Any, job: Raw, declined: bool) -> tuple[PartLine, ...]:
    job_name = to.text(job.get("description"))
    return tuple(
        made(PartLine, PART_LINE, x, declined=declined, job_name=job_name)
        for x in map(to.obj, line)
    )


REPAIR_ORDER: FieldMap = {
    **family.repair_order("repairOrderId", REPAIR_ORDER_STATUS),
    **renames(to.timestamp, closed_at="closedAt"),
    **renames(to.text, customer_name="customerName", notes="notes"),
    **renames(to.ident, advisor_id="advisorId"),
}


def map_repair_order(raw: Raw) -> RepairOrder:
    customer_id = to.ident(raw.get("customerId"))
    mileage_in, _ = odometer(raw.get("odometerIn"))
    vehicle = service_vehicle(to.obj(raw.get("vehicle")), customer_id, mileage_in)
    labor: list[LaborLine] = []
    parts: list[PartLine] = []
    for job in map(to.obj, raw.get("lines") or ()):
        # A declined line was offered and refused: kept, flagged, outside every total.
        declined = (to.text(job.get("status")) or "").lower() == "declined"
        labor.extend(_labor(job.get("labor") or (), job, declined))
        parts.extend(_parts(job.get("parts") or (), job, declined))
    return RepairOrder(
        **read(REPAIR_ORDER, raw),
        customer_id=customer_id,
        customer=embedded_customer(raw, full_name=to.text(raw.get("customerName"))),
        vehicle_id=vehicle.id if vehicle else None,
        vehicle=vehicle,
        mileage_in=mileage_in,
        technician_ids=tuple(to.ident(t) for t in raw.get("technicianIds") or () if t is not None),
        labor_lines=tuple(labor),
        part_lines=tuple(parts),
        totals=made(RepairOrderTotals, TOTALS, to.obj(raw.get("totals"))),
    )


APPOINTMENT: FieldMap = {
    **family.APPOINTMENT,
    **renames(to.ident, customer_id="customerId", advisor_id="advisorId"),
}


def map_appointment(raw: Raw) -> ServiceAppointment:
    starts_at = to.timestamp(raw.get("appointmentTime"))
    customer_id = to.ident(raw.get("customerId"))
    vehicle = service_vehicle({"vin": raw.get("vin")}, customer_id)
    return ServiceAppointment(
        **read(APPOINTMENT, raw),
        starts_at=starts_at,
        ends_at=to.end_time(starts_at, raw.get("durationMinutes")),
        vehicle_id=vehicle.id if vehicle else None,
        vin=vehicle.vin if vehicle else None,
        vehicle=vehicle,
        op_codes=tuple(str(to.obj(op)["code"]) for op in raw.get("opCodes") or ()),
    )


def map_part(raw: Raw) -> Part:
    return part_record(
        raw,
        on_hand="quantityOnHand",
        cost="unitCost",
        price="listPrice",
        bin_location="binLocation",
        vendor="manufacturer",
    )


def map_user(raw: Raw) -> Employee:
    return employee(raw, USER_ROLE, name="displayName", active="isActive")


RECEIVABLE: FieldMap = {
    **family.account(RECEIVABLE_STATUS),
    **renames(to.day, opened_on="openDate"),
    **renames(to.money, original_amount="originalAmount", payment_amount="installmentAmount"),
    **renames(to.money, past_due_amount="pastDueAmount"),
}
RECEIPT: FieldMap = {
    **family.PAYMENT,
    "id": Required("receiptId", to.ident),
    "method": Normalized("paymentMethod", PAYMENT_METHOD, PaymentMethod.OTHER),
    **renames(to.ident, customer_id="customerId"),
    **renames(to.text, status="status", reference_id="reference"),
    **renames(to.timestamp, received_at="receivedAt"),
}


def map_receivable(raw: Raw) -> Account:
    return made(Account, RECEIVABLE, raw, kind=AccountKind.RECEIVABLE)


def map_receipt(raw: Raw) -> Payment:
    return made(Payment, RECEIPT, raw)

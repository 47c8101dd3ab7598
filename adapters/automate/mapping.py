"""Auto/Mate JSON (per docs/contracts/automate.md) to canonical models.

Pure functions over decoded JSON (floats already ``Decimal``). The status tables are also
what the adapter pushes down as query parameters, so both directions agree.
"""

from __future__ import annotations

from decimal import Decimal
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
    Account,
    AccountKind,
    AccountStatus,
    AppointmentStatus,
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
from adapters.supergood.mapping import (
    address,
    employee,
    finance_products,
    part_record,
    photos,
    vehicle_ref,
)

VEHICLE_STATUS = {
    "in_stock": VehicleStatus.IN_STOCK,
    "retail_sold": VehicleStatus.SOLD,
    "wholesale": VehicleStatus.WHOLESALE,
    "transit": VehicleStatus.IN_TRANSIT,
}
VEHICLE_CONDITION = {
    "new": VehicleCondition.NEW,
    "used": VehicleCondition.USED,
    "certified": VehicleCondition.CERTIFIED,
}
DEAL_STATUS = {
    "penciled": DealStatus.DRAFT,  # a desking worksheet, nothing submitted yet
    "submitted": DealStatus.SUBMITTED,
    "approved": DealStatus.APPROVED,
    "contracted": DealStatus.CONTRACTED,
    "delivered": DealStatus.DELIVERED,
    "cancelled": DealStatus.CANCELLED,
}
REPAIR_ORDER_STATUS = {
    "open": RepairOrderStatus.OPEN,
    "in_progress": RepairOrderStatus.IN_PROGRESS,
    "waiting_parts": RepairOrderStatus.WAITING_PARTS,
    "completed": RepairOrderStatus.COMPLETED,
    "closed": RepairOrderStatus.CLOSED,
}
APPOINTMENT_STATUS = {s.value: s for s in AppointmentStatus if s is not AppointmentStatus.UNKNOWN}
USER_ROLE = {
    "service_advisor": EmployeeRole.SERVICE_ADVISOR,
    "technician": EmployeeRole.TECHNICIAN,
    "salesperson": EmployeeRole.SALESPERSON,
    "fni_manager": EmployeeRole.FINANCE_MANAGER,
    "manager": EmployeeRole.MANAGER,
    "parts_counter": EmployeeRole.PARTS,
    "accounting": EmployeeRole.ACCOUNTING,
}
RECEIVABLE_STATUS = {
    "current": AccountStatus.CURRENT,
    "past_due": AccountStatus.PAST_DUE,
    "paid_in_full": AccountStatus.PAID_OFF,
    "closed": AccountStatus.CLOSED,
}
PAYMENT_METHOD = {
    "cash": PaymentMethod.CASH,
    "check": PaymentMethod.CHECK,
    "credit_card": PaymentMethod.CARD,
    "debit_card": PaymentMethod.CARD,
    "ach": PaymentMethod.ACH,
    "other": PaymentMethod.OTHER,
}
BUSINESS_CUSTOMER_TYPES = frozenset({"fleet"})
DOC_FEE_CODE = "DOC"
DEFAULT_ODOMETER_UNIT = "mi"


def odometer(raw: Any) -> tuple[int | None, str]:
    """``{"value": 23875, "unit": "mi"}``: the reading and its unit (kept, never converted)."""
    o = obj(raw)
    return integer(o.get("value")), text(o.get("unit")) or DEFAULT_ODOMETER_UNIT


def sticker_price(value: Any) -> Decimal | None:
    """Auto/Mate writes ``"msrp": 0`` when no sticker is on file (the page's used Accord
    lists at 25,995.00 with msrp 0): no vehicle has a zero MSRP, so 0 means unknown."""
    amount = money(value)
    return None if amount is None or amount == 0 else amount


def map_vehicle(raw: Raw) -> InventoryVehicle:
    status, status_raw = normalize(raw.get("status"), VEHICLE_STATUS, VehicleStatus.UNKNOWN)
    condition, condition_raw = normalize(
        raw.get("condition"), VEHICLE_CONDITION, VehicleCondition.UNKNOWN
    )
    mileage, unit = odometer(raw.get("odometer"))
    lot = obj(raw.get("lot"))
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
        mileage=mileage,
        mileage_unit=unit,
        exterior_color=text(raw.get("exteriorColor")),
        interior_color=text(raw.get("interiorColor")),
        drivetrain=text(raw.get("driveType")),
        transmission=text(raw.get("transmission")),
        engine=text(raw.get("engine")),
        fuel_type=text(raw.get("fuelType")),
        msrp=sticker_price(raw.get("msrp")),
        asking_price=money(raw.get("listPrice")),
        sale_price=money(raw.get("salePrice")),
        cost=money(raw.get("cost")),
        lot_id=ident(lot.get("lotId")),
        lot_name=text(lot.get("name")),
        photos=photos(raw.get("photos")),
        acquired_on=day(raw.get("acquisitionDate")),
        days_in_stock=integer(raw.get("agingDays")),
        is_wholesale=boolean(raw.get("isWholesale")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def preferred_phone(raw: Any) -> str | None:
    """The mobile number when there is one (it takes calls and texts), else the first."""
    phones = [obj(p) for p in raw or ()]
    mobile = [p for p in phones if str(p.get("type") or "").lower() == "mobile"]
    chosen = (mobile or phones or [{}])[0]
    return text(chosen.get("number"))


def opt_ins(raw: Any) -> Consent | None:
    o = obj(raw)
    if not o:
        return None
    # A marketing opt-in for phone calls is the consent TCPA asks for.
    return Consent(
        tcpa=boolean(o.get("phone")), email=boolean(o.get("email")), sms=boolean(o.get("sms"))
    )


def map_customer(raw: Raw) -> Customer:
    kind = (text(raw.get("customerType")) or "").lower()
    emails = strings(raw.get("emails"))
    return Customer(
        id=ident(raw["customerId"]),
        first_name=text(raw.get("firstName")),
        last_name=text(raw.get("lastName")),
        company_name=text(raw.get("companyName")),
        is_business=kind in BUSINESS_CUSTOMER_TYPES,
        email=emails[0] if emails else None,
        phone=preferred_phone(raw.get("phones")),
        address=address(raw.get("address")),
        reference_id=text(raw.get("externalId")),
        consent=opt_ins(raw.get("marketingOptIn")),
        created_at=timestamp(raw.get("createdAt")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def trade_in(raw: Any) -> TradeIn | None:
    t = obj(raw)
    if not t:
        return None
    mileage, _ = odometer(t.get("odometer"))
    return TradeIn(
        vin=text(t.get("vin")),
        year=integer(t.get("year")),
        make=text(t.get("make")),
        model=text(t.get("model")),
        mileage=mileage,
        # Auto/Mate records the appraisal (ACV), not a separate trade allowance.
        actual_cash_value=money(t.get("acv")),
        payoff=money(t.get("payoff")),
        lienholder=text(t.get("lienholder")),
    )


def percent_as_fraction(value: Any) -> Decimal | None:
    """``"ratePercent": 8.75`` -> 0.0875, exactly (canonical tax rates are fractions)."""
    number = decimal(value)
    return None if number is None else number.scaleb(-2)


def fees(raw: Any) -> tuple[Decimal | None, tuple[Fee, ...]]:
    """(doc fee, the other fees): canonical pricing carries the doc fee in its own field."""
    doc: Decimal | None = None
    others: list[Fee] = []
    for f in map(obj, raw or ()):
        code, amount = str(f["code"]), money(f["amount"])
        if amount is None:
            raise ValueError("a fee without an amount")
        if code.upper() == DOC_FEE_CODE:
            doc = amount if doc is None else doc + amount
        else:
            others.append(Fee(code=code, description=text(f.get("description")), amount=amount))
    return doc, tuple(others)


def map_deal(raw: Raw) -> Deal:
    status, status_raw = normalize(raw.get("status"), DEAL_STATUS, DealStatus.UNKNOWN)
    pricing = obj(raw.get("pricing"))
    finance = obj(raw.get("finance"))
    taxes = obj(raw.get("taxes"))
    doc_fee, other_fees = fees(raw.get("fees"))
    trade = trade_in(raw.get("tradeIn"))
    lender = ident(finance.get("lenderCode"))
    financed = any(finance.get(k) is not None for k in ("termMonths", "aprPercent", "lenderCode"))
    return Deal(
        id=ident(raw["dealId"]),
        deal_number=text(raw.get("dealNumber")),
        status=status,
        status_raw=status_raw,
        sale_type=text(raw.get("dealType")),
        buyer_id=ident(raw.get("customerId")),
        co_buyer_id=ident(raw.get("coBuyerId")),
        vehicle=vehicle_ref(raw.get("vehicle")),
        pricing=DealPricing(
            selling_price=money(pricing.get("salePrice")),
            discounts=money(pricing.get("discounts")),
            rebates=money(pricing.get("rebates")),
            doc_fee=doc_fee,
            cash_down=money(finance.get("cashDown")),
            tax_rate=percent_as_fraction(taxes.get("ratePercent")),
            tax_amount=money(taxes.get("amount")),
            fees=other_fees,
        ),
        trade_ins=(trade,) if trade else (),
        financing=DealFinancing(
            term_months=integer(finance.get("termMonths")),
            apr=decimal(finance.get("aprPercent")),
            lender_id=lender,
            monthly_payment=money(finance.get("monthlyPayment")),
        )
        if financed
        else None,
        products=finance_products(finance.get("products")),
        salesperson_id=ident(raw.get("salespersonId")),
        finance_manager_id=ident(raw.get("fniManagerId")),
        reference_id=text(raw.get("referenceId")),
        created_at=timestamp(raw.get("createdAt")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def service_vehicle(
    vehicle: Raw, owner_id: str | None, mileage: int | None = None
) -> ServiceVehicle | None:
    """A customer's vehicle as service records embed it; Auto/Mate keys it by VIN."""
    vin = text(vehicle.get("vin"))
    if not vin:
        return None
    return ServiceVehicle(
        id=vin,
        vin=vin,
        year=integer(vehicle.get("year")),
        make=text(vehicle.get("make")),
        model=text(vehicle.get("model")),
        trim=text(vehicle.get("trim")),
        license_plate=text(vehicle.get("licensePlate")),
        mileage=mileage,
        owner_id=owner_id,
    )


def _labor(line: Any, job: Raw, declined: bool) -> tuple[LaborLine, ...]:
    return tuple(
        LaborLine(
            op_code=text(x.get("opCode")) or text(job.get("opCode")),
            description=text(x.get("description")),
            hours=decimal(x.get("laborHours")),
            rate=money(x.get("laborRate")),
            amount=money(x["amount"]),
            declined=declined,
            technician_id=ident(job.get("technicianId")),
            job_name=text(job.get("description")),
        )
        for x in map(obj, line)
    )


def _parts(line: Any, job: Raw, declined: bool) -> tuple[PartLine, ...]:
    return tuple(
        PartLine(
            part_number=text(x.get("partNumber")),
            description=text(x.get("description")),
            quantity=decimal(x["quantity"]),
            unit_price=money(x.get("unitPrice")),
            amount=money(x["amount"]),
            declined=declined,
            job_name=text(job.get("description")),
        )
        for x in map(obj, line)
    )


def map_repair_order(raw: Raw) -> RepairOrder:
    status, status_raw = normalize(
        raw.get("status"), REPAIR_ORDER_STATUS, RepairOrderStatus.UNKNOWN
    )
    customer_id = ident(raw.get("customerId"))
    mileage_in, _ = odometer(raw.get("odometerIn"))
    vehicle = service_vehicle(obj(raw.get("vehicle")), customer_id, mileage_in)
    totals = obj(raw.get("totals"))
    labor: list[LaborLine] = []
    parts: list[PartLine] = []
    for job in map(obj, raw.get("lines") or ()):
        # A declined line was offered and refused: kept, flagged, outside every total.
        declined = (text(job.get("status")) or "").lower() == "declined"
        labor.extend(_labor(job.get("labor") or (), job, declined))
        parts.extend(_parts(job.get("parts") or (), job, declined))
    return RepairOrder(
        id=ident(raw["repairOrderId"]),
        ro_number=text(raw.get("roNumber")),
        status=status,
        status_raw=status_raw,
        opened_at=timestamp(raw.get("openedAt")),
        promised_at=timestamp(raw.get("promisedAt")),
        closed_at=timestamp(raw.get("closedAt")),
        customer_id=customer_id,
        customer_name=text(raw.get("customerName")),
        customer=embedded_customer(raw, full_name=text(raw.get("customerName"))),
        vehicle_id=vehicle.id if vehicle else None,
        vehicle=vehicle,
        mileage_in=mileage_in,
        advisor_id=ident(raw.get("advisorId")),
        technician_ids=tuple(ident(t) for t in raw.get("technicianIds") or () if t is not None),
        labor_lines=tuple(labor),
        part_lines=tuple(parts),
        totals=RepairOrderTotals(
            labor=money(totals.get("labor")),
            parts=money(totals.get("parts")),
            shop_supplies=money(totals.get("shopSupplies")),
            subtotal=money(totals.get("subtotal")),
            tax=money(totals.get("tax")),
            grand_total=money(totals.get("total")),
        ),
        notes=text(raw.get("notes")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def map_appointment(raw: Raw) -> ServiceAppointment:
    status, status_raw = normalize(raw.get("status"), APPOINTMENT_STATUS, AppointmentStatus.UNKNOWN)
    starts_at = timestamp(raw.get("appointmentTime"))
    customer_id = ident(raw.get("customerId"))
    vehicle = service_vehicle({"vin": raw.get("vin")}, customer_id)
    return ServiceAppointment(
        id=ident(raw["appointmentId"]),
        status=status,
        status_raw=status_raw,
        starts_at=starts_at,
        ends_at=end_time(starts_at, raw.get("durationMinutes")),
        customer_id=customer_id,
        vehicle_id=vehicle.id if vehicle else None,
        vin=vehicle.vin if vehicle else None,
        vehicle=vehicle,
        advisor_id=ident(raw.get("advisorId")),
        op_codes=tuple(str(obj(op)["code"]) for op in raw.get("opCodes") or ()),
        concern=text(raw.get("concern")),
        transportation=text(raw.get("transportation")),
        notes=text(raw.get("notes")),
        created_at=timestamp(raw.get("createdAt")),
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


def map_receivable(raw: Raw) -> Account:
    status, status_raw = normalize(raw.get("status"), RECEIVABLE_STATUS, AccountStatus.UNKNOWN)
    return Account(
        id=ident(raw["accountId"]),
        account_number=text(raw.get("accountNumber")),
        kind=AccountKind.RECEIVABLE,
        status=status,
        status_raw=status_raw,
        customer_id=ident(raw.get("customerId")),
        opened_on=day(raw.get("openDate")),
        original_amount=money(raw.get("originalAmount")),
        balance=money(raw["balance"]),
        payment_amount=money(raw.get("installmentAmount")),
        next_due_date=day(raw.get("nextDueDate")),
        next_due_amount=money(raw.get("nextDueAmount")),
        days_past_due=integer(raw.get("daysPastDue")) or 0,
        past_due_amount=money(raw.get("pastDueAmount")),
        last_payment_at=timestamp(raw.get("lastPaymentAt")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def map_receipt(raw: Raw) -> Payment:
    method, method_raw = normalize(raw.get("paymentMethod"), PAYMENT_METHOD, PaymentMethod.OTHER)
    return Payment(
        id=ident(raw["receiptId"]),
        account_id=ident(raw.get("accountId")),
        customer_id=ident(raw.get("customerId")),
        amount=money(raw["amount"]),
        method=method,
        method_raw=method_raw,
        status=text(raw.get("status")),
        received_at=timestamp(raw.get("receivedAt")),
        receipt_number=text(raw.get("receiptNumber")),
        reference_id=text(raw.get("reference")),
    )

"""AutoSoft JSON (camelCase, per docs/contracts/autosoft.md) to canonical models.

Pure functions over decoded JSON (floats already ``Decimal``). The status tables are also
what the adapter pushes down as query parameters, so both directions agree.
"""

from __future__ import annotations

from typing import Any

from adapters.convert import (
    Raw,
    boolean,
    day,
    decimal,
    end_time,
    full_name,
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
    Deal,
    DealFinancing,
    DealPricing,
    DealStatus,
    Fee,
    InventoryVehicle,
    LaborLine,
    Lead,
    LeadStatus,
    PartLine,
    Payment,
    PaymentMethod,
    RepairOrder,
    RepairOrderStatus,
    RepairOrderTotals,
    ServiceAppointment,
    TradeIn,
    VehicleCondition,
    VehicleStatus,
)
from adapters.supergood.mapping import embedded_vehicle, finance_products, photos, vehicle_ref

# AutoSoft parts and users are the family's shapes; re-exported for the adapter.
from adapters.supergood.mapping import map_customer as map_customer
from adapters.supergood.mapping import map_part as map_part
from adapters.supergood.mapping import map_user as map_user

VEHICLE_STATUS = {
    "in_stock": VehicleStatus.IN_STOCK,
    "hold": VehicleStatus.ON_HOLD,
    "retail_sold": VehicleStatus.SOLD,
    "wholesale": VehicleStatus.WHOLESALE,
    "demo": VehicleStatus.DEMO,
}
VEHICLE_TYPE = {
    "new": VehicleCondition.NEW,
    "used": VehicleCondition.USED,
    "cpo": VehicleCondition.CERTIFIED,
}
LEAD_STATUS = {s.value: s for s in LeadStatus if s is not LeadStatus.UNKNOWN}
DEAL_STATUS = {
    "draft": DealStatus.DRAFT,
    "pending": DealStatus.PENDING,
    "approved": DealStatus.APPROVED,
    "contracted": DealStatus.CONTRACTED,
    "delivered": DealStatus.DELIVERED,
    "cancelled": DealStatus.CANCELLED,
}
REPAIR_ORDER_STATUS = {
    "open": RepairOrderStatus.OPEN,
    "waiting_parts": RepairOrderStatus.WAITING_PARTS,
    "completed": RepairOrderStatus.COMPLETED,
    "posted": RepairOrderStatus.CLOSED,  # posted to accounting: the RO is closed
}
APPOINTMENT_STATUS = {s.value: s for s in AppointmentStatus if s is not AppointmentStatus.UNKNOWN}
ACCOUNT_STATUS = {
    "current": AccountStatus.CURRENT,
    "past_due": AccountStatus.PAST_DUE,
    "paid_off": AccountStatus.PAID_OFF,
    "closed": AccountStatus.CLOSED,
}
PAYMENT_METHOD = {m.value: m for m in PaymentMethod}


def map_vehicle(raw: Raw) -> InventoryVehicle:
    status, status_raw = normalize(raw.get("status"), VEHICLE_STATUS, VehicleStatus.UNKNOWN)
    condition, condition_raw = normalize(raw.get("type"), VEHICLE_TYPE, VehicleCondition.UNKNOWN)
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
        drivetrain=text(raw.get("drivetrain")),
        transmission=text(raw.get("transmission")),
        engine=text(raw.get("engine")),
        fuel_type=text(raw.get("fuelType")),
        msrp=money(raw.get("msrp")),
        asking_price=money(raw.get("askingPrice")),
        cost=money(raw.get("cost")),
        location_id=ident(raw.get("locationId")),
        photos=photos(raw.get("photos")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def trade_in(raw: Any, *, allowance: Any = None, payoff: Any = None) -> TradeIn:
    t = obj(raw)
    return TradeIn(
        vin=text(t.get("vin")),
        mileage=integer(t.get("mileage")),
        allowance=money(allowance),
        payoff=money(payoff),
    )


def map_lead(raw: Raw) -> Lead:
    status, status_raw = normalize(raw.get("status"), LEAD_STATUS, LeadStatus.UNKNOWN)
    person = obj(raw.get("customer"))
    consent = obj(raw.get("consent"))
    trade = raw.get("tradeIn")
    return Lead(
        id=ident(raw["leadId"]),
        status=status,
        status_raw=status_raw,
        source=text(raw.get("source")),
        customer_id=ident(raw.get("customerId") or person.get("customerId")),
        first_name=text(person.get("firstName")),
        last_name=text(person.get("lastName")),
        email=text(person.get("email")),
        phone=text(person.get("phone")),
        vehicle_of_interest=vehicle_ref(raw.get("vehicleOfInterest")),
        trade_in=trade_in(trade) if trade else None,
        notes=text(raw.get("notes")),
        consent=Consent(
            # The vendor spells it "tcpA".
            tcpa=boolean(consent.get("tcpA", consent.get("tcpa"))),
            email=boolean(consent.get("email")),
            sms=boolean(consent.get("sms")),
        )
        if consent
        else None,
        reference_id=text(raw.get("referenceId")),
        created_at=timestamp(raw.get("createdAt")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def map_deal(raw: Raw) -> Deal:
    status, status_raw = normalize(raw.get("status"), DEAL_STATUS, DealStatus.UNKNOWN)
    buyer = obj(raw.get("buyer"))
    pricing = obj(raw.get("pricing"))
    tax = obj(pricing.get("tax"))
    financing = obj(raw.get("financing"))
    payment = obj(raw.get("paymentOptions"))
    # The trade's allowance and payoff are priced in ``pricing``; the trade itself is
    # described in ``tradeIn``.
    allowance, payoff = money(pricing.get("tradeAllowance")), money(pricing.get("tradePayoff"))
    trade = raw.get("tradeIn")
    return Deal(
        id=ident(raw["dealId"]),
        deal_number=text(raw.get("dealNumber")),
        status=status,
        status_raw=status_raw,
        sale_type=text(raw.get("saleType")),
        buyer_id=ident(buyer.get("customerId")),
        co_buyer_id=ident(buyer.get("coBuyerId")),
        vehicle=vehicle_ref(raw.get("vehicle")),
        pricing=DealPricing(
            selling_price=money(pricing.get("sellingPrice")),
            rebates=money(pricing.get("rebates")),
            doc_fee=money(pricing.get("docFee")),
            cash_down=money(pricing.get("cashDown")),
            tax_rate=decimal(tax.get("rate")),
            tax_basis=text(tax.get("basis")),
            tax_amount=money(tax.get("amount")),
            fees=tuple(
                Fee(code=str(f["code"]), amount=money(f["amount"]))
                for f in map(obj, pricing.get("fees") or ())
            ),
        ),
        trade_ins=(trade_in(trade, allowance=allowance, payoff=payoff),)
        if trade or allowance or payoff
        else (),
        financing=DealFinancing(
            term_months=integer(financing.get("termMonths", payment.get("termMonths"))),
            apr=decimal(financing.get("apr", payment.get("apr"))),
            lender_preferences=strings(financing.get("lenderPreference")),
            monthly_payment=money(payment.get("monthly")),
        )
        if financing or payment
        else None,
        products=finance_products(financing.get("products")),
        salesperson_id=ident(raw.get("salespersonId")),
        reference_id=text(raw.get("referenceId")),
        created_at=timestamp(raw.get("createdAt")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def map_repair_order(raw: Raw) -> RepairOrder:
    status, status_raw = normalize(
        raw.get("status"), REPAIR_ORDER_STATUS, RepairOrderStatus.UNKNOWN
    )
    customer = obj(raw.get("customer"))
    vehicle = obj(raw.get("vehicle"))
    lines = obj(raw.get("lines"))
    totals = obj(raw.get("totals"))
    customer_id = ident(customer.get("customerId"))
    vin = text(vehicle.get("vin"))
    mileage_in = integer(vehicle.get("mileageIn"))
    tax, grand_total = money(totals.get("tax")), money(totals.get("grandTotal"))
    subtotal = money(totals.get("subtotal"))
    if subtotal is None and tax is not None and grand_total is not None:
        subtotal = grand_total - tax  # pre-tax total, by definition
    return RepairOrder(
        id=ident(raw["roId"]),
        ro_number=text(raw.get("roNumber")),
        status=status,
        status_raw=status_raw,
        opened_at=timestamp(raw.get("openedAt")),
        promised_at=timestamp(raw.get("promisedAt")),
        closed_at=timestamp(raw.get("closedAt")),
        customer_id=customer_id,
        customer_name=full_name(text(customer.get("firstName")), text(customer.get("lastName"))),
        customer=embedded_customer(customer),
        # AutoSoft has no service-vehicle resource: the embedded vehicle is keyed by VIN.
        vehicle_id=vin,
        vehicle=embedded_vehicle(vehicle, customer_id, mileage=mileage_in),
        mileage_in=mileage_in,
        advisor_id=ident(raw.get("advisorId")),
        technician_ids=tuple(ident(t) for t in raw.get("technicians") or () if t is not None),
        labor_lines=tuple(
            LaborLine(
                op_code=text(line.get("opCode")),
                description=text(line.get("description")),
                hours=decimal(line.get("hours")),
                rate=money(line.get("rate")),
                amount=money(line["amount"]),
            )
            for line in map(obj, lines.get("labor") or ())
        ),
        part_lines=tuple(
            PartLine(
                part_number=text(line.get("partNumber")),
                description=text(line.get("description")),
                quantity=decimal(line["qty"]),
                unit_price=money(line.get("unitPrice")),
                amount=money(line["amount"]),
            )
            for line in map(obj, lines.get("parts") or ())
        ),
        totals=RepairOrderTotals(
            labor=money(totals.get("labor")),
            parts=money(totals.get("parts")),
            shop_supplies=money(totals.get("shopSupplies")),
            subtotal=subtotal,
            tax=tax,
            grand_total=grand_total,
        ),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def map_appointment(raw: Raw) -> ServiceAppointment:
    status, status_raw = normalize(raw.get("status"), APPOINTMENT_STATUS, AppointmentStatus.UNKNOWN)
    starts_at = timestamp(raw.get("scheduledAt"))
    vehicle = embedded_vehicle(obj(raw.get("vehicle")), ident(raw.get("customerId")))
    vin = vehicle.vin if vehicle else None
    return ServiceAppointment(
        id=ident(raw["appointmentId"]),
        status=status,
        status_raw=status_raw,
        starts_at=starts_at,
        ends_at=end_time(starts_at, raw.get("durationMinutes")),
        customer_id=ident(raw.get("customerId")),
        vehicle_id=vin,  # service vehicles are keyed by VIN here, as on repair orders
        vin=vin,
        vehicle=vehicle,
        advisor_id=ident(raw.get("advisorId")),
        op_codes=strings(raw.get("opCodes")),
        concern=text(raw.get("concern")),
        transportation=text(raw.get("transportation")),
        notes=text(raw.get("notes")),
        created_at=timestamp(raw.get("createdAt")),
    )


def map_account(raw: Raw) -> Account:
    status, status_raw = normalize(raw.get("status"), ACCOUNT_STATUS, AccountStatus.UNKNOWN)
    return Account(
        id=ident(raw["accountId"]),
        account_number=text(raw.get("accountNumber")),
        kind=AccountKind.RECEIVABLE,
        status=status,
        status_raw=status_raw,
        customer_id=ident(raw.get("customerId")),
        opened_on=day(raw.get("openedAt")),
        balance=money(raw["balance"]),
        past_due_amount=money(raw.get("pastDue")),
        days_past_due=integer(raw.get("daysPastDue")) or 0,
        next_due_date=day(raw.get("nextDueDate")),
        next_due_amount=money(raw.get("nextDueAmount")),
        last_payment_at=timestamp(raw.get("lastPaymentAt")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def map_payment(raw: Raw) -> Payment:
    method, method_raw = normalize(raw.get("method"), PAYMENT_METHOD, PaymentMethod.OTHER)
    return Payment(
        id=ident(raw["paymentId"]),
        account_id=ident(raw.get("accountId")),
        amount=money(raw["amount"]),
        method=method,
        method_raw=method_raw,
        received_at=timestamp(raw.get("receivedAt")),
        receipt_number=text(raw.get("receiptNumber")),
        reference_id=text(raw.get("reference")),
    )

"""AutoSoft JSON (camelCase, per docs/contracts/autosoft.md) to canonical models: the
family's field maps (``adapters.supergood.fields``) plus AutoSoft's own keys and tables. The
adapter pushes the status tables down as query parameters, so both directions agree."""

from __future__ import annotations

from typing import Any

from adapters import convert as to
from adapters.convert import Raw
from adapters.embeds import embedded_customer
from adapters.fieldmap import FieldMap, Normalized, Required, read, renames, same_words, under
from adapters.models import (
    Account,
    AccountKind,
    AccountStatus,
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
    ServiceAppointment,
    TradeIn,
    VehicleCondition,
    VehicleStatus,
)
from adapters.supergood import fields as family
from adapters.supergood.mapping import (
    embedded_vehicle,
    finance_products,
    photos,
    repair_order_totals,
    vehicle_ref,
)

# AutoSoft parts and users are the family's shapes; re-exported for the adapter.
from adapters.supergood.mapping import map_customer as map_customer
from adapters.supergood.mapping import map_part as map_part
from adapters.supergood.mapping import map_user as map_user
from adapters.typed_maps import made

VEHICLE_STATUS = {
    "in_stock": VehicleStatus.IN_STOCK,
    "hold": VehicleStatus.ON_HOLD,
    "retail_sold": VehicleStatus.SOLD,
    **same_words(VehicleStatus, "wholesale", "demo"),
}
VEHICLE_TYPE = {
    **same_words(VehicleCondition, "new", "used"),
    "cpo": VehicleCondition.CERTIFIED,
}
LEAD_STATUS = {s.value: s for s in LeadStatus if s is not LeadStatus.UNKNOWN}
DEAL_STATUS = same_words(
    DealStatus, "draft", "pending", "approved", "contracted", "delivered", "cancelled"
)
REPAIR_ORDER_STATUS = {
    **same_words(RepairOrderStatus, "open", "waiting_parts", "completed"),
    "posted": RepairOrderStatus.CLOSED,  # posted to accounting: the RO is closed
}
APPOINTMENT_STATUS = family.APPOINTMENT_STATUS
ACCOUNT_STATUS = same_words(AccountStatus, "current", "past_due", "paid_off", "closed")
PAYMENT_METHOD = {m.value: m for m in PaymentMethod}

VEHICLE: FieldMap = {
    **family.vehicle(VEHICLE_STATUS),
    **family.VEHICLE_BODY,
    **family.POWERTRAIN,
    "condition": Normalized("type", VEHICLE_TYPE, VehicleCondition.UNKNOWN),
    **renames(to.money, msrp="msrp", asking_price="askingPrice", cost="cost"),
    **renames(to.integer, mileage="mileage"),
    **renames(to.text, drivetrain="drivetrain"),
    **renames(to.ident, location_id="locationId"),
}
LEAD: FieldMap = {
    **family.lead(LEAD_STATUS),
    **under("customer", family.CONTACT),
    **renames(to.text, notes="notes"),
}
DEAL: FieldMap = {
    **family.deal(DEAL_STATUS),
    **renames(to.text, sale_type="saleType"),
    **renames(to.ident, buyer_id="buyer.customerId", co_buyer_id="buyer.coBuyerId"),
}
REPAIR_ORDER: FieldMap = {
    **family.repair_order("roId", REPAIR_ORDER_STATUS),
    **renames(to.timestamp, closed_at="closedAt"),
    **renames(to.ident, advisor_id="advisorId"),
}
APPOINTMENT: FieldMap = {
    **family.APPOINTMENT,
    **renames(to.ident, customer_id="customerId", advisor_id="advisorId"),
    **renames(to.strings, op_codes="opCodes"),
}
ACCOUNT: FieldMap = {
    **family.account(ACCOUNT_STATUS),
    **renames(to.day, opened_on="openedAt"),
    **renames(to.money, past_due_amount="pastDue"),
}
PAYMENT: FieldMap = {
    **family.PAYMENT,
    "id": Required("paymentId", to.ident),
    "method": Normalized("method", PAYMENT_METHOD, PaymentMethod.OTHER),
    **renames(to.timestamp, received_at="receivedAt"),
    **renames(to.text, reference_id="reference"),
}


def map_vehicle(raw: Raw) -> InventoryVehicle:
    return made(InventoryVehicle, VEHICLE, raw, photos=photos(raw.get("photos")))


def trade_in(raw: Any, *, allowance: Any = None, payoff: Any = None) -> TradeIn:
    t = to.obj(raw)
    return TradeIn(
        vin=to.text(t.get("vin")),
        mileage=to.integer(t.get("mileage")),
        allowance=to.money(allowance),
        payoff=to.money(payoff),
    )


def map_lead(raw: Raw) -> Lead:
    person = to.obj(raw.get("customer"))
    consent = to.obj(raw.get("consent"))
    trade = raw.get("tradeIn")
    return Lead(
        **read(LEAD, raw),
        customer_id=to.ident(raw.get("customerId") or person.get("customerId")),
        vehicle_of_interest=vehicle_ref(raw.get("vehicleOfInterest")),
        trade_in=trade_in(trade) if trade else None,
        consent=Consent(
            # The vendor spells it "tcpA".
            tcpa=to.boolean(consent.get("tcpA", consent.get("tcpa"))),
            email=to.boolean(consent.get("email")),
            sms=to.boolean(consent.get("sms")),
        )
        if consent
        else None,
    )


PRICING: FieldMap = {
    **renames(to.money, selling_price="sellingPrice", rebates="rebates", doc_fee="docFee"),
    **renames(to.money, cash_down="cashDown", tax_amount="tax.amount"),
    **renames(to.decimal, tax_rate="tax.rate"),
    **renames(to.text, tax_basis="tax.basis"),
}


def map_deal(raw: Raw) -> Deal:
    pricing = to.obj(raw.get("pricing"))
    financing = to.obj(raw.get("financing"))
    payment = to.obj(raw.get("paymentOptions"))
    # The trade's allowance and payoff are priced in ``pricing``; the trade itself is
    # described in ``tradeIn``.
    allowance, payoff = (
        to.money(pricing.get("tradeAllowance")),
        to.money(pricing.get("tradePayoff")),
    )
    trade = raw.get("tradeIn")
    return Deal(
        **read(DEAL, raw),
        vehicle=vehicle_ref(raw.get("vehicle")),
        pricing=DealPricing(
            **read(PRICING, pricing),
            fees=tuple(
                Fee(code=str(f["code"]), amount=to.money(f["amount"]))
                for f in map(to.obj, pricing.get("fees") or ())
            ),
        ),
        trade_ins=(trade_in(trade, allowance=allowance, payoff=payoff),)
        if trade or allowance or payoff
        else (),
        financing=DealFinancing(
            term_months=to.integer(financing.get("termMonths", payment.get("termMonths"))),
            apr=to.decimal(financing.get("apr", payment.get("apr"))),
            lender_preferences=to.strings(financing.get("lenderPreference")),
            monthly_payment=to.money(payment.get("monthly")),
        )
        if financing or payment
        else None,
        products=finance_products(financing.get("products")),
    )


def map_repair_order(raw: Raw) -> RepairOrder:
    customer = to.obj(raw.get("customer"))
    vehicle = to.obj(raw.get("vehicle"))
    lines = to.obj(raw.get("lines"))
    customer_id = to.ident(customer.get("customerId"))
    vin = to.text(vehicle.get("vin"))
    mileage_in = to.integer(vehicle.get("mileageIn"))
    return RepairOrder(
        **read(REPAIR_ORDER, raw),
        customer_id=customer_id,
        customer_name=to.full_name(
            to.text(customer.get("firstName")), to.text(customer.get("lastName"))
        ),
        customer=embedded_customer(customer),
        # AutoSoft has no service-vehicle resource: the embedded vehicle is keyed by VIN.
        vehicle_id=vin,
        vehicle=embedded_vehicle(vehicle, customer_id, mileage=mileage_in),
        mileage_in=mileage_in,
        technician_ids=tuple(to.ident(t) for t in raw.get("technicians") or () if t is not None),
        # AutoSoft flags no line as declined.
        labor_lines=tuple(
            made(LaborLine, family.LABOR_LINE, line)
            for line in map(to.obj, lines.get("labor") or ())
        ),
        part_lines=tuple(
            made(PartLine, family.PART_LINE, line) for line in map(to.obj, lines.get("parts") or ())
        ),
        totals=repair_order_totals(raw.get("totals")),
    )


def map_appointment(raw: Raw) -> ServiceAppointment:
    starts_at = to.timestamp(raw.get("scheduledAt"))
    vehicle = embedded_vehicle(to.obj(raw.get("vehicle")), to.ident(raw.get("customerId")))
    vin = vehicle.vin if vehicle else None
    return ServiceAppointment(
        **read(APPOINTMENT, raw),
        starts_at=starts_at,
        ends_at=to.end_time(starts_at, raw.get("durationMinutes")),
        vehicle_id=vin,  # service vehicles are keyed by VIN here, as on repair orders
        vin=vin,
        vehicle=vehicle,
    )


def map_account(raw: Raw) -> Account:
    return made(Account, ACCOUNT, raw, kind=AccountKind.RECEIVABLE)


def map_payment(raw: Raw) -> Payment:
    return made(Payment, PAYMENT, raw)

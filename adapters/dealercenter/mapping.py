"""DealerCenter JSON (camelCase, per docs/contracts/dealercenter.md) to canonical models:
inventory with lots and book values, leads with TCPA consent, deals, and buy-here-pay-here
accounts with their schedules and payments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters import convert as to
from adapters.convert import Raw
from adapters.embeds import embedded_customer
from adapters.fieldmap import FieldMap, Normalized, Required, read, renames, same_words
from adapters.models import (
    Account,
    AccountKind,
    AccountStatus,
    BookValue,
    Consent,
    Deal,
    DealFinancing,
    DealPricing,
    DealStatus,
    Employee,
    EmployeeRole,
    Fee,
    Installment,
    InventoryVehicle,
    Lead,
    LeadStatus,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    Photos,
    TradeIn,
    VehicleCondition,
    VehicleRef,
    VehicleStatus,
)
from adapters.supergood import fields as family
from adapters.supergood.mapping import employee

# The family's customer record (``customerType`` retail or business), as AutoSoft's.
from adapters.supergood.mapping import map_customer as map_customer
from adapters.typed_maps import made

VEHICLE_STATUS = same_words(VehicleStatus, "in_stock", "pending", "sold", "wholesale")
LEAD_STATUS = {
    **same_words(LeadStatus, "new", "contacted"),
    "appointment_set": LeadStatus.QUALIFIED,
    "sold": LeadStatus.CONVERTED,
    "lost": LeadStatus.LOST,
}
DEAL_STATUS = {
    "quote": DealStatus.DRAFT,
    **same_words(DealStatus, "submitted", "approved", "contracted", "delivered", "cancelled"),
}
USER_ROLE = {
    "sales": EmployeeRole.SALESPERSON,
    "finance": EmployeeRole.FINANCE_MANAGER,
    "manager": EmployeeRole.MANAGER,
    "collections": EmployeeRole.ACCOUNTING,
}
ACCOUNT_STATUS = same_words(AccountStatus, "current", "past_due", "paid_off", "charged_off")
PAYMENT_METHOD = {
    **same_words(PaymentMethod, "cash", "card", "ach", "check"),
    "money_order": PaymentMethod.OTHER,
}
DOC_FEE_CODE = "doc"


@dataclass(frozen=True, slots=True)
class Lot:
    """A lot of the dealership: only its name is wanted, to label vehicles."""

    id: str
    name: str | None


def map_lot(raw: Raw) -> Lot:
    return Lot(id=str(to.ident(raw["lotId"])), name=to.text(raw.get("name")))


def book_values(raw: Any) -> tuple[BookValue, ...]:
    """``{"kbb": 21400.00, "nada": ..., "blackBook": ...}``: one per guide that has a value,
    named as the vendor names the guide."""
    return tuple(
        BookValue(source=str(guide), amount=amount)
        for guide, value in to.obj(raw).items()
        if (amount := to.money(value)) is not None
    )


def photos(raw: Any) -> Photos:
    """By the vendor's ``position`` (listed order where it gives none); the first is the
    one listing feeds lead with."""
    rows = [to.obj(p) for p in raw or ()]
    numbered = sorted(
        ((to.integer(p.get("position")), i, p) for i, p in enumerate(rows)),
        key=lambda x: (x[0] is None, x[0] or 0, x[1]),
    )
    return Photos(
        (str(p["url"]), rank == 0, position) for rank, (position, _, p) in enumerate(numbered)
    )


VEHICLE: FieldMap = {
    **family.vehicle(VEHICLE_STATUS),
    # ``mileage`` is read by map_vehicle, which derives the condition from it.
    **renames(to.text, exterior_color="color.exterior", interior_color="color.interior"),
    **renames(to.money, asking_price="price", cost="cost"),
    **renames(to.ident, lot_id="lotId"),
    **renames(to.day, acquired_on="acquiredAt"),
    **renames(to.text, acquisition_source="source"),
    "book_values": ("bookValues", book_values),
    "photos": ("photos", photos),
}
LEAD: FieldMap = {
    **family.lead(LEAD_STATUS),
    **family.CONTACT,
    **renames(to.text, channel="channel", notes="message"),
    **renames(to.ident, customer_id="customerId", assigned_user_id="assignedUserId"),
}


USED_FROM_MILES = 1_000
"""DealerCenter does not say new or used. A vehicle driven this far has had an owner (a new
one carries delivery miles only): USED. Below it, or without a mileage, it stays UNKNOWN;
``conditionRaw`` stays null, as the vendor sent nothing."""


def derived_condition(mileage: int | None) -> VehicleCondition:
    if mileage is not None and mileage >= USED_FROM_MILES:
        return VehicleCondition.USED
    return VehicleCondition.UNKNOWN


def map_vehicle(raw: Raw) -> InventoryVehicle:
    """The mileage (whole miles, as the page gives it) is converted once, here, and serves
    both the vehicle's mileage and its derived condition."""
    mileage = to.integer(raw.get("mileage"))
    return made(
        InventoryVehicle, VEHICLE, raw, mileage=mileage, condition=derived_condition(mileage)
    )


def map_lead(raw: Raw) -> Lead:
    """A lead as listed, or as the create request and its answer describe it."""
    consent = to.obj(raw.get("tcpaConsent"))
    vehicle_id = to.ident(raw.get("vehicleInterestId"))
    return Lead(
        **read(LEAD, raw),
        vehicle_of_interest=VehicleRef(vehicle_id=vehicle_id) if vehicle_id else None,
        # TCPA consent covers calls and texts to the number given; e-mail is not asked.
        consent=Consent(
            tcpa=to.boolean(consent.get("granted")),
            captured_at=to.timestamp(consent.get("timestamp")),
            ip_address=to.text(consent.get("ip")),
        )
        if consent
        else None,
    )


def _fees(raw: Any) -> tuple[Fee, ...]:
    return tuple(
        Fee(
            code=str(f["code"]),
            description=to.text(f.get("description")),
            amount=to.money(f["amount"]),
        )
        for f in map(to.obj, raw or ())
    )


def _trade_in(raw: Any) -> tuple[TradeIn, ...]:
    t = to.obj(raw)
    if not t or to.boolean(t.get("enabled")) is False:
        return ()
    allowance, payoff = to.money(t.get("allowance")), to.money(t.get("lienPayoff"))
    return (TradeIn(vin=to.text(t.get("vin")), allowance=allowance, payoff=payoff),)


DEAL: FieldMap = {
    **family.deal(DEAL_STATUS),
    **renames(to.text, sale_type="dealType"),
    **renames(to.ident, buyer_id="buyer.customerId"),
}


def map_deal(raw: Raw) -> Deal:
    """A deal as listed, or as the create request and its answer describe it."""
    buyer = to.obj(raw.get("buyer"))
    tax = to.obj(raw.get("tax"))
    finance = to.obj(raw.get("finance"))
    estimate = to.obj(raw.get("paymentEstimate"))
    credit = to.obj(raw.get("creditApplication"))
    fees = _fees(raw.get("fees"))
    # The doc fee is one of DealerCenter's fee lines; canonically it has its own field.
    doc_fee = next((f.amount for f in fees if f.code == DOC_FEE_CODE), None)
    vehicle_id = to.ident(raw.get("vehicleId"))
    return Deal(
        **read(DEAL, raw),
        buyer=embedded_customer(buyer),
        vehicle=VehicleRef(vehicle_id=vehicle_id) if vehicle_id else None,
        pricing=DealPricing(
            selling_price=to.money(raw.get("salePrice")),
            discounts=to.money(raw.get("discounts")),
            doc_fee=doc_fee,
            cash_down=to.money(raw.get("downPayment")),
            tax_rate=to.decimal(tax.get("rate")),
            tax_amount=to.money(tax.get("amount")),
            fees=tuple(f for f in fees if f.code != DOC_FEE_CODE),
        ),
        trade_ins=_trade_in(raw.get("tradeIn")),
        financing=DealFinancing(
            term_months=to.integer(finance.get("termMonths", estimate.get("termMonths"))),
            apr=to.decimal(finance.get("apr", estimate.get("apr"))),
            lender_id=to.ident(finance.get("lenderId")),
            lender_status=to.text(credit.get("status")),
            monthly_payment=to.money(estimate.get("monthly")),
            credit_application_id=to.ident(credit.get("applicationId")),
        )
        if finance or estimate or credit
        else None,
    )


def map_user(raw: Raw) -> Employee:
    return employee(raw, USER_ROLE)


def _installment(raw: Raw) -> Installment:
    return Installment(
        due_date=to.day(raw["dueDate"]),
        amount=to.money(raw["amount"]),
        principal=to.money(raw.get("principal")),
        interest=to.money(raw.get("interest")),
        paid=raw.get("status") == "paid",
    )


ACCOUNT: FieldMap = {
    **family.account(ACCOUNT_STATUS),
    **renames(to.ident, deal_id="dealId", vehicle_id="vehicleId"),
    **renames(to.day, opened_on="openedAt"),
    **renames(to.money, original_amount="amountFinanced", payoff_amount="payoff"),
    **renames(to.money, payment_amount="paymentAmount", past_due_amount="pastDueAmount"),
    **renames(to.money, late_fees_due="lateFeesDue"),
    **renames(to.decimal, apr="apr"),
    **renames(to.text, payment_frequency="paymentFrequency"),
}


def map_account(raw: Raw) -> Account:
    return Account(
        **read(ACCOUNT, raw),
        kind=AccountKind.BHPH,
        schedule=tuple(_installment(to.obj(r)) for r in raw.get("schedule") or ()),
    )


# Also the allocation body a payment write sends (``writes.payment_body``).
ALLOCATION: FieldMap = renames(
    to.money, principal="principal", interest="interest", late_fees="lateFees"
)


def _allocation(raw: Raw) -> PaymentAllocation:
    """Parts the vendor leaves out count as zero."""
    parts = read(ALLOCATION, raw)
    return PaymentAllocation(**{name: v for name, v in parts.items() if v is not None})


PAYMENT: FieldMap = {
    **family.PAYMENT,
    "id": Required("paymentId", to.ident),
    "method": Normalized("paymentMethod", PAYMENT_METHOD, PaymentMethod.OTHER),
    **renames(to.ident, customer_id="customerId"),
    **renames(to.text, status="status", reference_id="referenceId", note="note"),
    **renames(to.timestamp, received_at="postedAt"),
}


def map_payment(raw: Raw) -> Payment:
    """A payment as listed, or as the post request and its answer describe it."""
    allocation = to.obj(raw.get("allocation"))
    return made(Payment, PAYMENT, raw, allocation=_allocation(allocation) if allocation else None)

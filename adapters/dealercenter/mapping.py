"""DealerCenter JSON (camelCase, per docs/contracts/dealercenter.md) to canonical models.

Pure functions over decoded JSON (floats already ``Decimal``). The status tables are also
what the adapter pushes down as query parameters, so both directions agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.convert import (
    Raw,
    boolean,
    day,
    decimal,
    ident,
    integer,
    money,
    normalize,
    obj,
    text,
    timestamp,
)
from adapters.embeds import embedded_customer
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
    Photo,
    TradeIn,
    VehicleRef,
    VehicleStatus,
)
from adapters.supergood.mapping import employee

# The family's customer record (``customerType`` retail or business), as AutoSoft's.
from adapters.supergood.mapping import map_customer as map_customer

VEHICLE_STATUS = {
    "in_stock": VehicleStatus.IN_STOCK,
    "pending": VehicleStatus.PENDING,
    "sold": VehicleStatus.SOLD,
    "wholesale": VehicleStatus.WHOLESALE,
}
LEAD_STATUS = {
    "new": LeadStatus.NEW,
    "contacted": LeadStatus.CONTACTED,
    "appointment_set": LeadStatus.QUALIFIED,
    "sold": LeadStatus.CONVERTED,
    "lost": LeadStatus.LOST,
}
DEAL_STATUS = {
    "quote": DealStatus.DRAFT,
    "submitted": DealStatus.SUBMITTED,
    "approved": DealStatus.APPROVED,
    "contracted": DealStatus.CONTRACTED,
    "delivered": DealStatus.DELIVERED,
    "cancelled": DealStatus.CANCELLED,
}
USER_ROLE = {
    "sales": EmployeeRole.SALESPERSON,
    "finance": EmployeeRole.FINANCE_MANAGER,
    "manager": EmployeeRole.MANAGER,
    "collections": EmployeeRole.ACCOUNTING,
}
ACCOUNT_STATUS = {
    "current": AccountStatus.CURRENT,
    "past_due": AccountStatus.PAST_DUE,
    "paid_off": AccountStatus.PAID_OFF,
    "charged_off": AccountStatus.CHARGED_OFF,
}
PAYMENT_METHOD = {
    "cash": PaymentMethod.CASH,
    "card": PaymentMethod.CARD,
    "ach": PaymentMethod.ACH,
    "check": PaymentMethod.CHECK,
    "money_order": PaymentMethod.OTHER,
}
DOC_FEE_CODE = "doc"


@dataclass(frozen=True, slots=True)
class Lot:
    """A lot of the dealership: only its name is wanted, to label vehicles."""

    id: str
    name: str | None


def map_lot(raw: Raw) -> Lot:
    return Lot(id=str(ident(raw["lotId"])), name=text(raw.get("name")))


def book_values(raw: Any) -> tuple[BookValue, ...]:
    """``{"kbb": 21400.00, "nada": ..., "blackBook": ...}``: one per guide that has a value,
    named as the vendor names the guide."""
    return tuple(
        BookValue(source=str(guide), amount=amount)
        for guide, value in obj(raw).items()
        if (amount := money(value)) is not None
    )


def photos(raw: Any) -> tuple[Photo, ...]:
    """By the vendor's ``position`` (listed order where it gives none); the first is the
    one listing feeds lead with."""
    rows = [obj(p) for p in raw or ()]
    numbered = sorted(
        ((integer(p.get("position")), i, p) for i, p in enumerate(rows)),
        key=lambda x: (x[0] is None, x[0] or 0, x[1]),
    )
    return tuple(
        Photo(url=str(p["url"]), primary=rank == 0, position=position)
        for rank, (position, _, p) in enumerate(numbered)
    )


def map_vehicle(raw: Raw) -> InventoryVehicle:
    status, status_raw = normalize(raw.get("status"), VEHICLE_STATUS, VehicleStatus.UNKNOWN)
    color = obj(raw.get("color"))
    return InventoryVehicle(
        id=ident(raw["vehicleId"]),
        vin=text(raw.get("vin")),
        stock_number=text(raw.get("stockNumber")),
        status=status,
        status_raw=status_raw,
        year=integer(raw.get("year")),
        make=text(raw.get("make")),
        model=text(raw.get("model")),
        trim=text(raw.get("trim")),
        mileage=integer(raw.get("mileage")),
        exterior_color=text(color.get("exterior")),
        interior_color=text(color.get("interior")),
        asking_price=money(raw.get("price")),
        cost=money(raw.get("cost")),
        book_values=book_values(raw.get("bookValues")),
        lot_id=ident(raw.get("lotId")),
        photos=photos(raw.get("photos")),
        acquired_on=day(raw.get("acquiredAt")),
        acquisition_source=text(raw.get("source")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def map_lead(raw: Raw) -> Lead:
    """A lead as listed, or as the create request and its answer describe it."""
    status, status_raw = normalize(raw.get("status"), LEAD_STATUS, LeadStatus.UNKNOWN)
    consent = obj(raw.get("tcpaConsent"))
    vehicle_id = ident(raw.get("vehicleInterestId"))
    return Lead(
        id=ident(raw["leadId"]),
        status=status,
        status_raw=status_raw,
        source=text(raw.get("source")),
        channel=text(raw.get("channel")),
        customer_id=ident(raw.get("customerId")),
        first_name=text(raw.get("firstName")),
        last_name=text(raw.get("lastName")),
        email=text(raw.get("email")),
        phone=text(raw.get("phone")),
        vehicle_of_interest=VehicleRef(vehicle_id=vehicle_id) if vehicle_id else None,
        notes=text(raw.get("message")),
        # TCPA consent covers calls and texts to the number given; e-mail is not asked.
        consent=Consent(
            tcpa=boolean(consent.get("granted")),
            captured_at=timestamp(consent.get("timestamp")),
            ip_address=text(consent.get("ip")),
        )
        if consent
        else None,
        assigned_user_id=ident(raw.get("assignedUserId")),
        reference_id=text(raw.get("referenceId")),
        created_at=timestamp(raw.get("createdAt")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def _fees(raw: Any) -> tuple[Fee, ...]:
    return tuple(
        Fee(code=str(f["code"]), description=text(f.get("description")), amount=money(f["amount"]))
        for f in map(obj, raw or ())
    )


def _trade_in(raw: Any) -> tuple[TradeIn, ...]:
    t = obj(raw)
    if not t or boolean(t.get("enabled")) is False:
        return ()
    allowance, payoff = money(t.get("allowance")), money(t.get("lienPayoff"))
    return (TradeIn(vin=text(t.get("vin")), allowance=allowance, payoff=payoff),)


def map_deal(raw: Raw) -> Deal:
    """A deal as listed, or as the create request and its answer describe it."""
    status, status_raw = normalize(raw.get("status"), DEAL_STATUS, DealStatus.UNKNOWN)
    buyer = obj(raw.get("buyer"))
    tax = obj(raw.get("tax"))
    finance = obj(raw.get("finance"))
    estimate = obj(raw.get("paymentEstimate"))
    credit = obj(raw.get("creditApplication"))
    fees = _fees(raw.get("fees"))
    # The doc fee is one of DealerCenter's fee lines; canonically it has its own field.
    doc_fee = next((f.amount for f in fees if f.code == DOC_FEE_CODE), None)
    vehicle_id = ident(raw.get("vehicleId"))
    return Deal(
        id=ident(raw["dealId"]),
        deal_number=text(raw.get("dealNumber")),
        status=status,
        status_raw=status_raw,
        sale_type=text(raw.get("dealType")),
        buyer_id=ident(buyer.get("customerId")),
        buyer=embedded_customer(buyer),
        vehicle=VehicleRef(vehicle_id=vehicle_id) if vehicle_id else None,
        pricing=DealPricing(
            selling_price=money(raw.get("salePrice")),
            discounts=money(raw.get("discounts")),
            doc_fee=doc_fee,
            cash_down=money(raw.get("downPayment")),
            tax_rate=decimal(tax.get("rate")),
            tax_amount=money(tax.get("amount")),
            fees=tuple(f for f in fees if f.code != DOC_FEE_CODE),
        ),
        trade_ins=_trade_in(raw.get("tradeIn")),
        financing=DealFinancing(
            term_months=integer(finance.get("termMonths", estimate.get("termMonths"))),
            apr=decimal(finance.get("apr", estimate.get("apr"))),
            lender_id=ident(finance.get("lenderId")),
            lender_status=text(credit.get("status")),
            monthly_payment=money(estimate.get("monthly")),
            credit_application_id=ident(credit.get("applicationId")),
        )
        if finance or estimate or credit
        else None,
        salesperson_id=ident(raw.get("salespersonId")),
        reference_id=text(raw.get("referenceId")),
        created_at=timestamp(raw.get("createdAt")),
        updated_at=timestamp(raw.get("updatedAt")),
    )


def map_user(raw: Raw) -> Employee:
    return employee(raw, USER_ROLE)


def _installment(raw: Raw) -> Installment:
    return Installment(
        due_date=day(raw["dueDate"]),
        amount=money(raw["amount"]),
        principal=money(raw.get("principal")),
        interest=money(raw.get("interest")),
        paid=raw.get("status") == "paid",
    )


def map_account(raw: Raw) -> Account:
    status, status_raw = normalize(raw.get("status"), ACCOUNT_STATUS, AccountStatus.UNKNOWN)
    return Account(
        id=ident(raw["accountId"]),
        account_number=text(raw.get("accountNumber")),
        kind=AccountKind.BHPH,
        status=status,
        status_raw=status_raw,
        customer_id=ident(raw.get("customerId")),
        deal_id=ident(raw.get("dealId")),
        vehicle_id=ident(raw.get("vehicleId")),
        opened_on=day(raw.get("openedAt")),
        original_amount=money(raw.get("amountFinanced")),
        balance=money(raw["balance"]),
        payoff_amount=money(raw.get("payoff")),
        apr=decimal(raw.get("apr")),
        payment_amount=money(raw.get("paymentAmount")),
        payment_frequency=text(raw.get("paymentFrequency")),
        next_due_date=day(raw.get("nextDueDate")),
        next_due_amount=money(raw.get("nextDueAmount")),
        days_past_due=integer(raw.get("daysPastDue")) or 0,
        past_due_amount=money(raw.get("pastDueAmount")),
        late_fees_due=money(raw.get("lateFeesDue")),
        last_payment_at=timestamp(raw.get("lastPaymentAt")),
        schedule=tuple(_installment(obj(r)) for r in raw.get("schedule") or ()),
        updated_at=timestamp(raw.get("updatedAt")),
    )


_ALLOCATION_PARTS = {"principal": "principal", "interest": "interest", "late_fees": "lateFees"}


def _allocation(raw: Raw) -> PaymentAllocation:
    """Parts the vendor leaves out count as zero."""
    parts = {name: money(raw.get(key)) for name, key in _ALLOCATION_PARTS.items()}
    return PaymentAllocation(**{name: v for name, v in parts.items() if v is not None})


def map_payment(raw: Raw) -> Payment:
    """A payment as listed, or as the post request and its answer describe it."""
    method, method_raw = normalize(raw.get("paymentMethod"), PAYMENT_METHOD, PaymentMethod.OTHER)
    allocation = obj(raw.get("allocation"))
    return Payment(
        id=ident(raw["paymentId"]),
        account_id=ident(raw.get("accountId")),
        customer_id=ident(raw.get("customerId")),
        amount=money(raw["amount"]),
        method=method,
        method_raw=method_raw,
        status=text(raw.get("status")),
        received_at=timestamp(raw.get("postedAt")),
        receipt_number=text(raw.get("receiptNumber")),
        allocation=_allocation(allocation) if allocation else None,
        reference_id=text(raw.get("referenceId")),
        note=text(raw.get("note")),
    )

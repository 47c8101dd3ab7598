"""AutoSoft writes (docs/contracts/autosoft.md, "Writes"): canonical commands to AutoSoft
request bodies and its answers to ``WriteOutcome``.

Every AutoSoft write endpoint honours ``referenceId``: the command's reference id is sent
as it, so sending the same write again after an unknown outcome returns the first answer
instead of creating a second record.
"""

from __future__ import annotations

from typing import Any, ClassVar

from adapters.autosoft import mapping as m
from adapters.commands import (
    AppointmentDraft,
    DealChanges,
    DealDraft,
    LeadDraft,
    PaymentDraft,
    WriteOperation,
    WriteOutcome,
)
from adapters.convert import Raw, day, decimal, text
from adapters.errors import NotSupported
from adapters.http import path_segment
from adapters.models import DealStatus, TradeIn
from adapters.supergood.writes import (
    deal_change_body,
    deal_change_fields,
    estimate,
    outcome,
    person_body,
    products_body,
    recorded,
    vehicle_body,
    written,
)
from adapters.writes import FieldNames, RestWrites, refuse

VENDOR = "autosoft"
WRITES = frozenset(
    {
        WriteOperation.CREATE_LEAD,
        WriteOperation.CREATE_DEAL,
        WriteOperation.UPDATE_DEAL,
        WriteOperation.POST_PAYMENT,
        WriteOperation.SCHEDULE_APPOINTMENT,
    }
)

# AutoSoft's sale types: a financed retail deal or a cash one.
SALE_TYPE = {"retail": "retail", "finance": "retail", "cash": "cash"}
DEAL_STATUS_OUT = {
    DealStatus.DRAFT: "draft",
    DealStatus.PENDING: "pending",
    DealStatus.SUBMITTED: "pending",  # submitted to the lender: AutoSoft calls it pending
    DealStatus.APPROVED: "approved",
    DealStatus.CONTRACTED: "contracted",
    DealStatus.DELIVERED: "delivered",
    DealStatus.CANCELLED: "cancelled",
}

LEAD_FIELDS = FieldNames(
    exact={"customerId": "customer_id", "consent.tcpA": "consent.tcpa"},
    prefixes={
        "customer": "contact",
        "vehicleOfInterest": "vehicle_of_interest",
        "tradeIn": "trade_in",
        "consent": "consent",
    },
)
_DEAL_FIGURES = {
    "pricing.sellingPrice": "selling_price",
    "pricing.docFee": "doc_fee",
    "pricing.rebates": "rebates",
    "pricing.tradeAllowance": "trade_ins",
    "pricing.tradePayoff": "trade_ins",
    "pricing.cashDown": "cash_down",
    "pricing.tax.rate": "tax_rate",
    "pricing.tax.basis": "tax_basis",
    "financing": "term_months",
    "financing.termMonths": "term_months",
    "financing.apr": "apr",
    "financing.lenderPreference": "lender_preferences",
}
DEAL_FIELDS = FieldNames(
    exact={
        **_DEAL_FIGURES,
        "buyer": "buyer_id",
        "buyer.customerId": "buyer_id",
        "buyer.coBuyerId": "co_buyer_id",
        "saleType": "sale_type",
        "salespersonId": "salesperson_id",
    },
    prefixes={
        "vehicle": "vehicle",
        "pricing.fees": "fees",
        "financing.products": "products",
        "tradeIn": "trade_ins[0]",
    },
)
DEAL_CHANGE_FIELDS = deal_change_fields(_DEAL_FIGURES)
PAYMENT_FIELDS = FieldNames(
    exact={"accountId": "account_id", "receivedAt": "received_at", "reference": "note"}
)
APPOINTMENT_FIELDS = FieldNames(
    exact={
        "customerId": "customer_id",
        "scheduledAt": "starts_at",
        "durationMinutes": "ends_at",
        "advisorId": "advisor_id",
    },
    # The vehicle is the VIN (year, make and model are asked only for a VIN never seen).
    prefixes={"vehicle": "vin", "opCodes": "op_codes"},
)


def trade_body(trade: TradeIn | None) -> dict[str, Any] | None:
    return {"vin": trade.vin, "mileage": trade.mileage} if trade is not None else None


def lead_body(draft: LeadDraft, reference_id: str) -> dict[str, Any]:
    consent = draft.consent
    return {
        "customer": person_body(draft.contact),
        "customerId": draft.customer_id,
        "source": draft.source,
        "vehicleOfInterest": vehicle_body(draft.vehicle_of_interest),
        "tradeIn": trade_body(draft.trade_in),
        "notes": draft.notes,
        # An unanswered consent question is no consent.
        "consent": {
            "tcpA": bool(consent.tcpa),
            "email": bool(consent.email),
            "sms": bool(consent.sms),
        },
        "referenceId": reference_id,
    }


def sale_type(draft: DealDraft) -> str | None:
    if draft.sale_type is None:
        financed = draft.term_months is not None or draft.apr is not None
        return "retail" if financed else "cash"
    # Lease, wholesale...: sent as given, for AutoSoft to refuse in its own words.
    return SALE_TYPE.get(draft.sale_type.lower(), draft.sale_type)


def deal_body(draft: DealDraft, reference_id: str) -> dict[str, Any]:
    if draft.buyer_id is None:
        raise refuse(
            VENDOR,
            "buyer_id",
            "deals name the buyer by customer id; a new buyer comes in through a lead first",
        )
    if len(draft.trade_ins) > 1:
        raise refuse(VENDOR, "trade_ins", "a deal carries at most one trade-in")
    if draft.status not in (None, DealStatus.DRAFT):
        raise refuse(VENDOR, "status", "every deal starts as a draft; advance it afterwards")
    trade = draft.trade_ins[0] if draft.trade_ins else None
    kind = sale_type(draft)
    selling = draft.selling_price - (draft.discounts or 0)  # AutoSoft prices net of discounts
    tax = {"rate": draft.tax_rate, "basis": draft.tax_basis}
    return {
        "buyer": {"customerId": draft.buyer_id, "coBuyerId": draft.co_buyer_id},
        "vehicle": vehicle_body(draft.vehicle),
        "saleType": kind,
        "pricing": {
            "sellingPrice": selling,
            "docFee": draft.doc_fee,
            "rebates": draft.rebates,
            "tradeAllowance": trade.allowance if trade else None,
            "tradePayoff": trade.payoff if trade else None,
            "cashDown": draft.cash_down,
            "tax": tax if any(v is not None for v in tax.values()) else None,
            "fees": [{"code": f.code, "amount": f.amount} for f in draft.fees],
        },
        "tradeIn": trade_body(trade) if trade is not None and trade.vin else None,
        "financing": None
        if kind == "cash"
        else {
            "termMonths": draft.term_months,
            "apr": draft.apr,
            "lenderPreference": draft.lender_preferences[0] if draft.lender_preferences else None,
            "products": products_body(draft.products),
        },
        "salespersonId": draft.salesperson_id,
        "referenceId": reference_id,
    }


def deal_changes_body(changes: DealChanges, reference_id: str) -> dict[str, Any]:
    return deal_change_body(
        VENDOR,
        DEAL_STATUS_OUT,
        changes,
        reference_id,
        pricing={
            "sellingPrice": changes.selling_price,
            "cashDown": changes.cash_down,
            "rebates": changes.rebates,
        },
        financing={"termMonths": changes.term_months, "apr": changes.apr},
    )


def payment_body(draft: PaymentDraft, reference_id: str) -> dict[str, Any]:
    split = draft.allocation
    if split is not None and (split.interest or split.late_fees or split.other):
        raise refuse(
            VENDOR,
            "allocation",
            "receivable payments reduce the balance as a whole; they take no interest or fee"
            " allocation",
        )
    return {
        "accountId": draft.account_id,
        "amount": draft.amount,
        "method": draft.method.value,
        "receivedAt": draft.received_at,
        "reference": draft.note,
        "referenceId": reference_id,
    }


def appointment_body(draft: AppointmentDraft, reference_id: str) -> dict[str, Any]:
    minutes = None
    if draft.ends_at is not None:
        minutes = int((draft.ends_at - draft.starts_at).total_seconds() // 60)
    # AutoSoft knows a customer's vehicle by VIN only: its service-vehicle ids are VINs.
    vin = draft.vin or draft.vehicle_id
    return {
        "customerId": draft.customer_id,
        "vehicle": {"vin": vin} if vin else None,
        "scheduledAt": draft.starts_at,
        "durationMinutes": minutes,
        "advisorId": draft.advisor_id,
        "opCodes": list(draft.op_codes) or None,
        "concern": draft.concern,
        "transportation": draft.transportation,
        "notes": draft.notes,
        "referenceId": reference_id,
    }


def deal_answer(r: Raw) -> dict[str, Any]:
    return {"payment_estimate": estimate(r.get("paymentOptions"))}


def deal_change_answer(r: Raw) -> dict[str, Any]:
    return {**deal_answer(r), "lender_status": text(r.get("lenderStatus"))}


def payment_answer(r: Raw) -> dict[str, Any]:
    return {
        "number": text(r.get("receiptNumber")),
        "next_due_date": day(r.get("nextDueDate")),
        "balance": decimal(r.get("balance")),
    }


class AutoSoftWrites(RestWrites):
    """The write half of the AutoSoft adapter (mixed into ``AutoSoftAdapter``)."""

    writes: ClassVar[frozenset[WriteOperation]] = WRITES
    # Each of these endpoints honours referenceId (documented for leads and deals).
    idempotent_writes: ClassVar[frozenset[WriteOperation]] = WRITES

    async def create_lead(
        self, store_id: str | None, draft: LeadDraft, reference_id: str
    ) -> WriteOutcome:
        body = lead_body(draft, reference_id)
        raw = await self._write("POST", "/leads", body, reference_id, LEAD_FIELDS)
        return recorded(VENDOR, m.map_lead, body, raw, "leadId")

    async def create_deal(
        self, store_id: str | None, draft: DealDraft, reference_id: str
    ) -> WriteOutcome:
        if draft.submit_credit_application:
            raise NotSupported(self.dms, "credit applications")
        body = deal_body(draft, reference_id)
        raw = await self._write("POST", "/deals", body, reference_id, DEAL_FIELDS)
        return recorded(VENDOR, m.map_deal, body, raw, "dealId", deal_answer)

    async def update_deal(
        self, store_id: str | None, deal_id: str, changes: DealChanges, reference_id: str
    ) -> WriteOutcome:
        body = deal_changes_body(changes, reference_id)
        path = f"/deals/{path_segment(deal_id)}"
        raw = await self._write("PATCH", path, body, reference_id, DEAL_CHANGE_FIELDS, "deal_id")
        return recorded(VENDOR, m.map_deal, body, raw, "dealId", deal_change_answer, change=True)

    async def post_payment(
        self, store_id: str | None, draft: PaymentDraft, reference_id: str
    ) -> WriteOutcome:
        body = payment_body(draft, reference_id)
        raw = await self._write("POST", "/accounting/payments", body, reference_id, PAYMENT_FIELDS)
        record = written(m.map_payment, body, raw, VENDOR)
        # The answer's status is the account's, no payment's; it was made when received.
        answer = {**raw, "createdAt": raw.get("receivedAt")}
        return outcome(answer, "paymentId", payment_answer, vendor=VENDOR, record=record)

    async def schedule_appointment(
        self, store_id: str | None, draft: AppointmentDraft, reference_id: str
    ) -> WriteOutcome:
        body = appointment_body(draft, reference_id)
        raw = await self._write(
            "POST", "/service/appointments", body, reference_id, APPOINTMENT_FIELDS
        )
        return recorded(VENDOR, m.map_appointment, body, raw, "appointmentId")

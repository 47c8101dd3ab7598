"""DealerCenter writes (docs/contracts/dealercenter.md, "Writes"): canonical commands to
DealerCenter's documented request bodies, and its answers to ``WriteOutcome``.

All three endpoints (leads, deals, BHPH payments) honour ``referenceId``: the command's
reference id is sent as it, so sending the same write again after an unknown outcome
returns the first answer instead of creating a second record.

What DealerCenter's bodies have no place for and would change the record's meaning or
figures (a co-buyer, rebates, F&I products, a second trade-in, a lead's trade-in...) is
refused before anything is sent. Left out without a refusal, as DealerCenter keeps no such
thing: a lead's e-mail and SMS consent and its person's address (DealerCenter records TCPA
consent only, and a lead without an address), lender preferences after the first, and a
trade-in's descriptive details (year, make, model, mileage, actual cash value, lienholder).
"""

from __future__ import annotations

from typing import Any, ClassVar

from adapters.base import VehicleFilter, Window
from adapters.commands import (
    Contact,
    CreditApplicationStatus,
    DealDraft,
    LeadDraft,
    PaymentDraft,
    WriteOperation,
    WriteOutcome,
)
from adapters.convert import Raw, day, ident, obj, text
from adapters.dealercenter import mapping as m
from adapters.fieldmap import vendor_names, written_as
from adapters.http import path_segment
from adapters.models import DealStatus, PaymentMethod, VehicleRef
from adapters.supergood import fields as family
from adapters.supergood.mapping import ADDRESS
from adapters.supergood.writes import e164, estimate, fees_body, recorded
from adapters.writes import FieldNames, RestWrites, address_body, refuse

VENDOR = "dealercenter"
WRITES = frozenset(
    {WriteOperation.CREATE_LEAD, WriteOperation.CREATE_DEAL, WriteOperation.POST_PAYMENT}
)
DOC_FEE = ("doc", "Doc Fee")
# DealerCenter prices with dealer discounts and taxes the price less them and the trade.
TAX_BASIS = "selling_price_less_trade"
DEAL_TYPE = {"finance": "finance", "retail": "finance", "cash": "cash", "bhph": "bhph"}
# The initial statuses a new deal may take: a quote, or submitted to lenders at once.
SUBMITTED = frozenset({DealStatus.SUBMITTED, DealStatus.PENDING})
# The family's lead origins (AutoSoft's names) as DealerCenter's source and channel.
LEAD_ORIGIN = {
    "website_digital_retail": ("website", "digital_retail"),
    "third_party_marketplace": ("marketplace", "listing"),
    "chat": ("website", "chat"),
    "oem_referral": ("referral", "referral"),
}
# The inverse of the read mapping: DealerCenter's only method beyond the canonical four.
PAYMENT_METHOD = {
    PaymentMethod.CASH: "cash",
    PaymentMethod.CHECK: "check",
    PaymentMethod.CARD: "card",
    PaymentMethod.ACH: "ach",
    PaymentMethod.OTHER: "money_order",
}

LEAD_FIELDS = FieldNames(
    exact={
        # The lead's person is read with the family's contact map (``map_lead``).
        **vendor_names(family.CONTACT, "contact."),
        "customerId": "customer_id",
        "vehicleInterestId": "vehicle_of_interest.vehicle_id",
        "message": "notes",
        "tcpaConsent": "consent",
        "tcpaConsent.granted": "consent.tcpa",
        "tcpaConsent.timestamp": "consent.captured_at",
        "tcpaConsent.ip": "consent_ip",
        "assignedUserId": "assigned_user_id",
    }
)
_DEAL_FIELDS: dict[str, str] = {
    "vehicleId": "vehicle",
    "buyer.customerId": "buyer_id",
    "dealType": "sale_type",
    "salePrice": "selling_price",
    "tax": "tax_rate",
    "tax.rate": "tax_rate",
    "tax.amount": "tax_amount",
    "tradeIn": "trade_ins",
    "tradeIn.enabled": "trade_ins",
    "downPayment": "cash_down",
    "finance": "term_months",
    "finance.termMonths": "term_months",
    "finance.apr": "apr",
    "finance.lenderId": "lender_preferences",
    "submitCreditApplication": "submit_credit_application",
    "salespersonId": "salesperson_id",
}
PAYMENT_FIELDS = FieldNames(
    exact={
        "accountId": "account_id",
        "paymentMethod": "method",
        "postedAt": "received_at",
    },
    prefixes={"allocation": "allocation"},
)


def deal_fields(doc_line: int | None) -> FieldNames:
    """The deal's field names; the doc fee, when the command gives one, is the fee line at
    ``doc_line``."""
    doc = {f"fees[{doc_line}]": "doc_fee", f"fees[{doc_line}].amount": "doc_fee"}
    return FieldNames(
        exact={**_DEAL_FIELDS, **(doc if doc_line is not None else {})},
        prefixes={"buyer": "buyer", "fees": "fees", "tradeIn": "trade_ins[0]"},
        leaves={"lien_payoff": "payoff"},
    )


def person_body(contact: Contact | None) -> dict[str, Any]:
    if contact is None:
        return {}
    phone = e164(contact.phone) if contact.phone is not None else None
    return {**written_as(contact, family.CONTACT), "phone": phone}


def lead_body(draft: LeadDraft, vehicle_id: str | None, reference_id: str) -> dict[str, Any]:
    if draft.trade_in is not None:
        raise refuse(VENDOR, "trade_in", "leads take no trade-in; put it on the deal")
    source, channel = LEAD_ORIGIN.get(draft.source, (draft.source, None))
    consent = draft.consent
    granted = bool(consent.tcpa)  # an unanswered consent question is no consent
    return {
        **person_body(draft.contact),
        "customerId": draft.customer_id,
        "source": source,
        "channel": draft.channel or channel,
        "vehicleInterestId": vehicle_id,
        "message": draft.notes,
        # DealerCenter keeps when and where only for consent granted.
        "tcpaConsent": {
            "granted": granted,
            "timestamp": consent.captured_at if granted else None,
            "ip": (draft.consent_ip or consent.ip_address) if granted else None,
        },
        "assignedUserId": draft.assigned_user_id,
        "referenceId": reference_id,
    }


def deal_type(draft: DealDraft) -> str:
    if draft.sale_type is None:
        financed = draft.term_months is not None or draft.apr is not None
        return "finance" if financed else "cash"
    # Lease, wholesale...: sent as given, for DealerCenter to refuse in its own words.
    return DEAL_TYPE.get(draft.sale_type.lower(), draft.sale_type)


def check_deal(draft: DealDraft) -> None:
    """What DealerCenter's deal body has no place for."""
    if draft.co_buyer_id is not None:
        raise refuse(VENDOR, "co_buyer_id", "a deal names one buyer; it takes no co-buyer")
    if draft.rebates:
        raise refuse(VENDOR, "rebates", "deals carry dealer discounts only; give discounts")
    if draft.products:
        raise refuse(VENDOR, "products", "deals take no F&I products")
    if len(draft.trade_ins) > 1:
        raise refuse(VENDOR, "trade_ins", "a deal carries at most one trade-in")
    if draft.tax_basis not in (None, TAX_BASIS):
        raise refuse(VENDOR, "tax_basis", "tax is on the price less discounts and trade only")
    if draft.doc_fee is not None and any(f.code == DOC_FEE[0] for f in draft.fees):
        raise refuse(VENDOR, "doc_fee", "give the doc fee once: as doc_fee or as the 'doc' fee")
    if draft.status not in (None, DealStatus.DRAFT, *SUBMITTED):
        raise refuse(VENDOR, "status", "a deal starts as a quote or submitted to lenders")


def deal_body(draft: DealDraft, vehicle_id: str, reference_id: str) -> dict[str, Any]:
    """The body of a draft ``check_deal`` passed."""
    kind = deal_type(draft)
    trade = draft.trade_ins[0] if draft.trade_ins else None
    fees = fees_body(draft.fees)
    if draft.doc_fee is not None:
        fees.append({"code": DOC_FEE[0], "description": DOC_FEE[1], "amount": draft.doc_fee})
    buyer = draft.buyer
    return {
        "vehicleId": vehicle_id,
        "buyer": {
            "customerId": draft.buyer_id,
            **person_body(buyer),
            "address": address_body(buyer.address if buyer else None, ADDRESS),
        },
        "dealType": kind,
        "salePrice": draft.selling_price,
        "discounts": draft.discounts,
        "fees": fees,
        "tax": {"rate": draft.tax_rate, "amount": draft.tax_amount},
        "tradeIn": {
            "enabled": True,
            "allowance": trade.allowance,
            "lienPayoff": trade.payoff,
            "vin": trade.vin,
        }
        if trade is not None
        else None,
        "downPayment": draft.cash_down,
        "finance": None
        if kind == "cash"
        else {
            "termMonths": draft.term_months,
            "apr": draft.apr,
            # DealerCenter sends a deal to one lender: the first preference.
            "lenderId": draft.lender_preferences[0] if draft.lender_preferences else None,
        },
        "submitCreditApplication": draft.submit_credit_application or draft.status in SUBMITTED,
        "salespersonId": draft.salesperson_id,
        "referenceId": reference_id,
    }


def payment_body(draft: PaymentDraft, reference_id: str) -> dict[str, Any]:
    split = draft.allocation
    if split is not None and split.other:
        raise refuse(
            VENDOR, "allocation.other", "payments split into principal, interest and late fees"
        )
    return {
        "amount": draft.amount,
        "paymentMethod": PAYMENT_METHOD[draft.method],
        "postedAt": draft.received_at,
        "allocation": written_as(split, m.ALLOCATION) if split is not None else None,
        "note": draft.note,
        "referenceId": reference_id,
    }


def deal_answer(r: Raw) -> dict[str, Any]:
    credit = obj(r.get("creditApplication"))
    application = ident(credit.get("applicationId"))
    return {
        "payment_estimate": estimate(r.get("paymentEstimate")),
        "credit_application": CreditApplicationStatus(
            id=application, status=text(credit.get("status")) or "unknown"
        )
        if application
        else None,
    }


def payment_answer(r: Raw) -> dict[str, Any]:
    return {"number": text(r.get("receiptNumber")), "next_due_date": day(r.get("nextDueDate"))}


class DealerCenterWrites(RestWrites):
    """The write half of the DealerCenter adapter (mixed into ``DealerCenterAdapter``)."""

    writes: ClassVar[frozenset[WriteOperation]] = WRITES
    # The page documents referenceId on all three bodies, and the vendor replays on it.
    idempotent_writes: ClassVar[frozenset[WriteOperation]] = WRITES

    async def create_lead(
        self, store_id: str | None, draft: LeadDraft, reference_id: str
    ) -> WriteOutcome:
        ref = draft.vehicle_of_interest
        vehicle_id = await self._vehicle_id(ref, "vehicle_of_interest") if ref else None
        body = lead_body(draft, vehicle_id, reference_id)
        raw = await self._write("POST", "/crm/leads", body, reference_id, LEAD_FIELDS)
        return recorded(VENDOR, m.map_lead, body, raw, "leadId")

    async def create_deal(
        self, store_id: str | None, draft: DealDraft, reference_id: str
    ) -> WriteOutcome:
        check_deal(draft)
        vehicle_id = await self._vehicle_id(draft.vehicle, "vehicle")
        body = deal_body(draft, vehicle_id, reference_id)
        fields = deal_fields(len(draft.fees) if draft.doc_fee is not None else None)
        raw = await self._write("POST", "/deals", body, reference_id, fields)
        return recorded(VENDOR, m.map_deal, body, raw, "dealId", deal_answer)

    async def post_payment(
        self, store_id: str | None, draft: PaymentDraft, reference_id: str
    ) -> WriteOutcome:
        body = payment_body(draft, reference_id)
        path = f"/bhph/accounts/{path_segment(draft.account_id)}/payments"
        raw = await self._write("POST", path, body, reference_id, PAYMENT_FIELDS, "account_id")
        # The account is named by the path, not the body.
        sent = {"accountId": draft.account_id, **body}
        return recorded(VENDOR, m.map_payment, sent, raw, "paymentId", payment_answer)

    async def _vehicle_id(self, ref: VehicleRef, field: str) -> str:
        """DealerCenter names a vehicle by its id only: a VIN or stock number is looked up
        in inventory first (its list filters by neither, so the adapter reads it)."""
        if ref.vehicle_id:
            return ref.vehicle_id
        if ref.vin:
            flt, named = VehicleFilter(vin=ref.vin), f"{field}.vin"
        elif ref.stock_number:
            flt, named = VehicleFilter(stock_number=ref.stock_number), f"{field}.stock_number"
        else:
            raise refuse(VENDOR, field, "name the vehicle by id, VIN or stock number")
        page = await self.list_vehicles(None, flt, Window(0, 1))
        if not page.items:
            raise refuse(VENDOR, named, "no vehicle in inventory matches it")
        return page.items[0].id

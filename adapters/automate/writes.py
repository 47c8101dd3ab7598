"""Auto/Mate writes (docs/contracts/automate.md, "Writes"): canonical commands to the page's
three documented request bodies, and their answers to ``WriteOutcome``.

- ``POST /customers`` upserts: the record holding the ``externalId``, else the one with the
  same name sharing an e-mail or phone, else a new one. Every accepted body carries one of
  those keys, so sending the same draft again finds the record the first attempt wrote:
  resending never creates a second customer, and the upsert counts as idempotent.
- ``POST /deals`` honours ``referenceId`` (the command's reference id is sent as it).
- ``POST /service/appointments`` takes no idempotency key: not idempotent.

Auto/Mate's accounting is read-only on the page ("pull", "reconcile", "export"): receipts
cannot be posted, so ``post_payment`` stays unsupported.
"""

from __future__ import annotations

from typing import Any, ClassVar

from adapters.automate import mapping as m
from adapters.base import VehicleFilter, Window
from adapters.commands import (
    AppointmentDraft,
    CustomerDraft,
    DealDraft,
    Phone,
    WriteOperation,
    WriteOutcome,
)
from adapters.convert import Raw, text
from adapters.errors import NotSupported
from adapters.fieldmap import vendor_names, written_as
from adapters.models import DealStatus, TradeIn, VehicleRef
from adapters.supergood import fields as family
from adapters.supergood.mapping import ADDRESS, VEHICLE_REF
from adapters.supergood.writes import e164, fees_body, products_body, recorded
from adapters.writes import FieldNames, RestWrites, address_body, refuse

VENDOR = "automate"
WRITES = frozenset(
    {
        WriteOperation.UPSERT_CUSTOMER,
        WriteOperation.CREATE_DEAL,
        WriteOperation.SCHEDULE_APPOINTMENT,
    }
)
IDEMPOTENT_WRITES = frozenset({WriteOperation.UPSERT_CUSTOMER, WriteOperation.CREATE_DEAL})

# Auto/Mate's customer types are lead, retail and fleet; a business is a fleet customer.
CUSTOMER_TYPE = {"business": "fleet", "commercial": "fleet", "prospect": "lead"}
# Auto/Mate pencils retail deals, financed or cash.
SALE_TYPES = frozenset({"retail", "finance", "cash"})
TAX_BASIS = "selling_price_less_trade"  # Auto/Mate taxes the price net of discounts and trade
DOC_FEE = {"code": m.DOC_FEE_CODE, "description": "Doc Fee"}
DEAL_STATUS_OUT = {status: word for word, status in m.DEAL_STATUS.items()} | {
    DealStatus.PENDING: "submitted"
}

CUSTOMER_FIELDS = FieldNames(
    exact={
        "externalId": "external_id",
        "customerType": "customer_type",
        **vendor_names(family.NAMES),  # as ``map_customer`` reads them
        "dateOfBirth": "date_of_birth",
    },
    prefixes={
        "emails": "emails",
        "phones": "phones",
        "address": "address",
        "driversLicense": "drivers_license",
        "marketingOptIn": "marketing_opt_in",
    },
)
_DEAL_FIELDS = {
    "customerId": "buyer_id",
    "pricing": "selling_price",
    "pricing.salePrice": "selling_price",
    "pricing.discounts": "discounts",
    "pricing.rebates": "rebates",
    "finance": "term_months",
    "finance.cashDown": "cash_down",
    "finance.termMonths": "term_months",
    "finance.aprPercent": "apr",
    "finance.lenderCode": "lender_preferences",
    "taxes": "tax_rate",
    "taxes.ratePercent": "tax_rate",
    "salespersonId": "salesperson_id",
}


def phone_body(phone: Phone) -> dict[str, Any]:
    return {"type": phone.type.lower() if phone.type else None, "number": e164(phone.number)}


def customer_type(draft: CustomerDraft) -> str | None:
    if draft.customer_type is None:
        return "fleet" if draft.company_name else None
    kind = draft.customer_type.lower()
    return CUSTOMER_TYPE.get(kind, kind)


def customer_body(draft: CustomerDraft) -> dict[str, Any]:
    if draft.customer_id is not None:
        raise refuse(
            VENDOR,
            "customer_id",
            "customers are updated by externalId or by name and contact, never by id",
        )
    licence, opt_in = draft.drivers_license, draft.marketing_opt_in
    return {
        "externalId": draft.external_id,
        "customerType": customer_type(draft),
        "firstName": draft.first_name,
        "lastName": draft.last_name,
        "companyName": draft.company_name,
        "emails": list(draft.emails) or None,
        "phones": [phone_body(p) for p in draft.phones] or None,
        "address": address_body(draft.address, ADDRESS),
        "driversLicense": {"number": licence.number, "state": licence.state} if licence else None,
        "dateOfBirth": draft.date_of_birth,
        "marketingOptIn": opt_in.model_dump() if opt_in else None,
        "source": draft.source,
        "notes": draft.notes,
    }


def trade_acv(trade: TradeIn) -> Any:
    """Auto/Mate keeps one trade figure, the ACV: the appraisal, or else the allowance."""
    given = {trade.actual_cash_value, trade.allowance} - {None}
    if len(given) > 1:
        raise refuse(
            VENDOR,
            "trade_ins[0].allowance",
            "a trade carries one figure (acv); the allowance must equal the actual cash value",
        )
    return next(iter(given), None)


def check_deal(draft: DealDraft) -> None:
    """What Auto/Mate's deal body has no room for, refused before anything is sent."""
    if draft.buyer_id is None:
        raise refuse(VENDOR, "buyer_id", "deals name the customer by id; upsert it first")
    if draft.co_buyer_id is not None:
        raise refuse(VENDOR, "co_buyer_id", "a deal is written with one customer only")
    if len(draft.trade_ins) > 1:
        raise refuse(VENDOR, "trade_ins", "a deal carries at most one trade-in")
    if draft.tax_basis not in (None, TAX_BASIS):
        raise refuse(VENDOR, "tax_basis", f"tax is always on the {TAX_BASIS.replace('_', ' ')}")
    financed = draft.term_months is not None or draft.apr is not None
    kind = (draft.sale_type or "").lower()
    if draft.sale_type is not None and kind not in SALE_TYPES:
        raise refuse(VENDOR, "sale_type", "deals are retail sales, financed or cash")
    if kind == "cash" and (financed or draft.lender_preferences):
        raise refuse(VENDOR, "sale_type", "a cash deal takes no term, APR or lender")
    if kind == "finance" and not financed:
        raise refuse(VENDOR, "term_months", "a financed deal needs term_months and apr")


def deal_body(draft: DealDraft, vin: str, reference_id: str) -> dict[str, Any]:
    """The body for a draft ``check_deal`` passed."""
    trade = draft.trade_ins[0] if draft.trade_ins else None
    fees = fees_body(draft.fees)
    if draft.doc_fee is not None:
        fees.append({**DOC_FEE, "amount": draft.doc_fee})
    return {
        "referenceId": reference_id,
        "customerId": draft.buyer_id,
        "vehicle": {"vin": vin},
        "pricing": {
            "salePrice": draft.selling_price,
            "discounts": draft.discounts,
            "rebates": draft.rebates,
        },
        "tradeIn": {
            "vin": trade.vin,
            "acv": trade_acv(trade),
            "payoff": trade.payoff,
            "lienholder": trade.lienholder,
        }
        if trade is not None
        else None,
        "finance": {
            "cashDown": draft.cash_down,
            "termMonths": draft.term_months,
            "aprPercent": draft.apr,
            "lenderCode": draft.lender_preferences[0] if draft.lender_preferences else None,
            "products": products_body(draft.products),
        },
        "fees": fees,
        # The command's rate is a fraction, Auto/Mate's a percent: moved two places, exactly.
        "taxes": {"ratePercent": draft.tax_rate.scaleb(2)} if draft.tax_rate is not None else None,
        "salespersonId": draft.salesperson_id,
        "status": DEAL_STATUS_OUT.get(draft.status, draft.status.value) if draft.status else None,
    }


def deal_fields(draft: DealDraft) -> FieldNames:
    """The deal's field names; which command field stands behind the VIN, the ACV and the
    doc fee (sent last among the fees) depends on the draft."""
    ref = draft.vehicle
    vehicle = "vin" if ref.vin else "vehicle_id" if ref.vehicle_id else "stock_number"
    trade = draft.trade_ins[0] if draft.trade_ins else None
    acv = "allowance" if trade and trade.actual_cash_value is None else "actual_cash_value"
    doc = f"fees[{len(draft.fees)}]"
    return FieldNames(
        exact={
            **_DEAL_FIELDS,
            "vehicle": f"vehicle.{vehicle}",
            "vehicle.vin": f"vehicle.{vehicle}",
            **{path: "doc_fee" for path in (doc, f"{doc}.code", f"{doc}.amount")},
            "status": "status",
        },
        prefixes={"tradeIn": "trade_ins[0]", "finance.products": "products", "fees": "fees"},
        leaves={"acv": acv},
    )


def appointment_body(draft: AppointmentDraft) -> dict[str, Any]:
    # Auto/Mate knows a customer's vehicle by VIN: its service-vehicle ids are VINs.
    vin = draft.vin or draft.vehicle_id
    if vin is None:
        raise refuse(VENDOR, "vin", "a service visit is booked by the vehicle's VIN")
    if draft.vehicle_id is not None and draft.vehicle_id.upper() != vin.upper():
        raise refuse(VENDOR, "vehicle_id", "names another vehicle than vin")
    return {
        "customerId": draft.customer_id,
        "vin": vin,
        "appointmentTime": draft.starts_at,
        "advisorId": draft.advisor_id,
        # The code alone: the rooftop's catalog fills in description and hours.
        "opCodes": [{"code": code} for code in draft.op_codes] or None,
        "concern": draft.concern,
        "transportation": draft.transportation,
        "notes": draft.notes,
    }


def appointment_fields(draft: AppointmentDraft) -> FieldNames:
    per_code = {
        f"opCodes[{i}]{leaf}": f"op_codes[{i}]"
        for i in range(len(draft.op_codes))
        for leaf in ("", ".code", ".description", ".laborHours")
    }
    return FieldNames(
        exact={
            **per_code,
            "customerId": "customer_id",
            "vin": "vin" if draft.vin else "vehicle_id",
            "appointmentTime": "starts_at",
            "advisorId": "advisor_id",
            "opCodes": "op_codes",
        }
    )


def customer_answer(r: Raw) -> dict[str, Any]:
    return {"matched_by": text(r.get("matchedBy"))}


def deal_answer(r: Raw) -> dict[str, Any]:
    return {"number": text(r.get("dealNumber"))}


class AutoMateWrites(RestWrites):
    """The write half of the Auto/Mate adapter (mixed into ``AutoMateAdapter``)."""

    writes: ClassVar[frozenset[WriteOperation]] = WRITES
    idempotent_writes: ClassVar[frozenset[WriteOperation]] = IDEMPOTENT_WRITES

    async def upsert_customer(
        self, store_id: str | None, draft: CustomerDraft, reference_id: str
    ) -> WriteOutcome:
        body = customer_body(draft)
        raw = await self._write("POST", "/customers", body, reference_id, CUSTOMER_FIELDS)
        return recorded(VENDOR, m.map_customer, body, raw, "customerId", customer_answer)

    async def create_deal(
        self, store_id: str | None, draft: DealDraft, reference_id: str
    ) -> WriteOutcome:
        if draft.submit_credit_application:
            raise NotSupported(self.dms, "credit applications")
        check_deal(draft)
        vin = await self._vin(draft.vehicle)
        body = deal_body(draft, vin, reference_id)
        raw = await self._write("POST", "/deals", body, reference_id, deal_fields(draft))
        # The body names the vehicle by VIN; the record keeps every identifier given too.
        ref = draft.vehicle
        vehicle = {**written_as(ref, VEHICLE_REF), "vin": vin}
        return recorded(
            VENDOR, m.map_deal, {**body, "vehicle": vehicle}, raw, "dealId", deal_answer
        )

    async def schedule_appointment(
        self, store_id: str | None, draft: AppointmentDraft, reference_id: str
    ) -> WriteOutcome:
        body = appointment_body(draft)
        fields = appointment_fields(draft)
        raw = await self._write("POST", "/service/appointments", body, reference_id, fields)
        return recorded(VENDOR, m.map_appointment, body, raw, "appointmentId")

    async def _vin(self, ref: VehicleRef) -> str:
        """The deal's vehicle as the VIN Auto/Mate takes: a bare VIN as given; an id or a
        stock number read from inventory first, and every identifier given checked."""
        if ref.vehicle_id is None and ref.stock_number is None:
            if ref.vin is None:
                raise refuse(VENDOR, "vehicle.vin", "a deal names its vehicle by VIN")
            return ref.vin
        if ref.vehicle_id is not None:
            [found] = await self.get_vehicles(None, [ref.vehicle_id])
            blamed = "vehicle.vehicle_id"
        else:
            flt = VehicleFilter(vin=ref.vin, stock_number=ref.stock_number)
            page = await self.list_vehicles(None, flt, Window(0, 1))
            found, blamed = (page.items[0] if page.items else None), "vehicle.stock_number"
        if found is None or found.vin is None:
            raise refuse(VENDOR, blamed, "names no vehicle in inventory")
        for name, given, known in (
            ("vin", ref.vin, found.vin),
            ("stock_number", ref.stock_number, found.stock_number),
        ):
            if given is not None and given.upper() != (known or "").upper():
                raise refuse(VENDOR, f"vehicle.{name}", f"names another vehicle than {blamed}")
        return found.vin

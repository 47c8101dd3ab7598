"""Dealertrack writes (docs/contracts/dealertrack.md, "Writes"): canonical commands to
Dealertrack request bodies and its answers to ``WriteOutcome``.

Every write names its rooftop: ``rooftopId`` in the body of a POST, in the query of the
deal PATCH. Deals honour ``referenceId`` (the command's reference id is sent as it), so a
deal write sent again after an unknown outcome returns the first answer. A journal entry's
``reference`` is the accounting document's own reference, not an idempotency key: a
journal entry whose outcome is unknown must be looked up, never sent again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from adapters.commands import (
    DealChanges,
    DealDraft,
    JournalEntryDraft,
    WriteOperation,
    WriteOutcome,
)
from adapters.convert import Raw, text
from adapters.dealertrack import mapping as m
from adapters.errors import UpstreamOutcomeUnknown
from adapters.http import path_segment
from adapters.models import DealStatus
from adapters.supergood.writes import (
    deal_change_body,
    deal_change_fields,
    outcome,
    person_body,
    products_body,
    recorded,
)
from adapters.writes import FieldNames, RestWrites, refuse

VENDOR = "dealertrack"
ROOFTOP = "rooftopId"


def rooftop_of(path: str, params: Mapping[str, str] | None, body: Any) -> str | None:
    """The rooftop a request concerns: its query's ``rooftopId``, or a POST body's."""
    if params and params.get(ROOFTOP):
        return params[ROOFTOP]
    found = body.get(ROOFTOP) if isinstance(body, Mapping) else None
    return str(found) if found is not None else None


IDEMPOTENT = frozenset({WriteOperation.CREATE_DEAL, WriteOperation.UPDATE_DEAL})
WRITES = IDEMPOTENT | {WriteOperation.POST_JOURNAL_ENTRY}

# A deal submitted to its lenders is what Dealertrack calls pending.
DEAL_STATUS_OUT = {
    **{status: raw for raw, status in m.DEAL_STATUS.items()},
    DealStatus.SUBMITTED: "pending",
}
FINANCED = ("retail", "finance")
CASH = "cash"
TAX_BASIS = "selling_price_less_trade"  # the only one Dealertrack computes

_DEAL_FIGURES = {
    "figures": "selling_price",
    "figures.salePrice": "selling_price",
    "figures.cashDown": "cash_down",
    "figures.rebates": "rebates",
    "figures.tax.rate": "tax_rate",
}
DEAL_FIELDS = FieldNames(
    exact={
        **_DEAL_FIGURES,
        "vehicleId": "vehicle.vehicle_id",
        "customer": "buyer",
        "customer.customerId": "buyer_id",
        "coBuyer": "co_buyer_id",
        "coBuyer.customerId": "co_buyer_id",
        "figures.tradeIn": "trade_ins[0]",
        "figures.tradeIn.value": "trade_ins[0].allowance",
        "figures.tradeIn.payoff": "trade_ins[0].payoff",
        "figures.tradeIn.vin": "trade_ins[0].vin",
        "finance": "term_months",
        "finance.termMonths": "term_months",
        "finance.apr": "apr",
        "finance.preferredLenders": "lender_preferences",
        "salespersonId": "salesperson_id",
    },
    prefixes={
        "customer": "buyer",
        "figures.fees": "fees",
        "finance.preferredLenders": "lender_preferences",
        "finance.products": "products",
    },
    leaves={"type": "code"},
)
DEAL_CHANGE_FIELDS = deal_change_fields(_DEAL_FIGURES)
JOURNAL_FIELDS = FieldNames(
    exact={"postedDate": "posted_on", "memo": "memo", "reference": "reference"},
    prefixes={"lines": "lines"},
)


def financed(draft: DealDraft) -> bool:
    """Dealertrack has no sale type: a deal with ``finance`` is financed, one without is
    cash."""
    if draft.sale_type is None:
        return any(v is not None for v in (draft.term_months, draft.apr)) or bool(
            draft.lender_preferences
        )
    kind = draft.sale_type.lower()
    if kind not in (*FINANCED, CASH):
        raise refuse(VENDOR, "sale_type", f"deals are financed or cash, not {draft.sale_type}")
    return kind in FINANCED


def _check_deal(draft: DealDraft) -> None:
    """What Dealertrack's deal body cannot say, refused before anything is sent."""
    if draft.vehicle.vehicle_id is None:
        raise refuse(VENDOR, "vehicle.vehicle_id", "a deal names its vehicle by vehicleId")
    if len(draft.trade_ins) > 1:
        raise refuse(VENDOR, "trade_ins", "a deal carries at most one trade-in")
    if draft.status not in (None, DealStatus.PENDING, DealStatus.SUBMITTED):
        raise refuse(VENDOR, "status", "every deal starts pending; move it afterwards")
    if draft.tax_basis not in (None, TAX_BASIS):
        raise refuse(
            VENDOR, "tax_basis", f"tax is charged on the sale price less the trade ({TAX_BASIS})"
        )
    if draft.tax_amount is not None:
        raise refuse(
            VENDOR, "tax_amount", "the tax is computed from tax_rate; leave the amount out"
        )


def deal_body(rooftop_id: str, draft: DealDraft, reference_id: str) -> dict[str, Any]:
    _check_deal(draft)
    is_financed = financed(draft)
    if not is_financed:
        terms = {"products": draft.products or None, "term_months": draft.term_months}
        for field, value in {**terms, "apr": draft.apr}.items():
            if value is not None:
                raise refuse(VENDOR, field, "a cash deal carries no finance terms or products")
    if draft.submit_credit_application and not is_financed:
        raise refuse(VENDOR, "submit_credit_application", "a cash deal goes to no lender")
    trade = draft.trade_ins[0] if draft.trade_ins else None
    fees = [{"type": f.code, "amount": f.amount} for f in draft.fees]
    if draft.doc_fee is not None:
        fees.append({"type": m.DOC_FEE, "amount": draft.doc_fee})  # last: fees[i] stay fees[i]
    customer = {"customerId": draft.buyer_id} if draft.buyer_id else None
    if customer is None and draft.buyer is not None:
        customer = person_body(draft.buyer)
    return {
        "rooftopId": rooftop_id,
        "vehicleId": draft.vehicle.vehicle_id,
        "customer": customer,
        "coBuyer": {"customerId": draft.co_buyer_id} if draft.co_buyer_id else None,
        "figures": {
            # Dealertrack has no discount line: the price is sent net of discounts.
            "salePrice": draft.selling_price - (draft.discounts or 0),
            "cashDown": draft.cash_down,
            "rebates": draft.rebates,
            "tradeIn": {"value": trade.allowance, "payoff": trade.payoff, "vin": trade.vin}
            if trade is not None
            else None,
            "fees": fees,
            "tax": {"rate": draft.tax_rate} if draft.tax_rate is not None else None,
        },
        # A financed deal is submitted to these lenders as it is created.
        "finance": {
            "termMonths": draft.term_months,
            "apr": draft.apr,
            "preferredLenders": list(draft.lender_preferences),
            "products": products_body(draft.products),
        }
        if is_financed
        else None,
        "salespersonId": draft.salesperson_id,
        "referenceId": reference_id,
    }


def deal_fields(draft: DealDraft) -> FieldNames:
    """``DEAL_FIELDS``, plus the doc fee, sent after the draft's own fees."""
    doc = f"figures.fees[{len(draft.fees)}]"
    extra = {doc: "doc_fee", f"{doc}.amount": "doc_fee", f"{doc}.type": "doc_fee"}
    return FieldNames(
        exact={**DEAL_FIELDS.exact, **extra},
        prefixes=DEAL_FIELDS.prefixes,
        leaves=DEAL_FIELDS.leaves,
    )


def deal_changes_body(changes: DealChanges, reference_id: str) -> dict[str, Any]:
    for name in ("term_months", "apr"):
        if getattr(changes, name) is not None:
            raise refuse(VENDOR, name, "a deal update takes status, lender decision and figures")
    figures = {
        "salePrice": changes.selling_price,
        "cashDown": changes.cash_down,
        "rebates": changes.rebates,
    }
    return deal_change_body(VENDOR, DEAL_STATUS_OUT, changes, reference_id, figures=figures)


def journal_body(rooftop_id: str, draft: JournalEntryDraft) -> dict[str, Any]:
    return {
        "rooftopId": rooftop_id,
        "postedDate": draft.posted_on.isoformat(),
        "memo": draft.memo,
        "reference": draft.reference,
        "lines": [
            {
                "accountNumber": line.account_number,
                "department": line.department,
                "debit": line.debit,
                "credit": line.credit,
                "description": line.description,
            }
            for line in draft.lines
        ],
    }


def deal_outcome(raw: Raw, body: Raw, *, change: bool = False) -> WriteOutcome:
    """A deal write's answer; its record is the request merged with it (a PATCH's: the
    changes only)."""

    def extra(r: Raw) -> dict[str, Any]:
        return {"number": text(r.get("dealNumber")), "lender_status": text(r.get("lenderStatus"))}

    return recorded(VENDOR, m.map_deal, body, raw, "dealId", extra, change=change)


class DealertrackWrites(RestWrites):
    """The write half of the Dealertrack adapter (mixed into ``DealertrackAdapter``)."""

    writes: ClassVar[frozenset[WriteOperation]] = WRITES
    # The deal endpoints honour referenceId; the journal entry has none (see the module).
    idempotent_writes: ClassVar[frozenset[WriteOperation]] = IDEMPOTENT

    async def _scope(self, store_id: str | None) -> dict[str, str]:
        """``{rooftopId: ...}`` for the store; the adapter's, which knows the session."""
        raise NotImplementedError

    async def _rooftop(self, store_id: str | None) -> str:
        return (await self._scope(store_id))[ROOFTOP]

    async def create_deal(
        self, store_id: str | None, draft: DealDraft, reference_id: str
    ) -> WriteOutcome:
        body = deal_body(await self._rooftop(store_id), draft, reference_id)
        raw = await self._write("POST", "/sales/deals", body, reference_id, deal_fields(draft))
        return deal_outcome(raw, body)

    async def update_deal(
        self, store_id: str | None, deal_id: str, changes: DealChanges, reference_id: str
    ) -> WriteOutcome:
        body = deal_changes_body(changes, reference_id)
        scope: Mapping[str, str] = await self._scope(store_id)
        path = f"/sales/deals/{path_segment(deal_id)}"
        raw = await self._write(
            "PATCH", path, body, reference_id, DEAL_CHANGE_FIELDS, "deal_id", params=scope
        )
        return deal_outcome(raw, body, change=True)

    async def post_journal_entry(
        self, store_id: str | None, draft: JournalEntryDraft, reference_id: str
    ) -> WriteOutcome:
        body = journal_body(await self._rooftop(store_id), draft)
        try:
            raw = await self._write(
                "POST", "/accounting/journal-entries", body, reference_id, JOURNAL_FIELDS
            )
        except UpstreamOutcomeUnknown as exc:
            # Dealertrack never saw our reference id: say what the entry can be found by.
            found_by = f" with reference {draft.reference}" if draft.reference else ""
            hint = f"; look for an entry posted {draft.posted_on}{found_by}"
            raise UpstreamOutcomeUnknown(exc.message + hint, exc.reference_id) from None
        return outcome(raw, "journalEntryId", vendor=VENDOR)

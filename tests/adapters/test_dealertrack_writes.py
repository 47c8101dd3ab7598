"""Dealertrack adapter writes against the Dealertrack sandbox over real HTTP: outcomes
mapped, rooftops kept apart, refusals naming the command's field, referenceId
deduplication for deals, unknown outcomes without a resend (and journal entries, which have
no idempotency key), and the writes Dealertrack does not have."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from adapters.base import CustomerFilter, DealFilter, DmsAdapter, VehicleFilter, Window
from adapters.commands import (
    Contact,
    DealChanges,
    DealDraft,
    JournalEntryDraft,
    JournalLine,
    LenderDecision,
    WriteOperation,
)
from adapters.errors import AdapterError, UpstreamRejected
from adapters.models import (
    Address,
    DealStatus,
    Dms,
    Fee,
    FinanceProduct,
    TradeIn,
    VehicleRef,
    VehicleStatus,
)
from sandbox import SandboxOptions
from tests.adapters.write_kit import (
    IMPATIENT,
    assert_undeclared_writes_unsupported,
    connect,
    lost_answer,
)
from tests.virtual_clock import VirtualClock

TODAY: date = SandboxOptions().today
D = Decimal


@pytest.fixture
async def dealertrack(sandbox: Any, latency_clock: VirtualClock) -> Any:
    return (await sandbox(vendors=("dealertrack",), sleep=latency_clock.sleep)).vendors[
        "dealertrack"
    ]


@pytest.fixture
def adapter(session: aiohttp.ClientSession, dealertrack: Any) -> DmsAdapter:
    return connect(Dms.DEALERTRACK, session, dealertrack)


@pytest.fixture
def home(dealertrack: Any) -> str:
    return str(dealertrack.stores[0][0])


async def _vehicle(
    adapter: DmsAdapter, store: str, status: VehicleStatus = VehicleStatus.IN_STOCK, skip: int = 0
) -> Any:
    flt = VehicleFilter(status=frozenset({status}))
    return (await adapter.list_vehicles(store, flt, Window(skip, 1))).items[0]


async def _deal(adapter: DmsAdapter, store: str, skip: int = 0, **over: Any) -> DealDraft:
    vehicle = await _vehicle(adapter, store, skip=skip)
    customer = (await adapter.list_customers(store, CustomerFilter(), Window(skip, 1))).items[0]
    fields: dict[str, Any] = {
        "buyer_id": customer.id,
        "vehicle": VehicleRef(vehicle_id=vehicle.id, vin=vehicle.vin),
        "sale_type": "finance",
        "selling_price": D("31995.00"),
        "discounts": D("500.00"),
        "rebates": D("1000.00"),
        "doc_fee": D("399.00"),
        "cash_down": D("3000.00"),
        "tax_rate": D("0.07"),
        "fees": (Fee(code="title", amount=D("77.00")),),
        "trade_ins": (
            TradeIn(vin="2HGFB2F50DH123456", allowance=D("4000.00"), payoff=D("1500.00")),
        ),
        "term_months": 60,
        "apr": D("5.99"),
        "lender_preferences": ("lnd_ally", "lnd_capone"),
        "products": (FinanceProduct(code="GAP", name="GAP", price=D("695.00")),),
        **over,
    }
    return DealDraft(**fields)


def _entry(**over: Any) -> JournalEntryDraft:
    fields: dict[str, Any] = {
        "posted_on": TODAY,
        "memo": "Digital retail deposit batch",
        "reference": "DEP-0001",
        "lines": (
            JournalLine(account_number="1010", department="10", debit=D("15000.00")),
            JournalLine(account_number="2310", department="10", credit=D("15000.00")),
        ),
        **over,
    }
    return JournalEntryDraft(**fields)


async def test_declares_its_writes(adapter: DmsAdapter) -> None:
    assert adapter.writes == {
        WriteOperation.CREATE_DEAL,
        WriteOperation.UPDATE_DEAL,
        WriteOperation.POST_JOURNAL_ENTRY,
    }
    # Deals take referenceId; a journal entry's ``reference`` is no idempotency key.
    assert adapter.idempotent_writes == {WriteOperation.CREATE_DEAL, WriteOperation.UPDATE_DEAL}


async def test_deal_outcome_read_back_and_dedup(
    adapter: DmsAdapter, dealertrack: Any, home: str
) -> None:
    draft = await _deal(adapter, home)
    before = (await adapter.list_deals(home, DealFilter(), Window(0, 1))).total or 0
    outcome = await adapter.create_deal(home, draft, "ref-deal-1")
    assert (outcome.status_raw, outcome.lender_status, outcome.reference_id) == (
        "pending",
        "submitted",
        "ref-deal-1",
    )
    assert outcome.number is not None and outcome.number.startswith("D-")
    assert outcome.occurred_at is not None and outcome.occurred_at.date() == TODAY
    [deal] = await adapter.get_deals(home, [outcome.id])
    assert deal is not None and deal.status is DealStatus.PENDING
    assert deal.deal_number == outcome.number and deal.reference_id == "ref-deal-1"
    pricing = deal.pricing
    assert (pricing.selling_price, pricing.doc_fee, pricing.cash_down) == (
        D("31495.00"),  # net of discounts
        D("399.00"),
        D("3000.00"),
    )
    assert [(f.code, f.amount) for f in pricing.fees] == [("title", D("77.00"))]
    assert pricing.tax_amount == D("1924.65")  # 7% of 31,495 less the 4,000 trade
    assert [(t.vin, t.allowance, t.payoff) for t in deal.trade_ins] == [
        ("2HGFB2F50DH123456", D("4000.00"), D("1500.00"))
    ]
    assert deal.financing is not None and deal.financing.monthly_payment is not None
    assert deal.financing.lender_preferences == ("lnd_ally", "lnd_capone")
    assert [p.code for p in deal.products] == ["GAP"]
    # Sent again under its reference id (a retry after an unknown outcome): the same deal.
    assert await adapter.create_deal(home, draft, "ref-deal-1") == outcome
    assert (await adapter.list_deals(home, DealFilter(), Window(0, 1))).total == before + 1
    assert dealertrack.requests.count(method="POST", path_contains="/sales/deals") == 2


async def test_a_new_buyer_and_another_rooftop(
    adapter: DmsAdapter, dealertrack: Any, home: str
) -> None:
    other = str(dealertrack.stores[1][0])
    buyer = Contact(
        first_name="Jordan",
        last_name="Lopez",
        email="jordan.lopez@example.org",
        address=Address(line1="500 Peachtree St NE", line2="Unit 4", city="Atlanta", region="GA"),
    )
    draft = await _deal(adapter, other, buyer_id=None, buyer=buyer, sale_type="cash")
    draft = draft.model_copy(
        update={"term_months": None, "apr": None, "lender_preferences": (), "products": ()}
    )
    outcome = await adapter.create_deal(other, draft, "ref-deal-new-buyer")
    assert (outcome.status_raw, outcome.lender_status) == ("pending", None)
    [deal] = await adapter.get_deals(other, [outcome.id])
    assert deal is not None and deal.buyer_id is not None and deal.financing is None
    [customer] = await adapter.get_customers(other, [deal.buyer_id])
    assert customer is not None and customer.email == "jordan.lopez@example.org"
    assert customer.address is not None and customer.address.line1 == "500 Peachtree St NE, Unit 4"
    # The deal belongs to its rooftop only.
    assert await adapter.get_deals(home, [outcome.id]) == [None]
    with pytest.raises(AdapterError, match="store id is required"):
        await adapter.create_deal(None, draft, "ref-no-rooftop")


async def test_deal_update_outcome(adapter: DmsAdapter, dealertrack: Any, home: str) -> None:
    created = await adapter.create_deal(home, await _deal(adapter, home, 1), "ref-deal-2")
    with pytest.raises(UpstreamRejected) as err:
        decision = LenderDecision(lender_id="lnd_chase", decision="approved")
        await adapter.update_deal(home, created.id, DealChanges(lender_decision=decision), "u-0")
    assert (err.value.status, err.value.field, err.value.vendor_code) == (
        422,
        "lender_decision.lender_id",
        "validation_failed",
    )
    decision = LenderDecision(lender_id="lnd_ally", decision="approved", approved_apr=D("4.49"))
    changes = DealChanges(status=DealStatus.CONTRACTED, lender_decision=decision)
    contracted = await adapter.update_deal(home, created.id, changes, "ref-upd-1")
    assert (contracted.status_raw, contracted.lender_status) == ("contracted", "approved")
    assert contracted.id == created.id and contracted.occurred_at is not None
    [deal] = await adapter.get_deals(home, [created.id])
    assert deal is not None and deal.financing is not None
    assert (deal.financing.apr, deal.financing.approved_apr) == (D("4.49"), D("4.49"))
    # The same update again under its key: the first answer, not a refusal.
    assert await adapter.update_deal(home, created.id, changes, "ref-upd-1") == contracted

    for change, field in (
        (DealChanges(cash_down=D("1.00")), "cash_down"),
        (DealChanges(status=DealStatus.DRAFT), "status"),
    ):
        with pytest.raises(UpstreamRejected) as err:
            await adapter.update_deal(home, created.id, change, "ref-upd-bad")
        assert (err.value.status, err.value.field) == (422, field)
    with pytest.raises(UpstreamRejected) as err:
        await adapter.update_deal(
            home, "deal_000000", DealChanges(status=DealStatus.CANCELLED), "ref-upd-404"
        )
    assert (err.value.status, err.value.field) == (404, "deal_id")


async def test_refusals_name_the_command_field(adapter: DmsAdapter, home: str) -> None:
    sold = await _vehicle(adapter, home, VehicleStatus.SOLD)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"buyer_id": "cust_nobody"}, "buyer_id"),
        ({"co_buyer_id": "cust_nobody"}, "co_buyer_id"),
        ({"vehicle": VehicleRef(vehicle_id=sold.id)}, "vehicle.vehicle_id"),
        ({"tax_rate": D("0.5")}, "tax_rate"),
        ({"cash_down": D("90000.00")}, "cash_down"),
        ({"term_months": 120}, "term_months"),
        ({"lender_preferences": ("lnd_ally", "lnd_nobank")}, "lender_preferences[1]"),
        ({"lender_preferences": ()}, "lender_preferences"),
        ({"trade_ins": (TradeIn(vin="2HGFB2F50DH123456"),)}, "trade_ins[0].allowance"),
        ({"fees": (Fee(code="doc", amount=D("10.00")),)}, "doc_fee"),  # two doc fees
        ({"products": (FinanceProduct(code="x" * 30, price=D(1)),)}, "products[0].code"),
        ({"salesperson_id": "u_nobody"}, "salesperson_id"),
    ]
    for over, field in cases:
        with pytest.raises(UpstreamRejected) as err:
            await adapter.create_deal(home, await _deal(adapter, home, 2, **over), "ref-bad")
        assert (err.value.status, err.value.field) == (422, field), over
        assert "validation_failed" in err.value.message
    # The same reference id for a different deal: the vendor's 409, as a refusal.
    await adapter.create_deal(home, await _deal(adapter, home, 3), "ref-taken")
    with pytest.raises(UpstreamRejected) as err:
        await adapter.create_deal(home, await _deal(adapter, home, 4), "ref-taken")
    assert (err.value.status, err.value.vendor_code, err.value.field) == (
        409,
        "conflict",
        "referenceId",
    )


async def test_refused_before_sending(adapter: DmsAdapter, dealertrack: Any, home: str) -> None:
    good = await _deal(adapter, home)
    cash = {"sale_type": "cash", "term_months": None, "apr": None, "lender_preferences": ()}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"vehicle": VehicleRef(vin=good.vehicle.vin)}, "vehicle.vehicle_id"),
        ({"trade_ins": good.trade_ins * 2}, "trade_ins"),
        ({"sale_type": "lease"}, "sale_type"),
        ({"tax_basis": "selling_price"}, "tax_basis"),
        ({"tax_amount": D("100.00")}, "tax_amount"),
        ({"status": DealStatus.APPROVED}, "status"),
        ({**cash}, "products"),
        ({**cash, "products": (), "submit_credit_application": True}, "submit_credit_application"),
    ]
    sent = dealertrack.requests.count(method="POST")
    for over, field in cases:
        with pytest.raises(UpstreamRejected) as err:
            await adapter.create_deal(home, good.model_copy(update=over), "r1")
        assert (err.value.status, err.value.field) == (422, field), over
    for changes, field in (
        (DealChanges(apr=D("3.99")), "apr"),
        (DealChanges(term_months=48), "term_months"),
        (DealChanges(status=DealStatus.UNKNOWN), "status"),
    ):
        with pytest.raises(UpstreamRejected) as err:
            await adapter.update_deal(home, "deal_000000", changes, "r2")
        assert err.value.field == field
    assert dealertrack.requests.count(method="POST") == sent
    assert dealertrack.requests.count(method="PATCH") == 0


async def test_journal_entry_outcome_and_refusals(
    adapter: DmsAdapter, dealertrack: Any, home: str
) -> None:
    outcome = await adapter.post_journal_entry(home, _entry(), "ref-je-1")
    assert outcome.id.startswith("je_") and outcome.status_raw == "posted"
    assert outcome.reference_id is None  # Dealertrack keeps no idempotency key for entries
    assert outcome.occurred_at is not None and outcome.occurred_at.date() == TODAY
    entry = dealertrack.state.rooftops[home].journal_entries.get(outcome.id)
    assert (entry["postedDate"], entry["reference"], len(entry["lines"])) == (
        TODAY,
        "DEP-0001",
        2,
    )
    assert entry["lines"][1]["credit"] == D("15000.00") and entry["lines"][1]["debit"] == 0
    cash, deposits = _entry().lines
    closed = TODAY.replace(day=1) - timedelta(days=1)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"posted_on": closed}, "posted_on"),
        ({"lines": (cash, deposits.model_copy(update={"credit": D("1.00")}))}, "lines"),
        (
            {"lines": (cash.model_copy(update={"account_number": "9999"}), deposits)},
            "lines[0].account_number",
        ),
        (
            {"lines": (cash, deposits.model_copy(update={"department": "99"}))},
            "lines[1].department",
        ),
        ({"memo": "m" * 300}, "memo"),
    ]
    for over, field in cases:
        with pytest.raises(UpstreamRejected) as err:
            await adapter.post_journal_entry(home, _entry(**over), "ref-je-bad")
        assert (err.value.status, err.value.field) == (422, field), over


async def test_unknown_deal_outcome_is_not_resent(
    session: aiohttp.ClientSession, dealertrack: Any, home: str, latency_clock: VirtualClock
) -> None:
    adapter = connect(Dms.DEALERTRACK, session, dealertrack, IMPATIENT)
    draft = await _deal(adapter, home)  # signed in (and reads done) before the fault
    deals = dealertrack.state.rooftops[home].deals
    before = len(deals)
    err = await lost_answer(
        dealertrack, latency_clock, adapter.create_deal(home, draft, "ref-lost-1")
    )
    assert err.reference_id == "ref-lost-1"
    assert "dealertrack POST /sales/deals" in err.message
    assert dealertrack.requests.count(method="POST", path_contains="/sales/deals") == 1
    assert len(deals) == before + 1
    # Dealertrack deduplicates deals by referenceId: resending is how the outcome is learned.
    outcome = await adapter.create_deal(home, draft, "ref-lost-1")
    assert len(deals) == before + 1 and deals.get(outcome.id)["referenceId"] == "ref-lost-1"


async def test_unknown_journal_outcome_says_how_to_find_the_entry(
    session: aiohttp.ClientSession, dealertrack: Any, home: str, latency_clock: VirtualClock
) -> None:
    adapter = connect(Dms.DEALERTRACK, session, dealertrack, IMPATIENT)
    await adapter.list_stores()  # signed in before the fault
    entry = _entry(reference="DEP-LOST")
    err = await lost_answer(
        dealertrack, latency_clock, adapter.post_journal_entry(home, entry, "ref-je-lost")
    )
    assert err.reference_id == "ref-je-lost"
    assert f"posted {TODAY} with reference DEP-LOST" in err.message
    assert dealertrack.requests.count(method="POST", path_contains="/journal-entries") == 1
    journal = dealertrack.state.rooftops[home].journal_entries
    assert [e["reference"] for e in journal] == ["DEP-LOST"]


async def test_writes_dealertrack_lacks(adapter: DmsAdapter, dealertrack: Any) -> None:
    await assert_undeclared_writes_unsupported(adapter, dealertrack)

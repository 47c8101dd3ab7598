"""DealerCenter adapter writes against the DealerCenter sandbox over real HTTP: outcomes
mapped, refusals naming the command's field, referenceId deduplication, an unknown outcome
without a resend, and the writes DealerCenter does not have."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from adapters.base import (
    AccountFilter,
    CustomerFilter,
    DealFilter,
    DmsAdapter,
    VehicleFilter,
    Window,
)
from adapters.commands import (
    AppointmentDraft,
    Contact,
    CustomerDraft,
    DealChanges,
    DealDraft,
    JournalEntryDraft,
    LeadDraft,
    PartStockChange,
    PaymentDraft,
    RepairOrderDraft,
    ServiceVehicleDraft,
    WriteOperation,
)
from adapters.errors import NotSupported, UpstreamRejected
from adapters.models import (
    AccountStatus,
    Address,
    Consent,
    DealStatus,
    Dms,
    Fee,
    FinanceProduct,
    PaymentAllocation,
    PaymentMethod,
    TradeIn,
    VehicleRef,
    VehicleStatus,
)
from tests.adapters.write_kit import IMPATIENT, connect, days_ahead, lost_answer
from tests.virtual_clock import VirtualClock

NOW = days_ahead(0)


@pytest.fixture
async def dealercenter(sandbox: Any, latency_clock: VirtualClock) -> Any:
    return (await sandbox(vendors=("dealercenter",), sleep=latency_clock.sleep)).vendors[
        "dealercenter"
    ]


@pytest.fixture
def adapter(session: aiohttp.ClientSession, dealercenter: Any) -> DmsAdapter:
    return connect(Dms.DEALERCENTER, session, dealercenter)


def _lead(vin: str | None = None, **over: Any) -> LeadDraft:
    fields: dict[str, Any] = {
        "contact": Contact(
            first_name="Alex", last_name="Rivera", email="alex@example.org", phone="(704) 555-0188"
        ),
        "source": "website_digital_retail",
        "vehicle_of_interest": VehicleRef(vin=vin) if vin else None,
        "notes": "Test drive Saturday?",
        "consent": Consent(tcpa=True, email=True, captured_at=NOW - timedelta(hours=2)),
        "consent_ip": "198.51.100.7",
        **over,
    }
    return LeadDraft(**fields)


async def _vehicle(adapter: DmsAdapter, skip: int = 0) -> Any:
    flt = VehicleFilter(status=frozenset({VehicleStatus.IN_STOCK}))
    return (await adapter.list_vehicles(None, flt, Window(skip, 1))).items[0]


async def _lender(adapter: DmsAdapter) -> str:
    deals = (await adapter.list_deals(None, DealFilter(), Window(0, 100))).items
    return next(d.financing.lender_id for d in deals if d.financing and d.financing.lender_id)


async def _deal(adapter: DmsAdapter, skip: int = 0, **over: Any) -> DealDraft:
    vehicle = await _vehicle(adapter, skip)
    customer = (await adapter.list_customers(None, CustomerFilter(), Window(skip, 1))).items[0]
    fields: dict[str, Any] = {
        "buyer_id": customer.id,
        "vehicle": VehicleRef(vehicle_id=vehicle.id),
        "sale_type": "finance",
        "selling_price": Decimal("21995.00"),
        "discounts": Decimal("500.00"),
        "doc_fee": Decimal("150.00"),
        "fees": (Fee(code="ttl", description="Title/License", amount=Decimal("220.00")),),
        "tax_rate": Decimal("0.0825"),
        "cash_down": Decimal("2000.00"),
        "trade_ins": (
            TradeIn(
                vin="2C3CDXBG9JH123456",
                mileage=61000,
                allowance=Decimal("3000.00"),
                payoff=Decimal("1200.00"),
            ),
        ),
        "term_months": 72,
        "apr": Decimal("7.49"),
        "lender_preferences": (await _lender(adapter),),
        **over,
    }
    return DealDraft(**fields)


async def _account(adapter: DmsAdapter, status: AccountStatus, skip: int = 0) -> Any:
    flt = AccountFilter(status=frozenset({status}))
    return (await adapter.list_accounts(None, flt, Window(skip, 1))).items[0]


async def test_declares_its_writes(adapter: DmsAdapter) -> None:
    ops = {WriteOperation.CREATE_LEAD, WriteOperation.CREATE_DEAL, WriteOperation.POST_PAYMENT}
    assert adapter.writes == ops
    assert adapter.idempotent_writes == ops  # every one takes referenceId


async def test_lead_outcome_and_read_back(adapter: DmsAdapter, dealercenter: Any) -> None:
    vehicle = await _vehicle(adapter)
    outcome = await adapter.create_lead(None, _lead(vehicle.vin), "ref-lead-1")
    assert (outcome.status_raw, outcome.reference_id) == ("new", "ref-lead-1")
    assert outcome.occurred_at is not None and outcome.occurred_at.date() == NOW.date()
    [lead] = await adapter.get_leads(None, [outcome.id])
    assert lead is not None and lead.reference_id == "ref-lead-1"
    # The VIN was looked up: DealerCenter names the vehicle by id.
    assert lead.vehicle_of_interest == VehicleRef(vehicle_id=vehicle.id)
    assert (lead.source, lead.channel, lead.phone) == ("website", "digital_retail", "+17045550188")
    assert lead.consent is not None
    assert (lead.consent.tcpa, lead.consent.ip_address) == (True, "198.51.100.7")
    assert lead.consent.captured_at == NOW - timedelta(hours=2)
    # No TCPA consent: neither when nor where is sent.
    denied = _lead(consent=Consent(tcpa=False, captured_at=NOW), source="walk_in")
    outcome = await adapter.create_lead(None, denied, "ref-lead-2")
    row = dealercenter.state.leads.get(outcome.id)
    assert row["tcpaConsent"] == {"granted": False, "timestamp": None, "ip": None}
    assert row["channel"] == "showroom"


async def test_deal_outcome_figures_and_dedup(adapter: DmsAdapter, dealercenter: Any) -> None:
    draft = await _deal(adapter, submit_credit_application=True)
    before = (await adapter.list_deals(None, DealFilter(), Window(0, 1))).total or 0
    outcome = await adapter.create_deal(None, draft, "ref-deal-1")
    assert outcome.status_raw == "submitted"
    assert outcome.payment_estimate is not None
    assert (
        outcome.payment_estimate.monthly,
        outcome.payment_estimate.term_months,
        outcome.payment_estimate.apr,
    ) == (Decimal("338.63"), 72, Decimal("7.49"))
    assert outcome.credit_application is not None
    assert outcome.credit_application.id.startswith("ca_")
    assert outcome.credit_application.status == "sent_to_lenders"
    [deal] = await adapter.get_deals(None, [outcome.id])
    assert deal is not None and deal.status is DealStatus.SUBMITTED
    assert (deal.pricing.doc_fee, deal.pricing.discounts) == (Decimal("150.00"), Decimal("500.00"))
    assert deal.pricing.tax_amount == Decimal("1525.84")
    assert [f.code for f in deal.pricing.fees] == ["ttl"]
    assert [(t.allowance, t.payoff) for t in deal.trade_ins] == [
        (Decimal("3000.00"), Decimal("1200.00"))
    ]
    assert deal.financing is not None
    assert deal.financing.lender_id == draft.lender_preferences[0]
    assert deal.financing.credit_application_id == outcome.credit_application.id
    # Sent again under its reference id (a retry after an unknown outcome): the same deal.
    again = await adapter.create_deal(None, draft, "ref-deal-1")
    assert again == outcome
    assert (await adapter.list_deals(None, DealFilter(), Window(0, 1))).total == before + 1
    assert dealercenter.requests.count(method="POST", path_contains="/deals") == 2

    cash = await _deal(adapter, 1, sale_type="cash", term_months=None, apr=None, trade_ins=())
    outcome = await adapter.create_deal(None, cash, "ref-deal-2")
    assert (outcome.status_raw, outcome.payment_estimate, outcome.credit_application) == (
        "quote",
        None,
        None,
    )
    # A buyer given inline becomes a customer.
    inline = await _deal(
        adapter,
        2,
        buyer_id=None,
        buyer=Contact(
            first_name="Sam",
            last_name="Okafor",
            email="sam.okafor@example.org",
            address=Address(
                line1="12 Elm St",
                line2="Unit 3",
                city="Charlotte",
                region="NC",
                postal_code="28202",
            ),
        ),
        status=DealStatus.SUBMITTED,
    )
    outcome = await adapter.create_deal(None, inline, "ref-deal-3")
    assert outcome.status_raw == "submitted" and outcome.credit_application is not None
    buyer = dealercenter.state.deals.get(outcome.id)["buyer"]
    assert buyer["address"]["line1"] == "12 Elm St, Unit 3"
    [customer] = (
        await adapter.list_customers(None, CustomerFilter(search="sam.okafor"), Window(0, 5))
    ).items
    assert customer.id == buyer["customerId"]


async def test_refusals_name_the_command_field(adapter: DmsAdapter, dealercenter: Any) -> None:
    sold = (
        await adapter.list_vehicles(
            None, VehicleFilter(status=frozenset({VehicleStatus.SOLD})), Window(0, 1)
        )
    ).items[0]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"buyer_id": "cust_nobody"}, "buyer_id"),
        ({"vehicle": VehicleRef(vehicle_id=sold.id)}, "vehicle"),
        ({"tax_rate": Decimal("0.5")}, "tax_rate"),
        ({"tax_amount": Decimal("1757.44")}, "tax_amount"),
        ({"cash_down": Decimal("90000.00")}, "cash_down"),
        ({"sale_type": "lease"}, "sale_type"),
        ({"term_months": 120}, "term_months"),
        ({"lender_preferences": ("ALLY",)}, "lender_preferences"),
        ({"trade_ins": (TradeIn(vin="2C3CDXBG9JH123456"),)}, "trade_ins[0].allowance"),
        ({"doc_fee": Decimal("150.005")}, "doc_fee"),
    ]
    for over, field in cases:
        with pytest.raises(UpstreamRejected) as err:
            await adapter.create_deal(None, await _deal(adapter, 3, **over), "ref-bad")
        assert (err.value.status, err.value.field) == (422, field), over
        assert "validation_failed" in err.value.message
    with pytest.raises(UpstreamRejected) as err:
        await adapter.create_lead(None, _lead(consent=Consent(tcpa=True)), "ref-bad-lead")
    assert err.value.field == "consent.captured_at"
    with pytest.raises(UpstreamRejected) as err:
        await adapter.create_lead(None, _lead(source="billboard"), "ref-bad-lead")
    assert err.value.field == "source"
    with pytest.raises(UpstreamRejected) as err:
        bad = _lead(assigned_user_id=dealercenter.state.api_user.user_id)  # a manager
        await adapter.create_lead(None, bad, "ref-bad-lead")
    assert err.value.field == "assigned_user_id"
    # The same reference id for a different deal: the vendor's 409, as a refusal.
    await adapter.create_deal(None, await _deal(adapter, 4), "ref-taken")
    with pytest.raises(UpstreamRejected) as err:
        await adapter.create_deal(None, await _deal(adapter, 5), "ref-taken")
    assert (err.value.status, err.value.vendor_code, err.value.field) == (
        409,
        "conflict",
        "referenceId",
    )


async def test_refused_before_sending(adapter: DmsAdapter, dealercenter: Any) -> None:
    draft = await _deal(adapter)
    account = await _account(adapter, AccountStatus.CURRENT)
    posts = dealercenter.requests.count(method="POST")
    product = FinanceProduct(code="VSC", price=Decimal("1495.00"))
    cases: list[tuple[Any, str]] = [
        (draft.model_copy(update={"co_buyer_id": "cust_x"}), "co_buyer_id"),
        (draft.model_copy(update={"rebates": Decimal("500.00")}), "rebates"),
        (draft.model_copy(update={"products": (product,)}), "products"),
        (draft.model_copy(update={"trade_ins": draft.trade_ins * 2}), "trade_ins"),
        (draft.model_copy(update={"tax_basis": "selling_price"}), "tax_basis"),
        (draft.model_copy(update={"status": DealStatus.CONTRACTED}), "status"),
        (
            draft.model_copy(update={"fees": (Fee(code="doc", amount=Decimal("1.00")),)}),
            "doc_fee",
        ),
        (draft.model_copy(update={"vehicle": VehicleRef(vin="1FTEW1EP5PKD12345")}), "vehicle.vin"),
    ]
    for bad, field in cases:
        with pytest.raises(UpstreamRejected) as err:
            await adapter.create_deal(None, bad, "r1")
        assert err.value.field == field
    with pytest.raises(UpstreamRejected) as err:
        await adapter.create_lead(None, _lead(trade_in=TradeIn(vin="2C3CDXBG9JH123456")), "r2")
    assert err.value.field == "trade_in"
    with pytest.raises(UpstreamRejected) as err:
        await adapter.create_lead(
            None, _lead(vehicle_of_interest=VehicleRef(stock_number="NOPE")), "r3"
        )
    assert err.value.field == "vehicle_of_interest.stock_number"
    split = PaymentAllocation(principal=Decimal("10.00"), other=Decimal("2.00"))
    payment = PaymentDraft(
        account_id=account.id, amount=Decimal("12.00"), method=PaymentMethod.CASH, allocation=split
    )
    with pytest.raises(UpstreamRejected) as err:
        await adapter.post_payment(None, payment, "r4")
    assert err.value.field == "allocation.other"
    assert dealercenter.requests.count(method="POST") == posts


async def test_payment_outcome_and_account(adapter: DmsAdapter) -> None:
    late = await _account(adapter, AccountStatus.PAST_DUE)
    assert late.past_due_amount is not None and late.late_fees_due is not None
    draft = PaymentDraft(
        account_id=late.id,
        amount=late.past_due_amount + late.late_fees_due,
        method=PaymentMethod.OTHER,
        note="Money order 5512",
    )
    outcome = await adapter.post_payment(None, draft, "ref-pay-1")
    assert outcome.status_raw == "posted" and outcome.reference_id == "ref-pay-1"
    assert outcome.number is not None and outcome.number.startswith(f"R-{NOW.year}-")
    assert outcome.next_due_date == late.next_due_date
    [payment] = await adapter.get_payments(None, [outcome.id])
    assert payment is not None and payment.receipt_number == outcome.number
    assert (payment.method_raw, payment.note) == ("money_order", "Money order 5512")
    assert payment.allocation is not None and payment.allocation.late_fees == late.late_fees_due
    [account] = await adapter.get_accounts(None, [late.id])
    assert account is not None and account.status is AccountStatus.CURRENT
    assert account.balance == late.balance - payment.allocation.principal
    assert (account.days_past_due, account.late_fees_due) == (0, Decimal("0.00"))

    split = PaymentAllocation(principal=account.balance + 1, interest=Decimal("0"))
    with pytest.raises(UpstreamRejected) as err:
        await adapter.post_payment(
            None,
            PaymentDraft(
                account_id=late.id,
                amount=split.principal,
                method=PaymentMethod.CASH,
                allocation=split,
            ),
            "ref-pay-2",
        )
    assert err.value.field == "allocation.principal"
    with pytest.raises(UpstreamRejected) as err:
        await adapter.post_payment(
            None, draft.model_copy(update={"received_at": NOW + timedelta(days=3)}), "ref-pay-3"
        )
    assert err.value.field == "received_at"
    closed = await _account(adapter, AccountStatus.CHARGED_OFF)
    with pytest.raises(UpstreamRejected) as err:
        await adapter.post_payment(None, draft.model_copy(update={"account_id": closed.id}), "r5")
    assert (err.value.status, err.value.field) == (422, "account_id")
    with pytest.raises(UpstreamRejected) as err:
        await adapter.post_payment(
            None, draft.model_copy(update={"account_id": "acc_000000"}), "r6"
        )
    assert (err.value.status, err.value.field) == (404, "account_id")


async def test_unknown_outcome_is_not_resent(
    session: aiohttp.ClientSession, dealercenter: Any, latency_clock: VirtualClock
) -> None:
    adapter = connect(Dms.DEALERCENTER, session, dealercenter, IMPATIENT)
    account = await _account(adapter, AccountStatus.CURRENT, 1)  # signed in before the fault
    assert account.next_due_amount is not None and account.balance is not None
    payments = dealercenter.state.payments
    before = len(payments)
    draft = PaymentDraft(
        account_id=account.id, amount=account.next_due_amount, method=PaymentMethod.ACH
    )
    lost = await lost_answer(
        dealercenter, latency_clock, adapter.post_payment(None, draft, "ref-lost-1")
    )
    assert lost.reference_id == "ref-lost-1"
    assert "dealercenter POST /bhph/accounts/" in lost.message
    assert dealercenter.requests.count(method="POST", path_contains="/payments") == 1
    assert len(payments) == before + 1
    # DealerCenter deduplicates by referenceId: resending is how the outcome is learned.
    outcome = await adapter.post_payment(None, draft, "ref-lost-1")
    assert len(payments) == before + 1
    assert dealercenter.requests.count(method="POST", path_contains="/payments") == 2
    assert payments.get(outcome.id)["referenceId"] == "ref-lost-1"
    [after] = await adapter.get_accounts(None, [account.id])
    assert after is not None and after.balance is not None
    assert account.balance - after.balance < account.next_due_amount  # applied once


async def test_writes_dealercenter_lacks(adapter: DmsAdapter, dealercenter: Any) -> None:
    later = days_ahead(3)
    calls = [
        adapter.upsert_customer(None, CustomerDraft(first_name="A", last_name="B"), "r"),
        adapter.update_deal(None, "dl_000000", DealChanges(status=DealStatus.APPROVED), "r"),
        adapter.schedule_appointment(
            None, AppointmentDraft(customer_id="cust_x", starts_at=later), "r"
        ),
        adapter.post_journal_entry(None, JournalEntryDraft(posted_on=later.date(), lines=()), "r"),
        adapter.create_service_vehicle(
            None, ServiceVehicleDraft(owner_id="cust_x", year=2020, make="Kia", model="Rio"), "r"
        ),
        adapter.create_repair_order(
            None, RepairOrderDraft(customer_id="cust_x", vehicle_id="v"), "r"
        ),
        adapter.set_part_stock(None, PartStockChange(part_id="prt_000000", quantity=1), "r"),
    ]
    for call in calls:
        with pytest.raises(NotSupported):
            await call
    assert dealercenter.requests.count() == 0

"""AutoSoft adapter writes against the AutoSoft sandbox over real HTTP: outcomes mapped,
refusals naming the command's field, referenceId deduplication, unknown outcomes without a
resend, and the writes AutoSoft does not have."""

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
    LeadFilter,
    RepairOrderFilter,
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
    LenderDecision,
    PartStockChange,
    PaymentDraft,
    WriteOperation,
)
from adapters.errors import NotSupported, UpstreamRejected
from adapters.models import (
    AccountStatus,
    Address,
    Consent,
    DealStatus,
    Dms,
    PaymentAllocation,
    PaymentMethod,
    TradeIn,
    VehicleRef,
    VehicleStatus,
)
from tests.adapters.write_kit import IMPATIENT, connect, days_ahead, lost_answer
from tests.virtual_clock import VirtualClock

LATER = days_ahead(3)


@pytest.fixture
async def autosoft(sandbox: Any, latency_clock: VirtualClock) -> Any:
    return (await sandbox(vendors=("autosoft",), sleep=latency_clock.sleep)).vendors["autosoft"]


@pytest.fixture
def adapter(session: aiohttp.ClientSession, autosoft: Any) -> DmsAdapter:
    return connect(Dms.AUTOSOFT, session, autosoft)


def _lead(vin: str | None = None) -> LeadDraft:
    return LeadDraft(
        contact=Contact(
            first_name="Jordan",
            last_name="Lee",
            email="jordan.lee@example.org",
            address=Address(
                line1="1200 Liberty Ave", line2="Apt 4", city="Pittsburgh", region="PA"
            ),
        ),
        source="website_digital_retail",
        vehicle_of_interest=VehicleRef(vin=vin) if vin else None,
        consent=Consent(tcpa=True, email=True),
    )


async def _vehicle(
    adapter: DmsAdapter, status: VehicleStatus = VehicleStatus.IN_STOCK, skip: int = 0
) -> Any:
    page = await adapter.list_vehicles(
        None, VehicleFilter(status=frozenset({status})), Window(skip, 1)
    )
    return page.items[0]


async def _deal(adapter: DmsAdapter, skip: int = 0, **over: Any) -> DealDraft:
    vehicle = await _vehicle(adapter, skip=skip)
    customer = (await adapter.list_customers(None, CustomerFilter(), Window(skip, 1))).items[0]
    fields: dict[str, Any] = {
        "buyer_id": customer.id,
        "vehicle": VehicleRef(vin=vehicle.vin),
        "sale_type": "finance",
        "selling_price": Decimal("31995.00"),
        "discounts": Decimal("500.00"),
        "cash_down": Decimal("3000.00"),
        "trade_ins": (
            TradeIn(
                vin="2HGFB2F50CH000000",
                mileage=86000,
                allowance=Decimal("4000.00"),
                payoff=Decimal("1500.00"),
            ),
        ),
        "term_months": 60,
        "apr": Decimal("5.99"),
        "lender_preferences": ("ALLY",),
        **over,
    }
    return DealDraft(**fields)


async def test_declares_its_writes(adapter: DmsAdapter) -> None:
    ops = {
        WriteOperation.CREATE_LEAD,
        WriteOperation.CREATE_DEAL,
        WriteOperation.UPDATE_DEAL,
        WriteOperation.POST_PAYMENT,
        WriteOperation.SCHEDULE_APPOINTMENT,
    }
    assert adapter.writes == ops
    assert adapter.idempotent_writes == ops  # every AutoSoft write endpoint takes referenceId


async def test_lead_outcome_and_read_back(adapter: DmsAdapter, autosoft: Any) -> None:
    vehicle = await _vehicle(adapter)
    outcome = await adapter.create_lead(None, _lead(vehicle.vin), "ref-lead-1")
    assert (outcome.status_raw, outcome.reference_id) == ("new", "ref-lead-1")
    [lead] = await adapter.get_leads(None, [outcome.id])
    assert lead is not None and lead.reference_id == "ref-lead-1"
    assert lead.vehicle_of_interest is not None and lead.vehicle_of_interest.vin == vehicle.vin
    assert lead.consent is not None and (lead.consent.tcpa, lead.consent.sms) == (True, False)
    assert (
        autosoft.state.leads.get(outcome.id)["customer"]["address"]["line1"]
        == "1200 Liberty Ave, Apt 4"
    )


async def test_deal_outcome_figures_and_dedup(adapter: DmsAdapter, autosoft: Any) -> None:
    draft = await _deal(adapter)
    before = (await adapter.list_deals(None, DealFilter(), Window(0, 1))).total
    outcome = await adapter.create_deal(None, draft, "ref-deal-1")
    assert outcome.status_raw == "draft" and outcome.payment_estimate is not None
    assert (outcome.payment_estimate.term_months, outcome.payment_estimate.apr) == (
        60,
        Decimal("5.99"),
    )
    [deal] = await adapter.get_deals(None, [outcome.id])
    assert deal is not None and deal.pricing.selling_price == Decimal(
        "31495.00"
    )  # net of discounts
    assert (
        deal.financing is not None
        and deal.financing.monthly_payment == outcome.payment_estimate.monthly
    )
    assert [t.allowance for t in deal.trade_ins] == [Decimal("4000.00")]
    # Sent again under its reference id (a retry after an unknown outcome): the same deal.
    again = await adapter.create_deal(None, draft, "ref-deal-1")
    assert again == outcome
    assert (await adapter.list_deals(None, DealFilter(), Window(0, 1))).total == (before or 0) + 1
    assert autosoft.requests.count(method="POST", path_contains="/deals") == 2


async def test_deal_update_outcome(adapter: DmsAdapter) -> None:
    created = await adapter.create_deal(None, await _deal(adapter, 1), "ref-deal-2")
    pending = await adapter.update_deal(
        None, created.id, DealChanges(status=DealStatus.SUBMITTED), "ref-upd-1"
    )
    assert pending.status_raw == "pending"
    decision = LenderDecision(lender_id="ALLY", decision="approved", approved_apr=Decimal("4.49"))
    approved = await adapter.update_deal(
        None, created.id, DealChanges(lender_decision=decision), "ref-upd-2"
    )
    assert (approved.status_raw, approved.lender_status) == ("approved", "approved")
    assert approved.payment_estimate is not None and approved.payment_estimate.apr == Decimal(
        "4.49"
    )
    assert created.payment_estimate is not None
    assert approved.payment_estimate.monthly < created.payment_estimate.monthly

    with pytest.raises(UpstreamRejected) as err:
        await adapter.update_deal(
            None, created.id, DealChanges(status=DealStatus.DELIVERED), "ref-upd-3"
        )
    assert (err.value.status, err.value.field, err.value.vendor_code) == (
        422,
        "status",
        "validation_failed",
    )
    with pytest.raises(UpstreamRejected) as err:
        await adapter.update_deal(
            None, created.id, DealChanges(cash_down=Decimal("1.00")), "ref-upd-4"
        )
    assert err.value.field == "cash_down"
    with pytest.raises(UpstreamRejected) as err:
        await adapter.update_deal(
            None, "dl_000000", DealChanges(status=DealStatus.PENDING), "ref-upd-5"
        )
    assert (err.value.status, err.value.field) == (404, "deal_id")


async def test_refusals_name_the_command_field(adapter: DmsAdapter, autosoft: Any) -> None:
    sold = await _vehicle(adapter, VehicleStatus.SOLD)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"buyer_id": "cust_nobody"}, "buyer_id"),
        ({"vehicle": VehicleRef(vin=sold.vin)}, "vehicle"),
        ({"vehicle": VehicleRef(stock_number="NOPE1")}, "vehicle.stock_number"),
        ({"tax_rate": Decimal("0.5")}, "tax_rate"),
        ({"cash_down": Decimal("90000.00")}, "cash_down"),
        ({"sale_type": "lease"}, "sale_type"),
        ({"term_months": 120}, "term_months"),
    ]
    for over, field in cases:
        with pytest.raises(UpstreamRejected) as err:
            await adapter.create_deal(None, await _deal(adapter, 2, **over), "ref-bad")
        assert (err.value.status, err.value.field) == (422, field), over
        assert "validation_failed" in err.value.message
    with pytest.raises(UpstreamRejected) as err:
        await adapter.create_lead(None, _lead("1FTEW1EP5PKD12345"), "ref-bad-lead")
    assert err.value.field == "vehicle_of_interest.vin"
    # The same reference id for a different deal: the vendor's 409, as a refusal.
    await adapter.create_deal(None, await _deal(adapter, 3), "ref-taken")
    with pytest.raises(UpstreamRejected) as err:
        await adapter.create_deal(None, await _deal(adapter, 4), "ref-taken")
    assert (err.value.status, err.value.vendor_code, err.value.field) == (
        409,
        "conflict",
        "referenceId",
    )


async def test_refused_before_sending(adapter: DmsAdapter, autosoft: Any) -> None:
    account = (
        await adapter.list_accounts(
            None, AccountFilter(status=frozenset({AccountStatus.CURRENT})), Window(0, 1)
        )
    ).items[0]
    posts = autosoft.requests.count(method="POST")
    split = PaymentAllocation(principal=Decimal("10.00"), interest=Decimal("2.00"))
    with pytest.raises(UpstreamRejected) as err:
        await adapter.post_payment(
            None,
            PaymentDraft(
                account_id=account.id,
                amount=Decimal("12.00"),
                method=PaymentMethod.CASH,
                allocation=split,
            ),
            "r1",
        )
    assert err.value.field == "allocation"
    with pytest.raises(UpstreamRejected) as err:
        await adapter.create_deal(
            None,
            await _deal(adapter, buyer_id=None, buyer=Contact(first_name="A", last_name="B")),
            "r2",
        )
    assert err.value.field == "buyer_id"
    with pytest.raises(NotSupported):
        await adapter.create_deal(None, await _deal(adapter, submit_credit_application=True), "r3")
    assert autosoft.requests.count(method="POST") == posts


async def test_payment_outcome(adapter: DmsAdapter) -> None:
    account = (
        await adapter.list_accounts(
            None, AccountFilter(status=frozenset({AccountStatus.CURRENT})), Window(0, 1)
        )
    ).items[0]
    assert account.next_due_amount is not None and account.balance is not None
    draft = PaymentDraft(
        account_id=account.id,
        amount=account.next_due_amount,
        method=PaymentMethod.ACH,
        note="ACH 55501234",
    )
    outcome = await adapter.post_payment(None, draft, "ref-pay-1")
    assert outcome.number is not None and outcome.number.startswith("R-")
    assert outcome.balance == account.balance - account.next_due_amount
    assert outcome.status_raw is None and outcome.next_due_date is not None
    assert account.next_due_date is not None and outcome.next_due_date > account.next_due_date
    [payment] = await adapter.get_payments(None, [outcome.id])
    assert payment is not None and payment.receipt_number == outcome.number
    with pytest.raises(UpstreamRejected) as err:
        await adapter.post_payment(
            None, draft.model_copy(update={"amount": Decimal("99999.00")}), "ref-pay-2"
        )
    assert err.value.field == "amount"


async def test_appointment_outcome(adapter: DmsAdapter) -> None:
    customer = (await adapter.list_customers(None, CustomerFilter(), Window(0, 1))).items[0]
    ro = (await adapter.list_repair_orders(None, RepairOrderFilter(), Window(0, 1))).items[0]
    draft = AppointmentDraft(
        customer_id=customer.id,
        vehicle_id=ro.vehicle_id,  # AutoSoft's service vehicles are keyed by VIN
        starts_at=LATER + timedelta(hours=14),
        ends_at=LATER + timedelta(hours=15, minutes=30),
        op_codes=("LOF",),
        transportation="shuttle",
    )
    outcome = await adapter.schedule_appointment(None, draft, "ref-appt-1")
    assert outcome.status_raw == "scheduled"
    [appointment] = await adapter.get_appointments(None, [outcome.id])
    assert appointment is not None and appointment.vin == ro.vehicle_id
    assert appointment.ends_at == draft.ends_at and appointment.transportation == "shuttle"
    for over, field in (
        ({"starts_at": LATER - timedelta(days=5)}, "starts_at"),
        ({"transportation": "rideshare"}, "transportation"),
        ({"ends_at": LATER + timedelta(hours=14, minutes=5)}, "ends_at"),
        ({"advisor_id": customer.id}, "advisor_id"),
    ):
        with pytest.raises(UpstreamRejected) as err:
            await adapter.schedule_appointment(None, draft.model_copy(update=over), "ref-appt-bad")
        assert err.value.field == field


async def test_unknown_outcome_is_not_resent(
    session: aiohttp.ClientSession, autosoft: Any, latency_clock: VirtualClock
) -> None:
    adapter = connect(Dms.AUTOSOFT, session, autosoft, IMPATIENT)
    await adapter.list_leads(None, LeadFilter(), Window(0, 1))  # signed in before the fault
    before = len(autosoft.state.leads)
    err = await lost_answer(
        autosoft, latency_clock, adapter.create_lead(None, _lead(), "ref-lost-1")
    )
    assert err.reference_id == "ref-lost-1"
    assert "autosoft POST /leads" in err.message and "jordan" not in err.message.lower()
    assert autosoft.requests.count(method="POST", path_contains="/leads") == 1
    assert len(autosoft.state.leads) == before + 1
    # AutoSoft deduplicates by referenceId: resending is how the outcome is learned.
    outcome = await adapter.create_lead(None, _lead(), "ref-lost-1")
    assert len(autosoft.state.leads) == before + 1
    assert autosoft.state.leads.get(outcome.id)["referenceId"] == "ref-lost-1"


async def test_writes_autosoft_lacks(adapter: DmsAdapter, autosoft: Any) -> None:
    calls = [
        adapter.upsert_customer(None, CustomerDraft(first_name="A", last_name="B"), "r"),
        adapter.set_part_stock(None, PartStockChange(part_id="prt_000000", quantity=1), "r"),
        adapter.post_journal_entry(None, JournalEntryDraft(posted_on=LATER.date(), lines=()), "r"),
    ]
    for call in calls:
        with pytest.raises(NotSupported):
            await call
    assert autosoft.requests.count() == 0

"""Auto/Mate adapter writes against the Auto/Mate sandbox over real HTTP: outcomes mapped,
refusals naming the command's field, the upsert and referenceId deduplicating, unknown
outcomes without a resend, and the writes Auto/Mate does not have."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from adapters.base import (
    CustomerFilter,
    DealFilter,
    DmsAdapter,
    RepairOrderFilter,
    VehicleFilter,
    Window,
)
from adapters.commands import (
    AppointmentDraft,
    Contact,
    CustomerDraft,
    DealDraft,
    DriversLicense,
    MarketingOptIn,
    Phone,
    WriteOperation,
)
from adapters.errors import NotSupported, UpstreamRejected
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
from tests.adapters.write_kit import (
    IMPATIENT,
    assert_undeclared_writes_unsupported,
    connect,
    days_ahead,
    lost_answer,
)
from tests.virtual_clock import VirtualClock

LATER = days_ahead(3)


@pytest.fixture
async def automate(sandbox: Any, latency_clock: VirtualClock) -> Any:
    return (await sandbox(vendors=("automate",), sleep=latency_clock.sleep)).vendors["automate"]


@pytest.fixture
def adapter(session: aiohttp.ClientSession, automate: Any) -> DmsAdapter:
    return connect(Dms.AUTOMATE, session, automate)


def _customer(**over: Any) -> CustomerDraft:
    fields: dict[str, Any] = {
        "external_id": "web-4411",
        "first_name": "Ava",
        "last_name": "Martinez",
        "emails": ("ava.martinez@example.org",),
        "phones": (Phone(number="(716) 555-0100", type="Mobile"),),
        "address": Address(
            line1="500 Elm St", line2="Apt 2", city="Buffalo", region="NY", postal_code="14201"
        ),
        "drivers_license": DriversLicense(number="M1234567", state="NY"),
        "marketing_opt_in": MarketingOptIn(email=True, sms=False),
        "source": "Website Form",
        **over,
    }
    return CustomerDraft(**fields)


async def _stock(
    adapter: DmsAdapter, skip: int, status: VehicleStatus = VehicleStatus.IN_STOCK
) -> Any:
    flt = VehicleFilter(status=frozenset({status}))
    return (await adapter.list_vehicles(None, flt, Window(skip, 1))).items[0]


async def _deal(adapter: DmsAdapter, skip: int = 0, **over: Any) -> DealDraft:
    vehicle = await _stock(adapter, skip)
    buyer = (await adapter.list_customers(None, CustomerFilter(), Window(skip, 1))).items[0]
    fields: dict[str, Any] = {
        "buyer_id": buyer.id,
        "vehicle": VehicleRef(vin=vehicle.vin),
        "selling_price": Decimal("24995.00"),
        "discounts": Decimal("500.00"),
        "rebates": Decimal("1000.00"),
        "doc_fee": Decimal("175.00"),
        "fees": (Fee(code="REG", description="Registration", amount=Decimal("180.00")),),
        "cash_down": Decimal("2000.00"),
        "tax_rate": Decimal("0.0875"),
        "trade_ins": (
            TradeIn(
                vin="2FMPK4K82KBB12345",
                allowance=Decimal("8000.00"),
                payoff=Decimal("9500.00"),
                lienholder="ABC Credit Union",
            ),
        ),
        "term_months": 60,
        "apr": Decimal("5.49"),
        "lender_preferences": ("ALLY", "CHASE"),
        "products": (FinanceProduct(code="VSC", name="Service Contract", price=Decimal("1495")),),
        **over,
    }
    return DealDraft(**fields)


async def _appointment(adapter: DmsAdapter, **over: Any) -> AppointmentDraft:
    ro = (await adapter.list_repair_orders(None, RepairOrderFilter(), Window(0, 1))).items[0]
    fields: dict[str, Any] = {
        "customer_id": ro.customer_id,
        "vehicle_id": ro.vehicle_id,  # Auto/Mate's service vehicles are keyed by VIN
        "starts_at": LATER + timedelta(hours=14),
        "op_codes": ("LOF", "MPI"),
        "concern": "Oil change due",
        "transportation": "shuttle",
        **over,
    }
    return AppointmentDraft(**fields)


async def _refused(call: Any) -> UpstreamRejected:
    with pytest.raises(UpstreamRejected) as err:
        await call
    return err.value


async def test_declares_its_writes(adapter: DmsAdapter) -> None:
    assert adapter.writes == {
        WriteOperation.UPSERT_CUSTOMER,
        WriteOperation.CREATE_DEAL,
        WriteOperation.SCHEDULE_APPOINTMENT,
    }
    # Deals honour referenceId; an upsert sent again finds the record it wrote.
    assert adapter.idempotent_writes == {WriteOperation.UPSERT_CUSTOMER, WriteOperation.CREATE_DEAL}


async def test_customer_outcome_and_matching(adapter: DmsAdapter, automate: Any) -> None:
    draft = _customer()
    created = await adapter.upsert_customer(None, draft, "ref-cust-1")
    assert (created.status_raw, created.matched_by) == ("upserted", None)
    assert created.occurred_at is not None
    [customer] = await adapter.get_customers(None, [created.id])
    assert customer is not None and customer.reference_id == "web-4411"
    assert (customer.phone, customer.email) == ("+17165550100", "ava.martinez@example.org")
    assert customer.consent is not None and (customer.consent.email, customer.consent.sms) == (
        True,
        False,
    )
    row = automate.state.customers.get(created.id)
    assert row["address"]["line1"] == "500 Elm St, Apt 2"
    assert row["phones"] == [{"type": "mobile", "number": "+17165550100"}]
    assert (row["customerType"], row["dateOfBirth"]) == ("retail", None)
    # Sent again (a retry after an unknown outcome): the same customer, found by externalId.
    again = await adapter.upsert_customer(None, draft, "ref-cust-1")
    assert (again.id, again.matched_by) == (created.id, "externalId")
    anonymous = draft.model_copy(update={"external_id": None, "notes": "Prefers weekends."})
    by_name = await adapter.upsert_customer(None, anonymous, "ref-cust-2")
    assert (by_name.id, by_name.matched_by) == (created.id, "name_contact")
    assert automate.state.customers.get(created.id)["notes"] == "Prefers weekends."
    fleet = _customer(
        external_id="fleet-1",
        first_name="Lee",
        last_name="Harbor",
        emails=("orders@harbor.example.org",),
        phones=(Phone(number="+1 716 555 0188", type="work"),),
        customer_type="business",
        company_name="Harbor Freight Lines",
        drivers_license=None,
    )
    made = await adapter.upsert_customer(None, fleet, "ref-cust-3")
    [company] = await adapter.get_customers(None, [made.id])
    assert (
        company is not None
        and company.is_business
        and company.company_name == "Harbor Freight Lines"
    )


async def test_customer_refusals(adapter: DmsAdapter, automate: Any) -> None:
    posts = automate.requests.count(method="POST", path_contains="/customers")
    err = await _refused(adapter.upsert_customer(None, _customer(customer_id="cust_000001"), "r"))
    assert err.field == "customer_id"
    assert automate.requests.count(method="POST", path_contains="/customers") == posts
    cases: list[tuple[dict[str, Any], str]] = [
        ({"external_id": None, "emails": (), "phones": ()}, "emails"),
        ({"phones": (Phone(number="555-0100"),)}, "phones[0].number"),
        ({"phones": (Phone(number="+15550100999", type="pager"),)}, "phones[0].type"),
        ({"customer_type": "lead"}, "drivers_license"),
        ({"address": Address(line1="1 Main St", city="Erie")}, "address.region"),
        ({"customer_type": "vip"}, "customer_type"),
    ]
    for over, field in cases:
        err = await _refused(adapter.upsert_customer(None, _customer(**over), "r"))
        assert (err.status, err.field, err.vendor_code) == (422, field, "validation_failed"), over
    seeded = next(c for c in automate.state.customers if c["externalId"])
    other = CustomerDraft(
        external_id="crm-other",
        first_name=seeded["firstName"],
        last_name=seeded["lastName"],
        emails=tuple(seeded["emails"]),
    )
    err = await _refused(adapter.upsert_customer(None, other, "r"))
    assert (err.status, err.field, err.vendor_code) == (409, "external_id", "conflict")


async def test_deal_outcome_and_dedup(adapter: DmsAdapter, automate: Any) -> None:
    draft = await _deal(adapter)
    before = (await adapter.list_deals(None, DealFilter(), Window(0, 1))).total or 0
    outcome = await adapter.create_deal(None, draft, "ref-deal-1")
    assert outcome.status_raw == "penciled" and outcome.payment_estimate is None
    assert outcome.number is not None and outcome.number.startswith("D-2026-")
    [deal] = await adapter.get_deals(None, [outcome.id])
    assert deal is not None and deal.reference_id == "ref-deal-1"
    pricing = deal.pricing
    assert (pricing.selling_price, pricing.discounts, pricing.doc_fee, pricing.tax_rate) == (
        Decimal("24995.00"),
        Decimal("500.00"),
        Decimal("175.00"),
        Decimal("0.0875"),
    )
    assert [f.code for f in pricing.fees] == ["REG"]
    assert [(t.actual_cash_value, t.lienholder) for t in deal.trade_ins] == [
        (Decimal("8000.00"), "ABC Credit Union")
    ]
    assert deal.financing is not None and (deal.financing.lender_id, deal.financing.apr) == (
        "ALLY",
        Decimal("5.49"),
    )
    assert deal.financing.monthly_payment is not None and [p.code for p in deal.products] == ["VSC"]
    assert automate.state.deals.get(outcome.id)["taxes"]["ratePercent"] == Decimal("8.75")
    # Sent again under its reference id: the same deal, answered from the vendor's record.
    again = await adapter.create_deal(None, draft, "ref-deal-1")
    assert again == outcome
    assert (await adapter.list_deals(None, DealFilter(), Window(0, 1))).total == before + 1
    assert automate.requests.count(method="POST", path_contains="/deals") == 2


async def test_deal_vehicle_by_id_or_stock_number(adapter: DmsAdapter) -> None:
    vehicle = await _stock(adapter, 1)
    by_id = await adapter.create_deal(
        None, await _deal(adapter, 1, vehicle=VehicleRef(vehicle_id=vehicle.id)), "ref-v1"
    )
    by_stock = await adapter.create_deal(
        None,
        await _deal(adapter, 1, vehicle=VehicleRef(stock_number=vehicle.stock_number)),
        "ref-v2",
    )
    deals = await adapter.get_deals(None, [by_id.id, by_stock.id])
    assert {d.vehicle.vin for d in deals if d and d.vehicle} == {vehicle.vin}
    other = await _stock(adapter, 2)
    cases: list[tuple[VehicleRef, str]] = [
        (VehicleRef(vehicle_id=vehicle.id, vin=other.vin), "vehicle.vin"),
        (VehicleRef(vehicle_id="veh_000000"), "vehicle.vehicle_id"),
        (VehicleRef(vin=vehicle.vin, stock_number=other.stock_number), "vehicle.stock_number"),
    ]
    for ref, field in cases:
        err = await _refused(adapter.create_deal(None, await _deal(adapter, vehicle=ref), "r"))
        assert err.field == field, ref


async def test_deal_refusals_name_the_command_field(adapter: DmsAdapter, automate: Any) -> None:
    sold = await _stock(adapter, 0, VehicleStatus.SOLD)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"buyer_id": "cust_nobody"}, "buyer_id"),
        ({"vehicle": VehicleRef(vin=sold.vin)}, "vehicle.vin"),
        ({"tax_rate": Decimal("0.088755")}, "tax_rate"),
        ({"cash_down": Decimal("90000.00")}, "cash_down"),
        ({"term_months": 120}, "term_months"),
        ({"apr": Decimal("5.499")}, "apr"),
        ({"fees": (Fee(code="doc", amount=Decimal("10.00")),)}, "doc_fee"),
        ({"fees": (Fee(code="REG", amount=Decimal("-1")),)}, "fees[0].amount"),
        ({"status": DealStatus.CONTRACTED}, "status"),
        (
            {"trade_ins": (TradeIn(vin="2FMPK4K82KBB12345", payoff=Decimal("10.00")),)},
            "trade_ins[0].allowance",
        ),
        ({"trade_ins": (TradeIn(allowance=Decimal("10.00")),)}, "trade_ins[0].vin"),
        ({"products": (FinanceProduct(code="GAP", price=Decimal("1.001")),)}, "products[0].price"),
        ({"salesperson_id": "u_000000"}, "salesperson_id"),
    ]
    for over, field in cases:
        err = await _refused(adapter.create_deal(None, await _deal(adapter, 2, **over), "ref-bad"))
        assert (err.status, err.field) == (422, field), over
        assert "validation_failed" in err.message
    # The same reference id for a different deal: the vendor's 409, as a refusal.
    await adapter.create_deal(None, await _deal(adapter, 3), "ref-taken")
    err = await _refused(adapter.create_deal(None, await _deal(adapter, 4), "ref-taken"))
    assert (err.status, err.vendor_code, err.field) == (409, "conflict", "referenceId")

    # What the deal body has no room for is refused before anything is sent.
    posts = automate.requests.count(method="POST")
    buyer = Contact(first_name="A", last_name="B")
    trade = TradeIn(vin="2FMPK4K82KBB12345", allowance=Decimal("1.00"))
    before_sending: list[tuple[dict[str, Any], str]] = [
        ({"buyer_id": None, "buyer": buyer}, "buyer_id"),
        ({"co_buyer_id": "cust_000001"}, "co_buyer_id"),
        ({"trade_ins": (trade, trade)}, "trade_ins"),
        ({"tax_basis": "selling_price"}, "tax_basis"),
        ({"sale_type": "lease"}, "sale_type"),
        ({"sale_type": "cash"}, "sale_type"),
        ({"sale_type": "finance", "term_months": None, "apr": None}, "term_months"),
        (
            {"trade_ins": (trade.model_copy(update={"actual_cash_value": Decimal("2.00")}),)},
            "trade_ins[0].allowance",
        ),
    ]
    for over, field in before_sending:
        err = await _refused(adapter.create_deal(None, await _deal(adapter, **over), "r"))
        assert err.field == field, over
    with pytest.raises(NotSupported):
        await adapter.create_deal(None, await _deal(adapter, submit_credit_application=True), "r")
    assert automate.requests.count(method="POST") == posts


async def test_appointment_outcome(adapter: DmsAdapter) -> None:
    draft = await _appointment(adapter)
    outcome = await adapter.schedule_appointment(None, draft, "ref-appt-1")
    assert (outcome.status_raw, outcome.reference_id) == ("scheduled", None)
    [appointment] = await adapter.get_appointments(None, [outcome.id])
    assert appointment is not None and appointment.vin == draft.vehicle_id
    assert appointment.op_codes == ("LOF", "MPI") and appointment.starts_at == draft.starts_at
    assert appointment.ends_at == draft.starts_at + timedelta(minutes=60)  # 0.5 h + 0.3 h
    assert appointment.advisor_id is not None and appointment.transportation == "shuttle"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"starts_at": LATER - timedelta(days=5)}, "starts_at"),
        ({"transportation": "rideshare"}, "transportation"),
        ({"op_codes": ("LOF", "WASH")}, "op_codes[1]"),
        ({"advisor_id": draft.customer_id}, "advisor_id"),
        ({"customer_id": "cust_nobody"}, "customer_id"),
        ({"vehicle_id": None, "vin": "1HGCM82633A00435"}, "vin"),
        ({"vin": "1HGCM82633A004352"}, "vehicle_id"),  # refused before sending
    ]
    for over, field in cases:
        err = await _refused(adapter.schedule_appointment(None, draft.model_copy(update=over), "r"))
        assert err.field == field, over


async def test_unknown_deal_outcome_then_resend(
    session: aiohttp.ClientSession, automate: Any, latency_clock: VirtualClock
) -> None:
    adapter = connect(Dms.AUTOMATE, session, automate, IMPATIENT)
    draft = await _deal(adapter, 5)  # signed in, and the vehicle known, before the fault
    before = len(automate.state.deals)
    err = await lost_answer(automate, latency_clock, adapter.create_deal(None, draft, "ref-lost-1"))
    assert err.reference_id == "ref-lost-1" and "automate POST /deals" in err.message
    assert automate.requests.count(method="POST", path_contains="/deals") == 1
    assert len(automate.state.deals) == before + 1
    # Auto/Mate deduplicates deals by referenceId: resending is how the outcome is learned.
    outcome = await adapter.create_deal(None, draft, "ref-lost-1")
    assert len(automate.state.deals) == before + 1
    assert automate.state.deals.get(outcome.id)["referenceId"] == "ref-lost-1"


async def test_unknown_appointment_outcome_is_not_resent(
    session: aiohttp.ClientSession, automate: Any, latency_clock: VirtualClock
) -> None:
    adapter = connect(Dms.AUTOMATE, session, automate, IMPATIENT)
    draft = await _appointment(adapter)
    before = len(automate.state.appointments)
    err = await lost_answer(
        automate, latency_clock, adapter.schedule_appointment(None, draft, "ref-lost-2")
    )
    assert err.reference_id == "ref-lost-2"
    assert automate.requests.count(method="POST", path_contains="/service/appointments") == 1
    assert len(automate.state.appointments) == before + 1


async def test_writes_automate_lacks(adapter: DmsAdapter, automate: Any) -> None:
    # Receipts included: the page's accounting is read-only.
    assert WriteOperation.POST_PAYMENT not in adapter.writes
    await assert_undeclared_writes_unsupported(adapter, automate)

"""Every write's outcome carries the record it made, built from the vendor's 2xx answer and
the request: every field it knows agrees with the record read back, it survives the
idempotency store's JSON, and it needs no read endpoint (documented-only mode). Enrichment
from an extrapolated endpoint a tenant lacks never fails the read it enriches."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from pydantic import BaseModel

from adapters.base import (
    AccountFilter,
    CustomerFilter,
    DmsAdapter,
    EmployeeFilter,
    PartFilter,
    RepairOrderFilter,
    ServiceVehicleFilter,
    VehicleFilter,
    Window,
)
from adapters.commands import (
    AppointmentDraft,
    Contact,
    CustomerDraft,
    DealChanges,
    DealDraft,
    LeadDraft,
    PartStockChange,
    PaymentDraft,
    RepairOrderDraft,
    RepairOrderJob,
    RepairOrderLine,
    ServiceVehicleDraft,
    WriteOutcome,
)
from adapters.errors import UpstreamRejected
from adapters.models import (
    AccountStatus,
    Address,
    Consent,
    DealStatus,
    Dms,
    PaymentMethod,
    VehicleRef,
    VehicleStatus,
)
from tests.adapters.write_kit import connect, days_ahead

LATER = days_ahead(3) + timedelta(hours=14)
Write = Callable[[DmsAdapter, str | None], Awaitable[tuple[WriteOutcome, str]]]
"""Makes one write; (its outcome, the loader kind that reads its record back)."""


def agrees(written: Any, read: Any, path: str = "record") -> None:
    """Every field the written record knows (not None, not an empty list) equals the one
    read back."""
    if isinstance(written, BaseModel):
        assert isinstance(read, type(written)), path
        for name in type(written).model_fields:
            mine = getattr(written, name)
            if mine is None or mine == ():
                continue
            agrees(mine, getattr(read, name), f"{path}.{name}")
    elif isinstance(written, tuple):
        assert len(written) == len(read), path
        for i, (mine, theirs) in enumerate(zip(written, read, strict=True)):
            agrees(mine, theirs, f"{path}[{i}]")
    else:
        assert written == read, f"{path}: written {written!r}, read back {read!r}"


async def first_vehicle(adapter: DmsAdapter, store: str | None) -> Any:
    flt = VehicleFilter(status=frozenset({VehicleStatus.IN_STOCK}))
    return (await adapter.list_vehicles(store, flt, Window(0, 1))).items[0]


async def first_customer(adapter: DmsAdapter, store: str | None) -> Any:
    return (await adapter.list_customers(store, CustomerFilter(), Window(0, 1))).items[0]


async def current_account(adapter: DmsAdapter, store: str | None) -> Any:
    flt = AccountFilter(status=frozenset({AccountStatus.CURRENT}))
    page = await adapter.list_accounts(store, flt, Window(0, 20))
    return next(a for a in page.items if a.next_due_amount)


def lead(source: str, captured_at: datetime | None = None) -> LeadDraft:
    return LeadDraft(
        contact=Contact(
            first_name="Jordan",
            last_name="Lee",
            email="jordan.lee@example.org",
            phone="+15551234567",
            address=Address(line1="1200 Liberty Ave", city="Pittsburgh", region="PA"),
        ),
        source=source,
        notes="Prefers a 36-month term.",
        # DealerCenter keeps when consent was given; AutoSoft does not.
        consent=Consent(tcpa=True, email=True, sms=True, captured_at=captured_at),
    )


async def cash_deal(adapter: DmsAdapter, store: str | None, by_vin: bool = False) -> DealDraft:
    vehicle = await first_vehicle(adapter, store)
    ref = VehicleRef(vin=vehicle.vin) if by_vin else VehicleRef(vehicle_id=vehicle.id)
    customer = await first_customer(adapter, store)
    return DealDraft(
        buyer_id=customer.id,
        vehicle=ref,
        sale_type="cash",
        selling_price=vehicle.asking_price or Decimal("19995.00"),
        cash_down=Decimal("1000.00"),
    )


async def payment(adapter: DmsAdapter, store: str | None) -> PaymentDraft:
    account = await current_account(adapter, store)
    return PaymentDraft(
        account_id=account.id,
        amount=account.next_due_amount,
        method=PaymentMethod.CARD,
        note="Paid online",
    )


async def appointment(adapter: DmsAdapter, store: str | None) -> AppointmentDraft:
    ro = (await adapter.list_repair_orders(store, RepairOrderFilter(), Window(0, 1))).items[0]
    assert ro.customer_id is not None and ro.vehicle is not None
    return AppointmentDraft(
        customer_id=ro.customer_id,
        vin=ro.vehicle.vin,
        vehicle_id=ro.vehicle_id if ro.vehicle.vin is None else None,
        starts_at=LATER,
        concern="Oil change due",
        notes="Waits on site",
    )


async def autosoft_lead(a: DmsAdapter, s: str | None) -> tuple[WriteOutcome, str]:
    return await a.create_lead(s, lead("website_digital_retail"), "rec-lead"), "leads"


async def dealercenter_lead(a: DmsAdapter, s: str | None) -> tuple[WriteOutcome, str]:
    draft = lead("website", captured_at=days_ahead(-1))
    return await a.create_lead(s, draft, "rec-lead"), "leads"


async def deal(a: DmsAdapter, s: str | None) -> tuple[WriteOutcome, str]:
    return await a.create_deal(s, await cash_deal(a, s), "rec-deal"), "deals"


async def deal_by_vin(a: DmsAdapter, s: str | None) -> tuple[WriteOutcome, str]:
    return await a.create_deal(s, await cash_deal(a, s, by_vin=True), "rec-deal"), "deals"


async def deal_update(a: DmsAdapter, s: str | None) -> tuple[WriteOutcome, str]:
    created = await a.create_deal(s, await cash_deal(a, s), "rec-deal-2")
    assert created.record is not None and hasattr(created.record, "status")
    following = {DealStatus.DRAFT: DealStatus.PENDING, DealStatus.PENDING: DealStatus.APPROVED}
    changes = DealChanges(status=following[created.record.status])
    return await a.update_deal(s, created.id, changes, "rec-deal-update"), "deals"


async def post_payment(a: DmsAdapter, s: str | None) -> tuple[WriteOutcome, str]:
    return await a.post_payment(s, await payment(a, s), "rec-pay"), "payments"


async def schedule(a: DmsAdapter, s: str | None) -> tuple[WriteOutcome, str]:
    return await a.schedule_appointment(s, await appointment(a, s), "rec-appt"), "appointments"


async def upsert(a: DmsAdapter, s: str | None) -> tuple[WriteOutcome, str]:
    draft = CustomerDraft(
        external_id="crm-rec-1",
        first_name="Mike",
        last_name="Rodriguez",
        emails=("mike.rodriguez@example.org",),
        address=Address(line1="123 Main St", city="North Canton", region="OH", postal_code="44720"),
    )
    return await a.upsert_customer(s, draft, "rec-customer"), "customers"


async def service_vehicle(a: DmsAdapter, s: str | None) -> tuple[WriteOutcome, str]:
    owner = await first_customer(a, s)
    draft = ServiceVehicleDraft(
        owner_id=owner.id, year=2020, make="Kia", model="Rio", vin="KNADM4A3XL6123457"
    )
    return await a.create_service_vehicle(s, draft, "rec-vehicle"), "service_vehicles"


async def repair_order(a: DmsAdapter, s: str | None) -> tuple[WriteOutcome, str]:
    vehicle = (await a.list_service_vehicles(s, ServiceVehicleFilter(), Window(0, 1))).items[0]
    assert vehicle.owner_id is not None
    labor = RepairOrderLine(
        kind="labor", description="Oil and filter", hours=Decimal("0.5"), rate=Decimal("120.00")
    )
    fee = RepairOrderLine(kind="fee", description="Shop supplies", unit_price=Decimal("6.00"))
    draft = RepairOrderDraft(
        customer_id=vehicle.owner_id,
        vehicle_id=vehicle.id,
        notes="Oil change",
        jobs=(RepairOrderJob(name="Oil change", lines=(labor, fee)),),
    )
    return await a.create_repair_order(s, draft, "rec-ro"), "repair_orders"


async def stock(a: DmsAdapter, s: str | None) -> tuple[WriteOutcome, str]:
    part = (await a.list_parts(s, PartFilter(), Window(0, 1))).items[0]
    change = PartStockChange(part_id=part.id, quantity=17, price=Decimal("24.95"))
    return await a.set_part_stock(s, change, "rec-stock"), "parts"


WRITES: dict[str, list[Write]] = {
    "autosoft": [autosoft_lead, deal, deal_update, post_payment, schedule],
    "automate": [upsert, deal_by_vin, schedule],
    "dealertrack": [deal, deal_update],
    "dealercenter": [dealercenter_lead, deal, post_payment],
    "autosync": [upsert, service_vehicle, repair_order, schedule, stock],
}
READ: dict[str, Callable[[DmsAdapter, str | None, str], Awaitable[list[Any]]]] = {
    "leads": lambda a, s, i: a.get_leads(s, [i]),
    "deals": lambda a, s, i: a.get_deals(s, [i]),
    "payments": lambda a, s, i: a.get_payments(s, [i]),
    "appointments": lambda a, s, i: a.get_appointments(s, [i]),
    "customers": lambda a, s, i: a.get_customers(s, [i]),
    "service_vehicles": lambda a, s, i: a.get_service_vehicles(s, [i]),
    "repair_orders": lambda a, s, i: a.get_repair_orders(s, [i]),
    "parts": lambda a, s, i: a.get_parts(s, [i]),
}
CASES = [
    pytest.param(dms, write, id=f"{dms}-{write.__name__}")
    for dms, writes in WRITES.items()
    for write in writes
]


async def connected(sandbox: Any, session: aiohttp.ClientSession, dms: str, **options: Any) -> Any:
    handle = (await sandbox(vendors=(dms,), **options)).vendors[dms]
    store = handle.stores[0][0]
    return connect(Dms(dms), session, handle), store


@pytest.mark.parametrize(("dms", "write"), CASES)
async def test_the_written_record_agrees_with_the_one_read_back(
    sandbox: Any, session: aiohttp.ClientSession, dms: str, write: Write
) -> None:
    adapter, store = await connected(sandbox, session, dms)
    outcome, kind = await write(adapter, store)
    record = outcome.record
    assert record is not None, outcome
    assert record.id == outcome.id  # type: ignore[attr-defined]
    [read] = await READ[kind](adapter, store, outcome.id)
    assert read is not None
    agrees(record, read)
    # Kept as JSON by the idempotency store, it comes back the same model.
    assert WriteOutcome.model_validate(outcome.model_dump(mode="json")) == outcome


async def test_a_lead_answers_its_record_where_it_cannot_be_read_back(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    adapter, store = await connected(sandbox, session, "autosoft", documented_only=True)
    outcome = await adapter.create_lead(store, lead("website_digital_retail"), "rec-lead")
    assert await adapter.get_leads(store, [outcome.id]) == [None]  # no lead reads on the page
    record = outcome.record
    assert record is not None and record.model_dump(include={"id", "status_raw"}) == {
        "id": outcome.id,
        "status_raw": "new",
    }
    # The answer gave the id, status, time and key; the request, the rest.
    assert (record.first_name, record.email, record.reference_id) == (
        "Jordan",
        "jordan.lee@example.org",
        "rec-lead",
    )
    assert record.created_at is not None and record.consent == Consent(
        tcpa=True, email=True, sms=True
    )


async def test_vehicles_list_without_lot_names_where_lots_are_missing(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    full, store = await connected(sandbox, session, "dealercenter")
    named = (await full.list_vehicles(store, VehicleFilter(), Window(0, 5))).items
    assert any(v.lot_name for v in named)
    pages_only, store = await connected(sandbox, session, "dealercenter", documented_only=True)
    listed = await pages_only.list_vehicles(store, VehicleFilter(), Window(0, 5))
    assert [v.id for v in listed.items] == [v.id for v in named]
    assert [v.lot_id for v in listed.items] == [v.lot_id for v in named]
    assert all(v.lot_name is None for v in listed.items)


@pytest.mark.parametrize("dms", ["autosoft", "automate", "dealercenter"])
async def test_user_lookups_go_unknown_where_users_are_missing(
    sandbox: Any, session: aiohttp.ClientSession, dms: str
) -> None:
    adapter, store = await connected(sandbox, session, dms, documented_only=True)
    assert await adapter.get_employees(store, ["u_1", "u_2"]) == [None, None]
    # Listing employees is the read itself: that still says the endpoint is missing.
    with pytest.raises(UpstreamRejected) as err:
        await adapter.list_employees(store, EmployeeFilter(), Window(0, 5))
    assert err.value.status == 404

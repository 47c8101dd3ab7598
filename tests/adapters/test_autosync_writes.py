"""AutoSync adapter writes against the AutoSync sandbox over real HTTP: outcomes mapped,
the field a 422 message quotes turned into the command's field, a work order with its jobs,
unknown outcomes without a resend, and the writes AutoSync does not have."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from adapters.base import (
    CustomerFilter,
    DmsAdapter,
    PartFilter,
    RepairOrderFilter,
    ServiceVehicleFilter,
    Window,
)
from adapters.commands import (
    AppointmentDraft,
    Contact,
    CustomerDraft,
    DealChanges,
    LeadDraft,
    PartStockChange,
    PaymentDraft,
    Phone,
    RepairOrderDraft,
    RepairOrderJob,
    RepairOrderLine,
    ServiceVehicleDraft,
    WriteOperation,
)
from adapters.errors import NotSupported, UpstreamRejected
from adapters.models import Address, Consent, Dms, PaymentMethod
from tests.adapters.write_kit import IMPATIENT, connect, days_ahead, lost_answer
from tests.virtual_clock import VirtualClock

SHOP = "1"
LATER = days_ahead(2)


@pytest.fixture
async def autosync(sandbox: Any, latency_clock: VirtualClock) -> Any:
    return (await sandbox(vendors=("autosync",), sleep=latency_clock.sleep)).vendors["autosync"]


@pytest.fixture
def adapter(session: aiohttp.ClientSession, autosync: Any) -> DmsAdapter:
    return connect(Dms.AUTOSYNC, session, autosync)


async def _owned_vehicle(adapter: DmsAdapter) -> Any:
    return (await adapter.list_service_vehicles(SHOP, ServiceVehicleFilter(), Window(0, 1))).items[
        0
    ]


async def test_declares_its_writes(adapter: DmsAdapter) -> None:
    assert adapter.writes == {
        WriteOperation.UPSERT_CUSTOMER,
        WriteOperation.CREATE_SERVICE_VEHICLE,
        WriteOperation.CREATE_REPAIR_ORDER,
        WriteOperation.SCHEDULE_APPOINTMENT,
        WriteOperation.SET_PART_STOCK,
    }
    assert adapter.idempotent_writes == frozenset()  # AutoSync has no idempotency key


async def test_customer_create_then_update(adapter: DmsAdapter, autosync: Any) -> None:
    draft = CustomerDraft(
        first_name="Mike",
        last_name="Rodriguez",
        company_name="Rodriguez Plumbing",
        emails=("mike@example.org", "office@example.org"),
        phones=(Phone(number="(555) 123-4567", type="mobile"),),
        address=Address(line1="123 Main St", city="North Canton", region="OH", postal_code="44720"),
    )
    created = await adapter.upsert_customer(SHOP, draft, "ref-c1")
    [customer] = await adapter.get_customers(SHOP, [created.id])
    assert customer is not None and customer.is_business and customer.email == "mike@example.org"
    assert customer.address is not None and customer.address.postal_code == "44720"

    update = draft.model_copy(update={"customer_id": created.id, "emails": ("new@example.org",)})
    updated = await adapter.upsert_customer(SHOP, update, "ref-c2")
    assert updated.id == created.id and updated.matched_by is None
    [customer] = await adapter.get_customers(SHOP, [created.id])
    assert customer is not None and customer.email == "new@example.org"
    assert autosync.requests.count(method="PUT", path_contains=f"/customers/{created.id}") == 1

    bad_zip = draft.model_copy(update={"address": Address(line1="1 A St", postal_code="ABC")})
    with pytest.raises(UpstreamRejected) as err:
        await adapter.upsert_customer(SHOP, bad_zip, "ref-c3")
    assert (err.value.status, err.value.field) == (422, "address.postal_code")
    assert "invalid_parameter" in err.value.message
    with pytest.raises(UpstreamRejected) as err:
        await adapter.upsert_customer(
            SHOP, update.model_copy(update={"customer_id": "999999"}), "r"
        )
    assert (err.value.status, err.value.field) == (404, "customer_id")


async def test_service_vehicle(adapter: DmsAdapter) -> None:
    owner = (await adapter.list_customers(SHOP, CustomerFilter(), Window(0, 1))).items[0]
    draft = ServiceVehicleDraft(
        owner_id=owner.id,
        year=2021,
        make="Ford",
        model="F-150",
        vin="1FTEW1EP5MKD12345",
        mileage=45210,
    )
    outcome = await adapter.create_service_vehicle(SHOP, draft, "ref-v1")
    [vehicle] = await adapter.get_service_vehicles(SHOP, [outcome.id])
    assert vehicle is not None and (vehicle.owner_id, vehicle.vin) == (owner.id, draft.vin)
    for over, field in (
        ({}, "vin"),
        ({"owner_id": "999999", "vin": None}, "owner_id"),
        ({"owner_id": "x1", "vin": None}, "owner_id"),
    ):
        with pytest.raises(UpstreamRejected) as err:
            await adapter.create_service_vehicle(SHOP, draft.model_copy(update=over), "ref-v2")
        assert err.value.field == field, over


async def test_repair_order_with_jobs(adapter: DmsAdapter, autosync: Any) -> None:
    vehicle = await _owned_vehicle(adapter)
    part = (await adapter.list_parts(SHOP, PartFilter(), Window(0, 1))).items[0]
    draft = RepairOrderDraft(
        customer_id=vehicle.owner_id,
        vehicle_id=vehicle.id,
        notes="Brakes squeal",
        jobs=(
            RepairOrderJob(
                name="Brake Service",
                lines=(
                    RepairOrderLine(
                        kind="labor",
                        description="Replace pads",
                        hours=Decimal("1.5"),
                        rate=Decimal("120.00"),
                    ),
                    RepairOrderLine(
                        kind="part", description="Pads", part_id=part.id, quantity=Decimal(2)
                    ),
                ),
            ),
            RepairOrderJob(
                name="Shop supplies",
                lines=(
                    RepairOrderLine(
                        kind="fee", description="Supplies", unit_price=Decimal("12.00")
                    ),
                ),
            ),
        ),
    )
    outcome = await adapter.create_repair_order(SHOP, draft, "ref-ro-1")
    assert (outcome.status_raw, outcome.number) == ("draft", outcome.id)
    [ro] = await adapter.get_repair_orders(SHOP, [outcome.id])
    assert ro is not None and ro.totals.subtotal == Decimal("192.00") + 2 * (part.price or 0)
    assert [x.amount for x in ro.labor_lines] == [Decimal("180.00")]
    assert ro.totals.grand_total == ro.totals.subtotal + (ro.totals.tax or 0)
    listed = await adapter.list_repair_orders(
        SHOP, RepairOrderFilter(vehicle_id=vehicle.id), Window(0, 50)
    )
    assert outcome.id in {r.id for r in listed.items}
    assert autosync.requests.count(method="POST", path_contains="/jobs") == 2

    # A line the vendor would refuse after the work order exists is refused before sending.
    orders = autosync.requests.count(method="POST", path_contains="/workorders")
    no_hours = RepairOrderJob(name="x", lines=(RepairOrderLine(kind="labor", description="x"),))
    with pytest.raises(UpstreamRejected) as err:
        await adapter.create_repair_order(
            SHOP, draft.model_copy(update={"jobs": (no_hours,)}), "r2"
        )
    assert err.value.field == "jobs[0].lines[0].hours"
    assert autosync.requests.count(method="POST", path_contains="/workorders") == orders
    # A refusal of a job names the work order left behind.
    odd = RepairOrderJob(
        name="Odd",
        lines=(
            RepairOrderLine(
                kind="fee", description="x", unit_price=Decimal("1.00"), quantity=Decimal("0.001")
            ),
        ),
    )
    with pytest.raises(UpstreamRejected) as err:
        await adapter.create_repair_order(SHOP, draft.model_copy(update={"jobs": (odd,)}), "r3")
    assert err.value.field == "jobs[0].lines[0].quantity"
    assert "was created" in err.value.message
    customers = (await adapter.list_customers(SHOP, CustomerFilter(), Window(0, 2))).items
    stranger = next(c for c in customers if c.id != vehicle.owner_id)
    other = draft.model_copy(update={"customer_id": stranger.id, "jobs": ()})
    with pytest.raises(UpstreamRejected) as err:
        await adapter.create_repair_order(SHOP, other, "r4")
    assert err.value.field == "vehicle_id"


async def test_appointment_by_vin_and_rules(adapter: DmsAdapter) -> None:
    vehicle = await _owned_vehicle(adapter)
    assert vehicle.owner_id is not None and vehicle.vin is not None
    draft = AppointmentDraft(
        customer_id=vehicle.owner_id,
        vin=vehicle.vin.lower(),
        starts_at=LATER + timedelta(hours=9),
        concern="Oil change due",
        notes="Customer waits",
    )
    outcome = await adapter.schedule_appointment(SHOP, draft, "ref-a1")
    [appointment] = await adapter.get_appointments(SHOP, [outcome.id])
    assert appointment is not None and appointment.vehicle_id == vehicle.id
    assert appointment.notes == "Oil change due. Customer waits"
    assert appointment.ends_at == draft.starts_at + timedelta(hours=1)
    for over, field in (
        ({"starts_at": LATER - timedelta(days=9)}, "starts_at"),
        ({"ends_at": LATER}, "ends_at"),
        ({"vin": "1FTEW1EP5MKD99999"}, "vin"),
    ):
        with pytest.raises(UpstreamRejected) as err:
            await adapter.schedule_appointment(SHOP, draft.model_copy(update=over), "ref-a2")
        assert err.value.field == field, over


async def test_part_stock_sets_quantity_and_cost_and_refuses_unknown_parts_and_negatives(
    adapter: DmsAdapter,
) -> None:
    part = (await adapter.list_parts(SHOP, PartFilter(), Window(0, 1))).items[0]
    outcome = await adapter.set_part_stock(
        SHOP, PartStockChange(part_id=part.id, quantity=7, cost=Decimal("10.10")), "r"
    )
    [after] = await adapter.get_parts(SHOP, [outcome.id])
    assert after is not None and (after.quantity_on_hand, after.cost, after.price) == (
        7,
        Decimal("10.10"),
        part.price,
    )
    with pytest.raises(UpstreamRejected) as err:
        await adapter.set_part_stock(SHOP, PartStockChange(part_id="1", quantity=7), "r")
    assert (err.value.status, err.value.field) == (404, "part_id")
    with pytest.raises(UpstreamRejected) as err:
        await adapter.set_part_stock(SHOP, PartStockChange(part_id=part.id, quantity=-1), "r")
    assert err.value.field == "quantity"


async def test_unknown_outcome_is_not_resent(
    session: aiohttp.ClientSession, autosync: Any, latency_clock: VirtualClock
) -> None:
    adapter = connect(Dms.AUTOSYNC, session, autosync, IMPATIENT)
    owner = (await adapter.list_customers(SHOP, CustomerFilter(), Window(0, 1))).items[0]
    vehicles = len(autosync.state.shops[1].tables.vehicles)
    draft = ServiceVehicleDraft(owner_id=owner.id, year=2020, make="Kia", model="Soul")
    write = adapter.create_service_vehicle(SHOP, draft, "ref-lost")
    err = await lost_answer(autosync, latency_clock, write)
    assert err.reference_id == "ref-lost"
    assert "autosync POST /shops/1/vehicles" in err.message
    assert autosync.requests.count(method="POST", path_contains="/vehicles") == 1
    assert len(autosync.state.shops[1].tables.vehicles) == vehicles + 1  # done, once


async def test_writes_autosync_lacks(adapter: DmsAdapter, autosync: Any) -> None:
    lead = LeadDraft(
        contact=Contact(first_name="A", last_name="B"), source="web", consent=Consent()
    )
    calls = [
        adapter.create_lead(SHOP, lead, "r"),
        adapter.update_deal(SHOP, "1", DealChanges(), "r"),
        adapter.post_payment(
            SHOP, PaymentDraft(account_id="1", amount=Decimal(1), method=PaymentMethod.CASH), "r"
        ),
    ]
    for call in calls:
        with pytest.raises(NotSupported):
            await call
    assert autosync.requests.count() == 0

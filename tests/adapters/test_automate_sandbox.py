"""Auto/Mate adapter against the Auto/Mate sandbox over real HTTP: login, token lifetime,
windows, filters, batch lookups and their cost, unsupported reads, secrets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from adapters.base import (
    AccountFilter,
    AppointmentFilter,
    Capability,
    CustomerFilter,
    DealFilter,
    DmsAdapter,
    EmployeeFilter,
    LeadFilter,
    PartFilter,
    PaymentFilter,
    RepairOrderFilter,
    ServiceVehicleFilter,
    VehicleFilter,
    Window,
)
from adapters.errors import NotSupported
from adapters.models import (
    AccountStatus,
    AppointmentStatus,
    DealStatus,
    Dms,
    EmployeeRole,
    RepairOrderStatus,
    VehicleCondition,
    VehicleStatus,
)
from sandbox import SandboxOptions, VendorHandle, start_sandbox
from tests.adapters.adapter_sandbox_kit import (
    check_batch_lookup,
    check_filters,
    check_secrets_hidden,
    check_windows,
    check_wrong_secrets_fail_quietly,
    connector,
    logins,
    middle,
    nothing,
    pages_for,
    read_everything,
)
from tests.virtual_clock import VirtualClock

connect = connector(Dms.AUTOMATE)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def automate() -> AsyncIterator[VendorHandle]:
    """One sandbox for the read-only tests; each resets its request log before counting."""
    async with await start_sandbox(SandboxOptions(), vendors=("automate",)) as sb:
        yield sb.vendors["automate"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def adapter(automate: VendorHandle) -> AsyncIterator[DmsAdapter]:
    """One connection (one login) shared by the read-only tests, as in production."""
    async with aiohttp.ClientSession() as session:
        yield connect(session, automate)


async def test_concurrent_first_reads_share_one_login_and_page_the_lists(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    automate = (await sandbox(vendors=("automate",), scale=0.1)).vendors["automate"]
    adapter = connect(session, automate)
    page, customers = await asyncio.gather(
        adapter.list_vehicles(None, VehicleFilter(), Window(0, 10)),
        adapter.list_customers(None, CustomerFilter(), Window(0, 10)),
    )
    assert len(page.items) == 10 and page.total == 30 and page.has_next
    assert all(v.id.startswith("veh_") and v.vin for v in page.items)
    assert len(customers.items) == 10
    assert logins(automate) == 1  # concurrent first calls share one login


async def test_tokens_are_renewed_before_they_expire(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    clock = VirtualClock()  # the sandbox and the adapter both run on it
    sb = await sandbox(vendors=("automate",), token_ttl_seconds=1, scale=0.1, clock=clock)
    handle = sb.vendors["automate"]
    adapter = connect(session, handle, shared=clock.shared())
    for _ in range(6):  # steady traffic over several lifetimes: refreshes, one session
        assert len((await adapter.list_parts(None, PartFilter(), Window(0, 3))).items) == 3
        await clock.advance(0.3)
    assert handle.requests.count(method="POST", path_contains="/sessions/refresh") >= 2
    await clock.advance(1.2)  # idle past expiry: the next call logs in again first
    assert len((await adapter.list_deals(None, DealFilter(), Window(0, 2))).items) == 2
    assert logins(handle) == 2
    data_calls = [e for e in handle.requests.entries if "/sessions" not in e.path]
    assert data_calls and all(e.status == 200 for e in data_calls)  # no call ever failed


async def test_windows_across_page_boundaries(adapter: DmsAdapter, automate: Any) -> None:
    cases = [(95, 10, 1), (99, 100, 2), (0, 100, 1), (-3, 10, 1)]
    lister = adapter.list_vehicles
    assert await check_windows(lister, None, VehicleFilter(), automate, "/vehicles", cases) == 300


async def test_live_vehicles_fill_their_canonical_fields(adapter: DmsAdapter) -> None:
    rows = await read_everything(adapter.list_vehicles, None, VehicleFilter())
    assert len(rows) == 300
    for v in rows:
        assert v.status is not VehicleStatus.UNKNOWN and v.status_raw
        assert v.condition is not VehicleCondition.UNKNOWN
        assert v.mileage is not None and v.mileage_unit == "mi"
        assert v.asking_price and v.sale_price and v.cost and v.acquired_on
        assert v.days_in_stock is not None and v.is_wholesale is not None
        assert (v.msrp is None) == (v.condition is not VehicleCondition.NEW)
        assert (v.lot_id is None) == (v.status is VehicleStatus.IN_TRANSIT)
        assert v.drivetrain and v.engine and v.updated_at
    assert {v.status for v in rows} == {
        VehicleStatus.IN_STOCK,
        VehicleStatus.IN_TRANSIT,
        VehicleStatus.SOLD,
        VehicleStatus.WHOLESALE,
    }
    assert {v.lot_name for v in rows} == {"Main Lot", "Overflow Lot", None}


async def test_vehicle_filters(adapter: DmsAdapter) -> None:
    rows = await read_everything(adapter.list_vehicles, None, VehicleFilter())
    sample = rows[len(rows) // 3]
    since = middle([v.updated_at for v in rows])
    await check_filters(
        adapter.list_vehicles,
        None,
        rows,
        [
            (
                VehicleFilter(status=frozenset({VehicleStatus.IN_TRANSIT})),
                lambda v: v.status_raw == "transit",
            ),
            (  # two vendor values: filtered here
                VehicleFilter(status=frozenset({VehicleStatus.SOLD, VehicleStatus.WHOLESALE})),
                lambda v: v.status_raw in {"retail_sold", "wholesale"},
            ),
            (VehicleFilter(status=frozenset({VehicleStatus.ON_HOLD})), nothing),
            (
                VehicleFilter(condition=frozenset({VehicleCondition.CERTIFIED})),
                lambda v: v.condition_raw == "certified",
            ),
            (VehicleFilter(vin=sample.vin.lower()), lambda v: v.vin == sample.vin),
            (VehicleFilter(stock_number=sample.stock_number), lambda v: v.id == sample.id),
            (
                VehicleFilter(make=sample.make.upper(), model=sample.model),
                lambda v: (v.make, v.model) == (sample.make, sample.model),
            ),
            (VehicleFilter(year=sample.year), lambda v: v.year == sample.year),
            (VehicleFilter(updated_since=since), lambda v: v.updated_at >= since),
        ],
    )


async def test_customer_and_deal_filters(adapter: DmsAdapter) -> None:
    customers = await read_everything(adapter.list_customers, None, CustomerFilter())
    assert any(c.reference_id for c in customers) and all(c.consent for c in customers)
    assert any(c.is_business for c in customers)
    term = customers[7].last_name[:4].upper()
    since = middle([c.updated_at for c in customers])
    await check_filters(
        adapter.list_customers,
        None,
        customers,
        [
            (
                CustomerFilter(search=term),
                lambda c: (
                    term.casefold()
                    in f"{c.first_name} {c.last_name} {c.company_name} {c.email}".casefold()
                ),
            ),
            (CustomerFilter(updated_since=since), lambda c: c.updated_at >= since),
        ],
    )

    deals = await read_everything(adapter.list_deals, None, DealFilter())
    assert any(d.finance_manager_id for d in deals) and any(d.financing is None for d in deals)
    buyer = deals[3].buyer_id
    since = middle([d.updated_at for d in deals])
    await check_filters(
        adapter.list_deals,
        None,
        deals,
        [
            (
                DealFilter(status=frozenset({DealStatus.DRAFT})),
                lambda d: d.status_raw == "penciled",
            ),
            (
                DealFilter(status=frozenset({DealStatus.SUBMITTED, DealStatus.APPROVED})),
                lambda d: d.status_raw in {"submitted", "approved"},
            ),
            (DealFilter(status=frozenset({DealStatus.PENDING})), nothing),
            (DealFilter(buyer_id=buyer), lambda d: d.buyer_id == buyer),
            (DealFilter(updated_since=since), lambda d: d.updated_at >= since),
        ],
    )


async def test_service_filters(adapter: DmsAdapter, automate: Any) -> None:
    ros = await read_everything(adapter.list_repair_orders, None, RepairOrderFilter())
    sample = ros[len(ros) // 2]
    since = middle([r.updated_at for r in ros])
    automate.requests.reset()
    await check_filters(
        adapter.list_repair_orders,
        None,
        ros,
        [
            (
                RepairOrderFilter(status=frozenset({RepairOrderStatus.CLOSED})),
                lambda r: r.status_raw == "closed",
            ),
            (RepairOrderFilter(status=frozenset({RepairOrderStatus.ON_HOLD})), nothing),
            (
                RepairOrderFilter(advisor_id=sample.advisor_id),
                lambda r: r.advisor_id == sample.advisor_id,
            ),
            (
                RepairOrderFilter(technician_id=sample.technician_ids[0]),
                lambda r: sample.technician_ids[0] in r.technician_ids,
            ),
            (
                RepairOrderFilter(customer_id=sample.customer_id),
                lambda r: r.customer_id == sample.customer_id,
            ),
            (
                RepairOrderFilter(vehicle_id=sample.vehicle_id.lower()),
                lambda r: r.vehicle_id == sample.vehicle_id,
            ),
            (RepairOrderFilter(updated_since=since), lambda r: r.updated_at >= since),
        ],
    )
    # Every RO filter is pushed down: each case costs its probe and one window read.
    assert automate.requests.count(method="GET") <= 2 * 7

    appts = await read_everything(adapter.list_appointments, None, AppointmentFilter())
    starts = sorted({a.starts_at for a in appts})
    low = starts[len(starts) // 4] + timedelta(seconds=1)
    high = starts[3 * len(starts) // 4] + timedelta(seconds=1)
    customer = appts[5].customer_id
    await check_filters(
        adapter.list_appointments,
        None,
        appts,
        [
            (
                AppointmentFilter(status=frozenset({AppointmentStatus.NO_SHOW})),
                lambda a: a.status_raw == "no_show",
            ),
            (AppointmentFilter(customer_id=customer), lambda a: a.customer_id == customer),
            (
                AppointmentFilter(starts_after=low, starts_before=high),
                lambda a: low <= a.starts_at <= high,
            ),
        ],
    )

    parts = await read_everything(adapter.list_parts, None, PartFilter())
    number = parts[11].part_number
    await check_filters(
        adapter.list_parts,
        None,
        parts,
        [
            (PartFilter(part_number=number.lower()), lambda p: p.part_number == number),
            (PartFilter(search="filter"), lambda p: "filter" in (p.description or "").lower()),
        ],
    )


async def test_employee_and_accounting_filters(adapter: DmsAdapter) -> None:
    staff = await read_everything(adapter.list_employees, None, EmployeeFilter())
    assert EmployeeRole.FINANCE_MANAGER in {e.role for e in staff}
    await check_filters(
        adapter.list_employees,
        None,
        staff,
        [
            (
                EmployeeFilter(role=frozenset({EmployeeRole.FINANCE_MANAGER, EmployeeRole.PARTS})),
                lambda e: e.role_raw in {"fni_manager", "parts_counter"},
            ),
            (EmployeeFilter(active=False), lambda e: not e.active),
        ],
    )

    accounts = await read_everything(adapter.list_accounts, None, AccountFilter())
    customer = accounts[2].customer_id
    await check_filters(
        adapter.list_accounts,
        None,
        accounts,
        [
            (
                AccountFilter(status=frozenset({AccountStatus.PAID_OFF})),
                lambda a: a.status_raw == "paid_in_full",
            ),
            (AccountFilter(status=frozenset({AccountStatus.CHARGED_OFF})), nothing),
            (AccountFilter(customer_id=customer), lambda a: a.customer_id == customer),
            (
                AccountFilter(past_due_only=True),
                lambda a: a.days_past_due > 0 or a.status_raw == "past_due",
            ),
        ],
    )

    payments = await read_everything(adapter.list_payments, None, PaymentFilter())
    account = payments[4].account_id
    since = middle([p.received_at for p in payments])
    await check_filters(
        adapter.list_payments,
        None,
        payments,
        [
            (PaymentFilter(account_id=account), lambda p: p.account_id == account),
            (PaymentFilter(received_since=since), lambda p: p.received_at >= since),
            (PaymentFilter(repair_order_id="ro_000001"), nothing),
        ],
    )


BATCHES = [
    ("list_vehicles", "get_vehicles", VehicleFilter(), "veh_ffffff"),
    ("list_customers", "get_customers", CustomerFilter(), "cust_ffffff"),
    ("list_deals", "get_deals", DealFilter(), "deal_ffffff"),
    ("list_repair_orders", "get_repair_orders", RepairOrderFilter(), "ro_ffffff"),
    ("list_appointments", "get_appointments", AppointmentFilter(), "appt_ffffff"),
    ("list_parts", "get_parts", PartFilter(), "part_ffffff"),
    ("list_accounts", "get_accounts", AccountFilter(), "ar_ffffff"),
    ("list_payments", "get_payments", PaymentFilter(), "rcpt_ffffff"),
]


@pytest.mark.parametrize(("lister", "getter", "flt", "unknown"), BATCHES)
async def test_batch_of_50_ids_is_cheap(
    adapter: DmsAdapter, automate: Any, lister: str, getter: str, flt: Any, unknown: str
) -> None:
    calls, rows = await check_batch_lookup(
        getattr(adapter, lister), getattr(adapter, getter), None, flt, automate, unknown
    )
    # Page 1 of the listing, then the rest concurrently: never one call per id
    # (300 vehicles cost 3 calls, 924 receipts 10).
    assert calls <= pages_for(rows) and calls < 50


async def test_service_vehicles_resolve_by_vin(adapter: DmsAdapter, automate: Any) -> None:
    ros = await read_everything(adapter.list_repair_orders, None, RepairOrderFilter())
    vehicles = {ro.vehicle.id: ro.vehicle for ro in ros if ro.vehicle is not None}
    vins = list(vehicles)[:30]
    assert len(vins) == 30
    automate.requests.reset()
    found = await adapter.get_service_vehicles(None, [*vins, "1GCUYDED0NZ000000"])
    assert [v.vin if v else None for v in found] == [*vins, None]
    assert all(v is not None and v.make and v.license_plate and v.owner_id for v in found[:-1])
    assert automate.requests.count(path_contains="/service/repair-orders") == pages_for(len(ros))
    automate.requests.reset()
    (one,) = await adapter.get_service_vehicles(None, [vins[0].lower()])
    assert one is not None and one.vin == vins[0]
    assert [e.query.get("vin") for e in automate.requests.entries] == [vins[0]]


async def test_unknown_ids_are_none(adapter: DmsAdapter) -> None:
    assert await adapter.get_vehicles(None, ["veh_ffffff"]) == [None]
    assert await adapter.get_customers(None, ["cust_ffffff", "../users"]) == [None, None]
    assert await adapter.get_repair_orders(None, ["ro_ffffff", "ro_fffffe"]) == [None, None]
    assert await adapter.get_employees(None, ["u_ffffff"]) == [None]
    assert await adapter.get_accounts(None, []) == []


async def test_employees_are_cached(adapter: DmsAdapter, automate: Any) -> None:
    staff = await read_everything(adapter.list_employees, None, EmployeeFilter())
    automate.requests.reset()
    ids = [e.id for e in staff[:20]]
    assert [e.id for e in await adapter.get_employees(None, ids) if e] == ids
    assert automate.requests.count(method="GET", path_contains="/users") == 0


async def test_unsupported_reads_say_so(adapter: DmsAdapter, automate: Any) -> None:
    assert Capability.LEADS not in adapter.capabilities
    assert Capability.SERVICE_VEHICLES not in adapter.capabilities
    automate.requests.reset()
    for call in (
        adapter.list_leads(None, LeadFilter(), Window()),
        adapter.get_leads(None, ["ld_000001"]),
        adapter.list_service_vehicles(None, ServiceVehicleFilter(), Window()),
    ):
        with pytest.raises(NotSupported) as err:
            await call
        assert err.value.code == "NOT_SUPPORTED_BY_DMS" and "automate" in str(err.value)
    assert automate.requests.count() == 0


async def test_wrong_credentials_fail_without_leaking(
    session: aiohttp.ClientSession, automate: Any, caplog: pytest.LogCaptureFixture
) -> None:
    await check_wrong_secrets_fail_quietly(
        lambda handle, **bad: connect(session, handle, **bad),
        automate,
        lambda adapter: adapter.list_vehicles(None, VehicleFilter(), Window(0, 1)),
        caplog,
    )


async def test_secrets_absent_from_repr_and_logs(
    adapter: DmsAdapter, automate: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await adapter.list_vehicles(None, VehicleFilter(), Window(0, 2))
    check_secrets_hidden(adapter, automate, caplog)

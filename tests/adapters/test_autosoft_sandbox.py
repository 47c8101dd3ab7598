"""AutoSoft adapter against the AutoSoft sandbox over real HTTP: login, token lifetime,
windows, filters, batch lookups and their cost, unsupported reads, secrets."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

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
    LeadStatus,
    RepairOrderStatus,
    VehicleCondition,
    VehicleStatus,
)
from tests.adapters.adapter_sandbox_kit import (
    check_batch_lookup,
    check_filters,
    check_secrets_hidden,
    check_windows,
    check_wrong_secrets_fail_quietly,
    connector,
    customer_cases,
    logins,
    middle,
    nothing,
    pages_for,
    read_everything,
    search_hit,
    spread,
)
from tests.virtual_clock import VirtualClock

# client_id and username identify rather than authenticate; these never show.


connect = connector(Dms.AUTOSOFT)


@pytest.fixture
async def autosoft(sandbox: Any) -> Any:
    sb = await sandbox(vendors=("autosoft",))
    return sb.vendors["autosoft"]


@pytest.fixture
def adapter(session: aiohttp.ClientSession, autosoft: Any) -> DmsAdapter:
    return connect(session, autosoft)


async def test_a_first_read_logs_in_once_and_pages_vehicles(
    adapter: DmsAdapter, autosoft: Any
) -> None:
    page = await adapter.list_vehicles(None, VehicleFilter(), Window(0, 10))
    assert len(page.items) == 10 and page.total is not None and page.total > 10
    assert page.has_next
    assert all(v.id and v.vin for v in page.items)
    assert autosoft.requests.count(method="POST", path_contains="/sessions") == 1


async def test_concurrent_first_calls_share_one_login(adapter: DmsAdapter, autosoft: Any) -> None:
    await asyncio.gather(
        adapter.list_vehicles(None, VehicleFilter(), Window(0, 5)),
        adapter.list_customers(None, CustomerFilter(), Window(0, 5)),
        adapter.list_leads(None, LeadFilter(), Window(0, 5)),
        adapter.list_deals(None, DealFilter(), Window(0, 5)),
        adapter.list_parts(None, PartFilter(), Window(0, 5)),
        adapter.list_repair_orders(None, RepairOrderFilter(), Window(0, 5)),
    )
    assert autosoft.requests.count(method="POST", path_contains="/sessions") == 1


async def test_short_lived_tokens_are_refreshed_and_renewed(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    clock = VirtualClock()  # the sandbox and the adapter both run on it
    sb = await sandbox(vendors=("autosoft",), token_ttl_seconds=1, clock=clock)
    handle = sb.vendors["autosoft"]
    adapter = connect(session, handle, shared=clock.shared())
    # Steady traffic across several token lifetimes: refreshes keep one session alive.
    for _ in range(8):
        page = await adapter.list_customers(None, CustomerFilter(), Window(0, 3))
        assert len(page.items) == 3
        await clock.advance(0.3)
    assert handle.requests.count(method="POST", path_contains="/sessions/refresh") >= 2
    # Idle past expiry: the next call logs in again, and nothing failed on the way.
    await clock.advance(1.2)
    assert len((await adapter.list_parts(None, PartFilter(), Window(0, 3))).items) == 3
    assert logins(handle) == 2
    data_calls = [e for e in handle.requests.entries if "/sessions" not in e.path]
    assert data_calls and all(e.status == 200 for e in data_calls)


async def test_revoked_token_logs_in_again_and_replays(adapter: DmsAdapter, autosoft: Any) -> None:
    await adapter.list_vehicles(None, VehicleFilter(), Window(0, 1))
    # Simulate the vendor dropping the session: the held token stops being valid.
    auth = adapter._api.http._auth  # type: ignore[attr-defined]
    stale = auth.session
    auth._session = replace(stale, token=type(stale.token)("not-a-token"))
    page = await adapter.list_vehicles(None, VehicleFilter(), Window(0, 1))
    assert len(page.items) == 1
    statuses = [e.status for e in autosoft.requests.entries if e.path.endswith("/vehicles")]
    assert statuses == [200, 401, 200]


async def test_windows_across_page_boundaries(adapter: DmsAdapter, autosoft: Any) -> None:
    cases = [(95, 10, 1), (99, 100, 2), (0, 100, 1), (-3, 10, 1)]
    total = await check_windows(
        adapter.list_vehicles, None, VehicleFilter(), autosoft, "/vehicles", cases
    )
    assert total > 200, "the seeded inventory should span several vendor pages"


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
                VehicleFilter(status=frozenset({VehicleStatus.IN_STOCK})),
                lambda v: v.status_raw == "in_stock",
            ),
            (  # two vendor values: filtered here
                VehicleFilter(status=frozenset({VehicleStatus.SOLD, VehicleStatus.ON_HOLD})),
                lambda v: v.status_raw in {"retail_sold", "hold"},
            ),
            (VehicleFilter(status=frozenset({VehicleStatus.IN_TRANSIT})), nothing),
            (
                VehicleFilter(condition=frozenset({VehicleCondition.CERTIFIED})),
                lambda v: v.condition_raw == "cpo",
            ),
            (VehicleFilter(vin=sample.vin.lower()), lambda v: v.vin == sample.vin),
            (VehicleFilter(stock_number=sample.stock_number), lambda v: v.id == sample.id),
            (VehicleFilter(make=sample.make.upper()), lambda v: v.make == sample.make),
            (
                VehicleFilter(make=sample.make, model=sample.model),
                lambda v: (v.make, v.model) == (sample.make, sample.model),
            ),
            (VehicleFilter(year=sample.year), lambda v: v.year == sample.year),
            (VehicleFilter(updated_since=since), lambda v: v.updated_at >= since),
        ],
    )


async def test_customer_and_sales_filters(adapter: DmsAdapter) -> None:
    customers = await read_everything(adapter.list_customers, None, CustomerFilter())
    await check_filters(adapter.list_customers, None, customers, customer_cases(customers))

    leads = await read_everything(adapter.list_leads, None, LeadFilter())
    since = middle([x.updated_at for x in leads])
    await check_filters(
        adapter.list_leads,
        None,
        leads,
        [
            (
                LeadFilter(status=frozenset({LeadStatus.QUALIFIED})),
                lambda x: x.status is LeadStatus.QUALIFIED,
            ),
            (LeadFilter(updated_since=since), lambda x: x.updated_at >= since),
        ],
    )

    deals = await read_everything(adapter.list_deals, None, DealFilter())
    buyer = deals[3].buyer_id
    since = middle([d.updated_at for d in deals])
    await check_filters(
        adapter.list_deals,
        None,
        deals,
        [
            (
                DealFilter(status=frozenset({DealStatus.DELIVERED})),
                lambda d: d.status_raw == "delivered",
            ),
            (DealFilter(status=frozenset({DealStatus.SUBMITTED})), nothing),
            (DealFilter(buyer_id=buyer), lambda d: d.buyer_id == buyer),
            (DealFilter(updated_since=since), lambda d: d.updated_at >= since),
        ],
    )


async def test_service_filters(adapter: DmsAdapter) -> None:
    ros = await read_everything(adapter.list_repair_orders, None, RepairOrderFilter())
    sample = ros[len(ros) // 2]
    since = middle([r.updated_at for r in ros])
    await check_filters(
        adapter.list_repair_orders,
        None,
        ros,
        [
            (
                RepairOrderFilter(status=frozenset({RepairOrderStatus.CLOSED})),
                lambda r: r.status_raw == "posted",
            ),
            (
                RepairOrderFilter(
                    status=frozenset({RepairOrderStatus.OPEN, RepairOrderStatus.WAITING_PARTS})
                ),
                lambda r: r.status_raw in {"open", "waiting_parts"},
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
                AppointmentFilter(status=frozenset({AppointmentStatus.CONFIRMED})),
                lambda a: a.status_raw == "confirmed",
            ),
            (AppointmentFilter(customer_id=customer), lambda a: a.customer_id == customer),
            (AppointmentFilter(starts_after=low), lambda a: a.starts_at >= low),
            (AppointmentFilter(starts_before=high), lambda a: a.starts_at <= high),
            (
                AppointmentFilter(starts_after=low, starts_before=high),
                lambda a: low <= a.starts_at <= high,
            ),
        ],
    )

    parts = await read_everything(adapter.list_parts, None, PartFilter())
    sample_part = parts[11]
    term = (sample_part.description or "")[:5].lower()
    await check_filters(
        adapter.list_parts,
        None,
        parts,
        [
            (
                PartFilter(part_number=sample_part.part_number),
                lambda p: p.part_number == sample_part.part_number,
            ),
            (PartFilter(search=term), lambda p: search_hit(term, p.part_number, p.description)),
        ],
    )


async def test_employee_and_receivable_filters(adapter: DmsAdapter) -> None:
    staff = await read_everything(adapter.list_employees, None, EmployeeFilter())
    await check_filters(
        adapter.list_employees,
        None,
        staff,
        [
            (
                EmployeeFilter(role=frozenset({EmployeeRole.TECHNICIAN, EmployeeRole.PARTS})),
                lambda e: e.role_raw in {"technician", "parts"},
            ),
            (EmployeeFilter(active=False), lambda e: not e.active),
            (
                EmployeeFilter(role=frozenset({EmployeeRole.SERVICE_ADVISOR}), active=True),
                lambda e: e.role_raw == "service_advisor" and e.active,
            ),
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
                lambda a: a.status_raw == "paid_off",
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


BATCH_COST: dict[str, int] = {}


@pytest.mark.parametrize(
    ("lister", "getter", "flt", "unknown"),
    [
        ("list_vehicles", "get_vehicles", VehicleFilter(), "veh_ffffff"),
        ("list_customers", "get_customers", CustomerFilter(), "cust_ffffff"),
        ("list_deals", "get_deals", DealFilter(), "dl_ffffff"),
        ("list_parts", "get_parts", PartFilter(), "prt_ffffff"),
    ],
)
async def test_batch_of_50_ids_is_cheap(
    adapter: DmsAdapter, autosoft: Any, lister: str, getter: str, flt: Any, unknown: str
) -> None:
    calls, rows = await check_batch_lookup(
        getattr(adapter, lister), getattr(adapter, getter), None, flt, autosoft, unknown
    )
    BATCH_COST[getter] = calls
    # The listing, read concurrently after page 1, or fewer detail calls: never one per id.
    assert calls <= min(pages_for(rows), 1 + 50)
    assert calls < 50


async def test_repair_orders_by_id_read_details(adapter: DmsAdapter, autosoft: Any) -> None:
    ros = await read_everything(adapter.list_repair_orders, None, RepairOrderFilter())
    ids = [r.id for r in spread(ros, 5)]
    assert len(ids) == 5
    autosoft.requests.reset()
    got = await adapter.get_repair_orders(None, [*ids, "ro_ffffff"])
    assert [g.id if g else None for g in got] == [*ids, None]
    assert autosoft.requests.count(method="GET") == len(ids) + 1
    listed = {r.id: r for r in ros}
    for ro in got[:-1]:
        assert ro.labor_lines == listed[ro.id].labor_lines
        assert ro.totals == listed[ro.id].totals
        assert ro.vehicle is not None and ro.vehicle.id == ro.vehicle.vin
        if ro.status in {RepairOrderStatus.COMPLETED, RepairOrderStatus.CLOSED}:
            assert ro.closed_at is not None


async def test_unknown_ids_are_none(adapter: DmsAdapter) -> None:
    assert await adapter.get_vehicles(None, ["veh_ffffff"]) == [None]
    assert await adapter.get_customers(None, ["cust_ffffff", "../users"]) == [None, None]
    assert await adapter.get_accounts(None, []) == []


async def test_employees_are_cached(adapter: DmsAdapter, autosoft: Any) -> None:
    staff = await read_everything(adapter.list_employees, None, EmployeeFilter())
    autosoft.requests.reset()
    ids = [e.id for e in staff[:20]]
    assert [e.id for e in await adapter.get_employees(None, ids) if e] == ids
    page = await adapter.list_employees(
        None, EmployeeFilter(role=frozenset({EmployeeRole.SERVICE_ADVISOR})), Window(0, 5)
    )
    assert page.items and all(e.role is EmployeeRole.SERVICE_ADVISOR for e in page.items)
    assert autosoft.requests.count(method="GET", path_contains="/users") == 0


async def test_unsupported_reads_say_so(adapter: DmsAdapter, autosoft: Any) -> None:
    assert Capability.SERVICE_VEHICLES not in adapter.capabilities
    with pytest.raises(NotSupported) as err:
        await adapter.list_service_vehicles(None, ServiceVehicleFilter(), Window())
    assert err.value.capability == "service_vehicles" and err.value.code == "NOT_SUPPORTED_BY_DMS"
    assert autosoft.requests.count() == 0


async def test_service_vehicles_resolve_by_vin_from_repair_orders(
    adapter: DmsAdapter, autosoft: Any
) -> None:
    page = await adapter.list_repair_orders(None, RepairOrderFilter(), Window(0, 30))
    vehicles = {ro.vehicle.id: ro.vehicle for ro in page.items if ro.vehicle is not None}
    vins = list(vehicles)[:20]
    assert len(vins) == 20
    autosoft.requests.reset()
    found = await adapter.get_service_vehicles(None, [*vins, "1GCUYDED0NZ000000"])
    assert [v.vin if v else None for v in found] == [*vins, None]
    assert all(v is not None and v.make and v.owner_id for v in found[:-1])
    # One paged read of the RO list answers every VIN, not one call per VIN.
    assert autosoft.requests.count(path_contains="/service/repair-orders") <= 4


async def test_wrong_credentials_fail_without_leaking(
    session: aiohttp.ClientSession, autosoft: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Wrong password, client secret or TOTP secret: each refused with its vendor code."""
    await check_wrong_secrets_fail_quietly(
        lambda handle, **bad: connect(session, handle, **bad),
        autosoft,
        lambda adapter: adapter.list_vehicles(None, VehicleFilter(), Window(0, 1)),
        caplog,
    )


async def test_secrets_absent_from_repr_and_logs(
    adapter: DmsAdapter, autosoft: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await adapter.list_vehicles(None, VehicleFilter(), Window(0, 2))
    check_secrets_hidden(adapter, autosoft, caplog)

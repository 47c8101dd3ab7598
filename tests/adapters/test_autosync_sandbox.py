"""AutoSync adapter against the AutoSync sandbox over real HTTP: shops, windows, filters,
batch lookups and their cost, work-order detail, 401/403/404/429 mapping, secrets."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from adapters.base import (
    AppointmentFilter,
    Capability,
    CustomerFilter,
    DealFilter,
    DmsAdapter,
    EmployeeFilter,
    PartFilter,
    PaymentFilter,
    RepairOrderFilter,
    ServiceVehicleFilter,
    VehicleFilter,
    Window,
)
from adapters.errors import (
    AdapterError,
    NotSupported,
    UpstreamAuthFailed,
    UpstreamRateLimited,
    UpstreamRejected,
)
from adapters.http import HttpPolicy
from adapters.models import (
    AppointmentStatus,
    Dms,
    EmployeeRole,
    RepairOrderStatus,
)
from adapters.registry import build_adapter
from sandbox import SandboxOptions
from sandbox.autosync import create_autosync
from sandbox.server import serve_vendor
from tests.adapters.adapter_sandbox_kit import (
    check_filters,
    connector,
    middle,
    nothing,
    pages_for,
    read_everything,
    search_hit,
    spread,
)

connect = connector(Dms.AUTOSYNC)


@pytest.fixture
async def autosync(sandbox: Any) -> Any:
    sb = await sandbox(vendors=("autosync",))
    return sb.vendors["autosync"]


@pytest.fixture
def adapter(session: aiohttp.ClientSession, autosync: Any) -> DmsAdapter:
    return connect(session, autosync)


@pytest.fixture
def shop(autosync: Any) -> str:
    return str(autosync.stores[0][0])


async def test_stores_are_the_shops_the_key_reaches(adapter: DmsAdapter, autosync: Any) -> None:
    stores = await adapter.list_stores()
    assert [(s.store_id, s.name) for s in stores] == [(str(i), n) for i, n in autosync.stores]
    assert all(s.status and s.created_at and s.created_at.tzinfo for s in stores)
    await adapter.list_stores()
    assert autosync.requests.count(method="GET", path_contains="/shops") == 1  # cached


async def test_a_key_with_one_shop_reads_it_without_a_store_id(
    adapter: DmsAdapter, autosync: Any, shop: str
) -> None:
    assert len(autosync.stores) == 1
    implicit = await adapter.list_customers(None, CustomerFilter(), Window(0, 5))
    explicit = await adapter.list_customers(shop, CustomerFilter(), Window(0, 5))
    assert len(implicit.items) == 5 and implicit == explicit


async def test_a_key_with_two_shops_reads_each_apart_and_needs_a_store_id(
    session: aiohttp.ClientSession,
) -> None:
    handle = await serve_vendor(create_autosync(SandboxOptions(), key_shops=((1, 2),)))
    try:
        adapter = connect(session, handle)
        assert [str(i) for i, _ in handle.stores] == ["1", "2"]
        pages = [
            await adapter.list_customers(str(store_id), CustomerFilter(), Window(0, 5))
            for store_id, _ in handle.stores
        ]
        assert [len(p.items) for p in pages] == [5, 5]
        assert all(p.total and p.total >= 5 for p in pages)
        # Ids count per shop; the people behind them are each shop's own.
        first, second = ({(c.id, c.full_name, c.email) for c in p.items} for p in pages)
        assert not first & second
        with pytest.raises(AdapterError, match="store id is required"):
            await adapter.list_customers(None, CustomerFilter(), Window(0, 1))
    finally:
        await handle.stop()


async def test_windows_across_page_boundaries(
    adapter: DmsAdapter, autosync: Any, shop: str
) -> None:
    everything = await read_everything(adapter.list_customers, shop, CustomerFilter())
    total = len(everything)
    assert total > 200
    for offset, limit, calls in [(95, 10, 1), (99, 100, 2), (total - 3, 10, 1)]:
        autosync.requests.reset()
        page = await adapter.list_customers(shop, CustomerFilter(), Window(offset, limit))
        assert [c.id for c in page.items] == [c.id for c in everything[offset : offset + limit]]
        assert (page.total, page.has_next) == (total, offset + limit < total)
        assert autosync.requests.count(method="GET", path_contains="/customers") == calls


async def test_customer_and_vehicle_filters(adapter: DmsAdapter, shop: str) -> None:
    customers = await read_everything(adapter.list_customers, shop, CustomerFilter())
    term = customers[9].last_name[:4].lower()
    since = middle([c.updated_at for c in customers])
    await check_filters(
        adapter.list_customers,
        shop,
        customers,
        [
            (
                CustomerFilter(search=term),
                lambda c: search_hit(
                    term, f"{c.first_name} {c.last_name}", c.company_name, c.email
                ),
            ),
            (CustomerFilter(updated_since=since), lambda c: c.updated_at >= since),
        ],
    )

    vehicles = await read_everything(adapter.list_service_vehicles, shop, ServiceVehicleFilter())
    sample = next(v for v in vehicles if v.vin and v.license_plate)
    await check_filters(
        adapter.list_service_vehicles,
        shop,
        vehicles,
        [
            (
                ServiceVehicleFilter(customer_id=sample.owner_id),
                lambda v: v.owner_id == sample.owner_id,
            ),
            (ServiceVehicleFilter(vin=sample.vin), lambda v: v.vin == sample.vin),
            (
                ServiceVehicleFilter(license_plate=sample.license_plate),
                lambda v: v.license_plate == sample.license_plate,
            ),
        ],
    )


async def test_work_order_filters(adapter: DmsAdapter, shop: str) -> None:
    wos = await read_everything(adapter.list_repair_orders, shop, RepairOrderFilter())
    sample = next(w for w in wos if w.technician_ids and w.advisor_id)
    since = middle([w.updated_at for w in wos])
    await check_filters(
        adapter.list_repair_orders,
        shop,
        wos,
        [
            (
                RepairOrderFilter(status=frozenset({RepairOrderStatus.CLOSED})),
                lambda w: w.status_raw == "invoiced",
            ),
            (  # two canonical values, one vendor value: still pushed down
                RepairOrderFilter(
                    status=frozenset({RepairOrderStatus.DRAFT, RepairOrderStatus.OPEN})
                ),
                lambda w: w.status_raw == "draft",
            ),
            (
                RepairOrderFilter(
                    status=frozenset({RepairOrderStatus.COMPLETED, RepairOrderStatus.IN_PROGRESS})
                ),
                lambda w: w.status_raw in {"completed", "in_progress"},
            ),
            (RepairOrderFilter(status=frozenset({RepairOrderStatus.ON_HOLD})), nothing),
            (
                RepairOrderFilter(customer_id=sample.customer_id),
                lambda w: w.customer_id == sample.customer_id,
            ),
            (
                RepairOrderFilter(vehicle_id=sample.vehicle_id),
                lambda w: w.vehicle_id == sample.vehicle_id,
            ),
            (
                RepairOrderFilter(technician_id=sample.technician_ids[0]),
                lambda w: sample.technician_ids[0] in w.technician_ids,
            ),
            (
                RepairOrderFilter(advisor_id=sample.advisor_id),
                lambda w: w.advisor_id == sample.advisor_id,
            ),
            (RepairOrderFilter(updated_since=since), lambda w: w.updated_at >= since),
        ],
    )


async def test_appointment_part_employee_payment_filters(adapter: DmsAdapter, shop: str) -> None:
    appts = await read_everything(adapter.list_appointments, shop, AppointmentFilter())
    starts = sorted({a.starts_at for a in appts})
    low = starts[len(starts) // 4] + timedelta(seconds=1)
    high = starts[3 * len(starts) // 4] + timedelta(seconds=1)
    customer = appts[3].customer_id
    await check_filters(
        adapter.list_appointments,
        shop,
        appts,
        [
            (  # no status parameter on this list: filtered here
                AppointmentFilter(status=frozenset({AppointmentStatus.NO_SHOW})),
                lambda a: a.status_raw == "no_show",
            ),
            (AppointmentFilter(status=frozenset({AppointmentStatus.ARRIVED})), nothing),
            (AppointmentFilter(customer_id=customer), lambda a: a.customer_id == customer),
            (AppointmentFilter(starts_after=low), lambda a: a.starts_at >= low),
            (
                AppointmentFilter(starts_after=low, starts_before=high),
                lambda a: low <= a.starts_at <= high,
            ),
        ],
    )

    parts = await read_everything(adapter.list_parts, shop, PartFilter())
    sample = parts[4]
    term = (sample.description or "")[:5].upper()
    await check_filters(
        adapter.list_parts,
        shop,
        parts,
        [
            (
                PartFilter(part_number=sample.part_number),
                lambda p: p.part_number == sample.part_number,
            ),
            (PartFilter(search=term), lambda p: search_hit(term, p.part_number, p.description)),
        ],
    )

    staff = await read_everything(adapter.list_employees, shop, EmployeeFilter())
    await check_filters(
        adapter.list_employees,
        shop,
        staff,
        [
            (
                EmployeeFilter(role=frozenset({EmployeeRole.SERVICE_ADVISOR})),
                lambda e: e.role_raw == "service_writer",
            ),
            (EmployeeFilter(role=frozenset({EmployeeRole.FINANCE_MANAGER})), nothing),
            (EmployeeFilter(active=True), lambda e: e.active),
        ],
    )

    payments = await read_everything(adapter.list_payments, shop, PaymentFilter())
    wo = payments[2].repair_order_id
    since = middle([p.received_at for p in payments])
    await check_filters(
        adapter.list_payments,
        shop,
        payments,
        [
            (PaymentFilter(repair_order_id=wo), lambda p: p.repair_order_id == wo),
            (PaymentFilter(received_since=since), lambda p: p.received_at >= since),
            (PaymentFilter(account_id="1"), nothing),
        ],
    )


@pytest.mark.parametrize(
    ("lister", "getter", "flt"),
    [
        ("list_customers", "get_customers", CustomerFilter()),
        ("list_service_vehicles", "get_service_vehicles", ServiceVehicleFilter()),
        ("list_parts", "get_parts", PartFilter()),
        ("list_payments", "get_payments", PaymentFilter()),
    ],
)
async def test_batch_of_50_ids_is_cheap(
    adapter: DmsAdapter, autosync: Any, shop: str, lister: str, getter: str, flt: Any
) -> None:
    rows = await read_everything(getattr(adapter, lister), shop, flt)
    wanted = [r.id for r in spread(rows, 50)]
    ids = [*wanted, "99999999", "not-an-id", wanted[0]]
    autosync.requests.reset()
    got = await getattr(adapter, getter)(shop, ids)
    calls = autosync.requests.count(method="GET")
    assert [g.id if g else None for g in got] == [*wanted, None, None, wanted[0]]
    by_id = {r.id: r for r in rows}
    assert all(g == by_id[g.id] for g in got if g)
    assert calls <= min(pages_for(len(rows)), 1 + len(wanted))
    assert calls < len(wanted)


async def test_work_orders_by_id_carry_line_items(
    adapter: DmsAdapter, autosync: Any, shop: str
) -> None:
    wos = await read_everything(adapter.list_repair_orders, shop, RepairOrderFilter())
    ids = [w.id for w in spread(wos, 6)]
    assert len(ids) == 6
    autosync.requests.reset()
    got = await adapter.get_repair_orders(shop, [*ids, "99999999"])
    assert [g.id if g else None for g in got] == [*ids, None]
    assert autosync.requests.count(method="GET") == len(ids) + 1
    listed = {w.id: w for w in wos}
    with_lines = [w for w in got[:-1] if w.labor_lines or w.part_lines]
    assert with_lines
    for wo in got[:-1]:
        row = listed[wo.id]
        assert (wo.customer_id, wo.vehicle_id, wo.status) == (
            row.customer_id,
            row.vehicle_id,
            row.status,
        )
        assert wo.totals.grand_total == row.totals.grand_total
        assert wo.lines_included and not row.lines_included
        if wo.labor_lines or wo.part_lines:
            t = wo.totals
            assert t.labor + t.parts + t.shop_supplies == t.subtotal
            assert t.subtotal + t.tax == t.grand_total


async def test_employees_are_cached_per_shop(adapter: DmsAdapter, autosync: Any, shop: str) -> None:
    staff = await read_everything(adapter.list_employees, shop, EmployeeFilter())
    autosync.requests.reset()
    ids = [e.id for e in staff]
    got = await adapter.get_employees(shop, [*ids, "424242"])
    assert [e.id if e else None for e in got] == [*ids, None]
    # The unknown id made the (older) cached list reload once, and no more.
    assert autosync.requests.count(method="GET", path_contains="/employees") <= pages_for(
        len(staff)
    )
    autosync.requests.reset()
    await adapter.get_employees(shop, ids[:3])
    assert autosync.requests.count() == 0


async def test_an_unknown_employee_reloads_past_the_response_cache(
    session: aiohttp.ClientSession, autosync: Any, shop: str
) -> None:
    # With the product's default response cache: the reload an unknown id triggers must
    # reach the vendor (an employee added since), not be answered by a cached listing.
    adapter = build_adapter(
        Dms.AUTOSYNC,
        http=session,
        base_url=autosync.base_url,
        secrets=autosync.credentials,
        policy=HttpPolicy(),
    )
    staff = await read_everything(adapter.list_employees, shop, EmployeeFilter())
    assert staff
    autosync.requests.reset()
    assert await adapter.get_employees(shop, [staff[0].id, "424242"]) == [staff[0], None]
    assert autosync.requests.count(method="GET", path_contains="/employees") >= 1


async def test_unknown_and_malformed_ids_are_none(
    adapter: DmsAdapter, autosync: Any, shop: str
) -> None:
    autosync.requests.reset()
    assert await adapter.get_customers(shop, ["abc", "1/2", ""]) == [None, None, None]
    assert autosync.requests.count() == 0
    assert await adapter.get_customers(shop, ["99999999"]) == [None]
    asked = [e for e in autosync.requests.entries if e.path.endswith("/customers/99999999")]
    assert [e.status for e in asked] == [404]


async def test_shop_the_key_does_not_reach_is_403(adapter: DmsAdapter, autosync: Any) -> None:
    reachable = {str(store_id) for store_id, _ in autosync.stores}
    for foreign in ("2", "999999"):  # another tenant's shop, and one that does not exist
        assert foreign not in reachable
        with pytest.raises(UpstreamRejected) as err:
            await adapter.list_customers(foreign, CustomerFilter(), Window(0, 1))
        assert (err.value.status, err.value.vendor_code) == (403, "forbidden")
        assert err.value.code == "UPSTREAM_REJECTED"
        with pytest.raises(UpstreamRejected, match="403 forbidden"):
            await adapter.get_customers(foreign, ["1"])
    autosync.requests.reset()
    with pytest.raises(AdapterError, match="shop ids are integers"):
        await adapter.get_customers("main-street", ["1"])
    assert autosync.requests.count() == 0


async def test_wrong_key_is_auth_failure_without_the_key(
    session: aiohttp.ClientSession, autosync: Any, shop: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bad = "sk_live_wrongwrongwrong"
    adapter = connect(session, autosync, api_key=bad)
    with pytest.raises(UpstreamAuthFailed) as err:
        await adapter.list_customers(shop, CustomerFilter(), Window(0, 1))
    assert err.value.vendor_code == "unauthorized"
    for key in (bad, autosync.credentials["api_key"]):
        assert key not in f"{err.value} {err.value!r} {adapter!r} {vars(adapter)} {caplog.text}"


async def test_rate_limit_beyond_the_wait_cap_fails_fast(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    sb = await sandbox(vendors=("autosync",), rate_limit_per_minute=3)
    handle = sb.vendors["autosync"]
    adapter = connect(session, handle, policy=HttpPolicy(max_rate_limit_wait=0.5))
    shop = str(handle.stores[0][0])
    for _ in range(3):
        await adapter.list_customers(shop, CustomerFilter(), Window(0, 1))
    with pytest.raises(UpstreamRateLimited) as err:
        await adapter.list_parts(shop, PartFilter(), Window(0, 1))
    assert err.value.retry_after is not None and err.value.retry_after > 0.5
    assert handle.requests.count() == 4  # no retry was spent on a wait beyond the cap


async def test_sales_side_is_not_supported(adapter: DmsAdapter, autosync: Any) -> None:
    for capability in (
        Capability.VEHICLES,
        Capability.DEALS,
        Capability.LEADS,
        Capability.ACCOUNTS,
    ):
        assert capability not in adapter.capabilities
    with pytest.raises(NotSupported):
        await adapter.list_vehicles("1", VehicleFilter(), Window())
    with pytest.raises(NotSupported):
        await adapter.list_deals("1", DealFilter(), Window())
    with pytest.raises(NotSupported):
        await adapter.get_accounts("1", ["1"])
    assert autosync.requests.count() == 0

"""Dealertrack adapter against the Dealertrack sandbox over real HTTP: one session for all
rooftops, rooftops kept apart, token lifetime, windows, filters, batch lookups and their
cost, unsupported reads, scope errors, secrets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

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
from adapters.errors import AdapterError, NotSupported, UpstreamRejected
from adapters.models import (
    AppointmentStatus,
    DealStatus,
    Dms,
    EmployeeRole,
    RepairOrderStatus,
    Store,
    VehicleCondition,
    VehicleStatus,
)
from adapters.registry import build_adapter
from sandbox import RunningSandbox, SandboxOptions, VendorHandle, start_sandbox
from sandbox.common.totp import TotpVerifier
from tests.adapters.adapter_sandbox_kit import (
    appointment_cases,
    check_filters,
    check_secrets_hidden,
    check_wrong_secrets_fail_quietly,
    connector,
    customer_cases,
    deal_cases,
    logins,
    nothing,
    pages_for,
    part_cases,
    read_everything,
    repair_order_cases,
    spread,
    vehicle_cases,
)
from tests.virtual_clock import VirtualClock

connect = connector(Dms.DEALERTRACK)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running() -> AsyncIterator[RunningSandbox]:
    """One sandbox for the module: its tests only read."""
    options = SandboxOptions(rate_limit_per_minute=100_000)
    async with await start_sandbox(options, vendors=("dealertrack",)) as sb:
        yield sb


@pytest.fixture
def dealertrack(running: RunningSandbox) -> VendorHandle:
    """Each test starts a new connection, so it logs in afresh: the sandbox forgets the
    codes earlier tests spent, and its request log starts empty."""
    handle = running.vendors["dealertrack"]
    handle.state.auth.totp = TotpVerifier()
    handle.requests.reset()
    return handle


@pytest.fixture
def adapter(session: aiohttp.ClientSession, dealertrack: VendorHandle) -> DmsAdapter:
    return connect(session, dealertrack)


@pytest.fixture
def rooftops(dealertrack: VendorHandle) -> tuple[str, str]:
    home, other = (store_id for store_id, _ in dealertrack.stores)
    return home, other


async def test_one_login_reads_both_rooftops(
    adapter: DmsAdapter, dealertrack: VendorHandle, rooftops: tuple[str, str]
) -> None:
    # Cold start: the stores, then a first read on each rooftop, concurrently.
    stores = await adapter.list_stores()
    assert [(s.store_id, s.name) for s in stores] == dealertrack.stores
    assert all(s.status == "active" and s.created_at for s in stores)
    pages = await asyncio.gather(
        *(adapter.list_vehicles(r, VehicleFilter(), Window(0, 5)) for r in rooftops)
    )
    assert dealertrack.requests.count() == 4  # login, rooftops, one list per rooftop
    await asyncio.gather(
        *(
            call
            for r in rooftops
            for call in (
                adapter.list_repair_orders(r, RepairOrderFilter(), Window(0, 5)),
                adapter.list_deals(r, DealFilter(), Window(0, 5)),
                adapter.list_customers(r, CustomerFilter(), Window(0, 5)),
                adapter.list_employees(r, EmployeeFilter(), Window(0, 5)),
            )
        )
    )
    assert logins(dealertrack) == 1
    scoped = [e for e in dealertrack.requests.entries if "/sessions" not in e.path]
    assert scoped and all(e.status == 200 for e in scoped)
    assert all(e.query.get("rooftopId") in rooftops for e in scoped if "/rooftops" not in e.path)
    home, other = (p.items for p in pages)
    assert not {v.id for v in home} & {v.id for v in other}


async def test_without_a_rooftop_listing_the_stores_are_the_session_rooftops(
    serve: Any, session: aiohttp.ClientSession
) -> None:
    async def login(request: web.Request) -> web.Response:
        user = {"id": "u_1", "name": "GM", "rooftops": ["rt_1", "rt_2"], "entitlements": []}
        return web.json_response({"authToken": "t0k3n", "expiresIn": 3600, "user": user})

    async def no_listing(request: web.Request) -> web.Response:
        error = {"code": "not_found", "message": "No such resource"}
        return web.json_response({"error": error}, status=404)

    app = web.Application()
    app.router.add_post("/sessions", login)
    app.router.add_get("/rooftops", no_listing)
    secrets = {k: "x" for k in ("client_id", "client_secret", "username", "password")}
    adapter = build_adapter(
        Dms.DEALERTRACK,
        http=session,
        base_url=await serve(app),
        secrets={**secrets, "totp_secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"},
    )
    assert await adapter.list_stores() == [Store(store_id="rt_1"), Store(store_id="rt_2")]


async def test_rooftop_data_stays_apart(
    adapter: DmsAdapter, rooftops: tuple[str, str], dealertrack: VendorHandle
) -> None:
    home, other = rooftops
    mine = await read_everything(adapter.list_customers, home, CustomerFilter())
    theirs = await read_everything(adapter.list_customers, other, CustomerFilter())
    assert not {c.id for c in mine} & {c.id for c in theirs}
    ids = [c.id for c in spread(mine, 5)]
    assert await adapter.get_customers(other, ids) == [None] * 5  # not through another rooftop
    assert [c.id if c else None for c in await adapter.get_customers(home, ids)] == ids
    staff = await adapter.list_employees(other, EmployeeFilter(), Window(0, 100))
    assert not {e.id for e in staff.items} & {
        e.id for e in (await adapter.list_employees(home, EmployeeFilter(), Window(0, 100))).items
    }


async def test_scope_errors(
    adapter: DmsAdapter, dealertrack: VendorHandle, session: aiohttp.ClientSession
) -> None:
    with pytest.raises(AdapterError, match="reaches 2 rooftops; a store id is required"):
        await adapter.list_vehicles(None, VehicleFilter(), Window(0, 1))
    with pytest.raises(UpstreamRejected) as err:
        await adapter.get_vehicles("rt_9999", ["veh_000001"])  # never "not found"
    assert (err.value.status, err.value.vendor_code) == (403, "forbidden")
    # A login that reaches one rooftop needs no store id.
    user = dealertrack.state.service_user
    one = connect(
        session,
        dealertrack,
        username=user.username,
        password=user.password,
        totp_secret=user.totp_secret,
    )
    implicit = await one.list_repair_orders(None, RepairOrderFilter(), Window(0, 3))
    explicit = await one.list_repair_orders(
        user.extra["rooftops"][0], RepairOrderFilter(), Window(0, 3)
    )
    assert implicit == explicit and len(implicit.items) == 3
    assert [s.store_id for s in await one.list_stores()] == user.extra["rooftops"]


async def test_short_lived_tokens_refresh_without_a_failed_call(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    clock = VirtualClock()  # the sandbox and the adapter both run on it
    sb = await sandbox(vendors=("dealertrack",), token_ttl_seconds=1, scale=0.2, clock=clock)
    handle = sb.vendors["dealertrack"]
    adapter = connect(session, handle, shared=clock.shared())
    home, other = (store_id for store_id, _ in handle.stores)
    for i in range(8):
        page = await adapter.list_parts(home if i % 2 else other, PartFilter(), Window(0, 3))
        assert len(page.items) == 3
        await clock.advance(0.3)
    assert handle.requests.count(method="POST", path_contains="/sessions/refresh") >= 2
    await clock.advance(1.2)  # idle past expiry: the next call logs in again
    assert len((await adapter.list_parts(home, PartFilter(), Window(0, 3))).items) == 3
    assert logins(handle) == 2
    data_calls = [e for e in handle.requests.entries if "/sessions" not in e.path]
    assert data_calls and all(e.status == 200 for e in data_calls)


async def test_windows_across_page_boundaries(
    adapter: DmsAdapter, dealertrack: VendorHandle, rooftops: tuple[str, str]
) -> None:
    home = rooftops[0]
    everything = await read_everything(adapter.list_vehicles, home, VehicleFilter())
    total = len(everything)
    assert total > 200
    for offset, limit, calls in [(95, 10, 1), (99, 100, 2), (0, 100, 1), (total - 3, 10, 1)]:
        dealertrack.requests.reset()
        page = await adapter.list_vehicles(home, VehicleFilter(), Window(offset, limit))
        assert [v.id for v in page.items] == [v.id for v in everything[offset : offset + limit]]
        assert (page.total, page.has_next) == (total, offset + limit < total)
        assert dealertrack.requests.count(method="GET") == calls


async def test_vehicle_and_sales_filters(adapter: DmsAdapter, rooftops: tuple[str, str]) -> None:
    home = rooftops[1]  # the second rooftop, to show the scope carries through
    rows = await read_everything(adapter.list_vehicles, home, VehicleFilter())
    await check_filters(
        adapter.list_vehicles,
        home,
        rows,
        [
            (
                VehicleFilter(status=frozenset({VehicleStatus.IN_TRANSIT})),
                lambda v: v.status_raw == "in_transit",
            ),
            (  # two vendor values: filtered here
                VehicleFilter(status=frozenset({VehicleStatus.SOLD, VehicleStatus.WHOLESALE})),
                lambda v: v.status_raw in {"sold", "wholesaled"},
            ),
            (VehicleFilter(status=frozenset({VehicleStatus.DEMO})), nothing),
            (
                VehicleFilter(condition=frozenset({VehicleCondition.CERTIFIED})),
                lambda v: v.condition_raw == "cpo",
            ),
            *vehicle_cases(rows),
        ],
    )

    customers = await read_everything(adapter.list_customers, home, CustomerFilter())
    await check_filters(adapter.list_customers, home, customers, customer_cases(customers))

    deals = await read_everything(adapter.list_deals, home, DealFilter())
    await check_filters(
        adapter.list_deals,
        home,
        deals,
        [
            (
                DealFilter(status=frozenset({DealStatus.CONTRACTED})),
                lambda d: d.status_raw == "contracted",
            ),
            (DealFilter(status=frozenset({DealStatus.SUBMITTED})), nothing),
            *deal_cases(deals),
        ],
    )


async def test_service_filters(adapter: DmsAdapter, rooftops: tuple[str, str]) -> None:
    home = rooftops[0]
    ros = await read_everything(adapter.list_repair_orders, home, RepairOrderFilter())
    await check_filters(
        adapter.list_repair_orders,
        home,
        ros,
        [
            (
                RepairOrderFilter(status=frozenset({RepairOrderStatus.ON_HOLD})),
                lambda r: r.status_raw == "on_hold",
            ),
            (
                RepairOrderFilter(
                    status=frozenset({RepairOrderStatus.OPEN, RepairOrderStatus.CLOSED})
                ),
                lambda r: r.status_raw in {"open", "closed"},
            ),
            (RepairOrderFilter(status=frozenset({RepairOrderStatus.WAITING_PARTS})), nothing),
            *repair_order_cases(ros),
        ],
    )

    appts = await read_everything(adapter.list_appointments, home, AppointmentFilter())
    await check_filters(
        adapter.list_appointments,
        home,
        appts,
        [
            (
                AppointmentFilter(status=frozenset({AppointmentStatus.ARRIVED})),
                lambda a: a.status_raw == "arrived",
            ),
            *appointment_cases(appts),
        ],
    )

    parts = await read_everything(adapter.list_parts, home, PartFilter())
    await check_filters(adapter.list_parts, home, parts, part_cases(parts))

    staff = await read_everything(adapter.list_employees, home, EmployeeFilter())
    await check_filters(
        adapter.list_employees,
        home,
        staff,
        [
            (
                EmployeeFilter(role=frozenset({EmployeeRole.TECHNICIAN}), active=True),
                lambda e: e.role_raw == "technician" and e.active,
            ),
            (EmployeeFilter(active=False), lambda e: not e.active),
        ],
    )


@pytest.mark.parametrize(
    ("lister", "getter", "flt", "unknown"),
    [
        ("list_vehicles", "get_vehicles", VehicleFilter(), "veh_ffffff"),
        ("list_customers", "get_customers", CustomerFilter(), "cust_ffffff"),
        ("list_deals", "get_deals", DealFilter(), "deal_ffffff"),
        ("list_repair_orders", "get_repair_orders", RepairOrderFilter(), "ro_ffffff"),
        ("list_appointments", "get_appointments", AppointmentFilter(), "appt_ffffff"),
        ("list_parts", "get_parts", PartFilter(), "prt_ffffff"),
    ],
)
async def test_batch_of_50_ids_is_a_few_calls(
    adapter: DmsAdapter,
    dealertrack: VendorHandle,
    rooftops: tuple[str, str],
    lister: str,
    getter: str,
    flt: Any,
    unknown: str,
) -> None:
    home = rooftops[1]
    rows = await read_everything(getattr(adapter, lister), home, flt)
    wanted = [r.id for r in spread(rows, 50)]
    ids = [wanted[0], unknown, *reversed(wanted)]
    dealertrack.requests.reset()
    got = await getattr(adapter, getter)(home, ids)
    calls = dealertrack.requests.count(method="GET")
    assert [g.id if g else None for g in got] == [wanted[0], None, *reversed(wanted)]
    by_id = {r.id: r for r in rows}
    assert all(g == by_id[g.id] for g in got if g)  # a lookup is the listed record
    assert calls <= pages_for(len(rows)) <= 4, calls  # the listing, never one call per id
    assert all(e.query["rooftopId"] == home for e in dealertrack.requests.entries)


async def test_unknown_ids_are_none(adapter: DmsAdapter, rooftops: tuple[str, str]) -> None:
    home = rooftops[0]
    assert await adapter.get_vehicles(home, ["veh_ffffff"]) == [None]
    assert await adapter.get_repair_orders(home, ["ro_ffffff", "../users"]) == [None, None]
    assert await adapter.get_deals(home, []) == []


async def test_employees_are_cached_per_rooftop(
    adapter: DmsAdapter, dealertrack: VendorHandle, rooftops: tuple[str, str]
) -> None:
    home, other = rooftops
    staff = await read_everything(adapter.list_employees, home, EmployeeFilter())
    dealertrack.requests.reset()
    ids = [e.id for e in staff[:20]]
    assert [e.id for e in await adapter.get_employees(home, ids) if e] == ids
    assert dealertrack.requests.count(method="GET", path_contains="/users") == 0
    assert await adapter.get_employees(other, ids[:2]) == [None, None]
    # The other rooftop's list was read once, then once more for the ids it lacks.
    assert dealertrack.requests.count(method="GET", path_contains="/users") <= 2


async def test_unsupported_reads_say_so(adapter: DmsAdapter, dealertrack: VendorHandle) -> None:
    missing = {
        Capability.LEADS: adapter.list_leads(None, LeadFilter(), Window()),
        Capability.SERVICE_VEHICLES: adapter.list_service_vehicles(
            None, ServiceVehicleFilter(), Window()
        ),
        Capability.ACCOUNTS: adapter.list_accounts(None, AccountFilter(), Window()),
        Capability.PAYMENTS: adapter.list_payments(None, PaymentFilter(), Window()),
    }
    assert not set(missing) & adapter.capabilities
    for capability, call in missing.items():
        with pytest.raises(NotSupported) as err:
            await call
        assert err.value.capability == capability.value
        assert err.value.code == "NOT_SUPPORTED_BY_DMS"
    assert dealertrack.requests.count() == 0


async def test_wrong_secrets_fail_without_leaking(
    session: aiohttp.ClientSession, dealertrack: VendorHandle, caplog: pytest.LogCaptureFixture
) -> None:
    home = dealertrack.stores[0][0]
    await check_wrong_secrets_fail_quietly(
        lambda handle, **bad: connect(session, handle, **bad),
        dealertrack,
        lambda adapter: adapter.list_vehicles(home, VehicleFilter(), Window(0, 1)),
        caplog,
    )


async def test_secrets_absent_from_repr_and_logs(
    adapter: DmsAdapter, dealertrack: VendorHandle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await adapter.list_vehicles(dealertrack.stores[0][0], VehicleFilter(), Window(0, 2))
    check_secrets_hidden(adapter, dealertrack, caplog)

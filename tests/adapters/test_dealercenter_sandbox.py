"""DealerCenter adapter against the DealerCenter sandbox over real HTTP: login, token
lifetime, windows, filters, a BHPH loan with its payment history, batch lookups and their
cost, reads DealerCenter does not have, secrets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from decimal import Decimal
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
    AccountKind,
    AccountStatus,
    DealStatus,
    Dms,
    EmployeeRole,
    LeadStatus,
    VehicleCondition,
    VehicleStatus,
)
from sandbox import SandboxOptions, VendorHandle, start_sandbox
from tests.adapters.adapter_sandbox_kit import (
    check_filters,
    check_secrets_hidden,
    check_wrong_secrets_fail_quietly,
    connector,
    customer_cases,
    logins,
    middle,
    nothing,
    pages_for,
    read_everything,
    spread,
)
from tests.virtual_clock import VirtualClock

BATCH_COST: dict[str, int] = {}


connect = connector(Dms.DEALERCENTER)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def dealercenter() -> AsyncIterator[VendorHandle]:
    """One sandbox for the read-only tests; each resets its request log before counting."""
    async with await start_sandbox(SandboxOptions(), vendors=("dealercenter",)) as sb:
        yield sb.vendors["dealercenter"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def adapter(dealercenter: VendorHandle) -> AsyncIterator[DmsAdapter]:
    """One connection (one login) shared by the read-only tests, as in production."""
    async with aiohttp.ClientSession() as session:
        yield connect(session, dealercenter)


async def test_concurrent_first_reads_share_one_login_and_page_the_lists(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    handle = (await sandbox(vendors=("dealercenter",), scale=0.1)).vendors["dealercenter"]
    adapter = connect(session, handle)
    page, leads, accounts = await asyncio.gather(
        adapter.list_vehicles(None, VehicleFilter(), Window(0, 10)),
        adapter.list_leads(None, LeadFilter(), Window(0, 10)),
        adapter.list_accounts(None, AccountFilter(), Window(0, 2)),
    )
    assert len(page.items) == 10 and page.total == 25 and page.has_next
    assert all(v.id.startswith("veh_") and v.vin and v.lot_name for v in page.items)
    assert len(leads.items) == 10 and accounts.items[0].kind is AccountKind.BHPH
    assert logins(handle) == 1  # concurrent first calls share one login


async def test_tokens_are_renewed_before_they_expire(
    sandbox: Any, session: aiohttp.ClientSession
) -> None:
    clock = VirtualClock()  # the sandbox and the adapter both run on it
    sb = await sandbox(vendors=("dealercenter",), token_ttl_seconds=1, scale=0.1, clock=clock)
    handle = sb.vendors["dealercenter"]
    adapter = connect(session, handle, shared=clock.shared())
    for _ in range(6):  # steady traffic over several lifetimes: refreshes, one session
        assert len((await adapter.list_customers(None, CustomerFilter(), Window(0, 3))).items) == 3
        await clock.advance(0.3)
    assert handle.requests.count(method="POST", path_contains="/sessions/refresh") >= 2
    await clock.advance(1.2)  # idle past expiry: the next call logs in again first
    assert len((await adapter.list_deals(None, DealFilter(), Window(0, 2))).items) == 2
    assert logins(handle) == 2
    data_calls = [e for e in handle.requests.entries if "/sessions" not in e.path]
    assert data_calls and all(e.status == 200 for e in data_calls)  # no call ever failed


async def test_windows_across_page_boundaries(adapter: DmsAdapter, dealercenter: Any) -> None:
    everything = await read_everything(adapter.list_vehicles, None, VehicleFilter())
    total = len(everything)
    assert total == 250 and len({v.id for v in everything}) == total
    for offset, limit, calls in [(95, 10, 1), (99, 100, 2), (0, 100, 1), (total - 3, 10, 1)]:
        dealercenter.requests.reset()
        page = await adapter.list_vehicles(None, VehicleFilter(), Window(offset, limit))
        assert [v.id for v in page.items] == [v.id for v in everything[offset : offset + limit]]
        assert page.total == total and page.has_next == (offset + limit < total)
        # Lot names are reference data, read once: only vehicle pages after that.
        assert dealercenter.requests.count(method="GET") == calls


async def test_live_vehicles_fill_their_canonical_fields(adapter: DmsAdapter) -> None:
    page = await adapter.list_vehicles(None, VehicleFilter(), Window(0, 100))
    assert len(page.items) == 100
    for v in page.items:
        assert v.vin and v.stock_number and v.year and v.make and v.model and v.trim
        assert v.exterior_color and v.interior_color and v.mileage is not None
        assert v.asking_price and v.cost and v.acquired_on and v.updated_at
        assert [b.source for b in v.book_values] == ["kbb", "nada", "blackBook"]
        assert v.lot_id and v.lot_name and v.acquisition_source
        assert v.status is not VehicleStatus.UNKNOWN
    assert {v.lot_name for v in page.items} >= {"Main Lot"}
    assert any(v.photos and v.photos[0].primary and v.photos[0].position == 1 for v in page.items)


async def test_vehicle_filters(adapter: DmsAdapter) -> None:
    rows = await read_everything(adapter.list_vehicles, None, VehicleFilter())
    sample = rows[len(rows) // 3]

    def barely_driven(v: Any) -> bool:
        return v.mileage is None or v.mileage < 1_000

    # The sandbox's used-car lots may hold no vehicle too new to tell.
    untold = barely_driven if any(barely_driven(v) for v in rows) else nothing
    since = middle([v.updated_at for v in rows])
    await check_filters(
        adapter.list_vehicles,
        None,
        rows,
        [
            (
                VehicleFilter(status=frozenset({VehicleStatus.PENDING})),
                lambda v: v.status_raw == "pending",
            ),
            (  # two vendor values: filtered here
                VehicleFilter(status=frozenset({VehicleStatus.SOLD, VehicleStatus.WHOLESALE})),
                lambda v: v.status_raw in {"sold", "wholesale"},
            ),
            (VehicleFilter(status=frozenset({VehicleStatus.DEMO})), nothing),
            # Derived from the mileage (the vendor does not say): checked on the rows.
            (
                VehicleFilter(condition=frozenset({VehicleCondition.USED})),
                lambda v: v.mileage is not None and v.mileage >= 1_000,
            ),
            (VehicleFilter(condition=frozenset({VehicleCondition.UNKNOWN})), untold),
            (VehicleFilter(condition=frozenset({VehicleCondition.NEW})), nothing),
            (VehicleFilter(vin=sample.vin.lower()), lambda v: v.vin == sample.vin),
            (VehicleFilter(stock_number=sample.stock_number), lambda v: v.id == sample.id),
            (VehicleFilter(make=sample.make.upper()), lambda v: v.make == sample.make),
            (
                VehicleFilter(make=sample.make, model=sample.model.lower()),
                lambda v: (v.make, v.model) == (sample.make, sample.model),
            ),
            (VehicleFilter(year=sample.year), lambda v: v.year == sample.year),
            (VehicleFilter(updated_since=since), lambda v: v.updated_at >= since),
        ],
    )


async def test_customer_lead_and_deal_filters(adapter: DmsAdapter) -> None:
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
                lambda x: x.status_raw == "appointment_set",
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
                DealFilter(status=frozenset({DealStatus.SUBMITTED})),
                lambda d: d.status_raw == "submitted",
            ),
            (DealFilter(status=frozenset({DealStatus.PENDING})), nothing),
            (DealFilter(buyer_id=buyer), lambda d: d.buyer_id == buyer),
            (DealFilter(updated_since=since), lambda d: d.updated_at >= since),
        ],
    )


async def test_bhph_filters(adapter: DmsAdapter) -> None:
    accounts = await read_everything(adapter.list_accounts, None, AccountFilter())
    customer = accounts[2].customer_id
    await check_filters(
        adapter.list_accounts,
        None,
        accounts,
        [
            (
                AccountFilter(status=frozenset({AccountStatus.CHARGED_OFF})),
                lambda a: a.status_raw == "charged_off",
            ),
            (AccountFilter(status=frozenset({AccountStatus.CLOSED})), nothing),
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
            (PaymentFilter(account_id="acc_000000"), nothing),
            (PaymentFilter(received_since=since), lambda p: p.received_at >= since),
            (PaymentFilter(repair_order_id="ro_000001"), nothing),
        ],
    )


async def test_bhph_loan_with_its_payment_history(adapter: DmsAdapter) -> None:
    late = await adapter.list_accounts(None, AccountFilter(past_due_only=True), Window(0, 100))
    loan = next(a for a in late.items if a.status is AccountStatus.PAST_DUE)
    assert loan.kind is AccountKind.BHPH and loan.deal_id and loan.vehicle_id
    assert loan.days_past_due > 0 and loan.past_due_amount and loan.next_due_date
    assert loan.apr and Decimal(18) <= loan.apr <= Decimal(29)
    assert loan.payment_frequency in {"weekly", "biweekly", "monthly"}
    assert loan.payoff_amount is not None and loan.payoff_amount > loan.balance
    assert loan.late_fees_due is not None and loan.late_fees_due > 0
    history = await read_everything(adapter.list_payments, None, PaymentFilter(account_id=loan.id))
    assert history and all(p.allocation is not None for p in history)
    for p in history:
        a = p.allocation
        assert a is not None and a.principal + a.interest + a.late_fees == p.amount
    principal = sum((p.allocation.principal for p in history if p.allocation), Decimal(0))
    assert loan.original_amount is not None and loan.balance == loan.original_amount - principal
    assert sum(1 for i in loan.schedule if i.paid) < len(loan.schedule)
    assert sum((i.principal or 0 for i in loan.schedule if not i.paid), Decimal(0)) == loan.balance
    assert loan.last_payment_at == max(p.received_at for p in history if p.received_at)
    (again,) = await adapter.get_accounts(None, [loan.id])
    assert again == loan
    (deal,) = await adapter.get_deals(None, [loan.deal_id])
    assert deal is not None and deal.sale_type == "bhph" and deal.buyer_id == loan.customer_id


@pytest.mark.parametrize(
    ("lister", "getter", "flt", "unknown"),
    [
        ("list_vehicles", "get_vehicles", VehicleFilter(), "veh_ffffff"),
        ("list_customers", "get_customers", CustomerFilter(), "cust_ffffff"),
        ("list_leads", "get_leads", LeadFilter(), "ld_ffffff"),
        ("list_deals", "get_deals", DealFilter(), "dl_ffffff"),
        ("list_accounts", "get_accounts", AccountFilter(), "acc_ffffff"),
        ("list_payments", "get_payments", PaymentFilter(), "pmt_ffffff"),
    ],
)
async def test_batch_of_50_ids_is_cheap(
    adapter: DmsAdapter, dealercenter: Any, lister: str, getter: str, flt: Any, unknown: str
) -> None:
    rows = await read_everything(getattr(adapter, lister), None, flt)
    wanted = [r.id for r in spread(rows, 50)]
    ids = [wanted[0], unknown, *reversed(wanted)]
    dealercenter.requests.reset()
    got = await getattr(adapter, getter)(None, ids)
    calls = dealercenter.requests.count(method="GET")
    BATCH_COST[getter] = calls
    assert [g.id if g else None for g in got] == [wanted[0], None, *reversed(wanted)]
    by_id = {r.id: r for r in rows}
    assert all(g == by_id[g.id] for g in got if g)
    # Page 1 of the listing, then the rest concurrently, or fewer detail calls: never one
    # call per id. 250 vehicles, 50 ids: 3 calls; 62 accounts: 1; 655 payments: 7.
    assert calls <= min(pages_for(len(rows)), 1 + len(wanted))
    assert calls < len(wanted)


async def test_unknown_ids_are_none(adapter: DmsAdapter) -> None:
    assert await adapter.get_vehicles(None, ["veh_ffffff"]) == [None]
    assert await adapter.get_customers(None, ["cust_ffffff", "../users"]) == [None, None]
    assert await adapter.get_accounts(None, ["acc_ffffff", "acc_fffffe"]) == [None, None]
    assert await adapter.get_employees(None, ["u_ffffff"]) == [None]
    assert await adapter.get_payments(None, []) == []


async def test_employees_are_cached(adapter: DmsAdapter, dealercenter: Any) -> None:
    staff = await read_everything(adapter.list_employees, None, EmployeeFilter())
    assert {e.role for e in staff} == {
        EmployeeRole.SALESPERSON,
        EmployeeRole.FINANCE_MANAGER,
        EmployeeRole.MANAGER,
        EmployeeRole.ACCOUNTING,
    }
    dealercenter.requests.reset()
    ids = [e.id for e in staff]
    assert [e.id for e in await adapter.get_employees(None, ids) if e] == ids
    collectors = await adapter.list_employees(
        None, EmployeeFilter(role=frozenset({EmployeeRole.ACCOUNTING})), Window(0, 5)
    )
    assert collectors.items and all(e.role_raw == "collections" for e in collectors.items)
    assert dealercenter.requests.count(method="GET", path_contains="/users") == 0


async def test_no_service_department(adapter: DmsAdapter, dealercenter: Any) -> None:
    missing = {
        Capability.REPAIR_ORDERS,
        Capability.APPOINTMENTS,
        Capability.PARTS,
        Capability.SERVICE_VEHICLES,
    }
    assert not missing & adapter.capabilities
    dealercenter.requests.reset()
    for call in (
        adapter.list_repair_orders(None, RepairOrderFilter(), Window()),
        adapter.get_repair_orders(None, ["ro_000001"]),
        adapter.list_appointments(None, AppointmentFilter(), Window()),
        adapter.list_parts(None, PartFilter(), Window()),
        adapter.get_parts(None, ["prt_000001"]),
        adapter.list_service_vehicles(None, ServiceVehicleFilter(), Window()),
    ):
        with pytest.raises(NotSupported) as err:
            await call
        assert err.value.code == "NOT_SUPPORTED_BY_DMS" and "dealercenter" in str(err.value)
    assert dealercenter.requests.count() == 0


async def test_wrong_credentials_fail_without_leaking(
    session: aiohttp.ClientSession, dealercenter: Any, caplog: pytest.LogCaptureFixture
) -> None:
    await check_wrong_secrets_fail_quietly(
        lambda handle, **bad: connect(session, handle, **bad),
        dealercenter,
        lambda adapter: adapter.list_accounts(None, AccountFilter(), Window(0, 1)),
        caplog,
    )


async def test_secrets_absent_from_repr_and_logs(
    adapter: DmsAdapter, dealercenter: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await adapter.list_payments(None, PaymentFilter(), Window(0, 2))
    check_secrets_hidden(adapter, dealercenter, caplog)

"""DealerCenter reads: documented shapes, pagination, every filter, detail endpoints,
400/404/405, and whether the data holds together (VINs, references, BHPH loan arithmetic,
determinism)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sandbox import SandboxOptions, VendorHandle
from sandbox.common.jsonenc import dumps
from sandbox.common.table import Table
from sandbox.common.vin import is_valid_vin
from sandbox.dealercenter.state import build_state
from sandbox.options import DEFAULT_TODAY
from tests.guards import each
from tests.sandbox.helpers import (
    SupergoodClient,
    assert_invalid_parameter,
    bearer,
    call,
    signed_in,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
TODAY = DEFAULT_TODAY.isoformat()
PATHS = {
    "vehicles": ("/inventory/vehicles", "vehicleId"),
    "lots": ("/inventory/lots", "lotId"),
    "customers": ("/crm/customers", "customerId"),
    "leads": ("/crm/leads", "leadId"),
    "deals": ("/deals", "dealId"),
    "accounts": ("/bhph/accounts", "accountId"),
    "payments": ("/bhph/payments", "paymentId"),
    "users": ("/users", "userId"),
}
Rows = dict[str, list[dict[str, Any]]]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(http: aiohttp.ClientSession, dealercenter: VendorHandle) -> SupergoodClient:
    return SupergoodClient(http, dealercenter, await signed_in(http, dealercenter))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def everything(api: SupergoodClient) -> Rows:
    return {name: await api.all(path) for name, (path, _) in PATHS.items()}


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


# --- the contract on the wire -------------------------------------------------------------


async def test_sizes_and_stable_id_order(everything: Rows) -> None:
    sizes = {name: len(rows) for name, rows in everything.items()}
    assert sizes["vehicles"] == 250 and sizes["customers"] == 350 and sizes["deals"] == 220
    assert sizes["leads"] == 150 and sizes["users"] == 12 and sizes["lots"] == 2
    assert 40 <= sizes["accounts"] <= 100 and sizes["payments"] > 5 * sizes["accounts"]
    for name, (_, key) in PATHS.items():
        ids = [row[key] for row in everything[name]]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)


async def test_documented_vehicle_shape_on_the_wire(
    api: SupergoodClient, http: aiohttp.ClientSession
) -> None:
    async with http.get(
        api.vendor.base_url + "/inventory/vehicles",
        headers=bearer(api.token),
        params={"status": "in_stock"},
    ) as r:
        raw = await r.text()
    body = await api.ok("/inventory/vehicles", status="in_stock")
    assert list(body) == ["items", "page", "pageSize", "total"]
    vehicle = body["items"][0]
    assert list(vehicle) == [  # the page's key order, then the extrapolated source
        "vehicleId",
        "vin",
        "stockNumber",
        "year",
        "make",
        "model",
        "trim",
        "mileage",
        "color",
        "status",
        "lotId",
        "price",
        "cost",
        "bookValues",
        "photos",
        "acquiredAt",
        "updatedAt",
        "source",
    ]
    assert list(vehicle["color"]) == ["exterior", "interior"]
    assert list(vehicle["bookValues"]) == ["kbb", "nada", "blackBook"]
    assert all(list(p) == ["url", "position"] for p in vehicle["photos"])
    assert f'"price":{vehicle["price"]:.2f}' in raw  # two decimals on the wire
    assert len(vehicle["acquiredAt"]) == 10  # a date, as on the page


async def test_pagination_boundaries(api: SupergoodClient, everything: Rows) -> None:
    first = await api.ok("/inventory/vehicles")
    assert (first["page"], first["pageSize"], first["total"], len(first["items"])) == (
        1,
        50,
        250,
        50,
    )
    last = await api.ok("/inventory/vehicles", page=3, pageSize=100)
    assert len(last["items"]) == 50 and last["items"][-1] == everything["vehicles"][-1]
    past = await api.ok("/deals", page=99)
    assert past["items"] == [] and past["total"] == 220 and past["page"] == 99
    middle = await api.ok("/bhph/payments", page=2, pageSize=7)
    assert middle["items"] == everything["payments"][7:14]
    for params in ({"pageSize": 101}, {"pageSize": 0}, {"page": 0}, {"page": "x"}):
        status, body = await api.get("/crm/leads", **params)
        assert status == 400 and body["error"]["code"] == "invalid_parameter", params
        assert body["error"]["details"][0]["field"] in params


async def test_vehicle_filters(api: SupergoodClient, everything: Rows) -> None:
    vehicles = everything["vehicles"]
    for field, values in (
        ("status", {"in_stock", "sold", "wholesale", "pending"}),
        ("source", {"trade_in", "auction", "dealer", "other"}),
        ("lotId", {lot["lotId"] for lot in everything["lots"]}),
    ):
        counts = Counter(v[field] for v in vehicles)
        assert set(counts) == values, field
        for value, count in counts.items():
            found = await api.ok("/inventory/vehicles", **{field: value, "pageSize": 1})
            assert found["total"] == count, (field, value)
    low, high = "2026-06-01T00:00:00Z", "2026-09-30T23:59:59Z"
    window = await api.all("/inventory/vehicles", updatedFrom=low, updatedTo=high, status="sold")
    expected = [v for v in vehicles if v["status"] == "sold" and low <= v["updatedAt"] <= high]
    assert window == expected and expected
    exact = vehicles[9]["updatedAt"]
    assert vehicles[9] in await api.all("/inventory/vehicles", updatedFrom=exact, updatedTo=exact)
    assert (await api.ok("/inventory/vehicles", lotId="lot_000000"))["total"] == 0


async def test_crm_and_deal_filters(api: SupergoodClient, everything: Rows) -> None:
    leads = everything["leads"]
    assert {x["status"] for x in leads} == {"new", "contacted", "appointment_set", "sold", "lost"}
    assert await api.all("/crm/leads", status="lost") == [x for x in leads if x["status"] == "lost"]
    rep = next(x["assignedUserId"] for x in leads if x["assignedUserId"])
    assert await api.all("/crm/leads", assignedUserId=rep) == [
        x for x in leads if x["assignedUserId"] == rep
    ]
    since = sorted(x["updatedAt"] for x in leads)[len(leads) // 2]
    assert await api.all("/crm/leads", updatedFrom=since) == [
        x for x in leads if x["updatedAt"] >= since
    ]

    customers = everything["customers"]
    customer = customers[42]
    by_name = await api.all("/crm/customers", search=customer["lastName"].upper())
    assert customer in by_name
    assert await api.all("/crm/customers", search=customer["email"]) == [customer]
    digits = customer["phone"][2:]
    found = await api.all("/crm/customers", search=f"({digits[:3]}) {digits[3:6]}-{digits[6:]}")
    assert customer in found

    deals = everything["deals"]
    assert {d["status"] for d in deals} == {
        "quote",
        "submitted",
        "approved",
        "contracted",
        "delivered",
        "cancelled",
    }
    for kind in ("finance", "cash", "bhph"):
        mine = await api.all("/deals", dealType=kind)
        assert mine == [d for d in deals if d["dealType"] == kind] and mine
    buyer = deals[3]["buyer"]["customerId"]
    assert await api.all("/deals", customerId=buyer) == [
        d for d in deals if d["buyer"]["customerId"] == buyer
    ]


async def test_bhph_and_user_filters(api: SupergoodClient, everything: Rows) -> None:
    accounts = everything["accounts"]
    assert {a["status"] for a in accounts} == {"current", "past_due", "paid_off", "charged_off"}
    for status in ("past_due", "charged_off"):
        assert await api.all("/bhph/accounts", status=status) == [
            a for a in accounts if a["status"] == status
        ]
    holder = accounts[0]["customerId"]
    assert await api.all("/bhph/accounts", customerId=holder) == [
        a for a in accounts if a["customerId"] == holder
    ]
    for least in (0, 1, 30, 60):
        assert await api.all("/bhph/accounts", minDaysPastDue=least) == [
            a for a in accounts if a["daysPastDue"] >= least
        ]

    payments = everything["payments"]
    account = payments[4]["accountId"]
    assert await api.all("/bhph/payments", accountId=account) == [
        p for p in payments if p["accountId"] == account
    ]
    assert await api.all("/bhph/payments", paymentMethod="money_order") == [
        p for p in payments if p["paymentMethod"] == "money_order"
    ]
    window = await api.all(
        "/bhph/payments", postedFrom="2026-09-01T00:00:00Z", postedTo="2026-09-30T23:59:59Z"
    )
    assert window == [p for p in payments if p["postedAt"].startswith("2026-09")] and window

    users = everything["users"]
    assert {u["role"] for u in users} == {"sales", "finance", "manager", "collections"}
    for role in ("sales", "collections"):
        assert await api.all("/users", role=role) == [u for u in users if u["role"] == role]
    assert await api.all("/users", active="true") == [u for u in users if u["active"]]


async def test_account_payment_history(api: SupergoodClient, everything: Rows) -> None:
    payments = everything["payments"]
    account = Counter(p["accountId"] for p in payments).most_common(1)[0][0]
    history = [p for p in payments if p["accountId"] == account]
    assert await api.all(f"/bhph/accounts/{account}/payments") == history
    since = history[len(history) // 2]["postedAt"]
    assert await api.all(f"/bhph/accounts/{account}/payments", postedFrom=since) == [
        p for p in history if p["postedAt"] >= since
    ]
    status, body = await api.get("/bhph/accounts/acc_000000/payments")
    assert (status, body["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/inventory/vehicles", {"status": "retail_sold"}, "status"),
        ("/inventory/vehicles", {"source": "lease_return"}, "source"),
        ("/inventory/vehicles", {"updatedFrom": "yesterday"}, "updatedFrom"),
        (
            "/inventory/vehicles",
            {"updatedFrom": "2026-02-01", "updatedTo": "2026-01-01"},
            "updatedTo",
        ),
        ("/crm/leads", {"status": "won"}, "status"),
        ("/crm/customers", {"updatedTo": "soon"}, "updatedTo"),
        ("/deals", {"status": "funded"}, "status"),
        ("/deals", {"dealType": "lease"}, "dealType"),
        ("/bhph/accounts", {"status": "repossessed"}, "status"),
        ("/bhph/accounts", {"minDaysPastDue": "-1"}, "minDaysPastDue"),
        ("/bhph/accounts", {"minDaysPastDue": "thirty"}, "minDaysPastDue"),
        ("/bhph/payments", {"paymentMethod": "crypto"}, "paymentMethod"),
        ("/bhph/payments", {"postedTo": "2026-13-01"}, "postedTo"),
        ("/users", {"role": "janitor"}, "role"),
        ("/users", {"active": "yes"}, "active"),
    ],
)
async def test_bad_filter_values_are_400(
    api: SupergoodClient, path: str, params: dict[str, str], field: str
) -> None:
    assert_invalid_parameter(*await api.get(path, **params), field)


async def test_detail_endpoints_and_404s(api: SupergoodClient, everything: Rows) -> None:
    for name, (path, key) in PATHS.items():
        row = everything[name][-1]
        assert await api.ok(f"{path}/{row[key]}") == row
        status, body = await api.get(f"{path}/{row[key][:-1]}z")
        assert status == 404 and body["error"]["code"] == "not_found", name


async def test_unknown_routes_and_methods(
    api: SupergoodClient, http: aiohttp.ClientSession, everything: Rows
) -> None:
    # No service department: its paths do not exist.
    for path in ("/service/repair-orders", "/service/appointments", "/parts", "/vehicles"):
        status, body = await api.get(path)
        assert (status, body["error"]["code"]) == (404, "not_found"), path
    # The documented writes are POSTs (test_dealercenter_writes.py); nothing else writes.
    account = everything["accounts"][0]["accountId"]
    for path in ("/crm/leads", "/deals", f"/bhph/accounts/{account}/payments"):
        status, body, headers = await call(
            http, "PUT", api.vendor.base_url + path, headers=bearer(api.token), json={}
        )
        assert (status, body["error"]["code"]) == (405, "method_not_allowed"), path
        assert set(headers["Allow"].split(",")) == {"GET", "POST"}


# --- the data holds together --------------------------------------------------------------


async def test_inventory_and_sales_are_consistent(everything: Rows) -> None:
    vehicles = {v["vehicleId"]: v for v in everything["vehicles"]}
    customers = {c["customerId"] for c in everything["customers"]}
    users = {u["userId"]: u for u in everything["users"]}
    lots = {lot["lotId"] for lot in everything["lots"]}
    for v in each(vehicles.values()):
        assert is_valid_vin(v["vin"]) and v["lotId"] in lots
        assert v["acquiredAt"] <= v["updatedAt"][:10] < TODAY
        books = [_d(x) for x in v["bookValues"].values()]
        assert all(abs(b - _d(v["price"])) <= _d(v["price"]) / 8 for b in books)
        assert [p["position"] for p in v["photos"]] == list(range(1, len(v["photos"]) + 1))
    for d in each(everything["deals"]):
        vehicle = vehicles[d["vehicleId"]]
        assert d["buyer"]["customerId"] in customers
        assert users[d["salespersonId"]]["role"] == "sales"
        if d["status"] in ("contracted", "delivered"):
            assert vehicle["status"] == "sold"
        if d["dealType"] == "cash":
            assert d["finance"] is None and d["paymentEstimate"] is None
        else:
            assert d["paymentEstimate"]["termMonths"] == d["finance"]["termMonths"]
        in_house = d["dealType"] == "bhph"
        if in_house:
            assert d["finance"]["lenderId"] is None
            assert 18 <= _d(d["finance"]["apr"]) <= 29
        if in_house or d["dealType"] == "cash" or d["status"] == "quote":
            assert d["creditApplication"] is None
        else:
            assert d["creditApplication"]["applicationId"].startswith("ca_")
        assert is_valid_vin(d["tradeIn"]["vin"]) if d["tradeIn"]["enabled"] else True
        assert [f["code"] for f in d["fees"]] == ["doc", "ttl", "reg"]
    for lead in each(everything["leads"]):
        assert lead["customerId"] in customers
        assert lead["vehicleInterestId"] is None or lead["vehicleInterestId"] in vehicles
        consent = lead["tcpaConsent"]
        assert (consent["timestamp"] is not None) == consent["granted"]
        assert consent["ip"] is None or consent["ip"].startswith("203.0.113.")
        assert lead["assignedUserId"] is None or users[lead["assignedUserId"]]["role"] == "sales"


def _covered(schedule: list[dict[str, Any]], principal: Decimal, start: int) -> int:
    """How many installments from ``start`` a payment's principal settles."""
    end, paid = start, Decimal(0)
    while paid < principal:
        paid += _d(schedule[end]["principal"])
        end += 1
    assert paid == principal, "a payment settles whole installments"
    return end


async def test_bhph_loans_add_up(everything: Rows) -> None:
    deals = {d["dealId"]: d for d in everything["deals"]}
    vehicles = {v["vehicleId"]: v for v in everything["vehicles"]}
    history: dict[str, list[dict[str, Any]]] = {}
    for p in each(everything["payments"]):
        history.setdefault(p["accountId"], []).append(p)
    for a in each(everything["accounts"]):
        deal, schedule = deals[a["dealId"]], a["schedule"]
        assert deal["dealType"] == "bhph" and deal["buyer"]["customerId"] == a["customerId"]
        assert deal["vehicleId"] == a["vehicleId"] and vehicles[a["vehicleId"]]["status"] == "sold"
        assert all(p["customerId"] == a["customerId"] for p in history.get(a["accountId"], []))
        assert 18 <= _d(a["apr"]) <= 29 and _d(a["apr"]) == _d(deal["finance"]["apr"])
        assert len(schedule) == a["numberOfPayments"]
        assert sum(_d(r["principal"]) for r in schedule) == _d(a["amountFinanced"])
        assert all(_d(r["principal"]) + _d(r["interest"]) == _d(r["amount"]) for r in schedule)
        assert all(_d(r["amount"]) == _d(a["paymentAmount"]) for r in schedule[:-1])
        payments = sorted(history.get(a["accountId"], []), key=lambda p: p["postedAt"])
        fee, grace = _d(a["lateFee"]["amount"]), timedelta(a["lateFee"]["graceDays"])
        settled = 0
        for p in payments:
            parts = p["allocation"]
            assert _d(parts["principal"]) + _d(parts["interest"]) + _d(parts["lateFees"]) == _d(
                p["amount"]
            )
            assert a["openedAt"] < p["postedAt"] < TODAY
            end = _covered(schedule, _d(parts["principal"]), settled)
            late = sum(
                1 for r in schedule[settled:end] if _day(p["postedAt"]) > _day(r["dueDate"]) + grace
            )
            assert _d(parts["lateFees"]) == fee * late, "a late fee per installment paid late"
            settled = end
        assert [r["status"] == "paid" for r in schedule] == [
            i < settled for i in range(len(schedule))
        ]
        paid_principal = sum((_d(p["allocation"]["principal"]) for p in payments), Decimal(0))
        assert _d(a["balance"]) == _d(a["amountFinanced"]) - paid_principal
        assert a["lastPaymentAt"] == (payments[-1]["postedAt"] if payments else None)
        _check_collections_fields(a, settled)


def _check_collections_fields(a: dict[str, Any], settled: int) -> None:
    schedule, status = a["schedule"], a["status"]
    stopped = a["chargedOffAt"]
    end = stopped or TODAY
    unpaid = schedule[settled:]
    overdue = [r for r in unpaid if r["dueDate"] < end]
    assert _d(a["pastDueAmount"]) == sum((_d(r["amount"]) for r in overdue), Decimal(0))
    grace = timedelta(a["lateFee"]["graceDays"])
    assessed = [r for r in overdue if _day(r["dueDate"]) + grace < _day(end)]
    assert _d(a["lateFeesDue"]) == _d(a["lateFee"]["amount"]) * len(assessed)
    assert a["daysPastDue"] == ((_day(end) - _day(overdue[0]["dueDate"])).days if overdue else 0)
    assert (status == "past_due") == (a["daysPastDue"] > 0 and stopped is None)
    assert (status == "charged_off") == (stopped is not None)
    if status == "paid_off":
        assert settled == len(schedule) and _d(a["balance"]) == _d(a["payoff"]) == 0
    if status in ("current", "past_due"):
        upcoming = next(r for r in unpaid if r["dueDate"] >= TODAY)
        assert (a["nextDueDate"], a["nextDueAmount"]) == (upcoming["dueDate"], upcoming["amount"])
        since = schedule[settled - 1]["dueDate"] if settled else a["openedAt"]
        days = (_day(TODAY) - _day(since)).days
        interest = (_d(a["balance"]) * _d(a["apr"]) / 100 * days / 365).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        assert _d(a["payoff"]) == _d(a["balance"]) + interest + _d(a["lateFeesDue"])
    else:
        assert a["nextDueDate"] is None and a["nextDueAmount"] is None
    if stopped is not None:
        assert stopped < TODAY and all(r["status"] == "charged_off" for r in unpaid)
        assert _d(a["payoff"]) == _d(a["balance"]) + _d(a["lateFeesDue"])


async def test_bhph_portfolio_is_realistic(everything: Rows) -> None:
    accounts = everything["accounts"]
    assert {a["paymentFrequency"] for a in accounts} == {"weekly", "biweekly", "monthly"}
    statuses = Counter(a["status"] for a in accounts)
    assert statuses["current"] > statuses["past_due"] > 0
    late = [p for p in everything["payments"] if _d(p["allocation"]["lateFees"]) > 0]
    assert 0.03 < len(late) / len(everything["payments"]) < 0.3
    assert {p["paymentMethod"] for p in everything["payments"]} == {
        "cash",
        "card",
        "ach",
        "check",
        "money_order",
    }
    assert any(p["note"] == "Paid in full" for p in everything["payments"])
    buckets = Counter(min(a["daysPastDue"] // 30, 3) for a in accounts if a["daysPastDue"])
    assert buckets[0] and buckets[1] + buckets[2] + buckets[3]  # early and deep delinquency


def _tables(seed: int) -> str:
    state = build_state(SandboxOptions(seed=seed, scale=0.3))
    return dumps(
        {name: t.ordered() for name, t in sorted(vars(state).items()) if isinstance(t, Table)}
    )


async def test_same_seed_same_data_other_seed_differs() -> None:
    first, again, other = _tables(3), _tables(3), _tables(4)
    assert first == again
    assert first != other
    assert build_state(SandboxOptions(seed=3)).auth.client_secret == (
        build_state(SandboxOptions(seed=3)).auth.client_secret
    )


async def test_vendor_handle_hands_out_the_api_login(dealercenter: VendorHandle) -> None:
    vendor = dealercenter
    state = vendor.state
    assert vendor.stores == [(None, state.dealership_name)]
    assert vendor.credentials["username"] == state.api_user.username
    assert vendor.base_url.endswith(f"/integrations/{state.integration_id}")

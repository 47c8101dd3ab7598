"""Dealertrack reads: pagination, every filter, detail endpoints, 400/404/405 shapes, the
page's documented shapes, rooftops kept apart, realistic and deterministic data."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from adapters.http import loads
from sandbox import RunningSandbox, SandboxOptions, VendorHandle, start_sandbox
from sandbox.common.jsonenc import dumps
from sandbox.common.vin import is_valid_vin
from sandbox.dealertrack.state import build_state
from tests.guards import each
from tests.sandbox.helpers import (
    SupergoodClient,
    assert_invalid_parameter,
    autosoft_login,
    bearer,
    call,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
PAGE_EXAMPLES = Path(__file__).parents[1] / "adapters" / "fixtures"
Rows = dict[str, list[dict[str, Any]]]
PATHS = {
    "vehicles": ("/inventory/vehicles", "vehicleId"),
    "customers": ("/customers", "customerId"),
    "deals": ("/sales/deals", "dealId"),
    "ros": ("/service/repair-orders", "roId"),
    "appointments": ("/service/appointments", "appointmentId"),
    "parts": ("/parts", "partId"),
    "users": ("/users", "userId"),
}


class Dealertrack(SupergoodClient):
    """Reads on the login's first rooftop unless a call names another."""

    def __init__(self, http: aiohttp.ClientSession, vendor: VendorHandle, token: str) -> None:
        super().__init__(http, vendor, token)
        self.home, self.other = (store_id for store_id, _ in vendor.stores)

    async def get(self, path: str, **params: Any) -> tuple[int, Any]:
        return await super().get(path, **{"rooftopId": self.home, **params})

    async def all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        return await super().all(path, **{"rooftopId": self.home, **params})


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running() -> AsyncIterator[RunningSandbox]:
    sb = await start_sandbox(SandboxOptions(), vendors=("dealertrack",))
    yield sb
    await sb.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(http: aiohttp.ClientSession, running: RunningSandbox) -> Dealertrack:
    vendor = running.vendors["dealertrack"]
    status, body = await autosoft_login(http, vendor, at=time.time())
    assert status == 200, body
    return Dealertrack(http, vendor, body["authToken"])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def everything(api: Dealertrack) -> Rows:
    return {name: await api.all(path) for name, (path, _) in PATHS.items()}


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


async def test_sizes_and_stable_id_order(everything: Rows) -> None:
    sizes = {name: len(rows) for name, rows in everything.items()}
    assert sizes == {
        "vehicles": 300,
        "customers": 400,
        "deals": 200,
        "ros": 300,
        "appointments": 80,
        "parts": 250,
        "users": 25,
    }
    for name, (_, key) in PATHS.items():
        ids = [row[key] for row in everything[name]]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)


async def test_pagination_boundaries(api: Dealertrack, everything: Rows) -> None:
    first = await api.ok("/inventory/vehicles")
    assert (first["page"], first["pageSize"], first["total"], len(first["items"])) == (
        1,
        50,
        300,
        50,
    )
    assert (await api.ok("/inventory/vehicles", page=2, pageSize=7))["items"] == everything[
        "vehicles"
    ][7:14]
    partial = await api.ok("/inventory/vehicles", page=4, pageSize=90)
    assert len(partial["items"]) == 30
    past = await api.ok("/inventory/vehicles", page=99)
    assert (past["items"], past["total"], past["page"]) == ([], 300, 99)
    for params in ({"pageSize": 101}, {"pageSize": 0}, {"page": 0}, {"page": "x"}):
        status, body = await api.get("/inventory/vehicles", **params)
        assert status == 400 and body["error"]["details"][0]["field"] in params, params


async def test_rooftops_list_and_detail(api: Dealertrack) -> None:
    listed = await api.ok("/rooftops")  # the rooftopId parameter is ignored here
    assert [(r["rooftopId"], r["name"]) for r in listed["items"]] == api.vendor.stores
    assert listed["total"] == 2 and all(r["status"] == "active" for r in listed["items"])
    detail = await api.ok(f"/rooftops/{api.other}")
    assert detail == listed["items"][1]
    assert detail["franchises"] and detail["address"]["country"] == "US"


async def test_rooftops_are_kept_apart(api: Dealertrack, everything: Rows) -> None:
    for name, (path, key) in PATHS.items():
        mine = everything[name]
        theirs = await api.all(path, rooftopId=api.other)
        assert theirs and {r["rooftopId"] for r in theirs} == {api.other}
        assert {r["rooftopId"] for r in mine} == {api.home}
        assert not {r[key] for r in mine} & {r[key] for r in theirs}, name  # group-unique ids
        # A record is reachable through its own rooftop only.
        status, body = await api.get(f"{path}/{mine[0][key]}", rooftopId=api.other)
        assert (status, body["error"]["code"]) == (404, "not_found")
    names = {r["name"] for r in (await api.ok("/rooftops"))["items"]}
    assert len(names) == 2


async def test_vehicle_filters(api: Dealertrack, everything: Rows) -> None:
    vehicles = everything["vehicles"]
    statuses = Counter(v["status"] for v in vehicles)
    assert set(statuses) == {"in_stock", "in_transit", "sold", "wholesaled"}
    for status, count in statuses.items():
        assert (await api.ok("/inventory/vehicles", status=status, pageSize=1))["total"] == count
    conditions = Counter(v["condition"] for v in vehicles)
    assert set(conditions) == {"new", "used", "cpo"}
    for condition, count in conditions.items():
        got = await api.ok("/inventory/vehicles", condition=condition, pageSize=1)
        assert got["total"] == count
    low, high = "2026-06-01T00:00:00Z", "2026-09-30T23:59:59Z"
    window = await api.all("/inventory/vehicles", updatedFrom=low, updatedTo=high, status="sold")
    expected = [
        v
        for v in vehicles
        if v["status"] == "sold" and _ts(low) <= _ts(v["updatedAt"]) <= _ts(high)
    ]
    assert window == expected and expected
    exact = vehicles[9]["updatedAt"]
    assert vehicles[9] in await api.all("/inventory/vehicles", updatedFrom=exact, updatedTo=exact)


async def test_repair_order_filters(api: Dealertrack, everything: Rows) -> None:
    ros = everything["ros"]
    statuses = Counter(r["status"] for r in ros)
    assert set(statuses) == {"open", "closed", "on_hold"}
    for status, count in statuses.items():
        got = await api.ok("/service/repair-orders", status=status, pageSize=1)
        assert got["total"] == count
    advisor = ros[5]["advisor"]["userId"]
    assert await api.all("/service/repair-orders", advisorId=advisor) == [
        r for r in ros if r["advisor"]["userId"] == advisor
    ]
    until = await api.all("/service/repair-orders", updatedTo="2025-12-31T23:59:59Z")
    assert until == [r for r in ros if r["updatedAt"] <= "2025-12-31T23:59:59Z"] and until
    since = await api.all("/service/repair-orders", updatedFrom="2026-11-01", status="open")
    assert since == [
        r for r in ros if r["status"] == "open" and r["updatedAt"] >= "2026-11-01T00:00:00Z"
    ]
    assert since


async def test_extrapolated_filters(api: Dealertrack, everything: Rows) -> None:
    deals = everything["deals"]
    assert {d["status"] for d in deals} == {
        "draft",
        "pending",
        "approved",
        "contracted",
        "delivered",
        "cancelled",
    }
    assert await api.all("/sales/deals", status="contracted") == [
        d for d in deals if d["status"] == "contracted"
    ]
    buyer = deals[3]["customer"]["customerId"]
    assert await api.all("/sales/deals", customerId=buyer) == [
        d for d in deals if d["customer"]["customerId"] == buyer
    ]
    assert await api.all("/sales/deals", updatedTo="2026-03-01") == [
        d for d in deals if d["updatedAt"] <= "2026-03-01T00:00:00Z"
    ]

    appts = everything["appointments"]
    assert len({a["status"] for a in appts}) == 6
    assert await api.all("/service/appointments", status="no_show") == [
        a for a in appts if a["status"] == "no_show"
    ]
    who = appts[0]["customer"]["customerId"]
    assert await api.all("/service/appointments", customerId=who) == [
        a for a in appts if a["customer"]["customerId"] == who
    ]
    upcoming = await api.all(
        "/service/appointments", scheduledFrom="2026-11-20", scheduledTo="2026-11-30T23:59:59Z"
    )
    assert upcoming == [a for a in appts if "2026-11-20" <= a["scheduledAt"] <= "2026-11-30T24"]
    assert upcoming

    customer = everything["customers"][42]
    by_name = await api.all("/customers", search=customer["lastName"].upper())
    assert customer in by_name
    assert await api.all("/customers", search=customer["email"]) == [customer]
    digits = customer["phone"].replace("+1-", "").replace("-", "")
    assert customer in await api.all("/customers", search=f"({digits[:3]}) {digits[3:6]}")
    recent = await api.all("/customers", updatedFrom="2026-10-01")
    assert recent == [c for c in everything["customers"] if c["updatedAt"] >= "2026-10-01"]

    part = everything["parts"][10]
    assert await api.all("/parts", partNumber=part["partNumber"].lower()) == [part]
    found = await api.all("/parts", search="brake PADS")
    assert found and all("brake pads" in p["description"].lower() for p in found)

    users = everything["users"]
    for role in each({u["role"] for u in users}):
        assert await api.all("/users", role=role) == [u for u in users if u["role"] == role]
    assert await api.all("/users", active="false") == [u for u in users if not u["active"]]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/inventory/vehicles", {"status": "hold"}, "status"),
        ("/inventory/vehicles", {"condition": "certified"}, "condition"),
        ("/inventory/vehicles", {"updatedFrom": "yesterday"}, "updatedFrom"),
        (
            "/inventory/vehicles",
            {"updatedFrom": "2026-02-01", "updatedTo": "2026-01-01"},
            "updatedTo",
        ),
        ("/service/repair-orders", {"status": "completed"}, "status"),
        ("/service/repair-orders", {"updatedTo": "2026-13-01"}, "updatedTo"),
        ("/sales/deals", {"status": "funded"}, "status"),
        ("/service/appointments", {"scheduledFrom": "soon"}, "scheduledFrom"),
        ("/users", {"role": "janitor"}, "role"),
        ("/users", {"active": "yes"}, "active"),
    ],
)
async def test_bad_filter_values_are_400(
    api: Dealertrack, path: str, params: dict[str, str], field: str
) -> None:
    assert_invalid_parameter(*await api.get(path, **params), field)


async def test_details_are_the_list_items_and_404s(api: Dealertrack, everything: Rows) -> None:
    for name, (path, key) in PATHS.items():
        row = everything[name][-1]
        assert await api.ok(f"{path}/{row[key]}") == row
        status, body = await api.get(f"{path}/{row[key][:-1]}z")
        assert (status, body["error"]["code"]) == (404, "not_found")
        assert body["error"]["message"]


async def test_other_methods_405_and_unknown_routes_404(api: Dealertrack) -> None:
    headers = bearer(api.token)
    for method, path in [
        ("DELETE", "/sales/deals/deal_51af80"),
        ("PUT", "/sales/deals/deal_51af80"),
        ("PATCH", "/accounting/journal-entries"),
        ("POST", "/inventory/vehicles"),
    ]:
        status, body, _ = await call(
            api.http, method, api.vendor.base_url + path, headers=headers, json={}
        )
        assert (status, body["error"]["code"]) == (405, "method_not_allowed"), path
    status, body = await api.get("/vehicles")
    assert (status, body["error"]["code"]) == (404, "not_found")


async def test_documented_shapes_in_the_page_order(api: Dealertrack) -> None:
    for example, path in [
        ("dealertrack_vehicles_list.json", "/inventory/vehicles"),
        ("dealertrack_repair_orders_list.json", "/service/repair-orders"),
    ]:
        page_item = loads((PAGE_EXAMPLES / example).read_bytes())["items"][0]
        item = (await api.ok(path, pageSize=1))["items"][0]
        assert list(item) == list(page_item)
        for key, value in page_item.items():
            if isinstance(value, dict) and item[key]:
                assert list(item[key]) == list(value), key
    async with api.http.get(
        api.vendor.base_url + "/inventory/vehicles",
        headers=bearer(api.token),
        params={"rooftopId": api.home, "pageSize": 1},
    ) as r:
        raw = await r.text()
    assert '"msrp":' in raw and '.00,"askingPrice"' in raw  # two decimals on the wire


async def test_inventory_is_realistic(everything: Rows) -> None:
    for v in each(everything["vehicles"]):
        assert is_valid_vin(v["vin"])
        price = v["pricing"]
        assert _d(price["cost"]) < _d(price["askingPrice"]) <= _d(price["msrp"]) * 2
        if price["internetPrice"] is not None:
            assert _d(price["cost"]) <= _d(price["internetPrice"]) <= _d(price["askingPrice"])
        assert set(v["bookValues"]) == {"kbb", "nada"}
        assert abs(_d(v["bookValues"]["kbb"]) / _d(price["askingPrice"]) - 1) < Decimal("0.1")
        assert 2 <= len(v["options"]) <= 5 and len(set(v["options"])) == len(v["options"])
        assert v["acquiredAt"] <= v["updatedAt"][:10]
        primaries = [p["primary"] for p in v["photos"]]
        assert primaries == [True] + [False] * (len(primaries) - 1) if primaries else True
        on_lot = v["status"] == "in_stock"
        assert (v["lotLocation"] is not None) == on_lot
        if v["status"] == "in_transit":
            assert v["photos"] == [] and v["condition"] == "new"
        if v["status"] in ("sold", "wholesaled"):
            assert price["internetPrice"] is None


async def test_repair_orders_add_up(everything: Rows) -> None:
    users = {u["userId"]: u for u in everything["users"]}
    customers = {c["customerId"] for c in everything["customers"]}
    part_numbers = {p["partNumber"] for p in everything["parts"]}
    declined = 0
    for ro in each(everything["ros"]):
        lines, totals = ro["lines"], ro["totals"]
        done_labor = [x for x in lines["labor"] if not x["declined"]]
        done_parts = [x for x in lines["parts"] if not x["declined"]]
        declined += len(lines["labor"]) - len(done_labor)
        for x in lines["labor"]:
            assert _d(x["amount"]) == (_d(x["soldHours"]) * _d(x["rate"])).quantize(Decimal("0.01"))
        for x in lines["parts"]:
            assert _d(x["amount"]) == _d(x["qty"]) * _d(x["unitPrice"])
            assert x["partNumber"] in part_numbers
        assert _d(totals["labor"]) == sum((_d(x["amount"]) for x in done_labor), Decimal(0))
        assert _d(totals["parts"]) == sum((_d(x["amount"]) for x in done_parts), Decimal(0))
        taxed = _d(totals["labor"]) + _d(totals["parts"]) + _d(totals["shopSupplies"])
        assert taxed + _d(totals["tax"]) == _d(totals["grandTotal"])
        hours = sum((_d(t["assignedHours"]) for t in ro["technicians"]), Decimal(0))
        assert hours == sum((_d(x["soldHours"]) for x in done_labor), Decimal(0))
        assert ro["customer"]["customerId"] in customers
        assert users[ro["advisor"]["userId"]]["role"] == "service_advisor"
        assert ro["advisor"]["name"] == users[ro["advisor"]["userId"]]["firstName"] + " " + (
            users[ro["advisor"]["userId"]]["lastName"][0] + "."
        )
        assert all(users[t["userId"]]["role"] == "technician" for t in ro["technicians"])
        assert is_valid_vin(ro["vehicle"]["vin"]) and ro["mileageIn"] > 0
        assert ro["openedAt"] < ro["promisedAt"] and ro["openedAt"] <= ro["updatedAt"]
        if ro["status"] == "closed":
            assert ro["approvals"] == {"customerApproved": True, "advisorApproved": True}
    assert declined > 30  # customers do decline recommended work


async def test_deals_are_consistent(everything: Rows) -> None:
    vehicles = {v["vehicleId"]: v for v in everything["vehicles"]}
    customers = {c["customerId"] for c in everything["customers"]}
    lender_statuses: Counter[str | None] = Counter()
    for deal in each(everything["deals"]):
        vehicle = vehicles[deal["vehicleId"]]
        assert deal["vehicle"] == {"vin": vehicle["vin"], "stockNumber": vehicle["stockNumber"]}
        assert deal["customer"]["customerId"] in customers
        if deal["status"] in ("contracted", "delivered"):
            assert vehicle["status"] == "sold"
        figures, finance = deal["figures"], deal["finance"]
        trade = _d(figures["tradeIn"]["value"]) if figures["tradeIn"] else Decimal(0)
        taxable = max(Decimal(0), _d(figures["salePrice"]) - trade)
        tax = (taxable * _d(figures["tax"]["rate"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert _d(figures["tax"]["amount"]) == tax
        assert figures["fees"][0]["type"] == "doc"
        cash = finance is None
        assert cash == (deal["lenderStatus"] is None)
        assert not (cash and deal["lenderDecision"])
        lender_statuses[deal["lenderStatus"]] += 1
        if deal["lenderDecision"]:
            assert deal["lenderDecision"]["lenderId"] == finance["preferredLenders"][0]
            assert all(x.startswith("lnd_") for x in finance["preferredLenders"])
    assert {"submitted", "approved", "funded", None} <= set(lender_statuses)


async def test_same_seed_same_data_other_seed_differs() -> None:
    def bodies(seed: int) -> list[str]:
        state = build_state(SandboxOptions(seed=seed, scale=0.1))
        return [
            dumps([state.api_user.username, *state.rooftops]),
            *(
                dumps(r.vehicles.ordered() + r.repair_orders.ordered() + r.deals.ordered())
                for r in state.rooftops.values()
            ),
        ]

    first, again, other = bodies(5), bodies(5), bodies(6)
    assert first == again
    assert all(a != b for a, b in zip(first, other, strict=True))

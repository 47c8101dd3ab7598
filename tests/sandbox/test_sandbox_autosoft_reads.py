"""AutoSoft reads: pagination, every filter, detail endpoints, 404s and data consistency."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sandbox import VendorHandle
from sandbox.common.vin import is_valid_vin
from tests.guards import each
from tests.sandbox.helpers import SupergoodClient, assert_invalid_parameter, bearer, call

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(http: aiohttp.ClientSession, autosoft: VendorHandle, token: str) -> SupergoodClient:
    return SupergoodClient(http, autosoft, token)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def everything(api: SupergoodClient) -> dict[str, list[dict[str, Any]]]:
    paths = {
        "vehicles": "/vehicles",
        "customers": "/customers",
        "leads": "/leads",
        "deals": "/deals",
        "ros": "/service/repair-orders",
        "appointments": "/service/appointments",
        "parts": "/parts",
        "users": "/users",
        "accounts": "/accounting/ar-accounts",
        "payments": "/accounting/payments",
    }
    return {name: await api.all(path) for name, path in paths.items()}


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_sizes_and_stable_id_order(everything: dict[str, list[dict[str, Any]]]) -> None:
    sizes = {name: len(rows) for name, rows in everything.items()}
    assert sizes["vehicles"] == 300 and sizes["customers"] == 400 and sizes["deals"] == 200
    assert sizes["ros"] == 300 and sizes["appointments"] == 80 and sizes["parts"] == 250
    assert sizes["users"] == 25 and sizes["accounts"] == 120 and sizes["payments"] > 120
    for rows in each(everything.values()):
        ids = [next(iter(row.values())) for row in rows]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)


async def test_pagination_boundaries(
    api: SupergoodClient, everything: dict[str, list[dict[str, Any]]]
) -> None:
    first = await api.ok("/vehicles")
    assert (first["page"], first["pageSize"], first["total"], len(first["items"])) == (
        1,
        50,
        300,
        50,
    )
    last = await api.ok("/vehicles", page=3, pageSize=100)
    assert len(last["items"]) == 100 and last["items"][-1] == everything["vehicles"][-1]
    partial = await api.ok("/vehicles", page=4, pageSize=90)
    assert len(partial["items"]) == 30 and partial["total"] == 300
    past = await api.ok("/vehicles", page=99)
    assert past["items"] == [] and past["total"] == 300 and past["page"] == 99
    middle = await api.ok("/vehicles", page=2, pageSize=7)
    assert middle["items"] == everything["vehicles"][7:14]
    for params in (
        {"pageSize": 101},
        {"pageSize": 0},
        {"page": 0},
        {"page": "x"},
        {"pageSize": "1.5"},
    ):
        status, body = await api.get("/vehicles", **params)
        assert status == 400 and body["error"]["code"] == "invalid_parameter", params
        assert body["error"]["details"][0]["field"] in params


async def test_vehicle_filters(
    api: SupergoodClient, everything: dict[str, list[dict[str, Any]]]
) -> None:
    vehicles = everything["vehicles"]
    statuses = Counter(v["status"] for v in vehicles)
    assert set(statuses) == {"in_stock", "hold", "retail_sold", "wholesale", "demo"}
    for status, count in statuses.items():
        assert (await api.ok("/vehicles", status=status))["total"] == count
    types = Counter(v["type"] for v in vehicles)
    assert set(types) == {"new", "used", "cpo"}
    for kind, count in types.items():
        assert (await api.ok("/vehicles", type=kind, pageSize=1))["total"] == count
    sample = vehicles[17]
    found = await api.all(
        "/vehicles", make=sample["make"].upper(), model=sample["model"].lower(), year=sample["year"]
    )
    assert sample in found
    assert all(
        (v["make"], v["model"], v["year"]) == (sample["make"], sample["model"], sample["year"])
        for v in found
    )
    low, high = "2026-06-01T00:00:00Z", "2026-09-30T23:59:59Z"
    window = await api.all("/vehicles", updatedFrom=low, updatedTo=high, status="retail_sold")
    expected = [
        v
        for v in vehicles
        if v["status"] == "retail_sold" and _ts(low) <= _ts(v["updatedAt"]) <= _ts(high)
    ]
    assert window == expected and expected
    exact = sample["updatedAt"]
    assert sample in await api.all("/vehicles", updatedFrom=exact, updatedTo=exact)
    assert (await api.ok("/vehicles", make="Lada"))["total"] == 0


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/vehicles", {"status": "sold"}, "status"),
        ("/vehicles", {"type": "certified"}, "type"),
        ("/vehicles", {"year": "twenty"}, "year"),
        ("/vehicles", {"updatedFrom": "yesterday"}, "updatedFrom"),
        ("/vehicles", {"updatedFrom": "2026-02-01", "updatedTo": "2026-01-01"}, "updatedTo"),
        ("/service/repair-orders", {"status": "closed"}, "status"),
        ("/leads", {"status": "won"}, "status"),
        ("/deals", {"status": "funded"}, "status"),
        ("/service/appointments", {"status": "late"}, "status"),
        ("/service/appointments", {"from": "soon"}, "from"),
        ("/users", {"role": "janitor"}, "role"),
        ("/users", {"active": "yes"}, "active"),
        ("/accounting/ar-accounts", {"status": "charged_off"}, "status"),
        ("/accounting/payments", {"receivedTo": "2026-13-01"}, "receivedTo"),
    ],
)
async def test_bad_filter_values_are_400(
    api: SupergoodClient, path: str, params: dict[str, str], field: str
) -> None:
    assert_invalid_parameter(*await api.get(path, **params), field)


async def test_repair_order_filters(
    api: SupergoodClient, everything: dict[str, list[dict[str, Any]]]
) -> None:
    ros = everything["ros"]
    statuses = Counter(r["status"] for r in ros)
    assert set(statuses) == {"open", "waiting_parts", "completed", "posted"}
    for status, count in statuses.items():
        assert (await api.ok("/service/repair-orders", status=status, pageSize=1))["total"] == count
    advisor = ros[5]["advisorId"]
    mine = await api.all("/service/repair-orders", advisorId=advisor)
    assert mine == [r for r in ros if r["advisorId"] == advisor]
    since = await api.all("/service/repair-orders", updatedFrom="2026-11-01", status="open")
    assert since == [
        r
        for r in ros
        if r["status"] == "open" and _ts(r["updatedAt"]) >= _ts("2026-11-01T00:00:00+00:00")
    ]
    assert since


async def test_other_filters(
    api: SupergoodClient, everything: dict[str, list[dict[str, Any]]]
) -> None:
    leads = everything["leads"]
    assert {x["status"] for x in leads} == {"new", "contacted", "qualified", "converted", "lost"}
    assert await api.all("/leads", status="lost") == [x for x in leads if x["status"] == "lost"]

    deals = everything["deals"]
    assert {d["status"] for d in deals} == {
        "draft",
        "pending",
        "approved",
        "contracted",
        "delivered",
        "cancelled",
    }
    buyer = deals[3]["buyer"]["customerId"]
    assert await api.all("/deals", customerId=buyer) == [
        d for d in deals if d["buyer"]["customerId"] == buyer
    ]

    appts = everything["appointments"]
    assert {a["status"] for a in appts} == {
        "scheduled",
        "confirmed",
        "arrived",
        "completed",
        "cancelled",
        "no_show",
    }
    upcoming = await api.all("/service/appointments", **{"from": "2026-11-20T00:00:00Z"})
    assert upcoming == [a for a in appts if a["scheduledAt"] >= "2026-11-20T00:00:00Z"]
    who = appts[0]["customerId"]
    assert await api.all("/service/appointments", customerId=who) == [
        a for a in appts if a["customerId"] == who
    ]

    users = everything["users"]
    for role in each({u["role"] for u in users}):
        assert await api.all("/users", role=role) == [u for u in users if u["role"] == role]
    assert await api.all("/users", active="false") == [u for u in users if not u["active"]]

    accounts = everything["accounts"]
    assert {a["status"] for a in accounts} == {"current", "past_due", "paid_off", "closed"}
    holder = accounts[0]["customerId"]
    assert await api.all("/accounting/ar-accounts", customerId=holder) == [
        a for a in accounts if a["customerId"] == holder
    ]
    account = accounts[0]["accountId"]
    payments = everything["payments"]
    assert await api.all("/accounting/payments", accountId=account) == [
        p for p in payments if p["accountId"] == account
    ]
    window = await api.all(
        "/accounting/payments",
        receivedFrom="2026-01-01T00:00:00Z",
        receivedTo="2026-01-31T23:59:59Z",
    )
    assert window == [p for p in payments if p["receivedAt"].startswith("2026-01")]


async def test_search_filters(
    api: SupergoodClient, everything: dict[str, list[dict[str, Any]]]
) -> None:
    customer = everything["customers"][42]
    by_name = await api.all("/customers", search=customer["lastName"].upper())
    assert customer in by_name
    assert all(
        customer["lastName"].lower()
        in f"{c['firstName']} {c['lastName']} {c['companyName']} {c['email']}".lower()
        for c in by_name
    )
    by_email = await api.all("/customers", search=customer["email"])
    assert by_email == [customer]
    digits = customer["phone"].replace("+1-", "").replace("-", "")
    assert customer in await api.all(
        "/customers", search=f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    )
    part = everything["parts"][10]
    assert await api.all("/parts", partNumber=part["partNumber"].lower()) == [part]
    found = await api.all("/parts", search="brake PADS")
    assert found and all("brake pads" in p["description"].lower() for p in found)


async def test_detail_endpoints_match_list_items(
    api: SupergoodClient, everything: dict[str, list[dict[str, Any]]]
) -> None:
    details = {
        "vehicles": ("/vehicles", "vehicleId"),
        "customers": ("/customers", "customerId"),
        "leads": ("/leads", "leadId"),
        "deals": ("/deals", "dealId"),
        "appointments": ("/service/appointments", "appointmentId"),
        "parts": ("/parts", "partId"),
        "users": ("/users", "userId"),
        "accounts": ("/accounting/ar-accounts", "accountId"),
        "payments": ("/accounting/payments", "paymentId"),
    }
    for name, (path, key) in each(details.items()):
        row = everything[name][-1]
        assert await api.ok(f"{path}/{row[key]}") == row
        status, body = await api.get(f"{path}/{row[key][:-1]}z")
        assert status == 404 and body["error"]["code"] == "not_found"
    ro = everything["ros"][0]
    detail = await api.ok(f"/service/repair-orders/{ro['roId']}")
    assert {k: v for k, v in detail.items() if k not in ("promisedAt", "closedAt")} == ro
    assert list(detail)[-2:] == ["promisedAt", "closedAt"]
    assert detail["closedAt"] is not None if ro["status"] in ("completed", "posted") else True


async def test_unknown_routes_methods_and_integrations(
    api: SupergoodClient, http: aiohttp.ClientSession
) -> None:
    status, body = await api.get("/inventory")
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body, _ = await call(
        http, "DELETE", api.vendor.base_url + "/leads", headers=bearer(api.token)
    )
    assert (status, body["error"]["code"]) == (405, "method_not_allowed")
    other = api.vendor.base_url.rsplit("/", 1)[0] + "/intg_00000000/vehicles"
    status, body, _ = await call(http, "GET", other, headers=bearer(api.token))
    assert (status, body["error"]["code"]) == (404, "not_found")


async def test_documented_shapes_and_exact_money(
    api: SupergoodClient, http: aiohttp.ClientSession
) -> None:
    async with http.get(
        api.vendor.base_url + "/vehicles", headers=bearer(api.token), params={"pageSize": 1}
    ) as r:
        raw = await r.text()
    vehicle = (await api.ok("/vehicles", pageSize=1))["items"][0]
    assert list(vehicle) == [
        "vehicleId",
        "vin",
        "stockNumber",
        "status",
        "type",
        "year",
        "make",
        "model",
        "trim",
        "bodyStyle",
        "mileage",
        "exteriorColor",
        "interiorColor",
        "drivetrain",
        "transmission",
        "engine",
        "fuelType",
        "msrp",
        "askingPrice",
        "cost",
        "locationId",
        "photos",
        "updatedAt",
    ]
    assert f'"msrp":{vehicle["msrp"]:.2f}' in raw  # two decimals on the wire
    ro = (await api.ok("/service/repair-orders", pageSize=1))["items"][0]
    assert list(ro) == [
        "roId",
        "roNumber",
        "status",
        "openedAt",
        "customer",
        "vehicle",
        "advisorId",
        "technicians",
        "lines",
        "totals",
        "updatedAt",
    ]
    assert list(ro["totals"]) == ["labor", "parts", "shopSupplies", "tax", "grandTotal"]


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


async def test_repair_orders_add_up_and_reference_real_records(
    everything: dict[str, list[dict[str, Any]]],
) -> None:
    users = {u["userId"]: u for u in everything["users"]}
    customers = {c["customerId"] for c in everything["customers"]}
    part_numbers = {p["partNumber"] for p in everything["parts"]}
    for ro in each(everything["ros"]):
        lines, totals = ro["lines"], ro["totals"]
        for labor in lines["labor"]:
            assert _d(labor["amount"]) == (_d(labor["hours"]) * _d(labor["rate"])).quantize(
                Decimal("0.01")
            )
        for part in lines["parts"]:
            assert _d(part["amount"]) == _d(part["qty"]) * _d(part["unitPrice"])
            assert part["partNumber"] in part_numbers
        assert _d(totals["labor"]) == sum((_d(x["amount"]) for x in lines["labor"]), Decimal(0))
        assert _d(totals["parts"]) == sum((_d(x["amount"]) for x in lines["parts"]), Decimal(0))
        parts_sum = (
            _d(totals["labor"])
            + _d(totals["parts"])
            + _d(totals["shopSupplies"])
            + _d(totals["tax"])
        )
        assert parts_sum == _d(totals["grandTotal"])
        assert ro["customer"]["customerId"] in customers
        assert users[ro["advisorId"]]["role"] == "service_advisor"
        assert all(users[t]["role"] == "technician" for t in ro["technicians"])
        assert is_valid_vin(ro["vehicle"]["vin"])
        assert ro["openedAt"] <= ro["updatedAt"] < "2026-11-20T00:00:00Z"


async def test_sales_records_are_consistent(everything: dict[str, list[dict[str, Any]]]) -> None:
    vehicles = {v["vehicleId"]: v for v in everything["vehicles"]}
    customers = {c["customerId"] for c in everything["customers"]}
    assert all(is_valid_vin(v["vin"]) for v in vehicles.values())
    for deal in each(everything["deals"]):
        vehicle = vehicles[deal["vehicle"]["vehicleId"]]
        assert (vehicle["vin"], vehicle["stockNumber"]) == (
            deal["vehicle"]["vin"],
            deal["vehicle"]["stockNumber"],
        )
        assert deal["buyer"]["customerId"] in customers
        if deal["status"] in ("delivered", "contracted"):
            assert vehicle["status"] == "retail_sold"
        if deal["saleType"] == "cash":
            assert deal["financing"] is None and deal["paymentOptions"] is None
        else:
            assert deal["paymentOptions"]["termMonths"] == deal["financing"]["termMonths"]
    for lead in each(everything["leads"]):
        assert lead["customerId"] in customers
    accounts = {a["accountId"] for a in everything["accounts"]}
    assert all(p["accountId"] in accounts for p in everything["payments"])

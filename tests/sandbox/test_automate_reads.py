"""Auto/Mate reads: documented shapes, pagination, every filter, detail endpoints, 400/404/405,
and whether the data holds together (VINs, references, RO arithmetic, determinism)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sandbox import RunningSandbox, SandboxOptions, start_sandbox
from sandbox.common.vin import is_valid_vin
from sandbox.options import DEFAULT_TODAY
from tests.guards import each
from tests.sandbox.helpers import (
    FakeClock,
    SupergoodClient,
    assert_invalid_parameter,
    bearer,
    call,
)
from tests.sandbox.helpers import autosoft_login as login

pytestmark = pytest.mark.asyncio(loop_scope="module")
TODAY = DEFAULT_TODAY.isoformat()
PATHS = {
    "vehicles": "/vehicles",
    "customers": "/customers",
    "deals": "/deals",
    "ros": "/service/repair-orders",
    "appointments": "/service/appointments",
    "parts": "/parts",
    "users": "/users",
    "receivables": "/accounting/receivables",
    "receipts": "/accounting/receipts",
}
ID_KEYS = {
    "vehicles": "vehicleId",
    "customers": "customerId",
    "deals": "dealId",
    "ros": "repairOrderId",
    "appointments": "appointmentId",
    "parts": "partId",
    "users": "userId",
    "receivables": "accountId",
    "receipts": "receiptId",
}
Rows = dict[str, list[dict[str, Any]]]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running() -> AsyncIterator[RunningSandbox]:
    sb = await start_sandbox(SandboxOptions(), vendors=("automate",))
    yield sb
    await sb.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(http: aiohttp.ClientSession, running: RunningSandbox) -> SupergoodClient:
    vendor = running.vendors["automate"]
    clock = FakeClock(time.time())
    vendor.state.auth.clock = clock
    status, body = await login(http, vendor, at=clock.now)
    assert status == 200, body
    return SupergoodClient(http, vendor, body["authToken"])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def everything(api: SupergoodClient) -> Rows:
    return {name: await api.all(path) for name, path in PATHS.items()}


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


async def test_sizes_and_stable_id_order(everything: Rows) -> None:
    sizes = {name: len(rows) for name, rows in everything.items()}
    assert sizes["vehicles"] == 300 and sizes["customers"] == 400 and sizes["deals"] == 200
    assert sizes["ros"] == 300 and sizes["appointments"] == 80 and sizes["parts"] == 250
    assert sizes["users"] == 25 and sizes["receivables"] == 120 and sizes["receipts"] > 120
    for name, rows in each(everything.items()):
        ids = [row[ID_KEYS[name]] for row in rows]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)


async def test_documented_vehicle_shape_on_the_wire(
    api: SupergoodClient, http: aiohttp.ClientSession
) -> None:
    async with http.get(
        api.vendor.base_url + "/vehicles", headers=bearer(api.token), params={"status": "in_stock"}
    ) as r:
        raw = await r.text()
    body = await api.ok("/vehicles", status="in_stock")
    assert list(body) == ["items", "page", "pageSize", "total"]
    vehicle = body["items"][0]
    assert list(vehicle) == [  # the page's key order
        "vehicleId",
        "vin",
        "stockNumber",
        "status",
        "condition",
        "year",
        "make",
        "model",
        "trim",
        "bodyStyle",
        "exteriorColor",
        "interiorColor",
        "odometer",
        "msrp",
        "listPrice",
        "salePrice",
        "cost",
        "isWholesale",
        "agingDays",
        "lot",
        "photos",
        "fuelType",
        "transmission",
        "driveType",
        "engine",
        "acquisitionDate",
        "updatedAt",
    ]
    assert list(vehicle["odometer"]) == ["value", "unit"] and list(vehicle["lot"]) == [
        "lotId",
        "name",
    ]
    assert f'"listPrice":{vehicle["listPrice"]:.2f}' in raw  # two decimals on the wire
    used = next(v for v in body["items"] if v["condition"] == "used")
    assert used["msrp"] == 0 and '"msrp":0,' in raw  # bare 0, as on the page


async def test_pagination_boundaries(api: SupergoodClient, everything: Rows) -> None:
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
    past = await api.ok("/deals", page=99)
    assert past["items"] == [] and past["total"] == 200 and past["page"] == 99
    middle = await api.ok("/customers", page=2, pageSize=7)
    assert middle["items"] == everything["customers"][7:14]
    for params in ({"pageSize": 101}, {"pageSize": 0}, {"page": 0}, {"page": "x"}):
        status, body = await api.get("/vehicles", **params)
        assert status == 400 and body["error"]["code"] == "invalid_parameter", params
        assert body["error"]["details"][0]["field"] in params


async def test_vehicle_filters(api: SupergoodClient, everything: Rows) -> None:
    vehicles = everything["vehicles"]
    statuses = Counter(v["status"] for v in vehicles)
    assert set(statuses) == {"in_stock", "retail_sold", "wholesale", "transit"}
    for status, count in statuses.items():
        assert (await api.ok("/vehicles", status=status, pageSize=1))["total"] == count
    conditions = Counter(v["condition"] for v in vehicles)
    assert set(conditions) == {"new", "used", "certified"}
    for condition, count in conditions.items():
        assert (await api.ok("/vehicles", condition=condition, pageSize=1))["total"] == count
    sample = vehicles[17]
    found = await api.all("/vehicles", make=sample["make"].upper(), model=sample["model"].lower())
    assert sample in found
    assert all((v["make"], v["model"]) == (sample["make"], sample["model"]) for v in found)
    assert await api.all("/vehicles", vin=sample["vin"].lower()) == [sample]
    lots = Counter(v["lot"]["lotId"] for v in vehicles if v["lot"])
    assert set(lots) == {"lot_01", "lot_02"}
    for lot, count in lots.items():
        assert (await api.ok("/vehicles", lotId=lot, pageSize=1))["total"] == count
    low, high = "2026-06-01T00:00:00Z", "2026-09-30T23:59:59Z"
    window = await api.all("/vehicles", updatedFrom=low, updatedTo=high, condition="used")
    expected = [
        v
        for v in vehicles
        if v["condition"] == "used" and _ts(low) <= _ts(v["updatedAt"]) <= _ts(high)
    ]
    assert window == expected and expected
    exact = sample["updatedAt"]
    assert sample in await api.all("/vehicles", updatedFrom=exact, updatedTo=exact)
    assert (await api.ok("/vehicles", make="Lada"))["total"] == 0


async def test_other_filters(api: SupergoodClient, everything: Rows) -> None:
    customers = everything["customers"]
    assert {c["customerType"] for c in customers} == {"lead", "retail", "fleet"}
    leads = await api.all("/customers", customerType="lead")
    assert leads == [c for c in customers if c["customerType"] == "lead"]
    tagged = next(c for c in customers if c["externalId"])
    assert await api.all("/customers", externalId=tagged["externalId"]) == [tagged]
    someone = customers[42]
    assert someone in await api.all("/customers", search=someone["lastName"].upper())
    assert await api.all("/customers", search=someone["emails"][0]) == [someone]
    digits = someone["phones"][-1]["number"][2:]
    assert someone in await api.all(
        "/customers", search=f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    )

    deals = everything["deals"]
    assert {d["status"] for d in deals} == {
        "penciled",
        "submitted",
        "approved",
        "contracted",
        "delivered",
        "cancelled",
    }
    assert await api.all("/deals", status="penciled") == [
        d for d in deals if d["status"] == "penciled"
    ]
    deal = deals[3]
    assert await api.all("/deals", customerId=deal["customerId"]) == [
        d for d in deals if d["customerId"] == deal["customerId"]
    ]
    assert await api.all("/deals", salespersonId=deal["salespersonId"]) == [
        d for d in deals if d["salespersonId"] == deal["salespersonId"]
    ]
    assert deal in await api.all("/deals", vin=deal["vehicle"]["vin"].lower())

    ros = everything["ros"]
    assert {r["status"] for r in ros} == {"open", "waiting_parts", "completed", "closed"}
    ro = ros[5]
    for params, keep in [
        ({"status": "waiting_parts"}, lambda r: r["status"] == "waiting_parts"),
        ({"advisorId": ro["advisorId"]}, lambda r: r["advisorId"] == ro["advisorId"]),
        (
            {"technicianId": ro["technicianIds"][0]},
            lambda r: ro["technicianIds"][0] in r["technicianIds"],
        ),
        ({"customerId": ro["customerId"]}, lambda r: r["customerId"] == ro["customerId"]),
        ({"vin": ro["vehicle"]["vin"]}, lambda r: r["vehicle"]["vin"] == ro["vehicle"]["vin"]),
        ({"updatedFrom": "2026-11-01"}, lambda r: r["updatedAt"] >= "2026-11-01T00:00:00Z"),
    ]:
        want = [r for r in ros if keep(r)]
        assert await api.all("/service/repair-orders", **params) == want and want, params

    appts = everything["appointments"]
    assert {a["status"] for a in appts} == {
        "scheduled",
        "confirmed",
        "arrived",
        "completed",
        "cancelled",
        "no_show",
    }
    upcoming = await api.all("/service/appointments", appointmentFrom=TODAY)
    assert upcoming == [a for a in appts if a["appointmentTime"] >= f"{TODAY}T00:00:00Z"]
    assert upcoming and len(upcoming) < len(appts)
    appt = appts[0]
    for params in (
        {"customerId": appt["customerId"]},
        {"advisorId": appt["advisorId"]},
        {"vin": appt["vin"]},
    ):
        ((key, value),) = params.items()
        want = [a for a in appts if a[key] == value]
        assert await api.all("/service/appointments", **params) == want

    parts = everything["parts"]
    assert await api.all("/parts", partNumber=parts[10]["partNumber"].lower()) == [parts[10]]
    found = await api.all("/parts", search="brake PADS")
    assert found and all("brake pads" in p["description"].lower() for p in found)

    users = everything["users"]
    for role in each({u["role"] for u in users}):
        assert await api.all("/users", role=role) == [u for u in users if u["role"] == role]
    assert await api.all("/users", isActive="false") == [u for u in users if not u["isActive"]]

    receivables = everything["receivables"]
    assert {a["status"] for a in receivables} == {"current", "past_due", "paid_in_full", "closed"}
    holder = receivables[0]["customerId"]
    assert await api.all("/accounting/receivables", customerId=holder) == [
        a for a in receivables if a["customerId"] == holder
    ]
    receipts = everything["receipts"]
    account = receivables[0]["accountId"]
    assert await api.all("/accounting/receipts", accountId=account) == [
        p for p in receipts if p["accountId"] == account
    ]
    january = await api.all(
        "/accounting/receipts", receivedFrom="2026-01-01", receivedTo="2026-01-31T23:59:59Z"
    )
    assert january == [p for p in receipts if p["receivedAt"].startswith("2026-01")]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/vehicles", {"status": "sold"}, "status"),
        ("/vehicles", {"status": "hold"}, "status"),
        ("/vehicles", {"condition": "cpo"}, "condition"),
        ("/vehicles", {"updatedFrom": "yesterday"}, "updatedFrom"),
        ("/vehicles", {"updatedFrom": "2026-02-01", "updatedTo": "2026-01-01"}, "updatedTo"),
        ("/customers", {"customerType": "business"}, "customerType"),
        ("/deals", {"status": "draft"}, "status"),
        ("/service/repair-orders", {"status": "posted"}, "status"),
        ("/service/appointments", {"appointmentFrom": "soon"}, "appointmentFrom"),
        ("/users", {"role": "janitor"}, "role"),
        ("/users", {"isActive": "yes"}, "isActive"),
        ("/accounting/receivables", {"status": "paid_off"}, "status"),
        ("/accounting/receipts", {"receivedTo": "2026-13-01"}, "receivedTo"),
    ],
)
async def test_bad_filter_values_are_400(
    api: SupergoodClient, path: str, params: dict[str, str], field: str
) -> None:
    assert_invalid_parameter(*await api.get(path, **params), field)


async def test_detail_endpoints_and_404s(api: SupergoodClient, everything: Rows) -> None:
    for name, path in PATHS.items():
        row = everything[name][-1]
        key = row[ID_KEYS[name]]
        assert await api.ok(f"{path}/{key}") == row
        status, body = await api.get(f"{path}/{key[:-1]}z")
        assert (status, body["error"]["code"]) == (404, "not_found"), path
        assert set(body) == {"error"} and body["error"]["message"]


async def test_unknown_routes_and_methods(
    api: SupergoodClient, http: aiohttp.ClientSession
) -> None:
    status, body = await api.get("/inventory")
    assert (status, body["error"]["code"]) == (404, "not_found")
    # Writes are the page's three POSTs (tests/sandbox/test_automate_writes.py); no other.
    for method, path in (("POST", "/vehicles"), ("DELETE", "/customers"), ("PUT", "/deals")):
        status, body, headers = await call(
            http, method, api.vendor.base_url + path, headers=bearer(api.token), json={}
        )
        assert (status, body["error"]["code"]) == (405, "method_not_allowed"), path
        assert "GET" in headers["Allow"]
    other = api.vendor.base_url.rsplit("/", 1)[0] + "/intg_00000000/vehicles"
    status, body, _ = await call(http, "GET", other, headers=bearer(api.token))
    assert (status, body["error"]["code"]) == (404, "not_found")


async def test_inventory_is_realistic(everything: Rows) -> None:
    vehicles = everything["vehicles"]
    assert all(is_valid_vin(v["vin"]) for v in vehicles)
    assert len({v["vin"] for v in vehicles}) == len(vehicles)
    assert len({v["stockNumber"] for v in vehicles}) == len(vehicles)
    for v in vehicles:
        assert v["odometer"]["unit"] == "mi" and v["odometer"]["value"] >= 0
        assert v["acquisitionDate"] <= TODAY and v["agingDays"] >= 0
        if v["status"] in ("in_stock", "transit"):
            acquired = date.fromisoformat(v["acquisitionDate"])
            assert v["agingDays"] == (DEFAULT_TODAY - acquired).days
            assert _d(v["salePrice"]) <= _d(v["listPrice"])
        if v["condition"] == "new":
            assert _d(v["listPrice"]) <= _d(v["msrp"])
        else:
            assert v["msrp"] == 0
        if v["status"] == "transit":
            assert v["condition"] == "new" and v["lot"] is None and v["agingDays"] <= 14
        else:
            assert v["lot"]["lotId"] in ("lot_01", "lot_02")
        if v["status"] == "wholesale":
            assert v["isWholesale"] is True
        if v["isWholesale"] and v["status"] == "in_stock":
            assert v["condition"] == "used" and v["agingDays"] > 90
        for n, photo in enumerate(v["photos"], start=1):
            assert photo["url"] == f"https://images.example.com/{v['vehicleId']}/{n}.jpg"


async def test_sales_records_are_consistent(everything: Rows) -> None:
    vehicles = {v["vehicleId"]: v for v in everything["vehicles"]}
    customers = {c["customerId"]: c for c in everything["customers"]}
    users = {u["userId"]: u for u in everything["users"]}
    for deal in each(everything["deals"]):
        vehicle = vehicles[deal["vehicle"]["vehicleId"]]
        assert (vehicle["vin"], vehicle["stockNumber"]) == (
            deal["vehicle"]["vin"],
            deal["vehicle"]["stockNumber"],
        )
        assert deal["customerId"] in customers
        assert deal["coBuyerId"] is None or deal["coBuyerId"] in customers
        assert users[deal["salespersonId"]]["role"] == "salesperson"
        if deal["fniManagerId"] is not None:
            assert users[deal["fniManagerId"]]["role"] == "fni_manager"
        if deal["status"] in ("contracted", "delivered"):
            assert vehicle["status"] == "retail_sold"
            assert vehicle["salePrice"] == deal["pricing"]["salePrice"]
        assert deal["dealNumber"] == f"D-{deal['createdAt'][:4]}-{deal['dealNumber'][-5:]}"
        finance, trade = deal["finance"], deal["tradeIn"]
        if deal["dealType"] == "cash":
            assert finance["termMonths"] is None and finance["products"] == []
        else:
            assert finance["termMonths"] and finance["aprPercent"] and finance["lenderCode"]
        acv = _d(trade["acv"]) if trade else Decimal(0)
        taxable = max(Decimal(0), _d(deal["pricing"]["salePrice"]) - acv)
        tax = taxable * _d(deal["taxes"]["ratePercent"]) / 100
        assert tax.quantize(Decimal("0.01"), ROUND_HALF_UP) == _d(deal["taxes"]["amount"])
        if trade:
            assert is_valid_vin(trade["vin"])
            assert (trade["lienholder"] is None) == (_d(trade["payoff"]) == 0)
        assert deal["fees"][0]["code"] == "DOC"
    for customer in customers.values():
        assert customer["emails"] and customer["phones"]
        assert all(
            p["number"].startswith("+1") and len(p["number"]) == 12 for p in customer["phones"]
        )
        has_licence = customer["driversLicense"] is not None
        assert has_licence == (customer["customerType"] == "retail")
        assert (customer["companyName"] is not None) == (customer["customerType"] == "fleet")
    buyers = {d["customerId"] for d in everything["deals"]}
    assert not buyers & {c for c, x in customers.items() if x["customerType"] == "lead"}


async def test_service_records_add_up_and_reference_real_records(everything: Rows) -> None:
    users = {u["userId"]: u for u in everything["users"]}
    customers = {c["customerId"] for c in everything["customers"]}
    part_numbers = {p["partNumber"] for p in everything["parts"]}
    for ro in each(everything["ros"]):
        totals, approved = ro["totals"], [x for x in ro["lines"] if x["status"] == "approved"]
        assert [x["lineCode"] for x in ro["lines"]] == [
            chr(65 + i) for i in range(len(ro["lines"]))
        ]
        for line in ro["lines"]:
            for labor in line["labor"]:
                hours_x_rate = _d(labor["laborHours"]) * _d(labor["laborRate"])
                assert _d(labor["amount"]) == hours_x_rate.quantize(Decimal("0.01"))
            for part in line["parts"]:
                assert _d(part["amount"]) == part["quantity"] * _d(part["unitPrice"])
                assert part["partNumber"] in part_numbers
        labor_sum = sum((_d(x["amount"]) for line in approved for x in line["labor"]), Decimal(0))
        parts_sum = sum((_d(x["amount"]) for line in approved for x in line["parts"]), Decimal(0))
        assert (_d(totals["labor"]), _d(totals["parts"])) == (labor_sum, parts_sum)
        subtotal = _d(totals["labor"]) + _d(totals["parts"]) + _d(totals["shopSupplies"])
        assert subtotal == _d(totals["subtotal"])
        assert subtotal + _d(totals["tax"]) == _d(totals["total"])
        assert ro["customerId"] in customers
        assert users[ro["advisorId"]]["role"] == "service_advisor"
        assert all(users[t]["role"] == "technician" for t in ro["technicianIds"])
        assert is_valid_vin(ro["vehicle"]["vin"])
        assert ro["openedAt"] <= ro["updatedAt"] < f"{TODAY}T00:00:00Z"
        assert (ro["closedAt"] is not None) == (ro["status"] in ("completed", "closed"))
    for appt in each(everything["appointments"]):
        assert appt["customerId"] in customers and is_valid_vin(appt["vin"])
        assert users[appt["advisorId"]]["role"] == "service_advisor"
        assert appt["opCodes"] and all(_d(op["laborHours"]) > 0 for op in appt["opCodes"])
    receivables = {a["accountId"]: a for a in everything["receivables"]}
    for receipt in each(everything["receipts"]):
        account = receivables[receipt["accountId"]]
        assert receipt["customerId"] == account["customerId"]


async def test_same_seed_same_bytes_other_seed_differs(http: aiohttp.ClientSession) -> None:
    seen: list[dict[str, str]] = []
    for seed in (5, 5, 6):
        async with await start_sandbox(
            SandboxOptions(seed=seed, scale=0.2), vendors=("automate",)
        ) as sb:
            vendor = sb.vendors["automate"]
            vendor.state.auth.clock = FakeClock(time.time())
            _, session = await login(http, vendor, at=vendor.state.auth.clock.now)
            bodies = {}
            for path in PATHS.values():
                async with http.get(
                    vendor.base_url + path,
                    headers=bearer(session["authToken"]),
                    params={"pageSize": 100},
                ) as r:
                    assert r.status == 200
                    bodies[path] = await r.text()
            seen.append(bodies)
    first, again, other = seen
    assert first == again
    assert all(first[p] != other[p] for p in first)

"""AutoSync: API keys, rate limiting, shop scoping, envelope, filters, details, totals."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sandbox import SandboxOptions, VendorHandle, start_sandbox
from sandbox.autosync import create_autosync
from sandbox.common.vin import is_valid_vin
from sandbox.server import serve_vendor
from tests.guards import each
from tests.sandbox.helpers import FakeClock, autosync_all, bearer, call

pytestmark = pytest.mark.asyncio(loop_scope="module")
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


class AutoSync:
    def __init__(self, http: aiohttp.ClientSession, vendor: VendorHandle) -> None:
        self.http, self.vendor = http, vendor
        self.headers = bearer(vendor.credentials["api_key"])

    async def get(self, path: str, **params: Any) -> tuple[int, Any]:
        status, body, _ = await call(
            self.http, "GET", self.vendor.base_url + path, headers=self.headers, params=params
        )
        return status, body

    async def ok(self, path: str, **params: Any) -> Any:
        status, body = await self.get(path, **params)
        assert status == 200 and body["success"] is True, body
        return body

    async def all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        return await autosync_all(self.http, self.vendor, path, **params)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(http: aiohttp.ClientSession, autosync: VendorHandle) -> AutoSync:
    return AutoSync(http, autosync)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shop(api: AutoSync) -> dict[str, list[dict[str, Any]]]:
    names = (
        "customers",
        "vehicles",
        "workorders",
        "appointments",
        "payments",
        "inventory",
        "employees",
    )
    return {name: await api.all(f"/shops/1/{name}") for name in names}


async def test_shops_of_the_key(api: AutoSync) -> None:
    body = await api.ok("/shops")
    assert body["pagination"] == {"page": 1, "per_page": 25, "total": 1}
    (shop,) = body["data"]
    assert list(shop) == ["id", "name", "slug", "status", "location_count", "created_at"]
    assert (shop["id"], shop["status"]) == (1, "active")
    assert api.vendor.stores == [("1", shop["name"])]
    assert (await api.ok("/shops/1"))["data"] == shop


@pytest.mark.parametrize("shop_id", ["2", "999999"])
async def test_shops_outside_the_key_are_403(api: AutoSync, shop_id: str) -> None:
    for path in ("", "/customers", "/workorders/1001"):
        status, body = await api.get(f"/shops/{shop_id}{path}")
        assert status == 403
        assert body == {
            "success": False,
            "error": {"code": "forbidden", "message": body["error"]["message"], "status": 403},
        }


async def test_a_key_may_reach_several_shops(http: aiohttp.ClientSession) -> None:
    app = create_autosync(SandboxOptions(scale=0.05), shop_count=3, key_shops=((1, 2), (3,)))
    handle = await serve_vendor(app)
    try:
        assert [s for s, _ in handle.stores] == ["1", "2"]
        names = {name for _, name in handle.stores}
        assert len(names) == 2  # shops of one owner still have their own names
        multi = AutoSync(http, handle)
        assert [s["id"] for s in (await multi.ok("/shops"))["data"]] == [1, 2]
        one = (await multi.ok("/shops/1/customers", per_page=1))["data"][0]
        two = (await multi.ok("/shops/2/customers", per_page=1))["data"][0]
        assert one != two
        assert (await multi.get("/shops/3/customers"))[0] == 403
        other_key = next(k for k in handle.state.keys if k != handle.credentials["api_key"])
        status, body, _ = await call(
            http, "GET", handle.base_url + "/shops/3", headers=bearer(other_key)
        )
        assert status == 200 and body["data"]["id"] == 3
    finally:
        await handle.stop()


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer sk_test_nope"}, {"Authorization": "Basic abc"}]
)
async def test_missing_or_unknown_key_is_401_with_rate_headers(
    api: AutoSync, headers: dict[str, str]
) -> None:
    status, body, response_headers = await call(
        api.http, "GET", api.vendor.base_url + "/shops", headers=headers
    )
    assert status == 401
    assert body == {
        "success": False,
        "error": {"code": "unauthorized", "message": body["error"]["message"], "status": 401},
    }
    assert all(h in response_headers for h in RATE_HEADERS)


async def test_not_found_shapes_carry_rate_headers(api: AutoSync) -> None:
    for path in (
        "/shops/1/customers/999999",
        "/shops/1/workorders/abc",
        "/shops/1/nothing",
        "/shops/x",
    ):
        status, body, headers = await call(
            api.http, "GET", api.vendor.base_url + path, headers=api.headers
        )
        assert (status, body["error"]["code"], body["error"]["status"]) == (404, "not_found", 404)
        assert all(h in headers for h in RATE_HEADERS)
    status, body, _ = await call(
        api.http, "DELETE", api.vendor.base_url + "/shops/1/customers", headers=api.headers
    )
    assert (status, body["error"]["code"]) == (405, "method_not_allowed")


@pytest_asyncio.fixture(loop_scope="module")
async def limited() -> AsyncIterator[VendorHandle]:
    async with await start_sandbox(
        SandboxOptions(rate_limit_per_minute=5, scale=0.05), vendors=("autosync",)
    ) as sb:
        yield sb.vendors["autosync"]


async def test_rate_limit_429_after_the_limit_and_reset(
    http: aiohttp.ClientSession, limited: VendorHandle
) -> None:
    clock = FakeClock(1_900_000_000.0)
    limited.state.limiter.clock = clock
    headers = bearer(limited.credentials["api_key"])
    remaining = []
    for _ in range(5):
        status, _, h = await call(http, "GET", limited.base_url + "/shops", headers=headers)
        assert status == 200 and h["X-RateLimit-Limit"] == "5"
        assert h["X-RateLimit-Reset"] == "1900000060"
        remaining.append(int(h["X-RateLimit-Remaining"]))
    assert remaining == [4, 3, 2, 1, 0]
    clock.advance(15)
    status, body, h = await call(
        http, "GET", limited.base_url + "/shops/1/customers", headers=headers
    )
    assert status == 429
    assert body == {
        "success": False,
        "error": {"code": "rate_limited", "message": body["error"]["message"], "status": 429},
    }
    assert (h["Retry-After"], h["X-RateLimit-Remaining"], h["X-RateLimit-Reset"]) == (
        "45",
        "0",
        "1900000060",
    )
    clock.advance(45)
    status, _, h = await call(http, "GET", limited.base_url + "/shops", headers=headers)
    assert status == 200 and h["X-RateLimit-Remaining"] == "4"
    assert h["X-RateLimit-Reset"] == "1900000120"
    assert limited.requests.count(path_contains="/shops") == 7


async def test_rate_limit_on_the_real_clock(
    http: aiohttp.ClientSession, limited: VendorHandle
) -> None:
    headers = bearer(limited.credentials["api_key"])
    statuses = []
    for _ in range(7):
        status, _, h = await call(http, "GET", limited.base_url + "/shops", headers=headers)
        statuses.append(status)
    assert statuses == [200] * 5 + [429] * 2
    assert 1 <= int(h["Retry-After"]) <= 60


async def test_pagination(api: AutoSync, shop: dict[str, list[dict[str, Any]]]) -> None:
    body = await api.ok("/shops/1/customers")
    assert body["pagination"] == {"page": 1, "per_page": 25, "total": 400}
    assert len(body["data"]) == 25
    page = await api.ok("/shops/1/customers", page=3, per_page=10)
    assert page["data"] == shop["customers"][20:30]
    past = await api.ok("/shops/1/customers", page=50, per_page=100)
    assert past["data"] == [] and past["pagination"]["total"] == 400
    for params in ({"per_page": 101}, {"per_page": 0}, {"page": -1}, {"page": "two"}):
        status, body = await api.get("/shops/1/customers", **params)
        assert (status, body["error"]["code"], body["error"]["status"]) == (
            400,
            "invalid_parameter",
            400,
        )
    ids = [c["id"] for c in shop["customers"]]
    assert ids == sorted(ids) == list(range(1, 401))


async def test_sizes_statuses_and_ids(shop: dict[str, list[dict[str, Any]]]) -> None:
    assert len(shop["vehicles"]) == 500 and len(shop["workorders"]) == 300
    assert len(shop["appointments"]) == 80 and len(shop["inventory"]) == 250
    assert len(shop["employees"]) == 25 and 200 <= len(shop["payments"]) <= 300
    assert {w["status"] for w in shop["workorders"]} == {
        "draft",
        "in_progress",
        "waiting_parts",
        "completed",
        "invoiced",
    }
    assert {a["status"] for a in shop["appointments"]} == {
        "scheduled",
        "confirmed",
        "completed",
        "cancelled",
        "no_show",
    }
    assert {e["role"] for e in shop["employees"]} == {"technician", "service_writer", "manager"}
    assert (
        shop["workorders"][0]["id"] == 1001 and shop["workorders"][0]["work_order_number"] == "1001"
    )
    assert all(is_valid_vin(v["vin"]) for v in shop["vehicles"])


async def test_customer_and_vehicle_filters(
    api: AutoSync, shop: dict[str, list[dict[str, Any]]]
) -> None:
    customers = shop["customers"]
    business = await api.all("/shops/1/customers", is_business="true")
    assert business == [c for c in customers if c["is_business"]] and business
    target = customers[77]
    assert target in await api.all("/shops/1/customers", search=target["last_name"].lower())
    assert await api.all("/shops/1/customers", search=target["email"]) == [target]
    assert target in await api.all("/shops/1/customers", search=target["phone"][-8:])
    since = await api.all("/shops/1/customers", created_after="2026-01-01")
    assert since == [c for c in customers if c["created_at"] >= "2026-01-01T00:00:00Z"]
    assert (await api.get("/shops/1/customers", is_business="maybe"))[0] == 400
    assert (await api.get("/shops/1/customers", created_after="last week"))[0] == 400

    vehicles = shop["vehicles"]
    owner = vehicles[3]["customer_id"]
    assert await api.all("/shops/1/vehicles", customer_id=owner) == [
        v for v in vehicles if v["customer_id"] == owner
    ]
    car = vehicles[9]
    assert await api.all("/shops/1/vehicles", vin=car["vin"][-8:].lower()) == [car]
    assert car in await api.all("/shops/1/vehicles", license_plate=car["license_plate"].lower())
    assert (await api.get("/shops/1/vehicles", customer_id="abc"))[0] == 400


async def test_work_order_filters(api: AutoSync, shop: dict[str, list[dict[str, Any]]]) -> None:
    orders = shop["workorders"]
    for status, count in each(Counter(w["status"] for w in orders).items()):
        assert (await api.ok("/shops/1/workorders", status=status, per_page=1))["pagination"][
            "total"
        ] == count
    sample = orders[40]
    for param, path in (
        ("customer_id", ("customer_id",)),
        ("vehicle_id", ("vehicle_id",)),
        ("technician_id", ("technician", "id")),
        ("service_writer_id", ("service_writer", "id")),
    ):
        value: Any = sample
        for step in path:
            value = value[step]
        expected = [w for w in orders if _dig(w, path) == value]
        assert await api.all("/shops/1/workorders", **{param: value}) == expected
    recent = await api.all("/shops/1/workorders", created_after="2026-11-01T00:00:00Z")
    assert recent == [w for w in orders if w["created_at"] >= "2026-11-01T00:00:00Z"] and recent
    updated = await api.all("/shops/1/workorders", updated_after="2026-11-10")
    assert updated == [w for w in orders if w["updated_at"] >= "2026-11-10T00:00:00Z"]
    status, body = await api.get("/shops/1/workorders", status="open")
    assert (status, body["error"]["code"]) == (400, "invalid_parameter")


def _dig(row: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = row
    for step in path:
        value = value[step] if value is not None else None
    return value


async def test_other_filters(api: AutoSync, shop: dict[str, list[dict[str, Any]]]) -> None:
    appts = shop["appointments"]
    window = await api.all(
        "/shops/1/appointments",
        start_after="2026-11-20T00:00:00Z",
        start_before="2026-12-01T00:00:00Z",
    )
    assert window == [
        a for a in appts if "2026-11-20T00:00:00Z" <= a["start_time"] < "2026-12-01T00:00:00Z"
    ]
    assert window
    who = appts[5]["customer_id"]
    assert await api.all("/shops/1/appointments", customer_id=who) == [
        a for a in appts if a["customer_id"] == who
    ]

    payments = shop["payments"]
    wo = payments[0]["work_order_id"]
    assert await api.all("/shops/1/payments", work_order_id=wo) == [
        p for p in payments if p["work_order_id"] == wo
    ]
    assert await api.all("/shops/1/payments", created_after="2026-10-01") == [
        p for p in payments if p["created_at"] >= "2026-10-01T00:00:00Z"
    ]

    parts = shop["inventory"]
    part = parts[12]
    assert await api.all("/shops/1/inventory", part_number=part["part_number"].lower()) == [part]
    found = await api.all("/shops/1/inventory", search="oil FILTER")
    assert found and all("oil filter" in p["name"].lower() for p in found)

    staff = shop["employees"]
    techs = await api.all("/shops/1/employees", role="technician", status="active")
    assert techs == [e for e in staff if e["role"] == "technician" and e["status"] == "active"]
    for params in ({"role": "service_advisor"}, {"status": "retired"}):
        assert (await api.get("/shops/1/employees", **params))[0] == 400


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


async def test_work_order_detail_jobs_and_money(
    api: AutoSync, shop: dict[str, list[dict[str, Any]]]
) -> None:
    parts = {p["id"]: p for p in shop["inventory"]}
    paid: dict[int, Decimal] = {}
    for p in shop["payments"]:
        if p["status"] == "completed":
            paid[p["work_order_id"]] = paid.get(p["work_order_id"], Decimal(0)) + _d(p["amount"])
    checked = 0
    for item in each(shop["workorders"][::10]):
        detail = (await api.ok(f"/shops/1/workorders/{item['id']}"))["data"]
        assert {k: v for k, v in detail.items() if k not in ("notes", "jobs", "payments")} == item
        jobs = await api.all(f"/shops/1/workorders/{item['id']}/jobs")
        assert jobs == detail["jobs"]
        subtotal = Decimal(0)
        for job in jobs:
            for line in job["line_items"]:
                if line["type"] == "labor":
                    assert _d(line["total"]) == (_d(line["hours"]) * _d(line["rate"])).quantize(
                        Decimal("0.01")
                    )
                else:
                    assert _d(line["total"]) == _d(line["quantity"]) * _d(line["unit_price"])
                if line["type"] == "part":
                    assert parts[line["part_id"]]["part_number"] == line["part_number"]
                if job["status"] == "approved":
                    subtotal += _d(line["total"])
        assert _d(detail["subtotal"]) == subtotal
        assert _d(detail["subtotal"]) + _d(detail["tax"]) == _d(detail["total"])
        assert detail["payments"] == [
            p for p in shop["payments"] if p["work_order_id"] == item["id"]
        ]
        if detail["status"] == "invoiced":
            assert paid[item["id"]] == _d(detail["total"])
            checked += 1
    assert checked
    assert (await api.get("/shops/1/workorders/99999/jobs"))[0] == 404


async def test_details_match_lists(api: AutoSync, shop: dict[str, list[dict[str, Any]]]) -> None:
    for name in ("customers", "vehicles", "appointments", "payments", "inventory", "employees"):
        row = shop[name][-1]
        assert (await api.ok(f"/shops/1/{name}/{row['id']}"))["data"] == row
        status, body = await api.get(f"/shops/1/{name}/{row['id'] + 100000}")
        assert (status, body["error"]["code"]) == (404, "not_found")


async def test_references_are_consistent(shop: dict[str, list[dict[str, Any]]]) -> None:
    customers = {c["id"]: c for c in shop["customers"]}
    vehicles = {v["id"]: v for v in shop["vehicles"]}
    staff = {e["id"]: e for e in shop["employees"]}
    for w in each(shop["workorders"]):
        assert vehicles[w["vehicle_id"]]["customer_id"] == w["customer_id"]
        assert w["vehicle"]["id"] == w["vehicle_id"] and w["customer"]["id"] == w["customer_id"]
        assert staff[w["service_writer"]["id"]]["role"] == "service_writer"
        if w["technician"]:
            assert staff[w["technician"]["id"]]["role"] == "technician"
        else:
            assert w["status"] == "draft"
        assert w["created_at"] <= w["updated_at"] < "2026-11-20T00:00:00Z"
    for a in each(shop["appointments"]):
        assert vehicles[a["vehicle_id"]]["customer_id"] == a["customer_id"]
        assert a["start_time"] < a["end_time"]
    assert all(p["customer_id"] in customers for p in shop["payments"])

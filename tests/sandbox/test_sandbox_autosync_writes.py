"""AutoSync writes over real HTTP: every documented write lands in the shop's tables, each
rule answers 422 invalid_parameter naming its field, totals stay exact, nothing dedupes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sandbox import SandboxOptions, VendorHandle
from tests.sandbox.helpers import bearer, exact_call

pytestmark = pytest.mark.asyncio(loop_scope="module")

TODAY: date = SandboxOptions().today
SHOP = "/shops/1"


class AutoSync:
    def __init__(self, http: aiohttp.ClientSession, vendor: VendorHandle) -> None:
        self.http, self.vendor = http, vendor
        self.headers = bearer(vendor.credentials["api_key"])

    async def send(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        url = self.vendor.base_url + SHOP + path
        return await exact_call(self.http, method, url, self.headers, body, params)

    async def ok(self, path: str, **params: Any) -> Any:
        status, body, _ = await self.send("GET", path, **params)
        assert status == 200 and body["success"] is True, body
        return body

    async def write(self, method: str, path: str, body: Any, status: int = 201) -> Any:
        got, answer, _ = await self.send(method, path, body)
        assert got == status and answer["success"] is True, answer
        return answer["data"]

    async def refused(self, method: str, path: str, body: Any) -> str:
        """The message of a 422, checking the page's error shape on the way."""
        status, answer, _ = await self.send(method, path, body)
        assert status == 422, answer
        assert answer["success"] is False
        assert (answer["error"]["code"], answer["error"]["status"]) == ("invalid_parameter", 422)
        return str(answer["error"]["message"])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(http: aiohttp.ClientSession, autosync: VendorHandle) -> AutoSync:
    return AutoSync(http, autosync)


async def test_customer_created_listed_and_updated(api: AutoSync) -> None:
    before = (await api.ok("/customers"))["pagination"]["total"]
    body = {
        "first_name": "Mike",
        "last_name": "Rodriguez",
        "email": "mike.rodriguez@example.org",
        "phone": "(555) 123-4567",
        "address": {"street": "123 Main St", "city": "North Canton", "state": "OH", "zip": "44720"},
    }
    created = await api.write("POST", "/customers", body)
    assert (created["first_name"], created["is_business"], created["address"]) == (
        "Mike",
        False,
        body["address"],
    )
    assert (await api.ok("/customers"))["pagination"]["total"] == before + 1
    found = await api.ok("/customers", search="mike.rodriguez@")
    assert [c["id"] for c in found["data"]] == [created["id"]]
    assert (await api.ok(f"/customers/{created['id']}"))["data"] == created

    path = f"/customers/{created['id']}"
    updated = await api.write(
        "PUT", path, {"phone": "(555) 765-4321", "address": {"zip": "44718"}}, 200
    )
    assert (updated["first_name"], updated["phone"]) == ("Mike", "(555) 765-4321")
    assert updated["address"] == {**body["address"], "zip": "44718"}
    assert updated["updated_at"] >= created["updated_at"]

    assert await api.refused("POST", "/customers", {"first_name": "Mike"}) == (
        "The 'last_name' field is required."
    )
    assert await api.refused("POST", "/customers", {**body, "email": "mike"}) == (
        "The 'email' field must be a valid e-mail address."
    )
    assert "'address.zip'" in await api.refused(
        "POST", "/customers", {**body, "address": {"zip": "4472"}}
    )
    assert "'first_name'" in await api.refused("PUT", path, {"first_name": " "})
    assert await api.refused("PUT", path, {}) == "The request body has no fields to update."
    status, answer, _ = await api.send("PUT", "/customers/999999", {"email": "x@example.org"})
    assert (status, answer["error"]["code"]) == (404, "not_found")


async def test_vehicle_created_and_rules(api: AutoSync) -> None:
    owner = (await api.ok("/customers", per_page=1))["data"][0]
    mine = (await api.ok("/vehicles", customer_id=owner["id"]))["pagination"]["total"]
    body = {
        "customer_id": owner["id"],
        "year": 2021,
        "make": "Ford",
        "model": "F-150",
        "vin": "1FTEW1EP5MKD12345",
        "license_plate": "abc 1234",
        "mileage": 45210,
    }
    created = await api.write("POST", "/vehicles", body)
    assert (created["license_plate"], created["trim"]) == ("ABC 1234", None)
    listed = await api.ok("/vehicles", customer_id=owner["id"])
    assert listed["pagination"]["total"] == mine + 1
    assert (await api.ok("/vehicles", vin="1FTEW1EP5MKD"))["data"] == [created]

    cases = {
        "customer_id": {**body, "customer_id": 999_999, "vin": None},
        "year": {**body, "year": 1800, "vin": None},
        "vin": body,  # already on file
        "make": {**body, "make": "", "vin": None},
        "mileage": {**body, "mileage": -5, "vin": None},
    }
    for field, case in cases.items():
        assert f"'{field}'" in await api.refused("POST", "/vehicles", case)
    assert "'vin'" in await api.refused("POST", "/vehicles", {**body, "vin": "1FTEW1EP5MKD1234O"})


async def test_work_order_with_jobs_totals_exactly(api: AutoSync) -> None:
    vehicle = (await api.ok("/vehicles", per_page=1))["data"][0]
    stranger = next(
        v
        for v in (await api.ok("/vehicles", per_page=5))["data"]
        if v["customer_id"] != vehicle["customer_id"]
    )
    tech = (await api.ok("/employees", role="technician", status="active"))["data"][0]
    writer = (await api.ok("/employees", role="service_writer"))["data"][0]
    part = (await api.ok("/inventory", per_page=1))["data"][0]
    drafts = (await api.ok("/workorders", status="draft"))["pagination"]["total"]
    order = {
        "customer_id": vehicle["customer_id"],
        "vehicle_id": vehicle["id"],
        "technician_id": tech["id"],
        "notes": "Brakes squeal",
    }
    created = await api.write("POST", "/workorders", order)
    assert (created["status"], created["jobs"], created["total"]) == ("draft", [], 0)
    assert created["technician"] == {"id": tech["id"], "name": tech["name"]}
    assert (await api.ok("/workorders", status="draft"))["pagination"]["total"] == drafts + 1

    jobs_path = f"/workorders/{created['id']}/jobs"
    lines = [
        {
            "type": "labor",
            "description": "Replace front pads",
            "hours": Decimal("1.5"),
            "rate": Decimal("120.00"),
        },
        {"type": "part", "part_id": part["id"], "quantity": 2},
        {"type": "fee", "description": "Shop supplies", "unit_price": Decimal("12.00")},
    ]
    job = await api.write("POST", jobs_path, {"name": "Brake Service", "line_items": lines})
    assert [x["total"] for x in job["line_items"]] == [
        Decimal("180.00"),
        part["price"] * 2,
        Decimal("12.00"),
    ]
    assert job["line_items"][1]["part_number"] == part["part_number"]
    assert (job["status"], job["technician_id"]) == ("approved", tech["id"])
    detail = (await api.ok(f"/workorders/{created['id']}"))["data"]
    subtotal = Decimal("192.00") + part["price"] * 2
    assert detail["subtotal"] == subtotal
    assert detail["total"] == detail["subtotal"] + detail["tax"]
    assert detail["jobs"] == [job]
    assert (await api.ok(jobs_path))["data"] == [job]
    listed = await api.ok(
        "/workorders", technician_id=tech["id"], customer_id=vehicle["customer_id"]
    )
    assert created["id"] in {w["id"] for w in listed["data"]}

    assert "'vehicle_id'" in await api.refused(
        "POST", "/workorders", {**order, "vehicle_id": stranger["id"]}
    )
    assert "'technician_id'" in await api.refused(
        "POST", "/workorders", {**order, "technician_id": writer["id"]}
    )
    assert "'customer_id'" in await api.refused(
        "POST", "/workorders", {**order, "customer_id": "42"}
    )
    assert "'line_items[0].hours'" in await api.refused(
        "POST", jobs_path, {"name": "x", "line_items": [{"type": "labor", "description": "x"}]}
    )
    assert "'line_items[0].unit_price'" in await api.refused(
        "POST",
        jobs_path,
        {
            "name": "x",
            "line_items": [{"type": "fee", "description": "x", "unit_price": Decimal("1.001")}],
        },
    )
    assert "'name'" in await api.refused("POST", jobs_path, {"line_items": []})

    wo_path = f"/workorders/{created['id']}"
    assert "from draft to completed" in await api.refused("PUT", wo_path, {"status": "completed"})
    for status in ("in_progress", "completed"):
        moved = await api.write("PUT", wo_path, {"status": status}, 200)
    assert moved["completed_at"] is not None
    assert "completed" in await api.refused("POST", jobs_path, {"name": "Late job"})
    await api.write("PUT", wo_path, {"status": "invoiced"}, 200)
    assert "invoiced" in await api.refused("PUT", wo_path, {"notes": "too late"})


async def test_appointment_created_and_rules(api: AutoSync) -> None:
    vehicle = (await api.ok("/vehicles", per_page=1))["data"][0]
    start = f"{TODAY + timedelta(days=2)}T09:00:00Z"
    body = {
        "customer_id": vehicle["customer_id"],
        "vehicle_id": vehicle["id"],
        "start_time": start,
        "notes": "Oil change",
    }
    created = await api.write("POST", "/appointments", body)
    assert (created["status"], created["end_time"]) == (
        "scheduled",
        f"{TODAY + timedelta(days=2)}T10:00:00Z",
    )
    listed = await api.ok("/appointments", customer_id=vehicle["customer_id"], start_after=start)
    assert created in listed["data"]

    past = f"{TODAY - timedelta(days=1)}T09:00:00Z"
    assert await api.refused("POST", "/appointments", {**body, "start_time": past}) == (
        "The 'start_time' field must not be in the past."
    )
    assert "'end_time'" in await api.refused("POST", "/appointments", {**body, "end_time": start})
    assert "'start_time'" in await api.refused(
        "POST", "/appointments", {**body, "start_time": "soon"}
    )
    assert "'customer_id'" in await api.refused("POST", "/appointments", {"start_time": start})


async def test_stock_update_and_rules(api: AutoSync) -> None:
    part = (await api.ok("/inventory", per_page=1))["data"][0]
    path = f"/inventory/{part['id']}"
    updated = await api.write("PATCH", path, {"quantity": 0, "price": Decimal("99.95")}, 200)
    assert (updated["quantity"], updated["price"], updated["cost"]) == (
        0,
        Decimal("99.95"),
        part["cost"],
    )
    assert (await api.ok(path))["data"] == updated
    assert "'quantity'" in await api.refused("PATCH", path, {"quantity": -1})
    assert "'quantity'" in await api.refused("PATCH", path, {"quantity": Decimal("1.5")})
    assert "'cost'" in await api.refused("PATCH", path, {"cost": Decimal("-0.01")})
    assert "'price'" in await api.refused("PATCH", path, {"price": "12.00"})
    assert (
        await api.refused("PATCH", path, {"bin": "A1"})
        == "The request body has no fields to update."
    )
    status, answer, _ = await api.send("PATCH", "/inventory/1", {"quantity": 1})
    assert (status, answer["error"]["code"]) == (404, "not_found")


async def test_no_idempotency_a_repeat_creates_twice(api: AutoSync) -> None:
    body = {"first_name": "Twice", "last_name": "Sent", "referenceId": "ignored-1"}
    first = await api.write("POST", "/customers", body)
    second = await api.write("POST", "/customers", body)
    assert first["id"] != second["id"]
    assert len((await api.ok("/customers", search="Twice"))["data"]) == 2


async def test_writes_are_shop_scoped_and_need_json(api: AutoSync) -> None:
    url = api.vendor.base_url + "/shops/2/customers"
    status, answer, _ = await exact_call(api.http, "POST", url, api.headers, {"first_name": "A"})
    assert (status, answer["error"]["code"]) == (403, "forbidden")
    status, answer, _ = await api.send("POST", "/customers", ["not", "an", "object"])
    assert (status, answer["error"]["code"]) == (400, "invalid_parameter")

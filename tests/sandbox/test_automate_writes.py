"""Auto/Mate writes over real HTTP: the three documented writes land in the tables the reads
serve, every rule answers its status with the field named, deal figures are exact to the
cent, the customer upsert matches as documented and deals honour referenceId."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sandbox import RunningSandbox, SandboxOptions, start_sandbox
from tests.sandbox.helpers import FakeClock, SupergoodClient, autosoft_login, exact_call, login_as

pytestmark = pytest.mark.asyncio(loop_scope="module")

TODAY: date = SandboxOptions().today
LATER = (TODAY + timedelta(days=3)).isoformat()
CENT = Decimal("0.01")
Body = dict[str, Any]


class AutoMate(SupergoodClient):
    async def send(self, method: str, path: str, body: Any = None) -> Any:
        """(status, body, headers); money goes both ways as exact decimals."""
        headers = {"Authorization": f"Bearer {self.token}"}
        return await exact_call(self.http, method, self.vendor.base_url + path, headers, body)

    async def read(self, path: str) -> Any:
        status, body, _ = await self.send("GET", path)
        assert status == 200, body
        return body

    async def write(self, path: str, body: Body, status: int = 201) -> Any:
        got, answer, _ = await self.send("POST", path, body)
        assert got == status, answer
        return answer

    async def refused(self, path: str, body: Any, status: int = 422) -> list[str]:
        """The fields a refusal names, checking the family's error shape on the way."""
        got, answer, _ = await self.send("POST", path, body)
        assert got == status, answer
        error = answer["error"]
        assert error["code"] == {422: "validation_failed", 409: "conflict"}[status]
        assert error["message"] == error["details"][0]["message"]
        return [d["field"] for d in error["details"]]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running() -> AsyncIterator[RunningSandbox]:
    sb = await start_sandbox(SandboxOptions(), vendors=("automate",))
    yield sb
    await sb.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(http: aiohttp.ClientSession, running: RunningSandbox) -> AutoMate:
    vendor = running.vendors["automate"]
    vendor.state.auth.clock = FakeClock(time.time())
    status, body = await autosoft_login(http, vendor, at=vendor.state.auth.clock.now)
    assert status == 200, body
    return AutoMate(http, vendor, body["authToken"])


def _customer_body(external_id: str | None, email: str, **over: Any) -> Body:
    """The page's example body."""
    body: Body = {
        "externalId": external_id,
        "customerType": "retail",
        "firstName": "Ava",
        "lastName": "Martinez",
        "emails": [email],
        "phones": [{"type": "mobile", "number": "+15551234567"}],
        "address": {
            "line1": "500 Elm St",
            "city": "Buffalo",
            "region": "NY",
            "postalCode": "14201",
            "country": "US",
        },
        "driversLicense": {"number": "M1234567", "state": "NY"},
        "dateOfBirth": "1992-03-04",
        "marketingOptIn": {"email": True, "sms": True, "phone": False},
        "source": "Website Form",
        "notes": "Interested in Accord, prefers weekends.",
    }
    return {**body, **over}


def _deal_body(customer_id: str, vin: str, ref: str | None, **over: Any) -> Body:
    """The page's example body, on a customer and vehicle this store has."""
    body: Body = {
        "referenceId": ref,
        "customerId": customer_id,
        "vehicle": {"vin": vin},
        "pricing": {
            "salePrice": Decimal("24995.00"),
            "discounts": Decimal("500.00"),
            "rebates": Decimal("1000.00"),
        },
        "tradeIn": {
            "vin": "2FMPK4K82KBB12345",
            "acv": Decimal("8000.00"),
            "payoff": Decimal("9500.00"),
            "lienholder": "ABC Credit Union",
        },
        "finance": {
            "cashDown": Decimal("2000.00"),
            "termMonths": 60,
            "aprPercent": Decimal("5.49"),
            "lenderCode": "ALLY",
            "products": [
                {"code": "VSC", "name": "Service Contract", "price": Decimal("1495.00")},
                {"code": "GAP", "name": "GAP Coverage", "price": Decimal("695.00")},
            ],
        },
        "fees": [
            {"code": "DOC", "description": "Doc Fee", "amount": Decimal("175.00")},
            {"code": "REG", "description": "Registration", "amount": Decimal("180.00")},
        ],
        "taxes": {"ratePercent": Decimal("8.75")},
        "salespersonId": None,
        "fniManagerId": None,
        "status": "penciled",
    }
    return {**body, **over}


async def _in_stock(api: AutoMate, index: int) -> Body:
    return (await api.ok("/vehicles", status="in_stock", pageSize=30))["items"][index]


async def _someone(api: AutoMate, index: int) -> Body:
    return (await api.ok("/customers", customerType="retail", pageSize=30))["items"][index]


def _monthly(principal: Decimal, apr: Decimal, months: int) -> Decimal:
    rate = apr / 1200
    factor = (1 + rate) ** months
    return (principal * rate * factor / (factor - 1)).quantize(CENT, ROUND_HALF_UP)


# --- customers ---------------------------------------------------------------------------


async def test_upsert_creates_then_matches(api: AutoMate) -> None:
    total = (await api.ok("/customers"))["total"]
    body = _customer_body("lead_9f21a", "ava.martinez@example.org")
    answer = await api.write("/customers", body)
    assert list(answer) == ["customerId", "status", "matchedBy", "updatedAt"]
    assert (answer["status"], answer["matchedBy"]) == ("upserted", None)
    assert answer["updatedAt"].startswith(TODAY.isoformat())
    customer_id = answer["customerId"]
    row = await api.read(f"/customers/{customer_id}")
    assert {k: row[k] for k in body} == body
    assert (row["companyName"], row["createdAt"]) == (None, answer["updatedAt"])
    assert (await api.ok("/customers"))["total"] == total + 1
    found = await api.ok("/customers", externalId="lead_9f21a")
    assert [c["customerId"] for c in found["items"]] == [customer_id]
    assert (await api.ok("/customers", search="5551234567"))["total"] >= 1

    # By externalId: contacts are added, the rest replaced where given.
    again = _customer_body(
        "lead_9f21a",
        "AVA.MARTINEZ@example.org",
        phones=[{"type": "work", "number": "+17165550100"}],
        notes="Wants a test drive.",
        marketingOptIn={"sms": False},
    )
    answer = await api.write("/customers", again, 200)
    assert (answer["customerId"], answer["matchedBy"]) == (customer_id, "externalId")
    row = await api.read(f"/customers/{customer_id}")
    assert row["emails"] == ["ava.martinez@example.org"]
    assert [p["number"] for p in row["phones"]] == ["+15551234567", "+17165550100"]
    assert row["notes"] == "Wants a test drive."
    assert row["marketingOptIn"] == {"email": True, "sms": False, "phone": False}

    # By name and contact, any case: the same record.
    by_name = {"firstName": "AVA", "lastName": "martinez", "phones": again["phones"]}
    answer = await api.write("/customers", by_name, 200)
    assert (answer["customerId"], answer["matchedBy"]) == (customer_id, "name_contact")
    # The same name with another contact is someone else.
    other = await api.write("/customers", {**by_name, "phones": [{"number": "+17165550199"}]})
    assert other["customerId"] != customer_id and other["matchedBy"] is None
    assert (await api.read(f"/customers/{other['customerId']}"))["phones"] == [
        {"type": "mobile", "number": "+17165550199"}
    ]
    assert (await api.ok("/customers"))["total"] == total + 2


async def test_customer_types(api: AutoMate) -> None:
    lead = {
        "customerType": "lead",
        "firstName": "Noah",
        "lastName": "Brandt",
        "emails": ["noah.brandt@example.org"],
    }
    created = await api.write("/customers", lead)
    path = f"/customers/{created['customerId']}"
    assert await api.refused("/customers", {**lead, "dateOfBirth": "1990-01-01"}) == ["dateOfBirth"]
    # A prospect becomes a retail customer, and is never turned back into a lead.
    await api.write("/customers", {**lead, "customerType": "retail"}, 200)
    await api.write("/customers", lead, 200)
    assert (await api.read(path))["customerType"] == "retail"
    assert await api.refused(
        "/customers", {**lead, "customerType": "fleet", "companyName": "Brandt Co"}
    ) == ["customerType"]
    assert await api.refused("/customers", {**lead, "companyName": "Brandt Co"}) == ["companyName"]
    fleet = {**lead, "customerType": "fleet", "emails": ["fleet@brandt.example.org"]}
    assert await api.refused("/customers", fleet) == ["companyName"]
    made = await api.write("/customers", {**fleet, "companyName": "Brandt Logistics"})
    row = await api.read(f"/customers/{made['customerId']}")
    assert (row["customerType"], row["companyName"]) == ("fleet", "Brandt Logistics")
    assert (await api.ok("/customers", customerType="fleet", search="Brandt Log"))["total"] == 1


async def test_customer_validation(api: AutoMate) -> None:
    good = _customer_body(None, "v@example.org")
    cases: list[tuple[Body, list[str]]] = [
        ({**good, "firstName": " "}, ["firstName"]),
        ({**good, "customerType": "vip"}, ["customerType"]),
        ({**good, "emails": ["not-mail"]}, ["emails[0]"]),
        ({**good, "emails": "v@example.org"}, ["emails"]),
        ({**good, "phones": [{"type": "pager", "number": "555-1234"}]}, ["phones[0].type"]),
        ({**good, "phones": [{"number": "(555) 123-4567"}]}, ["phones[0].number"]),
        ({**good, "emails": [], "phones": []}, ["emails"]),
        ({**good, "address": {"line1": "500 Elm St", "country": "USA"}}, ["address.city"]),
        ({**good, "driversLicense": {"number": "M1"}}, ["driversLicense.state"]),
        ({**good, "dateOfBirth": "04/03/1992"}, ["dateOfBirth"]),
        ({**good, "dateOfBirth": (TODAY + timedelta(days=1)).isoformat()}, ["dateOfBirth"]),
        ({**good, "marketingOptIn": {"sms": "yes"}}, ["marketingOptIn.sms"]),
        ({**good, "externalId": "x" * 101}, ["externalId"]),
    ]
    for body, fields in cases:
        assert (await api.refused("/customers", body))[: len(fields)] == fields, body
    assert await api.refused("/customers", {}) == ["firstName", "lastName", "emails"]
    # An externalId alone is enough to find the record again.
    assert await api.write(
        "/customers", {"externalId": "crm-77", "firstName": "A", "lastName": "B"}
    )
    status, answer, _ = await api.send("POST", "/customers", None)
    assert (status, answer["error"]["code"]) == (400, "invalid_parameter")


async def test_customer_match_conflicts(api: AutoMate) -> None:
    seeded = next(c for c in await api.all("/customers") if c["externalId"])
    same_person = {
        "externalId": "crm-other",
        "firstName": seeded["firstName"],
        "lastName": seeded["lastName"],
        "emails": seeded["emails"],
    }
    assert await api.refused("/customers", same_person, 409) == ["externalId"]
    # Its own externalId, or none, finds it.
    assert (await api.write("/customers", {**same_person, "externalId": None}, 200))[
        "customerId"
    ] == seeded["customerId"]
    twins = [
        {"firstName": "Sam", "lastName": "Park", "emails": [f"sam{i}@example.org"]} for i in (1, 2)
    ]
    for twin in twins:
        await api.write("/customers", twin)
    both = {**twins[0], "emails": ["sam1@example.org", "sam2@example.org"]}
    assert await api.refused("/customers", both, 409) == ["externalId"]
    assert (await api.ok("/customers", search="sam1@example.org"))["total"] == 1


# --- deals -------------------------------------------------------------------------------


async def test_page_example_deal_figures(api: AutoMate) -> None:
    customer, vehicle = await _someone(api, 0), await _in_stock(api, 0)
    numbers = [d["dealNumber"] for d in await api.all("/deals")]
    body = _deal_body(customer["customerId"], vehicle["vin"], "webcheckout-8821")
    answer = await api.write("/deals", body)
    assert list(answer) == ["dealId", "dealNumber", "status", "createdAt"]
    highest = max(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert answer["dealNumber"] == f"D-{TODAY.year}-{highest + 1:05d}"
    assert answer["status"] == "penciled" and answer["createdAt"].startswith(TODAY.isoformat())

    deal = await api.read(f"/deals/{answer['dealId']}")
    tax = (Decimal("24995.00") - 500 - 8000) * Decimal("0.0875")  # 1443.3125
    assert deal["taxes"] == {"ratePercent": Decimal("8.75"), "amount": Decimal("1443.31")}
    assert tax.quantize(CENT, ROUND_HALF_UP) == Decimal("1443.31")
    financed = (
        (Decimal("24995.00") - 500 - 1000 + 175 + 180 + Decimal("1443.31") + 1495 + 695)
        - 8000
        + 9500
        - 2000
    )
    assert deal["finance"]["monthlyPayment"] == _monthly(financed, Decimal("5.49"), 60)
    assert (deal["dealType"], deal["referenceId"], deal["status"]) == (
        "finance",
        "webcheckout-8821",
        "penciled",
    )
    assert deal["vehicle"] == {k: vehicle[k] for k in ("vehicleId", "vin", "stockNumber")}
    assert deal["pricing"] == body["pricing"] and deal["fees"] == body["fees"]
    assert deal["finance"]["products"] == body["finance"]["products"]
    assert deal["tradeIn"]["acv"] == Decimal("8000.00")
    assert deal["tradeIn"]["lienholder"] == "ABC Credit Union"
    assert deal["salespersonId"] == api.vendor.state.api_user.user_id
    assert deal["fniManagerId"] is None and deal["coBuyerId"] is None
    listed = await api.ok("/deals", customerId=customer["customerId"], status="penciled")
    assert answer["dealId"] in {d["dealId"] for d in listed["items"]}
    assert (await api.ok("/deals", vin=vehicle["vin"].lower()))["total"] >= 1


async def test_cash_deal_takes_the_store_rate(api: AutoMate) -> None:
    customer, vehicle = await _someone(api, 1), await _in_stock(api, 1)
    users = await api.all("/users")
    seller = next(u for u in users if u["role"] == "salesperson" and u["isActive"])
    fni = next(u for u in users if u["role"] == "fni_manager" and u["isActive"])
    body = {
        "customerId": customer["customerId"],
        "vehicle": {"vin": vehicle["vin"]},
        "pricing": {"salePrice": Decimal("19990.00")},
        "finance": {"cashDown": Decimal("500.00")},
        "salespersonId": seller["userId"],
        "fniManagerId": fni["userId"],
    }
    deal = await api.read(f"/deals/{(await api.write('/deals', body))['dealId']}")
    rate = api.vendor.state.world.store.tax_rate
    assert deal["taxes"]["ratePercent"] == rate * 100
    assert deal["taxes"]["amount"] == (Decimal("19990.00") * rate).quantize(CENT, ROUND_HALF_UP)
    assert deal["dealType"] == "cash" and deal["referenceId"] is None
    assert deal["finance"] == {
        "cashDown": Decimal("500.00"),
        "termMonths": None,
        "aprPercent": None,
        "lenderCode": None,
        "monthlyPayment": None,
        "products": [],
    }
    assert (deal["salespersonId"], deal["fniManagerId"]) == (seller["userId"], fni["userId"])
    assert deal["tradeIn"] is None and deal["fees"] == []


async def test_deal_validation(api: AutoMate) -> None:
    customer, vehicle = await _someone(api, 2), await _in_stock(api, 2)
    sold = (await api.ok("/vehicles", status="retail_sold", pageSize=1))["items"][0]
    technician = (await api.ok("/users", role="technician", pageSize=1))["items"][0]
    good = _deal_body(customer["customerId"], vehicle["vin"], None)
    finance, trade = good["finance"], good["tradeIn"]
    cases: list[tuple[Body, list[str]]] = [
        ({**good, "customerId": "cust_nobody"}, ["customerId"]),
        ({**good, "vehicle": {"vin": sold["vin"]}}, ["vehicle.vin"]),
        ({**good, "vehicle": {"vin": "1FTEW1EP5PKD12345"}}, ["vehicle.vin"]),
        ({**good, "vehicle": {"stockNumber": vehicle["stockNumber"]}}, ["vehicle.vin"]),
        ({**good, "pricing": {"salePrice": Decimal("0.00")}}, ["pricing.salePrice"]),
        (
            {**good, "pricing": {"salePrice": 900, "discounts": 500, "rebates": 400}},
            ["pricing.discounts"],
        ),
        ({**good, "tradeIn": {**trade, "vin": vehicle["vin"]}}, ["tradeIn.vin"]),
        ({**good, "tradeIn": {**trade, "lienholder": None}}, ["tradeIn.lienholder"]),
        ({**good, "tradeIn": {"vin": trade["vin"]}}, ["tradeIn.acv"]),
        ({**good, "finance": {**finance, "termMonths": 120}}, ["finance.termMonths"]),
        ({**good, "finance": {**finance, "aprPercent": Decimal("5.499")}}, ["finance.aprPercent"]),
        ({**good, "finance": {"lenderCode": "ALLY"}}, ["finance.termMonths", "finance.aprPercent"]),
        ({**good, "finance": {**finance, "cashDown": Decimal("90000.00")}}, ["finance.cashDown"]),
        (
            {**good, "finance": {**finance, "products": [{"code": "VSC"}]}},
            ["finance.products[0].price"],
        ),
        ({**good, "fees": [*good["fees"], {"code": "doc", "amount": 1}]}, ["fees[2].code"]),
        ({**good, "taxes": {"ratePercent": Decimal("30")}}, ["taxes.ratePercent"]),
        ({**good, "taxes": {"ratePercent": Decimal("8.8755")}}, ["taxes.ratePercent"]),
        ({**good, "salespersonId": technician["userId"]}, ["salespersonId"]),
        ({**good, "fniManagerId": technician["userId"]}, ["fniManagerId"]),
        ({**good, "status": "contracted"}, ["status"]),
    ]
    for body, fields in cases:
        assert await api.refused("/deals", body) == fields, body
    assert await api.refused("/deals", {}) == ["customerId", "vehicle", "pricing"]


async def test_deal_reference_id(api: AutoMate) -> None:
    customer, vehicle = await _someone(api, 3), await _in_stock(api, 3)
    body = _deal_body(customer["customerId"], vehicle["vin"], "dw-replay")
    first = await api.write("/deals", body)
    total = (await api.ok("/deals"))["total"]
    # The same request, its numbers spelled differently: the first answer, nothing new.
    again = {**body, "pricing": {**body["pricing"], "salePrice": 24995}}
    status, replay, headers = await api.send("POST", "/deals", again)
    assert (status, replay, headers["Idempotent-Replayed"]) == (201, first, "true")
    other = {**body, "finance": None}
    assert await api.refused("/deals", other, 409) == ["referenceId"]
    seeded = next(d["referenceId"] for d in await api.all("/deals") if d["referenceId"])
    assert await api.refused("/deals", {**body, "referenceId": seeded}, 409) == ["referenceId"]
    assert (await api.ok("/deals"))["total"] == total
    # A refused request claims no key: corrected, it creates the deal.
    bad = {**body, "referenceId": "dw-fixed", "status": "delivered"}
    assert await api.refused("/deals", bad) == ["status"]
    assert (await api.write("/deals", {**bad, "status": "penciled"}))["status"] == "penciled"


# --- service appointments ----------------------------------------------------------------


async def test_appointment_page_example(api: AutoMate) -> None:
    customer = await _someone(api, 4)
    advisor = (await api.ok("/users", role="service_advisor", isActive="true"))["items"][0]
    body = {
        "customerId": customer["customerId"],
        "vin": "1HGCM82633A004352",
        "appointmentTime": f"{LATER}T14:30:00-05:00",
        "advisorId": advisor["userId"],
        "opCodes": [
            {"code": "LOF", "description": "Lube, Oil & Filter", "laborHours": Decimal("0.5")},
            {"code": "TIRE_ROT", "description": "Tire Rotation", "laborHours": Decimal("0.3")},
        ],
        "concern": "Oil change and rotation before road trip",
        "transportation": "shuttle",
        "notes": "Customer will wait on-site",
    }
    answer = await api.write("/service/appointments", body)
    assert list(answer) == ["appointmentId", "status", "department", "createdAt"]
    assert (answer["status"], answer["department"]) == ("scheduled", "service")
    row = await api.read(f"/service/appointments/{answer['appointmentId']}")
    assert row["appointmentTime"] == f"{LATER}T19:30:00Z"
    assert (row["opCodes"], row["durationMinutes"]) == (body["opCodes"], 60)
    for key in ("customerId", "vin", "advisorId", "concern", "transportation", "notes"):
        assert row[key] == body[key], key
    listed = await api.ok(
        "/service/appointments", advisorId=advisor["userId"], appointmentFrom=LATER
    )
    assert answer["appointmentId"] in {a["appointmentId"] for a in listed["items"]}

    # Catalog codes need only the code; with no advisor one is routed.
    routed = await api.write(
        "/service/appointments",
        {
            "customerId": customer["customerId"],
            "vin": body["vin"],
            "appointmentTime": f"{LATER}T16:00:00Z",
            "opCodes": [{"code": "brkfr"}],
        },
    )
    row = await api.read(f"/service/appointments/{routed['appointmentId']}")
    assert row["opCodes"] == [
        {
            "code": "BRKFR",
            "description": "Replace front brake pads and rotors",
            "laborHours": Decimal("2.2"),
        }
    ]
    assert (row["durationMinutes"], row["transportation"]) == (150, "waiter")
    assert row["advisorId"] in {
        u["userId"] for u in await api.all("/users", role="service_advisor", isActive="true")
    }


async def test_appointment_validation(api: AutoMate) -> None:
    customer = await _someone(api, 5)
    technician = (await api.ok("/users", role="technician", pageSize=1))["items"][0]
    good = {
        "customerId": customer["customerId"],
        "vin": "1HGCM82633A004352",
        "appointmentTime": f"{LATER}T15:00:00Z",
        "opCodes": [{"code": "LOF"}],
    }
    past = (TODAY - timedelta(days=1)).isoformat() + "T15:00:00Z"
    far = (TODAY + timedelta(days=400)).isoformat() + "T15:00:00Z"
    cases: list[tuple[Body, list[str]]] = [
        ({**good, "customerId": "cust_nobody"}, ["customerId"]),
        ({**good, "vin": "1HGCM82633A00435"}, ["vin"]),
        ({**good, "appointmentTime": past}, ["appointmentTime"]),
        ({**good, "appointmentTime": far}, ["appointmentTime"]),
        ({**good, "appointmentTime": "next tuesday"}, ["appointmentTime"]),
        ({**good, "advisorId": technician["userId"]}, ["advisorId"]),
        (
            {**good, "opCodes": [{"code": "WASH"}]},
            ["opCodes[0].description", "opCodes[0].laborHours"],
        ),
        ({**good, "opCodes": [{"code": "LOF"}, {"code": "lof"}]}, ["opCodes[1].code"]),
        (
            {**good, "opCodes": [{"code": "LOF", "laborHours": Decimal("0.25")}]},
            ["opCodes[0].laborHours"],
        ),
        ({**good, "opCodes": []}, ["concern"]),
        ({**good, "transportation": "rideshare"}, ["transportation"]),
    ]
    for body, fields in cases:
        assert await api.refused("/service/appointments", body) == fields, body
    # No idempotency key here: the same request twice books twice.
    keyed = {**good, "referenceId": "aw-1"}
    first = await api.write("/service/appointments", keyed)
    second = await api.write("/service/appointments", keyed)
    assert first["appointmentId"] != second["appointmentId"]


async def test_writes_need_their_entitlement(api: AutoMate, http: aiohttp.ClientSession) -> None:
    vendor = api.vendor
    vendor.state.auth.clock.advance(300)  # a TOTP step no earlier login spent
    status, body = await login_as(
        http, vendor, vendor.state.service_user, at=vendor.state.auth.clock.now
    )
    assert status == 200, body
    advisor = AutoMate(http, vendor, body["authToken"])
    customer = await _someone(api, 6)
    deal = _deal_body(customer["customerId"], (await _in_stock(api, 6))["vin"], None)
    status, answer, _ = await advisor.send("POST", "/deals", deal)
    assert (status, answer["error"]["code"]) == (403, "forbidden")
    assert await advisor.write(
        "/customers", {"firstName": "Kim", "lastName": "Lo", "emails": ["kim.lo@example.org"]}
    )
    assert await advisor.write(
        "/service/appointments",
        {
            "customerId": customer["customerId"],
            "vin": "1HGCM82633A004352",
            "appointmentTime": f"{LATER}T17:00:00Z",
            "concern": "Noise",
        },
    )

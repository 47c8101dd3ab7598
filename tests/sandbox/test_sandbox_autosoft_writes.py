"""AutoSoft writes over real HTTP: each one lands in the tables the reads serve, every
validation rule answers 422 with the field, figures are exact, referenceId deduplicates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sandbox import SandboxOptions, VendorHandle
from tests.sandbox.helpers import WriteClient as AutoSoft

pytestmark = pytest.mark.asyncio(loop_scope="module")

TODAY: date = SandboxOptions().today
LATER = (TODAY + timedelta(days=3)).isoformat() + "T15:00:00Z"
CENT = Decimal("0.01")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(http: aiohttp.ClientSession, autosoft: VendorHandle, token: str) -> AutoSoft:
    return AutoSoft(http, autosoft, token)


async def _in_stock(api: AutoSoft, skip: int = 0) -> dict[str, Any]:
    page = await api.ok("/vehicles", status="in_stock", pageSize=20)
    return page["items"][skip]


async def _customer(api: AutoSoft, index: int = 0) -> dict[str, Any]:
    return (await api.ok("/customers", pageSize=20))["items"][index]


def _deal_body(customer: dict[str, Any], vehicle: dict[str, Any], ref: str) -> dict[str, Any]:
    """The page's example body, on a vehicle and buyer this store has."""
    return {
        "buyer": {"customerId": customer["customerId"], "coBuyerId": None},
        "vehicle": {"vin": vehicle["vin"], "stockNumber": vehicle["stockNumber"]},
        "saleType": "retail",
        "pricing": {
            "sellingPrice": Decimal("51995.00"),
            "docFee": Decimal("389.00"),
            "rebates": Decimal("1000.00"),
            "tradeAllowance": Decimal("9000.00"),
            "tradePayoff": Decimal("6500.00"),
            "cashDown": Decimal("2500.00"),
            "tax": {"rate": Decimal("0.07"), "basis": "selling_price_less_trade"},
            "fees": [
                {"code": "title", "amount": Decimal("150.00")},
                {"code": "registration", "amount": Decimal("125.00")},
            ],
        },
        "financing": {
            "termMonths": 36,
            "apr": Decimal("3.49"),
            "lenderPreference": "ALLY",
            "products": [
                {"code": "VSC", "name": "Vehicle Service Contract", "price": Decimal("1895.00")},
                {"code": "GAP", "name": "GAP Insurance", "price": Decimal("695.00")},
            ],
        },
        "referenceId": ref,
    }


def _lead_body(vehicle: dict[str, Any], email: str, ref: str) -> dict[str, Any]:
    return {
        "customer": {
            "firstName": "Jordan",
            "lastName": "Lee",
            "email": email,
            "phone": "+1-412-555-0199",
            "address": {
                "line1": "1200 Liberty Ave",
                "city": "Pittsburgh",
                "region": "PA",
                "postalCode": "15222",
                "country": "US",
            },
        },
        "source": "website_digital_retail",
        "vehicleOfInterest": {"vin": vehicle["vin"], "stockNumber": vehicle["stockNumber"]},
        "tradeIn": {"vin": "2HGFB2F50CH000000", "mileage": 86000},
        "notes": "Prefers 36-month term; open to extended warranty.",
        "consent": {"tcpA": True, "email": True, "sms": False},
        "referenceId": ref,
    }


def _monthly(principal: Decimal, apr: Decimal, months: int) -> Decimal:
    rate = apr / 1200
    factor = (1 + rate) ** months
    return (principal * rate * factor / (factor - 1)).quantize(CENT, ROUND_HALF_UP)


async def test_lead_lands_in_leads_and_customers(api: AutoSoft) -> None:
    vehicle = await _in_stock(api)
    before = (await api.ok("/leads", status="new"))["total"]
    answer = await api.created("/leads", _lead_body(vehicle, "jordan.lee@example.org", "lw-1"))
    assert set(answer) == {"leadId", "status", "createdAt", "referenceId"}
    assert (answer["status"], answer["referenceId"]) == ("new", "lw-1")
    assert answer["createdAt"].startswith(TODAY.isoformat())

    assert (await api.ok("/leads", status="new"))["total"] == before + 1
    lead = await api.ok(f"/leads/{answer['leadId']}")
    assert lead["vehicleOfInterest"] == {
        "vin": vehicle["vin"],
        "stockNumber": vehicle["stockNumber"],
    }
    assert lead["consent"] == {"tcpA": True, "email": True, "sms": False}
    # A new person becomes a customer; a known e-mail finds the one on file.
    found = await api.ok("/customers", search="jordan.lee@example.org")
    assert [c["customerId"] for c in found["items"]] == [lead["customerId"]]
    known = await _customer(api, 3)
    again = await api.created("/leads", _lead_body(vehicle, known["email"].upper(), "lw-2"))
    assert (await api.ok(f"/leads/{again['leadId']}"))["customerId"] == known["customerId"]


async def test_lead_validation(api: AutoSoft) -> None:
    vehicle = await _in_stock(api)
    good = _lead_body(vehicle, "a@example.org", "lw-bad")
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"customer": {"firstName": " "}, "source": "x"}, ["customer.firstName"]),
        (
            {**good, "customer": {"firstName": "A", "lastName": "B", "email": "not-mail"}},
            ["customer.email"],
        ),
        ({**good, "customer": {"firstName": "A", "lastName": "B"}}, ["customer.email"]),
        ({**good, "source": "billboard"}, ["source"]),
        (
            {**good, "vehicleOfInterest": {"stockNumber": "NOPE1"}},
            ["vehicleOfInterest.stockNumber"],
        ),
        ({**good, "tradeIn": {"vin": "SHORT", "mileage": -1}}, ["tradeIn.vin", "tradeIn.mileage"]),
        ({**good, "consent": {"tcpA": "yes"}}, ["consent.tcpA"]),
        ({**good, "customerId": "cust_nobody"}, ["customerId"]),
    ]
    for body, fields in cases:
        got = await api.refused("POST", "/leads", body)
        assert got[: len(fields)] == fields, (body, got)
    everything = await api.refused("POST", "/leads", {"referenceId": "lw-bad"})
    assert everything == ["customer", "source", "consent"]
    status, answer, _ = await api.send("POST", "/leads", None)
    assert (status, answer["error"]["code"]) == (400, "invalid_parameter")


async def test_deal_figures_are_exact_and_listed(api: AutoSoft) -> None:
    customer, vehicle = await _customer(api), await _in_stock(api, 1)
    mine = len(await api.all("/deals", customerId=customer["customerId"]))
    answer = await api.created("/deals", _deal_body(customer, vehicle, "dw-1"))
    assert set(answer) == {"dealId", "status", "paymentOptions", "createdAt", "referenceId"}
    tax = (Decimal("51995.00") - Decimal("9000.00")) * Decimal("0.07")
    financed = (
        (Decimal("51995.00") + 389 + tax.quantize(CENT) + 150 + 125 + 1895 + 695 - 1000)
        - (9000 - 6500)
        - 2500
    )
    assert answer["status"] == "draft"
    assert answer["paymentOptions"] == {
        "monthly": _monthly(financed, Decimal("3.49"), 36),
        "termMonths": 36,
        "apr": Decimal("3.49"),
    }
    deal = await api.ok(f"/deals/{answer['dealId']}")
    assert deal["pricing"]["tax"]["amount"] == tax.quantize(CENT, ROUND_HALF_UP)
    assert deal["vehicle"]["vehicleId"] == vehicle["vehicleId"]
    assert deal["salespersonId"] == api.vendor.state.api_user.user_id
    listed = await api.all("/deals", customerId=customer["customerId"])
    assert len(listed) == mine + 1 and answer["dealId"] in {d["dealId"] for d in listed}

    cash = _deal_body(customer, vehicle, "dw-cash")
    cash.update(saleType="cash", financing=None)
    answer = await api.created("/deals", cash)
    assert answer["paymentOptions"] is None


async def test_deal_validation(api: AutoSoft) -> None:
    customer, vehicle = await _customer(api), await _in_stock(api, 2)
    sold = (await api.ok("/vehicles", status="retail_sold", pageSize=1))["items"][0]
    good = _deal_body(customer, vehicle, "dw-bad")
    pricing = good["pricing"]
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({**good, "buyer": {"customerId": "cust_nobody"}}, ["buyer.customerId"]),
        ({**good, "vehicle": {"vin": sold["vin"]}}, ["vehicle"]),
        (
            {**good, "vehicle": {"vin": vehicle["vin"], "stockNumber": sold["stockNumber"]}},
            ["vehicle.stockNumber"],
        ),
        ({**good, "saleType": "lease"}, ["saleType"]),
        (
            {**good, "pricing": {**pricing, "sellingPrice": Decimal("-1.00")}},
            ["pricing.sellingPrice"],
        ),
        ({**good, "pricing": {**pricing, "docFee": Decimal("389.005")}}, ["pricing.docFee"]),
        ({**good, "pricing": {**pricing, "rebates": "1000.00"}}, ["pricing.rebates"]),
        ({**good, "pricing": {**pricing, "tax": {"rate": Decimal("0.5")}}}, ["pricing.tax.rate"]),
        ({**good, "pricing": {**pricing, "fees": [{"code": "x"}]}}, ["pricing.fees[0].amount"]),
        ({**good, "pricing": {**pricing, "cashDown": Decimal("90000")}}, ["pricing.cashDown"]),
        ({**good, "financing": None}, ["financing"]),
        ({**good, "saleType": "cash"}, ["financing"]),
        (
            {**good, "financing": {"termMonths": 6, "apr": Decimal("3.499")}},
            ["financing.termMonths", "financing.apr"],
        ),
    ]
    for body, fields in cases:
        assert await api.refused("POST", "/deals", body) == fields, body
    # Refused requests claim nothing: the same key then creates the deal.
    assert (await api.created("/deals", good))["status"] == "draft"


async def test_reference_id_replays_and_conflicts(api: AutoSoft) -> None:
    customer, vehicle = await _customer(api, 1), await _in_stock(api, 3)
    body = _deal_body(customer, vehicle, "dw-replay")
    first = await api.created("/deals", body)
    total = (await api.ok("/deals"))["total"]
    # The same request again, its numbers spelled differently: the first answer, nothing new.
    again = {**body, "pricing": {**body["pricing"], "sellingPrice": 51995}}
    status, replay, headers = await api.send("POST", "/deals", again)
    assert (status, replay) == (201, first)
    assert headers["Idempotent-Replayed"] == "true"
    assert (await api.ok("/deals"))["total"] == total
    # The same key with another request is a conflict.
    other = {**body, "saleType": "cash", "financing": None}
    status, answer, _ = await api.send("POST", "/deals", other)
    assert (status, answer["error"]["code"]) == (409, "conflict")
    assert answer["error"]["details"][0]["field"] == "referenceId"
    # Keys are per endpoint, and the seeded records' keys are taken.
    assert await api.created("/leads", _lead_body(vehicle, "r@example.org", "dw-replay"))
    seeded = next(
        d for d in await api.all("/deals") if (d["referenceId"] or "").startswith("deal-DR-")
    )
    status, answer, _ = await api.send(
        "POST", "/deals", _deal_body(customer, vehicle, seeded["referenceId"])
    )
    assert status == 409
    assert (await api.ok("/deals"))["total"] == total


async def test_deal_moves_in_order_and_sells_the_vehicle(api: AutoSoft) -> None:
    customer, vehicle = await _customer(api, 2), await _in_stock(api, 4)
    deal = await api.created("/deals", _deal_body(customer, vehicle, "dw-flow"))
    path = f"/deals/{deal['dealId']}"

    async def patch(body: dict[str, Any]) -> dict[str, Any]:
        status, answer, _ = await api.send("PATCH", path, body)
        assert status == 200, answer
        return answer

    assert await api.refused("PATCH", path, {"status": "approved"}) == ["status"]
    assert await api.refused(
        "PATCH", path, {"lenderDecision": {"lenderId": "ALLY", "decision": "approved"}}
    ) == ["lenderDecision"]
    cheaper = await patch({"status": "pending", "pricing": {"cashDown": Decimal("5000.00")}})
    assert cheaper["status"] == "pending"
    assert cheaper["paymentOptions"]["monthly"] < deal["paymentOptions"]["monthly"]
    approved = await patch(
        {
            "lenderDecision": {
                "lenderId": "ALLY",
                "decision": "approved",
                "approvedApr": Decimal("2.99"),
            }
        }
    )
    assert (approved["status"], approved["lenderStatus"]) == ("approved", "approved")
    assert approved["paymentOptions"]["apr"] == Decimal("2.99")
    assert await api.refused("PATCH", path, {"pricing": {"sellingPrice": Decimal("100.00")}}) == [
        "pricing.sellingPrice"
    ]
    assert await api.refused("PATCH", path, {"status": "delivered"}) == ["status"]
    assert (await patch({"status": "contracted"}))["status"] == "contracted"
    assert (await api.ok(f"/vehicles/{vehicle['vehicleId']}"))["status"] == "retail_sold"
    # The sold vehicle takes no new deal.
    assert await api.refused("POST", "/deals", _deal_body(customer, vehicle, "dw-2nd")) == [
        "vehicle"
    ]
    assert (await patch({"status": "delivered"}))["status"] == "delivered"
    assert await api.refused("PATCH", path, {"status": "cancelled"}) == ["status"]
    assert (await api.ok(path))["status"] == "delivered"
    status, answer, _ = await api.send("PATCH", "/deals/dl_000000", {"status": "pending"})
    assert (status, answer["error"]["code"]) == (404, "not_found")


async def test_cancelling_a_contract_returns_the_vehicle(api: AutoSoft) -> None:
    customer, vehicle = await _customer(api, 4), await _in_stock(api, 5)
    cash = {**_deal_body(customer, vehicle, "dw-unwind"), "saleType": "cash", "financing": None}
    path = f"/deals/{(await api.created('/deals', cash))['dealId']}"
    for status in ("pending", "approved", "contracted"):
        assert (await api.send("PATCH", path, {"status": status}))[0] == 200
    assert await api.refused("PATCH", path, {"financing": {"apr": Decimal("1.00")}}) == [
        "financing.apr"
    ]
    assert (await api.send("PATCH", path, {"status": "cancelled"}))[0] == 200
    assert (await api.ok(f"/vehicles/{vehicle['vehicleId']}"))["status"] == "in_stock"
    assert (await api.ok("/deals", status="cancelled", customerId=customer["customerId"]))[
        "total"
    ] >= 1


async def test_appointment_is_routed_and_listed(api: AutoSoft) -> None:
    customer = await _customer(api, 5)
    known = (await api.ok("/service/repair-orders", pageSize=1))["items"][0]["vehicle"]
    advisors = {u["userId"] for u in await api.all("/users", role="service_advisor", active="true")}
    body = {
        "customerId": customer["customerId"],
        "vehicle": {"vin": known["vin"]},
        "scheduledAt": LATER,
        "durationMinutes": 90,
        "opCodes": ["LOF", "ROT"],
        "transportation": "loaner",
        "referenceId": "aw-1",
    }
    answer = await api.created("/service/appointments", body)
    assert answer["advisorId"] in advisors and answer["status"] == "scheduled"
    listed = await api.ok(
        "/service/appointments", customerId=customer["customerId"], **{"from": LATER}
    )
    [row] = [a for a in listed["items"] if a["appointmentId"] == answer["appointmentId"]]
    assert row["vehicle"] == {k: known[k] for k in ("vin", "year", "make", "model")}
    assert (row["durationMinutes"], row["opCodes"], row["concern"]) == (90, ["LOF", "ROT"], None)

    past = (TODAY - timedelta(days=1)).isoformat() + "T15:00:00Z"
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({**body, "scheduledAt": past}, ["scheduledAt"]),
        ({**body, "scheduledAt": "next tuesday"}, ["scheduledAt"]),
        (
            {**body, "vehicle": {"vin": "1FTEW1EP5PKD12345"}},
            ["vehicle.year", "vehicle.make", "vehicle.model"],
        ),
        (
            {
                **body,
                "advisorId": next(u for u in await api.all("/users", role="technician"))["userId"],
            },
            ["advisorId"],
        ),
        ({**body, "opCodes": [], "concern": None}, ["concern"]),
        (
            {**body, "transportation": "rideshare", "durationMinutes": 5},
            ["durationMinutes", "transportation"],
        ),
        ({**body, "customerId": "cust_nobody"}, ["customerId"]),
    ]
    for case, fields in cases:
        assert (
            await api.refused("POST", "/service/appointments", {**case, "referenceId": None})
            == fields
        )


async def test_payment_moves_the_account(api: AutoSoft) -> None:
    accounts = await api.all("/accounting/ar-accounts", status="current")
    account = next(a for a in accounts if a["balance"] > 3 * a["nextDueAmount"])
    path = f"/accounting/ar-accounts/{account['accountId']}"
    receipts = [p["receiptNumber"] for p in await api.all("/accounting/payments")]
    due = account["nextDueAmount"]
    body = {
        "accountId": account["accountId"],
        "amount": due,
        "method": "check",
        "reference": "CHK 1201",
        "referenceId": "pw-1",
    }
    answer = await api.created("/accounting/payments", body)
    assert answer["receiptNumber"] == f"R-{int(max(receipts)[2:]) + 1:06d}"
    assert answer["balance"] == account["balance"] - due
    next_due = date.fromisoformat(account["nextDueDate"])
    later = date(next_due.year + next_due.month // 12, next_due.month % 12 + 1, next_due.day)
    assert answer["nextDueDate"] == later.isoformat()
    after = await api.ok(path)
    assert (after["balance"], after["nextDueDate"], after["status"]) == (
        answer["balance"],
        answer["nextDueDate"],
        "current",
    )
    mine = await api.all("/accounting/payments", accountId=account["accountId"])
    assert answer["paymentId"] in {p["paymentId"] for p in mine}

    future = (TODAY + timedelta(days=2)).isoformat() + "T10:00:00Z"
    closed = next(a for a in await api.all("/accounting/ar-accounts", status="paid_off"))
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({**body, "amount": after["balance"] + CENT}, ["amount"]),
        ({**body, "amount": Decimal("0.00")}, ["amount"]),
        ({**body, "amount": Decimal("10.001"), "method": "bitcoin"}, ["amount", "method"]),
        ({**body, "receivedAt": future}, ["receivedAt"]),
        ({**body, "accountId": closed["accountId"]}, ["accountId"]),
        ({**body, "accountId": "ar_nobody"}, ["accountId"]),
    ]
    for case, fields in cases:
        assert (
            await api.refused("POST", "/accounting/payments", {**case, "referenceId": None})
            == fields
        )

    rest = {**body, "amount": after["balance"], "referenceId": "pw-2"}
    paid = await api.created("/accounting/payments", rest)
    assert (paid["balance"], paid["nextDueDate"], paid["accountStatus"]) == (0, None, "paid_off")


async def test_paying_arrears_cures_a_past_due_account(api: AutoSoft) -> None:
    late = (await api.ok("/accounting/ar-accounts", status="past_due", pageSize=1))["items"][0]
    body = {"accountId": late["accountId"], "amount": late["pastDue"], "method": "cash"}
    answer = await api.created("/accounting/payments", body)
    assert answer["accountStatus"] == "current"
    after = await api.ok(f"/accounting/ar-accounts/{late['accountId']}")
    assert (after["pastDue"], after["daysPastDue"], after["nextDueDate"]) == (
        0,
        0,
        late["nextDueDate"],
    )

"""DealerCenter writes over real HTTP: each one lands in the tables the reads serve, every
validation rule answers 422 naming its field, figures are exact to the cent, a BHPH
payment moves its loan, and referenceId replays or conflicts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sandbox import SandboxOptions, VendorHandle, start_sandbox
from sandbox.dealercenter import loans
from sandbox.dealercenter.state import build_state
from tests.sandbox.helpers import WriteClient as DealerCenter
from tests.sandbox.helpers import signed_in

pytestmark = pytest.mark.asyncio(loop_scope="module")

TODAY: date = SandboxOptions().today
CENT = Decimal("0.01")
ACCOUNT_FIELDS = (
    "balance",
    "payoff",
    "nextDueDate",
    "nextDueAmount",
    "daysPastDue",
    "pastDueAmount",
    "lateFeesDue",
    "status",
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(http: aiohttp.ClientSession, dealercenter: VendorHandle) -> DealerCenter:
    return DealerCenter(http, dealercenter, await signed_in(http, dealercenter))


@pytest_asyncio.fixture(loop_scope="module")
async def fresh(http: aiohttp.ClientSession) -> AsyncIterator[DealerCenter]:
    """A sandbox of the test's own, for a test that numbers what the store holds: the
    module's other tests create deals in any order."""
    async with await start_sandbox(SandboxOptions(), vendors=("dealercenter",)) as sb:
        vendor = sb.vendors["dealercenter"]
        yield DealerCenter(http, vendor, await signed_in(http, vendor))


async def _in_stock(api: DealerCenter, index: int) -> dict[str, Any]:
    return (await api.ok("/inventory/vehicles", status="in_stock", pageSize=30))["items"][index]


async def _customer(api: DealerCenter, index: int) -> dict[str, Any]:
    return (await api.ok("/crm/customers", pageSize=30))["items"][index]


def _lender(api: DealerCenter) -> str:
    deals = api.vendor.state.deals
    return min(d["finance"]["lenderId"] for d in deals if (d["finance"] or {}).get("lenderId"))


def _lead_body(vehicle: dict[str, Any], email: str, ref: str | None) -> dict[str, Any]:
    """The page's example body, on a vehicle this store has."""
    return {
        "firstName": "Alex",
        "lastName": "Rivera",
        "email": email,
        "phone": "+15551234567",
        "source": "website",
        "channel": "digital_retail",
        "vehicleInterestId": vehicle["vehicleId"],
        "message": "Interested in a test drive this weekend.",
        "tcpaConsent": {"granted": True, "timestamp": "2026-11-19T15:10:00Z", "ip": "203.0.113.42"},
        "referenceId": ref,
    }


def _deal_body(
    api: DealerCenter, customer: dict[str, Any], vehicle: dict[str, Any], ref: str | None
) -> dict[str, Any]:
    """The page's example body (its tax amount left to the vendor), on a vehicle, buyer and
    lender this store has."""
    return {
        "vehicleId": vehicle["vehicleId"],
        "buyer": {"customerId": customer["customerId"]},
        "dealType": "finance",
        "salePrice": Decimal("21995.00"),
        "discounts": Decimal("500.00"),
        "fees": [
            {"code": "doc", "description": "Doc Fee", "amount": Decimal("150.00")},
            {"code": "ttl", "description": "Title/License", "amount": Decimal("220.00")},
        ],
        "tax": {"rate": Decimal("0.0825")},
        "tradeIn": {
            "enabled": True,
            "allowance": Decimal("3000.00"),
            "lienPayoff": Decimal("1200.00"),
            "vin": "2C3CDXBG9JH123456",
        },
        "downPayment": Decimal("2000.00"),
        "finance": {"termMonths": 72, "apr": Decimal("7.49"), "lenderId": _lender(api)},
        "submitCreditApplication": True,
        "attachments": [{"fileName": "paystub.pdf", "uploadToken": "upl_78ce10"}],
        "referenceId": ref,
    }


def _monthly(principal: Decimal, apr: Decimal, months: int) -> Decimal:
    rate = apr / 1200
    factor = (1 + rate) ** months
    return (principal * rate * factor / (factor - 1)).quantize(CENT, ROUND_HALF_UP)


def _state(account: dict[str, Any]) -> dict[str, Any]:
    return {k: account[k] for k in ACCOUNT_FIELDS}


# --- leads --------------------------------------------------------------------------------


async def test_lead_lands_in_leads_and_customers(api: DealerCenter) -> None:
    vehicle = await _in_stock(api, 0)
    before = (await api.ok("/crm/leads", status="new"))["total"]
    answer = await api.created("/crm/leads", _lead_body(vehicle, "alex.rivera@example.org", "l-1"))
    assert set(answer) == {"leadId", "status", "createdAt", "referenceId"}
    assert (answer["status"], answer["referenceId"]) == ("new", "l-1")
    assert answer["createdAt"].startswith(TODAY.isoformat())
    assert (await api.ok("/crm/leads", status="new"))["total"] == before + 1
    lead = await api.ok(f"/crm/leads/{answer['leadId']}")
    assert lead["vehicleInterestId"] == vehicle["vehicleId"]
    assert lead["tcpaConsent"] == {
        "granted": True,
        "timestamp": "2026-11-19T15:10:00Z",
        "ip": "203.0.113.42",
    }
    assert lead["updatedAt"] == lead["createdAt"] == answer["createdAt"]
    # A new person becomes a retail customer; a known e-mail finds the one on file.
    [customer] = (await api.ok("/crm/customers", search="alex.rivera@example.org"))["items"]
    assert customer["customerId"] == lead["customerId"]
    assert (customer["customerType"], customer["phone"]) == ("retail", "+15551234567")
    known = await _customer(api, 3)
    again = _lead_body(vehicle, known["email"].upper(), None)
    again.update(source="marketplace", channel=None, tcpaConsent=None, vehicleInterestId=None)
    lead = await api.ok(f"/crm/leads/{(await api.created('/crm/leads', again))['leadId']}")
    assert lead["customerId"] == known["customerId"]
    assert lead["channel"] == "listing"  # the source's usual channel
    assert lead["tcpaConsent"] == {"granted": False, "timestamp": None, "ip": None}
    assert lead["assignedUserId"] is None and lead["referenceId"] is None


async def test_lead_validation(api: DealerCenter) -> None:
    vehicle = await _in_stock(api, 0)
    good = _lead_body(vehicle, "v@example.org", None)
    users = await api.all("/users")
    collector = next(u for u in users if u["role"] == "collections")
    rep = next(u for u in users if u["role"] == "sales" and u["active"])
    future = (TODAY + timedelta(days=2)).isoformat() + "T10:00:00Z"
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({**good, "firstName": " ", "lastName": None}, ["firstName", "lastName"]),
        ({**good, "email": "not-mail"}, ["email"]),
        ({**good, "email": None, "phone": None}, ["email"]),
        ({**good, "phone": "(555) 123-4567"}, ["phone"]),
        ({**good, "source": "billboard", "channel": "fax"}, ["source", "channel"]),
        ({**good, "vehicleInterestId": "veh_000000"}, ["vehicleInterestId"]),
        ({**good, "customerId": "cust_nobody"}, ["customerId"]),
        ({**good, "tcpaConsent": {"granted": True}}, ["tcpaConsent.timestamp"]),
        (
            {**good, "tcpaConsent": {"timestamp": future}},
            ["tcpaConsent.granted", "tcpaConsent.timestamp"],
        ),
        (
            {**good, "tcpaConsent": {"granted": True, "timestamp": future, "ip": "1.2.3"}},
            ["tcpaConsent.timestamp", "tcpaConsent.ip"],
        ),
        (
            {**good, "tcpaConsent": {"granted": False, "ip": "203.0.113.9"}},
            ["tcpaConsent.ip"],
        ),
        ({**good, "assignedUserId": collector["userId"]}, ["assignedUserId"]),
        ({**good, "assignedUserId": "u_nobody"}, ["assignedUserId"]),
    ]
    for body, fields in cases:
        assert await api.refused("POST", "/crm/leads", body) == fields, body
    assert await api.refused("POST", "/crm/leads", {"referenceId": "l-bad"}) == [
        "firstName",
        "lastName",
        "email",
        "source",
    ]
    status, answer, _ = await api.send("POST", "/crm/leads", None)
    assert (status, answer["error"]["code"]) == (400, "invalid_parameter")
    # Refused requests claim nothing; an active salesperson may be assigned.
    lead = await api.created("/crm/leads", {**good, "assignedUserId": rep["userId"]})
    assigned = (await api.ok(f"/crm/leads/{lead['leadId']}"))["assignedUserId"]
    assert assigned == rep["userId"]
    listed = await api.all("/crm/leads", assignedUserId=rep["userId"])
    assert lead["leadId"] in {x["leadId"] for x in listed}


# --- deals --------------------------------------------------------------------------------


async def test_deal_figures_are_exact_and_listed(fresh: DealerCenter) -> None:
    api = fresh  # it numbers the new deal after the store's deals
    customer, vehicle = await _customer(api, 0), await _in_stock(api, 1)
    mine = len(await api.all("/deals", customerId=customer["customerId"]))
    answer = await api.created("/deals", _deal_body(api, customer, vehicle, "q-1"))
    assert set(answer) == {
        "dealId",
        "status",
        "paymentEstimate",
        "creditApplication",
        "createdAt",
        "referenceId",
    }
    # Tax on the price less discounts and trade; fees are not taxed.
    tax = ((Decimal("21995.00") - 500 - 3000) * Decimal("0.0825")).quantize(CENT, ROUND_HALF_UP)
    assert tax == Decimal("1525.84")
    financed = Decimal("21995.00") - 500 + 150 + 220 + tax - (3000 - 1200) - 2000
    assert answer["status"] == "submitted"
    assert answer["paymentEstimate"] == {
        "monthly": _monthly(financed, Decimal("7.49"), 72),
        "termMonths": 72,
        "apr": Decimal("7.49"),
    }
    assert answer["paymentEstimate"]["monthly"] == Decimal("338.63")
    credit = answer["creditApplication"]
    assert credit["applicationId"].startswith("ca_") and credit["status"] == "sent_to_lenders"

    deal = await api.ok(f"/deals/{answer['dealId']}")
    assert deal["tax"] == {"rate": Decimal("0.0825"), "amount": tax}
    assert deal["buyer"]["firstName"] == customer["firstName"]  # filled from the file
    assert deal["buyer"]["address"] == customer["address"]
    assert deal["salespersonId"] == api.vendor.state.api_user.user_id
    assert deal["dealNumber"] == f"D-{10000 + len(api.vendor.state.world.deals) + 1}"
    assert "attachments" not in deal and "submitCreditApplication" not in deal
    listed = await api.all("/deals", customerId=customer["customerId"], status="submitted")
    assert answer["dealId"] in {d["dealId"] for d in listed}
    assert len(await api.all("/deals", customerId=customer["customerId"])) == mine + 1
    # A deal being worked holds the unit.
    assert (await api.ok(f"/inventory/vehicles/{vehicle['vehicleId']}"))["status"] == "pending"

    # The tax amount may be given, and must be the vendor's figure: the page's 1757.44 is not.
    body = _deal_body(api, customer, vehicle, None)
    assert await api.refused(
        "POST", "/deals", {**body, "tax": {"rate": Decimal("0.0825"), "amount": Decimal("1757.44")}}
    ) == ["tax.amount"]
    same = await api.created("/deals", {**body, "tax": {"rate": Decimal("0.0825"), "amount": tax}})
    assert same["paymentEstimate"] == answer["paymentEstimate"]


async def test_cash_bhph_and_new_buyer_deals(api: DealerCenter) -> None:
    customer, vehicle = await _customer(api, 1), await _in_stock(api, 2)
    store = api.vendor.state.world.store
    cash = {
        "vehicleId": vehicle["vehicleId"],
        "buyer": {"customerId": customer["customerId"]},
        "dealType": "cash",
        "salePrice": Decimal("8995.00"),
    }
    answer = await api.created("/deals", cash)
    assert (answer["status"], answer["paymentEstimate"], answer["creditApplication"]) == (
        "quote",
        None,
        None,
    )
    deal = await api.ok(f"/deals/{answer['dealId']}")
    assert deal["fees"] == [{"code": "doc", "description": "Doc Fee", "amount": store.doc_fee}]
    assert deal["tax"] == {
        "rate": store.tax_rate,
        "amount": (Decimal("8995.00") * store.tax_rate).quantize(CENT, ROUND_HALF_UP),
    }
    assert deal["tradeIn"] == {
        "enabled": False,
        "allowance": Decimal("0.00"),
        "lienPayoff": Decimal("0.00"),
        "vin": None,
    }
    assert (deal["finance"], deal["downPayment"], deal["discounts"]) == (None, 0, 0)

    bhph = {
        **cash,
        "dealType": "bhph",
        "buyer": {
            "firstName": "Sam",
            "lastName": "Okafor",
            "phone": "+17045550123",
            "address": {
                "line1": "12 Elm St",
                "city": "Charlotte",
                "region": "NC",
                "postalCode": "28202",
            },
        },
        "downPayment": Decimal("1000.00"),
        "finance": {"termMonths": 30, "apr": Decimal("24.99")},
    }
    answer = await api.created("/deals", bhph)
    deal = await api.ok(f"/deals/{answer['dealId']}")
    financed = Decimal("8995.00") + store.doc_fee + deal["tax"]["amount"] - 1000
    assert answer["paymentEstimate"]["monthly"] == _monthly(financed, Decimal("24.99"), 30)
    assert deal["finance"]["lenderId"] is None and answer["creditApplication"] is None
    # The new buyer is a customer now, found by phone.
    [found] = (await api.ok("/crm/customers", search="7045550123"))["items"]
    assert found["customerId"] == deal["buyer"]["customerId"]
    assert found["address"]["country"] == "US"


async def test_deal_validation(api: DealerCenter) -> None:
    customer, vehicle = await _customer(api, 2), await _in_stock(api, 3)
    sold = (await api.ok("/inventory/vehicles", status="sold", pageSize=1))["items"][0]
    good = _deal_body(api, customer, vehicle, None)
    finance = good["finance"]
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({**good, "vehicleId": None}, ["vehicleId"]),
        ({**good, "vehicleId": sold["vehicleId"]}, ["vehicleId"]),
        ({**good, "buyer": {"customerId": "cust_nobody"}}, ["buyer.customerId"]),
        (
            {**good, "buyer": {"firstName": "A", "phone": "555-0100"}},
            ["buyer.lastName", "buyer.phone"],
        ),
        ({**good, "buyer": None}, ["buyer"]),
        ({**good, "dealType": "lease"}, ["dealType"]),
        ({**good, "salePrice": Decimal("0.00")}, ["salePrice"]),
        ({**good, "discounts": Decimal("30000.00")}, ["discounts"]),
        ({**good, "salePrice": "21995.00"}, ["salePrice"]),
        ({**good, "fees": [{"code": "doc", "amount": Decimal("1.005")}]}, ["fees[0].amount"]),
        (
            {**good, "fees": [{"code": "ttl", "amount": 1}, {"code": "ttl", "amount": 2}]},
            ["fees[1].code"],
        ),
        ({**good, "tax": {"rate": Decimal("0.3")}}, ["tax.rate"]),
        (
            {**good, "tradeIn": {"enabled": True, "vin": "SHORT"}},
            ["tradeIn.allowance", "tradeIn.vin"],
        ),
        ({**good, "tradeIn": {"enabled": False, "allowance": 500}}, ["tradeIn.allowance"]),
        ({**good, "finance": None}, ["finance"]),
        (
            {**good, "finance": {**finance, "termMonths": 6, "apr": Decimal("7.499")}},
            ["finance.termMonths", "finance.apr"],
        ),
        ({**good, "finance": {**finance, "lenderId": "lnd_nobody"}}, ["finance.lenderId"]),
        ({**good, "dealType": "bhph", "submitCreditApplication": False}, ["finance.lenderId"]),
        (
            {**good, "dealType": "cash", "finance": None},
            ["submitCreditApplication"],
        ),
        ({**good, "dealType": "cash", "submitCreditApplication": False}, ["finance"]),
        (
            {**good, "attachments": [{"fileName": "id.pdf", "uploadToken": "tok"}]},
            ["attachments[0].uploadToken"],
        ),
        ({**good, "downPayment": Decimal("90000.00")}, ["downPayment"]),
        (
            {**good, "buyer": {"firstName": "A", "lastName": "B", "email": "a@example.org"}},
            ["buyer.address"],
        ),
    ]
    for body, fields in cases:
        assert await api.refused("POST", "/deals", body) == fields, body
    assert (await api.ok(f"/inventory/vehicles/{vehicle['vehicleId']}"))["status"] == "in_stock"


async def test_reference_id_replays_and_conflicts(api: DealerCenter) -> None:
    customer, vehicle = await _customer(api, 4), await _in_stock(api, 4)
    body = _deal_body(api, customer, vehicle, "q-replay")
    first = await api.created("/deals", body)
    total = (await api.ok("/deals"))["total"]
    # The same request, its numbers spelled differently: the first answer, nothing new.
    again = {**body, "salePrice": 21995}
    status, replay, headers = await api.send("POST", "/deals", again)
    assert (status, replay, headers["Idempotent-Replayed"]) == (201, first, "true")
    assert (await api.ok("/deals"))["total"] == total
    # The same key with another request is a conflict.
    status, answer, _ = await api.send("POST", "/deals", {**body, "downPayment": Decimal("1.00")})
    assert (status, answer["error"]["code"]) == (409, "conflict")
    assert answer["error"]["details"][0]["field"] == "referenceId"
    # Keys are per endpoint; the seeded records' keys are taken.
    assert await api.created("/crm/leads", _lead_body(vehicle, "q@example.org", "q-replay"))
    seeded = next(x["referenceId"] for x in await api.all("/crm/leads") if x["referenceId"])
    status, _, _ = await api.send(
        "POST", "/crm/leads", _lead_body(vehicle, "s@example.org", seeded)
    )
    assert status == 409
    assert (await api.ok("/deals"))["total"] == total


# --- BHPH payments ------------------------------------------------------------------------


async def _account(api: DealerCenter, status: str, index: int = 0) -> dict[str, Any]:
    return (await api.ok("/bhph/accounts", status=status))["items"][index]


async def test_payment_of_the_arrears_cures_the_account(api: DealerCenter) -> None:
    late = await _account(api, "past_due")
    path = f"/bhph/accounts/{late['accountId']}"
    receipts = [p["receiptNumber"] for p in await api.all("/bhph/payments")]
    overdue = [r for r in late["schedule"] if r["status"] == "past_due"]
    amount = late["pastDueAmount"] + late["lateFeesDue"]
    answer = await api.created(
        f"{path}/payments", {"amount": amount, "paymentMethod": "ach", "referenceId": "ACH 1"}
    )
    assert set(answer) == {"paymentId", "status", "receiptNumber", "nextDueDate", "referenceId"}
    assert answer["status"] == "posted"
    assert answer["receiptNumber"] == f"R-{TODAY.year}-{int(max(receipts)[-6:]) + 1:06d}"
    assert answer["nextDueDate"] == late["nextDueDate"]

    # Late fees first, then each overdue installment's interest and principal.
    payment = await api.ok(f"/bhph/payments/{answer['paymentId']}")
    assert payment["allocation"] == {
        "principal": sum((r["principal"] for r in overdue), Decimal(0)),
        "interest": sum((r["interest"] for r in overdue), Decimal(0)),
        "lateFees": late["lateFeesDue"],
    }
    assert (payment["accountId"], payment["customerId"]) == (late["accountId"], late["customerId"])
    after = await api.ok(path)
    balance = late["balance"] - payment["allocation"]["principal"]
    last_due = date.fromisoformat(overdue[-1]["dueDate"])
    accrued = (balance * late["apr"] / 100 * (TODAY - last_due).days / 365).quantize(
        CENT, ROUND_HALF_UP
    )
    assert _state(after) == {
        "balance": balance,
        "payoff": balance + accrued,
        "nextDueDate": late["nextDueDate"],
        "nextDueAmount": late["nextDueAmount"],
        "daysPastDue": 0,
        "pastDueAmount": 0,
        "lateFeesDue": 0,
        "status": "current",
    }
    assert all(r["status"] == "paid" for r in after["schedule"] if r["dueDate"] < TODAY.isoformat())
    assert (
        after["lastPaymentAt"] == payment["postedAt"] and after["updatedAt"] >= payment["postedAt"]
    )
    history = await api.all(f"{path}/payments")
    assert answer["paymentId"] in {p["paymentId"] for p in history}
    assert late["accountId"] in {
        a["accountId"] for a in await api.all("/bhph/accounts", status="current")
    }


async def test_early_and_partial_installments(api: DealerCenter) -> None:
    account = await _account(api, "current", 1)
    path = f"/bhph/accounts/{account['accountId']}"
    upcoming = [r for r in account["schedule"] if r["status"] == "upcoming"]
    # Paid ahead of its due date, the running installment is settled whole.
    answer = await api.created(
        f"{path}/payments", {"amount": account["nextDueAmount"], "paymentMethod": "cash"}
    )
    assert answer["nextDueDate"] == upcoming[1]["dueDate"]
    after = await api.ok(path)
    assert after["schedule"][upcoming[0]["number"] - 1]["status"] == "paid"
    assert after["balance"] == account["balance"] - upcoming[0]["principal"]
    # A partial payment pays the next one's interest first and leaves the rest owed.
    part = upcoming[1]["interest"] + Decimal("10.00")
    posted = await api.created(f"{path}/payments", {"amount": part, "paymentMethod": "card"})
    payment = await api.ok(f"/bhph/payments/{posted['paymentId']}")
    assert payment["allocation"] == {
        "principal": Decimal("10.00"),
        "interest": upcoming[1]["interest"],
        "lateFees": 0,
    }
    after = await api.ok(path)
    assert (after["nextDueDate"], after["nextDueAmount"]) == (
        upcoming[1]["dueDate"],
        upcoming[1]["amount"] - part,
    )
    assert after["schedule"][upcoming[1]["number"] - 1]["status"] == "upcoming"
    # The rest of it settles it.
    await api.created(
        f"{path}/payments", {"amount": after["nextDueAmount"], "paymentMethod": "cash"}
    )
    assert (await api.ok(path))["nextDueDate"] == upcoming[2]["dueDate"]


async def test_explicit_allocation_rules(api: DealerCenter) -> None:
    late = await _account(api, "past_due", 1)
    path = f"/bhph/accounts/{late['accountId']}/payments"
    fees, balance = late["lateFeesDue"], late["balance"]
    assert fees > 0

    def body(principal: Any, interest: Any, late_fees: Any, amount: Any = None) -> dict[str, Any]:
        parts = [Decimal(principal), Decimal(interest), Decimal(late_fees)]
        return {
            "amount": amount if amount is not None else sum(parts),
            "paymentMethod": "check",
            "allocation": dict(zip(("principal", "interest", "lateFees"), parts, strict=True)),
        }

    cases: list[tuple[dict[str, Any], list[str]]] = [
        (body(100, 10, 0, amount=Decimal("100.00")), ["allocation"]),
        (body(balance + 1, 0, fees), ["allocation.principal"]),
        (body(0, 99999, 0), ["allocation.interest"]),
        (body(0, 0, fees + CENT), ["allocation.lateFees"]),
        (body(balance, 0, 0), ["allocation.lateFees"]),  # a payoff settles the fees too
        (
            {"amount": 5, "paymentMethod": "check", "allocation": {"principal": 5}},
            [
                "allocation.interest",
                "allocation.lateFees",
            ],
        ),
    ]
    for case, fields in cases:
        assert await api.refused("POST", path, case) == fields, case
    # A valid split is recorded as given: the fees waived for now, principal first.
    answer = await api.created(path, {**body(200, 15, 0), "note": "Principal first"})
    payment = await api.ok(f"/bhph/payments/{answer['paymentId']}")
    assert payment["allocation"] == {"principal": 200, "interest": 15, "lateFees": 0}
    assert payment["note"] == "Principal first"
    after = await api.ok(f"/bhph/accounts/{late['accountId']}")
    assert (after["balance"], after["lateFeesDue"]) == (balance - 200, fees)


async def test_payment_rules_and_payoff(api: DealerCenter) -> None:
    current = await api.all("/bhph/accounts", status="current")
    account = [a for a in current if a["lastPaymentAt"]][2]
    path = f"/bhph/accounts/{account['accountId']}/payments"
    future = (TODAY + timedelta(days=2)).isoformat() + "T10:00:00Z"
    before_last = account["lastPaymentAt"][:10] + "T00:00:00Z"
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"amount": Decimal("0.00"), "paymentMethod": "crypto"}, ["amount", "paymentMethod"]),
        ({"amount": 10, "paymentMethod": "cash", "postedAt": future}, ["postedAt"]),
        ({"amount": 10, "paymentMethod": "cash", "postedAt": before_last}, ["postedAt"]),
        ({"amount": 10, "paymentMethod": "cash", "postedAt": "2020-01-01T00:00:00Z"}, ["postedAt"]),
        ({"amount": account["payoff"] + CENT, "paymentMethod": "cash"}, ["amount"]),
        ({"amount": 10, "paymentMethod": "cash", "note": "x" * 501}, ["note"]),
    ]
    for case, fields in cases:
        assert await api.refused("POST", path, case) == fields, case
    for status in ("paid_off", "charged_off"):
        closed = await _account(api, status)
        closed_path = f"/bhph/accounts/{closed['accountId']}/payments"
        assert await api.refused("POST", closed_path, {"amount": 10, "paymentMethod": "cash"}) == [
            "accountId"
        ]
    status, answer, _ = await api.send(
        "POST", "/bhph/accounts/acc_000000/payments", {"amount": 10, "paymentMethod": "cash"}
    )
    assert (status, answer["error"]["code"]) == (404, "not_found")

    # The payoff quote pays the loan off.
    answer = await api.created(path, {"amount": account["payoff"], "paymentMethod": "check"})
    assert answer["nextDueDate"] is None
    after = await api.ok(f"/bhph/accounts/{account['accountId']}")
    assert _state(after) == {
        "balance": 0,
        "payoff": 0,
        "nextDueDate": None,
        "nextDueAmount": None,
        "daysPastDue": 0,
        "pastDueAmount": 0,
        "lateFeesDue": 0,
        "status": "paid_off",
    }
    assert {r["status"] for r in after["schedule"]} == {"paid"}
    payment = await api.ok(f"/bhph/payments/{answer['paymentId']}")
    assert payment["allocation"]["principal"] == account["balance"]
    assert payment["allocation"]["interest"] == account["payoff"] - account["balance"]
    assert await api.refused("POST", path, {"amount": 10, "paymentMethod": "cash"}) == ["accountId"]


async def test_payment_reference_id_replays(api: DealerCenter) -> None:
    account = await _account(api, "current", 3)
    path = f"/bhph/accounts/{account['accountId']}/payments"
    due = account["nextDueAmount"]
    body = {"amount": due, "paymentMethod": "check", "referenceId": "CHK 99001"}
    first = await api.created(path, body)
    count = len(await api.all("/bhph/payments", accountId=account["accountId"]))
    # Sent again (its members in another order): the first answer, nothing new.
    status, again, _ = await api.send("POST", path, dict(reversed(body.items())))
    assert (status, again) == (201, first)
    assert len(await api.all("/bhph/payments", accountId=account["accountId"])) == count
    assert (await api.ok(f"/bhph/accounts/{account['accountId']}"))["balance"] < account["balance"]
    # The same key on another account is another request.
    other = await _account(api, "current", 4)
    status, _, _ = await api.send("POST", f"/bhph/accounts/{other['accountId']}/payments", body)
    assert status == 409


async def test_late_fees_are_drawn_once_as_days_pass() -> None:
    """An installment left unpaid past its grace days draws one late fee, and a payment
    then settles that fee first (the sandbox's clock stays on one day, so days are moved
    here directly)."""
    state = build_state(SandboxOptions())
    account = next(a for a in state.accounts if a["status"] == "current")
    loan = loans.Loan(account, _interest_paid(state, account["accountId"]))
    drawn = loans.initially_drawn(account, TODAY)
    assert account["lateFeesDue"] == 0 and not drawn
    due = date.fromisoformat(str(account["nextDueDate"]))
    fee, grace = account["lateFee"]["amount"], account["lateFee"]["graceDays"]
    on_time = due + timedelta(days=grace)
    loans.assess_late_fees(account, loan, drawn, on_time)
    assert account["lateFeesDue"] == 0
    late = on_time + timedelta(days=1)
    for _ in range(2):
        loans.assess_late_fees(account, loan, drawn, late)
        assert account["lateFeesDue"] == fee
    split = loans.default_split(loan, account["nextDueAmount"] + fee, late)
    assert isinstance(split, loans.Split) and split.late_fees == fee
    assert split.principal + split.interest == account["nextDueAmount"]


def _interest_paid(state: Any, account_id: str) -> Decimal:
    parts = [p["allocation"]["interest"] for p in state.payments if p["accountId"] == account_id]
    return sum(parts, Decimal(0))

"""Dealertrack writes over real HTTP: the page's deal and journal-entry examples, each write
landing in the rooftop's tables, every validation rule answering its status and field,
figures exact to the cent, the deal's status order and lender rules, period locks, and
referenceId replay and conflict."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sandbox import SandboxOptions, VendorHandle, start_sandbox
from tests.sandbox.helpers import WriteClient, signed_in

pytestmark = pytest.mark.asyncio(loop_scope="module")

TODAY: date = SandboxOptions().today
FORBIDDEN, NOT_FOUND = (403, "forbidden"), (404, "not_found")
INVALID, CONFLICT = (400, "invalid_parameter"), (409, "conflict")
CENT = Decimal("0.01")
D = Decimal


class Dealertrack(WriteClient):
    """Calls name the login's first rooftop unless told otherwise: reads and the PATCH in
    the query, POSTs in their own body."""

    def __init__(self, http: aiohttp.ClientSession, vendor: VendorHandle, token: str) -> None:
        super().__init__(http, vendor, token)
        self.home, self.other = (store_id for store_id, _ in vendor.stores)

    async def send(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        if method in ("GET", "PATCH"):
            params = {"rooftopId": self.home, **params}
        return await super().send(method, path, body, **params)

    async def patched(self, deal_id: str, body: dict[str, Any]) -> Any:
        status, answer, _ = await self.send("PATCH", f"/sales/deals/{deal_id}", body)
        assert status == 200, answer
        return answer

    async def error(self, method: str, path: str, body: Any, **params: Any) -> tuple[int, str]:
        status, answer, _ = await self.send(method, path, body, **params)
        return status, answer["error"]["code"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(http: aiohttp.ClientSession) -> AsyncIterator[Dealertrack]:
    """A sandbox of its own: the module writes."""
    async with await start_sandbox(SandboxOptions(), vendors=("dealertrack",)) as sb:
        vendor = sb.vendors["dealertrack"]
        yield Dealertrack(http, vendor, await signed_in(http, vendor))


@pytest_asyncio.fixture(loop_scope="module")
async def fresh(http: aiohttp.ClientSession) -> AsyncIterator[Dealertrack]:
    """A sandbox of the test's own, for a test that counts what the store holds: the
    module's other tests post journal entries and deals in any order."""
    async with await start_sandbox(SandboxOptions(), vendors=("dealertrack",)) as sb:
        vendor = sb.vendors["dealertrack"]
        yield Dealertrack(http, vendor, await signed_in(http, vendor))


async def _in_stock(api: Dealertrack, skip: int, rooftop: str | None = None) -> dict[str, Any]:
    page = await api.ok(
        "/inventory/vehicles", status="in_stock", pageSize=40, rooftopId=rooftop or api.home
    )
    return page["items"][skip]


async def _customer(api: Dealertrack, index: int) -> dict[str, Any]:
    return (await api.ok("/customers", pageSize=20))["items"][index]


def _page_deal(api: Dealertrack, vehicle_id: str, ref: str | None, **over: Any) -> dict[str, Any]:
    """The page's example body, on a vehicle this rooftop has."""
    body: dict[str, Any] = {
        "rooftopId": api.home,
        "vehicleId": vehicle_id,
        "customer": {
            "customerId": None,
            "firstName": "Jordan",
            "lastName": "Lopez",
            "email": f"{ref or 'jordan'}@example.com",
            "phone": "+1-555-0102",
            "driversLicense": {"number": "L1234567", "state": "GA"},
            "address": {
                "line1": "500 Peachtree St NE",
                "city": "Atlanta",
                "region": "GA",
                "postalCode": "30308",
                "country": "US",
            },
        },
        "figures": {
            "salePrice": D("63990.00"),
            "cashDown": D("3000.00"),
            "rebates": D("500.00"),
            "tradeIn": {"value": D("12000.00"), "payoff": D("8000.00"), "vin": "2HGFB2F50DH123456"},
            "fees": [{"type": "doc", "amount": D("399.00")}],
            "tax": {"rate": D("0.07")},
        },
        "finance": {
            "termMonths": 72,
            "apr": D("5.99"),
            "preferredLenders": ["lnd_ally", "lnd_capone"],
            "products": [
                {"code": "VSC", "name": "Service Contract", "price": D("1895.00")},
                {"code": "GAP", "name": "GAP", "price": D("695.00")},
            ],
        },
        "attachments": [{"fileName": "buyers_order.pdf", "uploadToken": "upl_98dc3a"}],
        "referenceId": ref,
    }
    body.update(over)
    return body


def _monthly(principal: Decimal, apr: Decimal, months: int) -> Decimal:
    rate = apr / 1200
    factor = (1 + rate) ** months
    return (principal * rate * factor / (factor - 1)).quantize(CENT, ROUND_HALF_UP)


def _financed(cash_down: Decimal) -> Decimal:
    """The page's figures: price + tax + doc fee + products - rebates - trade equity - down."""
    tax = (D("63990.00") - D("12000.00")) * D("0.07")  # 3639.30, as the page's deal shows
    return D("63990.00") + tax + 399 + 1895 + 695 - 500 - (12000 - 8000) - cash_down


async def test_page_deal_example_lands_and_progresses(api: Dealertrack) -> None:
    vehicle = await _in_stock(api, 0)
    numbers = [d["dealNumber"] for d in await api.all("/sales/deals")]
    pending = (await api.ok("/sales/deals", status="pending"))["total"]
    answer = await api.created("/sales/deals", _page_deal(api, vehicle["vehicleId"], "dr-1"))
    assert set(answer) == {
        "dealId",
        "dealNumber",
        "status",
        "lenderStatus",
        "createdAt",
        "referenceId",
    }
    assert (answer["status"], answer["lenderStatus"], answer["referenceId"]) == (
        "pending",
        "submitted",
        "dr-1",
    )
    assert answer["dealNumber"] == f"D-{max(int(n[2:]) for n in numbers) + 1}"
    assert answer["createdAt"].startswith(TODAY.isoformat())

    deal = await api.ok(f"/sales/deals/{answer['dealId']}")
    assert deal["figures"]["tax"] == {"rate": D("0.07"), "amount": D("3639.30")}
    assert deal["finance"]["monthlyPayment"] == _monthly(_financed(D(3000)), D("5.99"), 72)
    assert (deal["vehicleId"], deal["vehicle"]["vin"]) == (vehicle["vehicleId"], vehicle["vin"])
    assert deal["attachments"] == [{"fileName": "buyers_order.pdf", "uploadToken": "upl_98dc3a"}]
    assert deal["salespersonId"] == api.vendor.state.api_user.user_id
    assert (await api.ok("/sales/deals", status="pending"))["total"] == pending + 1
    # The new buyer is filed as a customer of the rooftop, license and all.
    [customer] = (await api.ok("/customers", search="dr-1@example.com"))["items"]
    assert customer["customerId"] == deal["customer"]["customerId"]
    assert customer["driversLicense"] == {"number": "L1234567", "state": "GA"}
    mine = await api.ok("/sales/deals", customerId=customer["customerId"])
    assert [d["dealId"] for d in mine["items"]] == [answer["dealId"]]

    # The page's PATCH: approved by a lender it went to, contracted, with more down.
    patch = {
        "status": "contracted",
        "lenderDecision": {
            "lenderId": "lnd_ally",
            "decision": "approved",
            "approvedApr": D("5.75"),
        },
        "figures": {"cashDown": D("3500.00")},
    }
    patched = await api.patched(answer["dealId"], patch)
    assert set(patched) == {"dealId", "status", "lenderStatus", "updatedAt"}
    assert (patched["status"], patched["lenderStatus"]) == ("contracted", "approved")
    deal = await api.ok(f"/sales/deals/{answer['dealId']}")
    assert deal["lenderDecision"] == patch["lenderDecision"]
    assert deal["finance"]["apr"] == D("5.75") and deal["figures"]["cashDown"] == D("3500.00")
    assert deal["finance"]["monthlyPayment"] == _monthly(_financed(D(3500)), D("5.75"), 72)
    sold = await api.ok(f"/inventory/vehicles/{vehicle['vehicleId']}")
    assert (sold["status"], sold["lotLocation"], sold["pricing"]["internetPrice"]) == (
        "sold",
        None,
        None,
    )
    assert (await api.patched(answer["dealId"], {"status": "delivered"}))["status"] == "delivered"
    assert await api.refused(
        "PATCH", f"/sales/deals/{answer['dealId']}", {"status": "cancelled"}
    ) == ["status"]
    # A sold unit takes no new deal.
    again = _page_deal(api, vehicle["vehicleId"], None)
    assert await api.refused("POST", "/sales/deals", again) == ["vehicleId"]


async def test_cash_deal_for_a_customer_on_file(api: Dealertrack) -> None:
    vehicle, buyer, co_buyer = (
        await _in_stock(api, 1),
        await _customer(api, 0),
        await _customer(api, 1),
    )
    customers = (await api.ok("/customers"))["total"]
    body = _page_deal(
        api,
        vehicle["vehicleId"],
        None,
        customer={"customerId": buyer["customerId"]},
        coBuyer={"customerId": co_buyer["customerId"]},
        figures={"salePrice": D("20000.00"), "fees": [{"type": "title", "amount": D("77.00")}]},
        finance=None,
        attachments=None,
    )
    answer = await api.created("/sales/deals", body)
    assert (answer["status"], answer["lenderStatus"], answer["referenceId"]) == (
        "pending",
        None,
        None,
    )
    deal = await api.ok(f"/sales/deals/{answer['dealId']}")
    store = api.vendor.state.rooftops[api.home].world.store
    # Without a doc fee in the list the rooftop's own is charged; tax at the rooftop's rate.
    assert deal["figures"]["fees"] == [
        {"type": "doc", "amount": store.doc_fee},
        {"type": "title", "amount": D("77.00")},
    ]
    assert deal["figures"]["tax"] == {
        "rate": store.tax_rate,
        "amount": (D("20000.00") * store.tax_rate).quantize(CENT, ROUND_HALF_UP),
    }
    assert (deal["finance"], deal["customer"]["customerId"], deal["coBuyer"]["customerId"]) == (
        None,
        buyer["customerId"],
        co_buyer["customerId"],
    )
    assert (await api.ok("/customers"))["total"] == customers  # nobody new filed
    path = f"/sales/deals/{answer['dealId']}"
    decision = {"lenderDecision": {"lenderId": "lnd_ally", "decision": "approved"}}
    assert await api.refused("PATCH", path, decision) == ["lenderDecision"]
    # A cash deal is approved by the store; contracting it sells the unit, cancelling
    # the contract puts it back where it stood.
    for step in ("approved", "contracted"):
        assert (await api.patched(answer["dealId"], {"status": step}))["status"] == step
    assert (await api.ok(f"/inventory/vehicles/{vehicle['vehicleId']}"))["status"] == "sold"
    assert (await api.patched(answer["dealId"], {"status": "cancelled"}))["status"] == "cancelled"
    restored = await api.ok(f"/inventory/vehicles/{vehicle['vehicleId']}")
    assert {**restored, "updatedAt": vehicle["updatedAt"]} == vehicle
    assert await api.refused("PATCH", path, {"status": "pending"}) == ["status"]


async def test_deal_validation(api: Dealertrack) -> None:
    vehicle = await _in_stock(api, 2)
    sold = (await api.ok("/inventory/vehicles", status="sold", pageSize=1))["items"][0]
    theirs = await _in_stock(api, 0, api.other)
    good = _page_deal(api, vehicle["vehicleId"], "dr-bad")
    figures, finance, person = good["figures"], good["finance"], good["customer"]
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({**good, "vehicleId": sold["vehicleId"]}, ["vehicleId"]),
        ({**good, "vehicleId": theirs["vehicleId"]}, ["vehicleId"]),
        ({**good, "customer": {"customerId": "cust_nobody"}}, ["customer.customerId"]),
        (
            {**good, "customer": {**person, "email": None, "phone": None}},
            ["customer.email"],
        ),
        (
            {
                **good,
                "customer": {**person, "driversLicense": {"number": "L1", "state": "Georgia"}},
            },
            ["customer.driversLicense.number", "customer.driversLicense.state"],
        ),
        ({**good, "coBuyer": {"customerId": "cust_nobody"}}, ["coBuyer.customerId"]),
        ({**good, "figures": {**figures, "salePrice": D("0.00")}}, ["figures.salePrice"]),
        ({**good, "figures": {**figures, "rebates": "500.00"}}, ["figures.rebates"]),
        ({**good, "figures": {**figures, "cashDown": D("3000.001")}}, ["figures.cashDown"]),
        (
            {**good, "figures": {**figures, "tradeIn": {"payoff": D(1), "vin": "SHORT"}}},
            ["figures.tradeIn.value", "figures.tradeIn.vin"],
        ),
        (
            {
                **good,
                "figures": {**figures, "fees": [*figures["fees"], {"type": "doc", "amount": D(1)}]},
            },
            ["figures.fees[1].type"],
        ),
        ({**good, "figures": {**figures, "tax": {"rate": D("0.3")}}}, ["figures.tax.rate"]),
        ({**good, "figures": {**figures, "cashDown": D("90000.00")}}, ["figures.cashDown"]),
        (
            {**good, "finance": {**finance, "termMonths": 120, "apr": D("5.999")}},
            ["finance.termMonths", "finance.apr"],
        ),
        (
            {
                **good,
                "finance": {**finance, "preferredLenders": ["lnd_ally", "lnd_nobank", "lnd_ally"]},
            },
            ["finance.preferredLenders[1]", "finance.preferredLenders[2]"],
        ),
        ({**good, "finance": {**finance, "preferredLenders": []}}, ["finance.preferredLenders"]),
        (
            {**good, "finance": {**finance, "products": [{"code": "VSC"}]}},
            ["finance.products[0].price"],
        ),
        ({**good, "salespersonId": "u_nobody"}, ["salespersonId"]),
        (
            {**good, "attachments": [{"fileName": "x.pdf", "uploadToken": "tok"}]},
            ["attachments[0].uploadToken"],
        ),
    ]
    for body, fields in cases:
        assert await api.refused("POST", "/sales/deals", body) == fields, body
    everything = await api.refused("POST", "/sales/deals", {"rooftopId": api.home})
    assert everything == ["vehicleId", "customer", "figures"]
    # The rooftop comes first: missing is 400, one the login does not hold 403.
    assert await api.error("POST", "/sales/deals", {**good, "rooftopId": None}) == INVALID
    assert await api.error("POST", "/sales/deals", {**good, "rooftopId": "rt_0001"}) == FORBIDDEN
    assert await api.error("POST", "/sales/deals", [good]) == INVALID
    # Refused requests claim nothing: the same key then creates the deal.
    assert (await api.created("/sales/deals", good))["referenceId"] == "dr-bad"


async def test_reference_id_replays_and_conflicts(api: Dealertrack) -> None:
    vehicle = await _in_stock(api, 3)
    body = _page_deal(api, vehicle["vehicleId"], "dr-replay")
    first = await api.created("/sales/deals", body)
    deals, customers = (
        (await api.ok("/sales/deals"))["total"],
        (await api.ok("/customers"))["total"],
    )
    # The same request, numbers spelled otherwise: the first answer again, nothing new.
    again = {**body, "figures": {**body["figures"], "salePrice": 63990}}
    status, replay, headers = await api.send("POST", "/sales/deals", again)
    assert (status, replay, headers["Idempotent-Replayed"]) == (201, first, "true")
    assert (await api.ok("/sales/deals"))["total"] == deals
    assert (await api.ok("/customers"))["total"] == customers
    # The same key with another request is a conflict; so is a seeded deal's key.
    other = {**body, "finance": None}
    status, answer, _ = await api.send("POST", "/sales/deals", other)
    assert (status, answer["error"]["code"]) == CONFLICT
    assert answer["error"]["details"][0]["field"] == "referenceId"
    seeded = next(
        d["referenceId"]
        for d in await api.all("/sales/deals")
        if (d["referenceId"] or "").startswith("deal-DR-")
    )
    assert await api.error("POST", "/sales/deals", {**body, "referenceId": seeded}) == CONFLICT
    # A replay is only answered to a caller the write itself would accept.
    assert await api.error("POST", "/sales/deals", {**body, "rooftopId": "rt_0001"}) == FORBIDDEN
    # PATCHes honour the key too: a repeat answers the first answer, not a refusal.
    patch = {"status": "cancelled", "referenceId": "dr-replay-cancel"}
    cancelled = await api.patched(first["dealId"], patch)
    assert await api.patched(first["dealId"], patch) == cancelled
    assert (await api.ok("/sales/deals"))["total"] == deals


async def test_status_order_and_lender_rules(api: Dealertrack) -> None:
    vehicle = await _in_stock(api, 4)
    deal = await api.created("/sales/deals", _page_deal(api, vehicle["vehicleId"], None))
    deal_id = deal["dealId"]
    path = f"/sales/deals/{deal_id}"

    def decide(lender: str, decision: str, apr: Decimal | None = None) -> dict[str, Any]:
        return {"lenderDecision": {"lenderId": lender, "decision": decision, "approvedApr": apr}}

    assert await api.refused("PATCH", path, {"status": "approved"}) == ["status"]  # lender's call
    assert await api.refused("PATCH", path, {"status": "contracted"}) == ["status"]
    assert await api.refused("PATCH", path, {"status": "draft"}) == ["status"]
    assert await api.refused("PATCH", path, decide("lnd_chase", "approved")) == [
        "lenderDecision.lenderId"
    ]
    assert await api.refused("PATCH", path, decide("lnd_capone", "declined", D("9.99"))) == [
        "lenderDecision.approvedApr"
    ]
    assert await api.refused("PATCH", path, decide("lnd_capone", "maybe")) == [
        "lenderDecision.decision"
    ]
    assert await api.refused("PATCH", path, {"figures": {"fees": []}}) == ["figures.fees"]
    assert await api.error("PATCH", path, {}) == (422, "validation_failed")  # nothing to do
    # One lender declines, the deal waits; another approves at the rate asked.
    declined = await api.patched(deal_id, decide("lnd_capone", "declined"))
    assert (declined["status"], declined["lenderStatus"]) == ("pending", "declined")
    repriced = await api.patched(deal_id, {"figures": {"salePrice": D("62990.00")}})
    assert repriced["status"] == "pending"
    approved = await api.patched(deal_id, decide("lnd_ally", "conditioned"))
    assert (approved["status"], approved["lenderStatus"]) == ("approved", "conditioned")
    row = await api.ok(path)
    assert row["lenderDecision"]["approvedApr"] == D("5.99") == row["finance"]["apr"]
    assert row["figures"]["tax"]["amount"] == D("3569.30")  # 7% of 62,990 less the trade
    # Decided and approved: no second decision, no new figures.
    assert await api.refused("PATCH", path, decide("lnd_ally", "approved")) == ["lenderDecision"]
    assert await api.refused("PATCH", path, {"figures": {"cashDown": D("1.00")}}) == [
        "figures.cashDown"
    ]
    assert await api.refused("PATCH", path, {"status": "delivered"}) == ["status"]
    # Another rooftop's query does not reach the deal; an unknown deal is 404.
    assert await api.error("PATCH", path, {"status": "cancelled"}, rooftopId=api.other) == NOT_FOUND
    assert (
        await api.error("PATCH", "/sales/deals/deal_000000", {"status": "cancelled"}) == NOT_FOUND
    )
    assert await api.error("PATCH", path, {"status": "cancelled"}, rooftopId="") == INVALID


async def test_a_draft_deal_is_submitted_when_it_moves_on(api: Dealertrack) -> None:
    drafts = await api.all("/sales/deals", status="draft")
    draft = next(d for d in drafts if d["finance"] is not None)
    assert draft["lenderStatus"] == "not_submitted"
    moved = await api.patched(draft["dealId"], {"status": "pending"})
    assert (moved["status"], moved["lenderStatus"]) == ("pending", "submitted")
    assert draft["dealId"] in {d["dealId"] for d in await api.all("/sales/deals", status="pending")}


def _journal(api: Dealertrack, posted: date, **over: Any) -> dict[str, Any]:
    """The page's example entry."""
    body: dict[str, Any] = {
        "rooftopId": api.home,
        "postedDate": posted.isoformat(),
        "memo": "Digital retail deposit batch",
        "reference": "DEP-2026-01-21",
        "lines": [
            {
                "accountNumber": "1010",
                "department": "10",
                "debit": D("15000.00"),
                "credit": D("0.00"),
                "description": "Cash - Bank",
            },
            {
                "accountNumber": "2310",
                "department": "10",
                "debit": D("0.00"),
                "credit": D("15000.00"),
                "description": "Customer Deposits",
            },
        ],
        "attachments": [{"fileName": "deposit_summary.pdf", "uploadToken": "upl_7fa223"}],
    }
    body.update(over)
    return body


async def test_journal_entry_posts_and_lists(fresh: Dealertrack) -> None:
    api = fresh  # it counts the store's journal entries
    accounts = await api.all("/accounting/gl-accounts")
    assert {"1010", "2310"} <= {a["accountNumber"] for a in accounts}
    assert (await api.ok("/accounting/gl-accounts/2310"))["normalBalance"] == "credit"
    body = _journal(api, TODAY)
    answer = await api.created("/accounting/journal-entries", body)
    assert set(answer) == {"journalEntryId", "status", "postedDate", "lines", "createdAt"}
    assert (answer["status"], answer["postedDate"], answer["lines"]) == (
        "posted",
        TODAY.isoformat(),
        2,
    )
    entry = await api.ok(f"/accounting/journal-entries/{answer['journalEntryId']}")
    assert entry["lines"] == body["lines"] and entry["reference"] == "DEP-2026-01-21"
    assert entry["postedBy"] == api.vendor.state.api_user.user_id
    listed = await api.ok("/accounting/journal-entries", reference="dep-2026-01-21")
    assert [e["journalEntryId"] for e in listed["items"]] == [answer["journalEntryId"]]
    assert (await api.ok("/accounting/journal-entries", accountNumber="2310"))["total"] == 1
    assert (await api.ok("/accounting/journal-entries", postedTo="2026-01-31"))["total"] == 0
    assert (await api.ok("/accounting/journal-entries", rooftopId=api.other))["total"] == 0
    # ``reference`` is the document's, not an idempotency key: the same entry posts twice.
    again = await api.created("/accounting/journal-entries", {**body, "referenceId": "x-1"})
    assert again["journalEntryId"] != answer["journalEntryId"]
    assert (await api.ok("/accounting/journal-entries", reference="DEP-2026-01-21"))["total"] == 2


async def test_journal_entry_rules(api: Dealertrack) -> None:
    good = _journal(api, TODAY)
    lines = good["lines"]
    cash, deposits = lines
    closed = TODAY.replace(day=1) - timedelta(days=1)
    future = TODAY.replace(day=28) + timedelta(days=10)
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({**good, "lines": [cash, {**deposits, "credit": D("14999.99")}]}, ["lines"]),
        ({**good, "postedDate": closed.isoformat()}, ["postedDate"]),
        ({**good, "postedDate": future.isoformat()}, ["postedDate"]),
        ({**good, "postedDate": "2026-11-20T10:00:00Z"}, ["postedDate"]),
        (
            {**good, "lines": [{**cash, "accountNumber": "9999"}, deposits]},
            ["lines[0].accountNumber"],
        ),
        (
            {**good, "lines": [{**cash, "accountNumber": "1040"}, deposits]},
            ["lines[0].accountNumber"],
        ),
        ({**good, "lines": [cash, {**deposits, "department": "99"}]}, ["lines[1].department"]),
        ({**good, "lines": [cash, {**deposits, "debit": D("1.00")}]}, ["lines[1]"]),
        ({**good, "lines": [cash, {**deposits, "credit": D("-15000.00")}]}, ["lines[1].credit"]),
        ({**good, "lines": [cash]}, ["lines"]),
        ({**good, "memo": "m" * 251}, ["memo"]),
    ]
    for body, fields in cases:
        assert await api.refused("POST", "/accounting/journal-entries", body) == fields, body
    _, answer, _ = await api.send(
        "POST", "/accounting/journal-entries", {**good, "postedDate": closed.isoformat()}
    )
    assert "closed accounting period" in answer["error"]["message"]
    unbalanced = {**good, "lines": [cash, {**deposits, "credit": D("14999.99")}]}
    _, answer, _ = await api.send("POST", "/accounting/journal-entries", unbalanced)
    assert answer["error"]["message"].endswith("debits total 15000.00, credits total 14999.99.")
    assert await api.refused("POST", "/accounting/journal-entries", {"rooftopId": api.home}) == [
        "postedDate",
        "lines",
    ]


async def test_period_locks_are_configurable(api: Dealertrack) -> None:
    locks = api.vendor.state.rooftops[api.home].periods
    last_month = TODAY.replace(day=1) - timedelta(days=1)
    periods = {p["period"]: p["status"] for p in await api.all("/accounting/periods")}
    this, prior = TODAY.strftime("%Y-%m"), last_month.strftime("%Y-%m")
    assert (periods[prior], periods[this]) == ("closed", "open")
    assert list(periods.values()).count("open") == 1
    assert (await api.ok("/accounting/periods", status="future"))["total"] == 2
    body = _journal(api, last_month, reference="ACCRUAL-LATE")
    assert await api.refused("POST", "/accounting/journal-entries", body) == ["postedDate"]
    saved = locks.closed_through
    locks.closed_through = last_month.replace(day=1) - timedelta(days=1)  # reopen last month
    try:
        assert (await api.ok(f"/accounting/periods/{prior}"))["status"] == "open"
        assert (await api.created("/accounting/journal-entries", body))["status"] == "posted"
    finally:
        locks.closed_through = saved
    assert await api.refused("POST", "/accounting/journal-entries", body) == ["postedDate"]
